//! What keeps the gallery's cost flat as a library grows: each user's
//! count of images in the gallery (not the trash), kept by triggers so
//! that no code path can forget it, and one index per gallery order, each
//! ending in the id, for keyset paging (`(key, id) < (…)`) over the
//! gallery's rows only.
//!
//! The triggers count the rows whose `deleted_at` is null: an insert adds
//! one, a delete takes one away, and an update moving a row into or out of
//! the trash (or to another owner) does either. Existing rows are counted
//! here.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DatabaseBackend};

use crate::run_all;

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

// Postgres: one update per statement, from its transition tables. A
// trigger per row would update the owner's row once per image, and in one
// transaction (a bulk insert) each update walks the row's chain of
// versions made by the ones before it: quadratic (100 000 rows took
// minutes). An UPDATE trigger with transition tables may not name columns,
// so it runs for every update and changes counts only where the gallery's
// rows changed.
const POSTGRES_COUNT: &[&str] = &[
    "CREATE OR REPLACE FUNCTION images_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$ \
     BEGIN \
     UPDATE users SET image_count = users.image_count + d.n \
     FROM (SELECT user_id, COUNT(*) AS n FROM inserted_rows \
           WHERE deleted_at IS NULL GROUP BY user_id) d WHERE users.id = d.user_id; \
     RETURN NULL; END $$",
    "CREATE OR REPLACE FUNCTION images_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$ \
     BEGIN \
     UPDATE users SET image_count = users.image_count - d.n \
     FROM (SELECT user_id, COUNT(*) AS n FROM deleted_rows \
           WHERE deleted_at IS NULL GROUP BY user_id) d WHERE users.id = d.user_id; \
     RETURN NULL; END $$",
    "CREATE OR REPLACE FUNCTION images_count_updated() RETURNS trigger LANGUAGE plpgsql AS $$ \
     BEGIN \
     UPDATE users SET image_count = users.image_count + d.n \
     FROM (SELECT user_id, SUM(n) AS n FROM ( \
             SELECT user_id, 1 AS n FROM new_rows WHERE deleted_at IS NULL \
             UNION ALL SELECT user_id, -1 FROM old_rows WHERE deleted_at IS NULL) c \
           GROUP BY user_id HAVING SUM(n) <> 0) d WHERE users.id = d.user_id; \
     RETURN NULL; END $$",
    "CREATE TRIGGER images_count_insert AFTER INSERT ON images \
     REFERENCING NEW TABLE AS inserted_rows \
     FOR EACH STATEMENT EXECUTE FUNCTION images_count_inserted()",
    "CREATE TRIGGER images_count_delete AFTER DELETE ON images \
     REFERENCING OLD TABLE AS deleted_rows \
     FOR EACH STATEMENT EXECUTE FUNCTION images_count_deleted()",
    "CREATE TRIGGER images_count_update AFTER UPDATE ON images \
     REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows \
     FOR EACH STATEMENT EXECUTE FUNCTION images_count_updated()",
];

const POSTGRES_COUNT_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS images_count_update ON images",
    "DROP TRIGGER IF EXISTS images_count_delete ON images",
    "DROP TRIGGER IF EXISTS images_count_insert ON images",
    "DROP FUNCTION IF EXISTS images_count_updated()",
    "DROP FUNCTION IF EXISTS images_count_deleted()",
    "DROP FUNCTION IF EXISTS images_count_inserted()",
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

#[derive(DeriveIden)]
enum Users {
    Table,
    ImageCount,
}
