//! Users and their images.
//!
//! Usernames are unique ignoring case. Rather than rely on each backend's idea
//! of case folding (SQLite's `lower()` and `NOCASE` only fold ASCII), the app
//! stores a normalised copy (`username_key`, Unicode lowercase) with a unique
//! index, so both databases enforce exactly the same rule.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .if_not_exists()
                    .col(pk_auto(Users::Id))
                    .col(string_len(Users::Username, 150))
                    .col(string_len_uniq(Users::UsernameKey, 150))
                    .col(text(Users::PasswordHash))
                    .col(boolean(Users::IsActive).default(true))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone_null(Users::LastLoginAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Images::Table)
                    .if_not_exists()
                    .col(pk_auto(Images::Id))
                    .col(integer(Images::UserId))
                    .col(string_len(Images::Name, 255))
                    .col(text(Images::Description))
                    .col(string_len_uniq(Images::FileKey, 64))
                    .col(timestamp_with_time_zone(Images::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_images_user_id")
                            .from(Images::Table, Images::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        // The gallery lists one user's images newest first.
        manager
            .create_index(
                Index::create()
                    .name("idx_images_user_id_created_at")
                    .table(Images::Table)
                    .col(Images::UserId)
                    .col(Images::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Images::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Users::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Username,
    UsernameKey,
    PasswordHash,
    IsActive,
    CreatedAt,
    LastLoginAt,
}

#[derive(DeriveIden)]
enum Images {
    Table,
    Id,
    UserId,
    Name,
    Description,
    FileKey,
    CreatedAt,
}
