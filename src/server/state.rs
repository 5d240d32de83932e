//! What every handler and server function can reach.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;

use super::{
    auth::{session::DbSessionStore, throttle::LoginThrottle},
    config::Config,
    images::storage::MediaStorage,
};

/// Router state. Server functions get it with `expect_context::<AppState>()`
/// (leptos_axum provides it); axum handlers extract the field they need.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub session_store: DbSessionStore,
    pub login_throttle: Arc<LoginThrottle>,
    pub storage: Arc<dyn MediaStorage>,
    /// Bounds how many images are decoded and resized at once.
    pub image_workers: Arc<tokio::sync::Semaphore>,
}
