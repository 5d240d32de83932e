//! What keeps the gallery's cost flat as a library grows: each user's
//! count of images in the gallery (not the trash), kept by triggers so
//! that no code path can forget it, and one index per gallery order, each
//! ending in the id, for keyset paging (`(key, id) < (…)`) over the
//! gallery's rows only.
//!
//! The triggers count the rows whose `deleted_at` is null: an insert adds
//! one, a delete takes one away, and an update moving a row into or out of
//! the trash does either. Existing rows are counted here.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Same text on both backends: partial and expression indexes are common
/// ground. Names compare as `LOWER(name)`, as the gallery sorts them.
const INDEXES: &[&str] = &[
    "CREATE INDEX idx_images_gallery_created ON images (user_id, created_at, id) \
     WHERE deleted_at IS NULL",
    "CREATE INDEX idx_images_gallery_name ON images (user_id, LOWER(name), id) \
     WHERE deleted_at IS NULL",
    "CREATE INDEX idx_images_gallery_edited ON images \
     (user_id, COALESCE(edited_at, created_at), id) WHERE deleted_at IS NULL",
    "UPDATE users SET image_count = (SELECT COUNT(*) FROM images \
     WHERE images.user_id = users.id AND images.deleted_at IS NULL)",
];

const INDEXES_DOWN: &[&str] = &[
    "DROP INDEX IF EXISTS idx_images_gallery_edited",
    "DROP INDEX IF EXISTS idx_images_gallery_name",
    "DROP INDEX IF EXISTS idx_images_gallery_created",
];

const SQLITE_COUNT: &[&str] = &[
    "CREATE TRIGGER images_count_insert AFTER INSERT ON images \
     WHEN new.deleted_at IS NULL BEGIN \
     UPDATE users SET image_count = image_count + 1 WHERE id = new.user_id; END",
    "CREATE TRIGGER images_count_delete AFTER DELETE ON images \
     WHEN old.deleted_at IS NULL BEGIN \
     UPDATE users SET image_count = image_count - 1 WHERE id = old.user_id; END",
    "CREATE TRIGGER images_count_update AFTER UPDATE OF deleted_at, user_id ON images BEGIN \
     UPDATE users SET image_count = image_count - 1 \
     WHERE id = old.user_id AND old.deleted_at IS NULL; \
     UPDATE users SET image_count = image_count + 1 \
     WHERE id = new.user_id AND new.deleted_at IS NULL; END",
];

const SQLITE_COUNT_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS images_count_update",
    "DROP TRIGGER IF EXISTS images_count_delete",
    "DROP TRIGGER IF EXISTS images_count_insert",
];

const POSTGRES_COUNT: &[&str] = &[
    "CREATE OR REPLACE FUNCTION images_count_gallery() RETURNS trigger \
     LANGUAGE plpgsql AS $$ BEGIN \
     IF TG_OP <> 'INSERT' THEN IF OLD.deleted_at IS NULL THEN \
       UPDATE users SET image_count = image_count - 1 WHERE id = OLD.user_id; \
     END IF; END IF; \
     IF TG_OP <> 'DELETE' THEN IF NEW.deleted_at IS NULL THEN \
       UPDATE users SET image_count = image_count + 1 WHERE id = NEW.user_id; \
     END IF; END IF; \
     RETURN NULL; END $$",
    "CREATE TRIGGER images_count_insert_delete AFTER INSERT OR DELETE ON images \
     FOR EACH ROW EXECUTE FUNCTION images_count_gallery()",
    // Only updates that move a row in or out of the gallery, or to
    // another owner, touch the count.
    "CREATE TRIGGER images_count_update AFTER UPDATE OF deleted_at, user_id ON images \
     FOR EACH ROW WHEN ((OLD.deleted_at IS NULL) IS DISTINCT FROM (NEW.deleted_at IS NULL) \
     OR OLD.user_id IS DISTINCT FROM NEW.user_id) \
     EXECUTE FUNCTION images_count_gallery()",
];

const POSTGRES_COUNT_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS images_count_update ON images",
    "DROP TRIGGER IF EXISTS images_count_insert_delete ON images",
    "DROP FUNCTION IF EXISTS images_count_gallery()",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(big_integer(Users::ImageCount).default(0))
                    .to_owned(),
            )
            .await?;
        let count = match manager.get_database_backend() {
            DatabaseBackend::Postgres => POSTGRES_COUNT,
            _ => SQLITE_COUNT,
        };
        // The triggers first: a row added meanwhile is then counted by one
        // or the other (the backfill sets the count from what is there).
        run_all(manager, count).await?;
        run_all(manager, INDEXES).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_all(manager, INDEXES_DOWN).await?;
        let count = match manager.get_database_backend() {
            DatabaseBackend::Postgres => POSTGRES_COUNT_DOWN,
            _ => SQLITE_COUNT_DOWN,
        };
        run_all(manager, count).await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::ImageCount)
                    .to_owned(),
            )
            .await
    }
}

async fn run_all(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for statement in statements {
        db.execute_unprepared(statement).await?;
    }
    Ok(())
}

#[derive(DeriveIden)]
enum Users {
    Table,
    ImageCount,
}
