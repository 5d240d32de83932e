//! Failed-attempt throttling in the database, so that every replica counts
//! the same attempts: one row per throttled key (`user:<name>`,
//! `ip:<address>`, `share:<id>`, `share-ip:<address>`) holding a leaky
//! bucket's level and when it was last updated (Unix milliseconds, so the
//! arithmetic is the same SQL on SQLite and Postgres).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoginAttempts::Table)
                    .if_not_exists()
                    .col(string_len(LoginAttempts::Key, 200).primary_key())
                    .col(double(LoginAttempts::Level))
                    .col(big_integer(LoginAttempts::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // The sweep deletes rows by age.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_login_attempts_updated_at")
                    .table(LoginAttempts::Table)
                    .col(LoginAttempts::UpdatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LoginAttempts::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum LoginAttempts {
    Table,
    Key,
    Level,
    UpdatedAt,
}
