//! What every handler and server function can reach.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;

use super::{
    auth::{password::Hashing, session::DbSessionStore},
    config::Config,
    library::Library,
    secret::SecretKey,
};

/// Router state. Server functions get it from [`super::request::RequestCtx`]
/// (leptos_axum provides it as context); axum handlers and middleware
/// extract only the field they need (`State<DatabaseConnection>`, …).
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub session_store: DbSessionStore,
    pub library: Library,
    pub secret_key: SecretKey,
    /// The password hashing slots (see [`Hashing`]).
    pub hashing: Hashing,
}
