//! `sessions.user_id`: the logged-in user of a session in a column of its
//! own, so that loading a session reads its user in the same query.
//!
//! The table was made by tower-sessions-sqlx-store at start (same columns,
//! as each backend spelled them); the app's own store now writes it, and
//! this migration makes it on a new database.

use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

use crate::run_all;

#[derive(DeriveMigrationName)]
pub struct Migration;

const CREATE_PG: &str = "CREATE TABLE sessions (id text PRIMARY KEY NOT NULL, \
     data bytea NOT NULL, expiry_date timestamptz NOT NULL, user_id integer)";
const CREATE_SQLITE: &str = "CREATE TABLE sessions (id text PRIMARY KEY NOT NULL, \
     data blob NOT NULL, expiry_date integer NOT NULL, user_id integer)";
const ADD_USER: &str = "ALTER TABLE sessions ADD COLUMN user_id integer";
const DROP_USER: &str = "ALTER TABLE sessions DROP COLUMN user_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if !manager.has_table("sessions").await? {
            let create = match manager.get_database_backend() {
                DatabaseBackend::Postgres => CREATE_PG,
                _ => CREATE_SQLITE,
            };
            return run_all(manager, &[create]).await;
        }
        if manager.has_column("sessions", "user_id").await? {
            return Ok(());
        }
        run_all(manager, &[ADD_USER]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_all(manager, &[DROP_USER]).await
    }
}
