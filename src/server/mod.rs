//! Server-only code (the `ssr` feature): configuration, database, state,
//! HTTP wiring. Nothing here is compiled into the WASM bundle.

pub mod config;
pub mod db;
pub mod health;
pub mod http;
pub mod state;

use std::sync::Arc;

use leptos::config::LeptosOptions;

use config::{Config, ConfigError};
use db::DbStartError;
use state::AppState;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Db(#[from] DbStartError),
    #[error("LEPTOS_SITE_ADDR {addr}: cannot listen there: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("Leptos configuration: {0}")]
    Leptos(String),
}

/// Checks the media directory, connects to the database and migrates it:
/// everything that must work before the app may accept a request.
pub async fn prepare(
    config: Config,
    leptos_options: LeptosOptions,
) -> Result<AppState, StartError> {
    config::ensure_media_root(&config.media_root)?;
    let db = db::connect_and_migrate(&config.database_url).await?;
    Ok(AppState {
        leptos_options,
        db,
        config: Arc::new(config),
    })
}
