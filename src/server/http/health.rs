//! `GET /healthz`: is the app up and can it reach its database?

use std::time::Duration;

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::IntoResponse,
    Json,
};
use sea_orm::DatabaseConnection;
use serde_json::json;

const DB_PING_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn healthz(State(db): State<DatabaseConnection>) -> impl IntoResponse {
    let (status, body) = match tokio::time::timeout(DB_PING_TIMEOUT, db.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, json!({ "status": "ok", "database": "ok" })),
        Ok(Err(err)) => {
            tracing::warn!(%err, "health check: database ping failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                json!({ "status": "unavailable", "database": "error" }),
            )
        }
        Err(_) => {
            tracing::warn!("health check: database ping timed out");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                json!({ "status": "unavailable", "database": "timeout" }),
            )
        }
    };
    (status, [(header::CACHE_CONTROL, "no-store")], Json(body))
}
