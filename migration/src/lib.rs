//! Database schema migrations, shared by the app (run at start) and the
//! `migration` CLI (`cargo run -p migration -- up|down|status`).
//!
//! Every migration must run unchanged on both SQLite and Postgres.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_create_users_and_images;
mod m20261128_000002_add_users_session_epoch;
mod m20261128_000003_add_images_variants;
mod m20261128_000004_add_legacy_ids;
mod m20261128_000005_organise_images;
mod m20261128_000006_create_albums;
mod m20261129_000007_create_shares;
mod m20261129_000008_create_login_attempts;
mod m20261129_000009_add_roles_and_quotas;
mod m20261129_000010_create_invitations;
mod m20261129_000011_add_two_factor;
mod m20261129_000012_create_activity;
mod m20261129_000013_keep_gallery_counts;
mod m20261130_000014_sessions_by_user;

pub struct Migrator;

/// Runs raw statements in order (what each backend spells its own way:
/// triggers, functions, full-text tables).
async fn run_all(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for statement in statements {
        db.execute_unprepared(statement).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_create_users_and_images::Migration),
            Box::new(m20261128_000002_add_users_session_epoch::Migration),
            Box::new(m20261128_000003_add_images_variants::Migration),
            Box::new(m20261128_000004_add_legacy_ids::Migration),
            Box::new(m20261128_000005_organise_images::Migration),
            Box::new(m20261128_000006_create_albums::Migration),
            Box::new(m20261129_000007_create_shares::Migration),
            Box::new(m20261129_000008_create_login_attempts::Migration),
            Box::new(m20261129_000009_add_roles_and_quotas::Migration),
            Box::new(m20261129_000010_create_invitations::Migration),
            Box::new(m20261129_000011_add_two_factor::Migration),
            Box::new(m20261129_000012_create_activity::Migration),
            Box::new(m20261129_000013_keep_gallery_counts::Migration),
            Box::new(m20261130_000014_sessions_by_user::Migration),
        ]
    }
}
