//! Running it for a team: `users.is_admin`, a per-user byte quota
//! (`users.quota_bytes`, NULL = the server's DEFAULT_QUOTA) and the bytes
//! each image's stored files take (`images.stored_bytes`, NULL until known:
//! rows from before this migration are measured by the app at start).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for mut column in [
            boolean(Users::IsAdmin).default(false).to_owned(),
            big_integer_null(Users::QuotaBytes),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Images::Table)
                    .add_column(big_integer_null(Images::StoredBytes))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Images::Table)
                    .drop_column(Images::StoredBytes)
                    .to_owned(),
            )
            .await?;
        for column in [Users::IsAdmin, Users::QuotaBytes] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    IsAdmin,
    QuotaBytes,
}

#[derive(DeriveIden)]
enum Images {
    Table,
    StoredBytes,
}
