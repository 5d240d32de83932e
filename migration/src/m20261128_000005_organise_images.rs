//! What organising a gallery needs on `images`: a favourite flag, a trash
//! time (`deleted_at`, null while the image is in the gallery), an edit time
//! (null until the first edit) and a full-text index over name and
//! description that ignores case and accents and matches word prefixes.
//!
//! The search index is each backend's own: SQLite's FTS5 (an external
//! content table kept in step by triggers, so the rows stay in `images`),
//! Postgres' `tsvector` over `unaccent`ed text with a GIN expression index.
//! Existing rows are indexed here, so an upgraded database finds them too.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DatabaseBackend};

use crate::run_all;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_SEARCH: &[&str] = &[
    "CREATE VIRTUAL TABLE images_fts USING fts5(name, description, \
     content='images', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER images_fts_insert AFTER INSERT ON images BEGIN \
     INSERT INTO images_fts(rowid, name, description) VALUES (new.id, new.name, new.description); END",
    "CREATE TRIGGER images_fts_delete AFTER DELETE ON images BEGIN \
     INSERT INTO images_fts(images_fts, rowid, name, description) \
     VALUES ('delete', old.id, old.name, old.description); END",
    "CREATE TRIGGER images_fts_update AFTER UPDATE OF name, description ON images BEGIN \
     INSERT INTO images_fts(images_fts, rowid, name, description) \
     VALUES ('delete', old.id, old.name, old.description); \
     INSERT INTO images_fts(rowid, name, description) VALUES (new.id, new.name, new.description); END",
    "INSERT INTO images_fts(images_fts) VALUES ('rebuild')",
];

const SQLITE_SEARCH_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS images_fts_update",
    "DROP TRIGGER IF EXISTS images_fts_delete",
    "DROP TRIGGER IF EXISTS images_fts_insert",
    "DROP TABLE IF EXISTS images_fts",
];

// `unaccent` is not immutable (its dictionary could change), so an index
// cannot call it directly; this wrapper names the dictionary and promises
// immutability, the usual way to index unaccented text. Names weigh more
// than descriptions in the ranking.
const POSTGRES_SEARCH: &[&str] = &[
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE OR REPLACE FUNCTION images_search_vector(name text, description text) \
     RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ \
     SELECT setweight(to_tsvector('simple', public.unaccent('public.unaccent'::regdictionary, coalesce(name, ''))), 'A') \
         || setweight(to_tsvector('simple', public.unaccent('public.unaccent'::regdictionary, coalesce(description, ''))), 'B') $$",
    "CREATE OR REPLACE FUNCTION images_search_query(words text) \
     RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ \
     SELECT to_tsquery('simple', public.unaccent('public.unaccent'::regdictionary, words)) $$",
    "CREATE INDEX idx_images_search ON images USING gin (images_search_vector(name, description))",
];

const POSTGRES_SEARCH_DOWN: &[&str] = &[
    "DROP INDEX IF EXISTS idx_images_search",
    "DROP FUNCTION IF EXISTS images_search_query(text)",
    "DROP FUNCTION IF EXISTS images_search_vector(text, text)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one at a time.
        for column in [
            boolean(Images::Favourite).default(false).to_owned(),
            timestamp_with_time_zone_null(Images::DeletedAt),
            timestamp_with_time_zone_null(Images::EditedAt),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Images::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        // The gallery and the trash list one user's images by state.
        manager
            .create_index(
                Index::create()
                    .name("idx_images_user_id_deleted_at_created_at")
                    .table(Images::Table)
                    .col(Images::UserId)
                    .col(Images::DeletedAt)
                    .col(Images::CreatedAt)
                    .to_owned(),
            )
            .await?;
        run_all(manager, search_statements(manager, true)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_all(manager, search_statements(manager, false)).await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_images_user_id_deleted_at_created_at")
                    .table(Images::Table)
                    .to_owned(),
            )
            .await?;
        for column in [Images::EditedAt, Images::DeletedAt, Images::Favourite] {
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

fn search_statements(manager: &SchemaManager, up: bool) -> &'static [&'static str] {
    match (manager.get_database_backend(), up) {
        (DatabaseBackend::Postgres, true) => POSTGRES_SEARCH,
        (DatabaseBackend::Postgres, false) => POSTGRES_SEARCH_DOWN,
        (_, true) => SQLITE_SEARCH,
        (_, false) => SQLITE_SEARCH_DOWN,
    }
}

#[derive(DeriveIden)]
enum Images {
    Table,
    UserId,
    CreatedAt,
    Favourite,
    DeletedAt,
    EditedAt,
}
