//! Server-only code (the `ssr` feature): configuration, database, accounts,
//! HTTP wiring. Nothing here is compiled into the WASM bundle.

pub mod auth;
pub mod config;
pub mod db;
pub mod forms;
pub mod health;
pub mod http;
pub mod images;
pub mod import;
pub mod state;

use std::{sync::Arc, time::Duration};

use leptos::config::LeptosOptions;

use crate::error::AppError;
use auth::{session::DbSessionStore, throttle::LoginThrottle};
use config::{Config, ConfigError};
use db::DbStartError;
use state::AppState;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Db(#[from] DbStartError),
    #[error("DATABASE_URL: could not prepare the sessions table: {0}")]
    Sessions(sea_orm::sqlx::Error),
    #[error("LEPTOS_SITE_ADDR {addr}: cannot listen there: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("Leptos configuration: {0}")]
    Leptos(String),
    #[error("could not read the password from standard input: {0}")]
    Stdin(std::io::Error),
    #[error("the user was not created: {0}")]
    CreateUser(String),
    #[error("unhealthy: {0}")]
    Unhealthy(String),
    #[error(transparent)]
    Import(#[from] import::ImportError),
}

/// Checks the media directory, connects to the database and migrates it,
/// prepares the session store: everything that must work before the app may
/// accept a request.
pub async fn prepare(
    config: Config,
    leptos_options: LeptosOptions,
) -> Result<AppState, StartError> {
    config::ensure_media_root(&config.media_root)?;
    let db = db::connect_and_migrate(&config.database_url).await?;
    let session_store = DbSessionStore::new(&db, config.database_url.kind())
        .await
        .map_err(StartError::Sessions)?;
    auth::session::spawn_expired_deletion(session_store.clone(), Duration::from_secs(3600));
    let storage = Arc::new(images::storage::LocalStorage::new(
        config.media_root.clone(),
    ));
    let image_workers = Arc::new(tokio::sync::Semaphore::new(config.image_workers));
    let state = AppState {
        leptos_options,
        db,
        config: Arc::new(config),
        session_store,
        login_throttle: Arc::new(LoginThrottle::default()),
        storage,
        image_workers,
    };
    // Files a crash left without a row. Ten minutes' grace keeps it off
    // uploads that another replica is storing right now.
    let sweep_state = state.clone();
    tokio::spawn(async move {
        if let Err(err) = images::sweep_orphans(&sweep_state, Duration::from_secs(600)).await {
            tracing::error!(%err, "media sweep failed");
        }
    });
    Ok(state)
}

/// For server functions: an error answers with its own HTTP status.
pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result {
        if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(
                axum::http::StatusCode::from_u16(err.status())
                    .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
    }
    result
}
