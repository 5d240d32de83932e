//! What the image pipeline records about the stored files: the display
//! copy's size (so the page can reserve space before it loads), the format
//! of the variants, and whether the original was kept.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for mut column in [
            integer(Images::Width).default(0).to_owned(),
            integer(Images::Height).default(0).to_owned(),
            string_len(Images::Format, 8).default("jpeg").to_owned(),
            string_len_null(Images::OriginalExt, 8),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Images::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Images::Width,
            Images::Height,
            Images::Format,
            Images::OriginalExt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Images::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Images {
    Table,
    Width,
    Height,
    Format,
    OriginalExt,
}
