//! Share links: an owner's link to one image, a chosen set of images or an
//! album, for people without an account. Only a hash of the link's token is
//! stored (plus the random nonce the server derives it from with its secret
//! key), so the table alone opens nothing. An album link follows the album
//! (`album_id`); any other lists its images in `share_images`. Deleting the
//! owner, the album or an image takes their share rows with them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Shares::Table)
                    .if_not_exists()
                    .col(pk_auto(Shares::Id))
                    .col(integer(Shares::UserId))
                    .col(string_len_uniq(Shares::TokenHash, 64))
                    .col(string_len(Shares::TokenNonce, 64))
                    .col(integer_null(Shares::AlbumId))
                    .col(string_len(Shares::Title, 255).default(""))
                    .col(text(Shares::Message).default(""))
                    .col(timestamp_with_time_zone_null(Shares::ExpiresAt))
                    .col(string_null(Shares::PasswordHash))
                    .col(boolean(Shares::AllowDownload).default(true))
                    .col(big_integer(Shares::Views).default(0))
                    .col(big_integer(Shares::Downloads).default(0))
                    .col(timestamp_with_time_zone_null(Shares::LastOpenedAt))
                    .col(timestamp_with_time_zone(Shares::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_shares_user_id")
                            .from(Shares::Table, Shares::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_shares_album_id")
                            .from(Shares::Table, Shares::AlbumId)
                            .to(Albums::Table, Albums::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_shares_user_id")
                    .table(Shares::Table)
                    .col(Shares::UserId)
                    .to_owned(),
            )
            .await?;
        // Deleting an album deletes its links (the cascade looks them up).
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_shares_album_id")
                    .table(Shares::Table)
                    .col(Shares::AlbumId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ShareImages::Table)
                    .if_not_exists()
                    .col(integer(ShareImages::ShareId))
                    .col(integer(ShareImages::ImageId))
                    .primary_key(
                        Index::create()
                            .col(ShareImages::ShareId)
                            .col(ShareImages::ImageId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_share_images_share_id")
                            .from(ShareImages::Table, ShareImages::ShareId)
                            .to(Shares::Table, Shares::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_share_images_image_id")
                            .from(ShareImages::Table, ShareImages::ImageId)
                            .to(Images::Table, Images::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_share_images_image_id")
                    .table(ShareImages::Table)
                    .col(ShareImages::ImageId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ShareImages::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Shares::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Shares {
    Table,
    Id,
    UserId,
    TokenHash,
    TokenNonce,
    AlbumId,
    Title,
    Message,
    ExpiresAt,
    PasswordHash,
    AllowDownload,
    Views,
    Downloads,
    LastOpenedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ShareImages {
    Table,
    ShareId,
    ImageId,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Albums {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Images {
    Table,
    Id,
}
