//! Albums: a user's named sets of their images. An image may be in several
//! albums; deleting an album leaves its images alone (the join rows go with
//! it), deleting an image takes it out of every album. `cover_image_id` is
//! the cover the owner chose; without one (or once it leaves the album) the
//! newest image is the cover.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Albums::Table)
                    .if_not_exists()
                    .col(pk_auto(Albums::Id))
                    .col(integer(Albums::UserId))
                    .col(string_len(Albums::Name, 255))
                    .col(text(Albums::Description).default(""))
                    .col(integer_null(Albums::CoverImageId))
                    .col(timestamp_with_time_zone(Albums::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_albums_user_id")
                            .from(Albums::Table, Albums::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_albums_cover_image_id")
                            .from(Albums::Table, Albums::CoverImageId)
                            .to(Images::Table, Images::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_albums_user_id")
                    .table(Albums::Table)
                    .col(Albums::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AlbumImages::Table)
                    .if_not_exists()
                    .col(integer(AlbumImages::AlbumId))
                    .col(integer(AlbumImages::ImageId))
                    .col(timestamp_with_time_zone(AlbumImages::AddedAt))
                    .primary_key(
                        Index::create()
                            .col(AlbumImages::AlbumId)
                            .col(AlbumImages::ImageId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_album_images_album_id")
                            .from(AlbumImages::Table, AlbumImages::AlbumId)
                            .to(Albums::Table, Albums::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_album_images_image_id")
                            .from(AlbumImages::Table, AlbumImages::ImageId)
                            .to(Images::Table, Images::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // "Which albums hold this image" (the image page, deletes).
        manager
            .create_index(
                Index::create()
                    .name("idx_album_images_image_id")
                    .table(AlbumImages::Table)
                    .col(AlbumImages::ImageId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AlbumImages::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Albums::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Albums {
    Table,
    Id,
    UserId,
    Name,
    Description,
    CoverImageId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AlbumImages {
    Table,
    AlbumId,
    ImageId,
    AddedAt,
}

#[derive(DeriveIden)]
enum Images {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
