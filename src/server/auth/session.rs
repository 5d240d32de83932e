//! Database-backed sessions (tower-sessions on SeaORM's own sqlx pool) and
//! who the current user is.

use std::{sync::Arc, time::Duration};

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use sea_orm::{DatabaseConnection, EntityTrait};
use serde::{Deserialize, Serialize};
use tower_sessions::{
    cookie::{
        time::{self, OffsetDateTime},
        SameSite,
    },
    session_store::ExpiredDeletion,
    Expiry, Session, SessionManagerLayer,
};

pub use super::session_store::DbSessionStore;
use super::session_store::{SessionUser, AUTH_KEY, SESSION_EXPIRES_KEY, SESSION_USER_KEY};
use crate::{entities::user, model::user::CurrentUser, server::config::Config};

pub const SESSION_COOKIE: &str = "cloudtalents_session";

pub fn layer(store: DbSessionStore, config: &Config) -> SessionManagerLayer<DbSessionStore> {
    let idle =
        time::Duration::try_from(config.session_idle_timeout).unwrap_or(time::Duration::days(14));
    SessionManagerLayer::new(store)
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.cookie_secure)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle))
}

/// Deletes expired sessions every `period`, for as long as the app runs.
pub fn spawn_expired_deletion(store: DbSessionStore, period: Duration) {
    tokio::spawn(async move {
        if let Err(err) = store.continuously_delete_expired(period).await {
            tracing::error!(%err, "expired-session deletion stopped");
        }
    });
}

/// What the session remembers about a login.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct SessionAuth {
    user_id: i32,
    /// The user's `session_epoch` at login: a password change bumps it, which
    /// ends every other session of that user.
    epoch: i32,
    /// Unix time of the login in milliseconds, for the absolute lifetime.
    login_at_ms: i64,
}

const PENDING_KEY: &str = "login_pending";
/// How long the code step of a two-factor login waits after the password.
const SECOND_STEP_TIMEOUT_MS: i64 = 5 * 60 * 1000;

/// A login that passed the password and waits for a two-factor code.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct PendingLogin {
    user_id: i32,
    epoch: i32,
    at_ms: i64,
}

/// Remembers that `user` gave the right password; [`pending_second_step`]
/// reads it back for the code step. Not logged in yet.
pub async fn begin_second_step(
    session: &Session,
    user: &user::Model,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    // Whoever was logged in on this session is not any more.
    session.remove::<SessionAuth>(AUTH_KEY).await?;
    session
        .insert(
            PENDING_KEY,
            PendingLogin {
                user_id: user.id,
                epoch: user.session_epoch,
                at_ms: chrono::Utc::now().timestamp_millis(),
            },
        )
        .await
}

/// The user waiting for the code step, with the epoch they had: `None`
/// when there is none or it is over five minutes old.
pub async fn pending_second_step(
    session: &Session,
) -> Result<Option<(i32, i32)>, tower_sessions::session::Error> {
    let Some(pending) = session.get::<PendingLogin>(PENDING_KEY).await? else {
        return Ok(None);
    };
    let age = chrono::Utc::now().timestamp_millis() - pending.at_ms;
    Ok((0..=SECOND_STEP_TIMEOUT_MS)
        .contains(&age)
        .then_some((pending.user_id, pending.epoch)))
}

/// Starts an authenticated session for `user`: a new session id (no session
/// fixation), then the login record.
pub async fn log_in(
    session: &Session,
    user: &user::Model,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.remove::<PendingLogin>(PENDING_KEY).await?;
    session
        .insert(
            AUTH_KEY,
            SessionAuth {
                user_id: user.id,
                epoch: user.session_epoch,
                login_at_ms: chrono::Utc::now().timestamp_millis(),
            },
        )
        .await
}

/// Keeps this session valid after the user's epoch changed (password change).
pub async fn refresh_epoch(
    session: &Session,
    user: &user::Model,
) -> Result<(), tower_sessions::session::Error> {
    if let Some(mut auth) = session.get::<SessionAuth>(AUTH_KEY).await? {
        auth.epoch = user.session_epoch;
        session.cycle_id().await?;
        session.insert(AUTH_KEY, auth).await?;
    }
    Ok(())
}

/// Ends the session: the row is deleted and the cookie cleared.
pub async fn log_out(session: &Session) -> Result<(), tower_sessions::session::Error> {
    session.flush().await
}

/// Middleware: resolves the session's user (still existing, active, same
/// epoch, within the absolute lifetime) into a [`CurrentUser`] extension. A
/// session that fails any of these is ended.
pub async fn load_current_user(
    State(db): State<DatabaseConnection>,
    State(config): State<Arc<Config>>,
    mut req: Request,
    next: Next,
) -> Response {
    // Static files need no user (and no database query).
    let is_asset = req.uri().path().starts_with("/pkg/");
    if let Some(session) = req
        .extensions()
        .get::<Session>()
        .cloned()
        .filter(|_| !is_asset)
    {
        match current_user(&db, &session, &config).await {
            Ok(Some((user, kept_images))) => {
                req.extensions_mut().insert(user);
                req.extensions_mut().insert(kept_images);
            }
            Ok(None) => {}
            // Going on as logged out would send the user to the login page
            // (and a form post would be lost); the session is still good.
            Err(LoadError::Unavailable(err)) => {
                tracing::error!(%err, "could not load the session: the database did not answer");
                return unavailable(req.uri().path());
            }
            Err(LoadError::Unreadable(err)) => {
                tracing::warn!(%err, "could not read the session: it is ended");
                if let Err(err) = session.flush().await {
                    tracing::warn!(%err, "could not end an unreadable session");
                }
            }
        }
    }
    next.run(req).await
}

/// Why a request's session could not be resolved.
enum LoadError {
    /// The database failed: try again later; the session still holds.
    Unavailable(String),
    /// What the session holds cannot be read: it ends.
    Unreadable(String),
}

impl From<tower_sessions::session::Error> for LoadError {
    fn from(err: tower_sessions::session::Error) -> Self {
        use tower_sessions::{session::Error, session_store::Error as StoreError};
        match err {
            Error::Store(StoreError::Backend(err)) => LoadError::Unavailable(err),
            other => LoadError::Unreadable(other.to_string()),
        }
    }
}

impl From<sea_orm::DbErr> for LoadError {
    fn from(err: sea_orm::DbErr) -> Self {
        LoadError::Unavailable(err.to_string())
    }
}

/// 503 with `Retry-After`: the error as JSON for the server functions
/// (the page says it in its form), a page of its own for everything else
/// (the app's pages need the user this middleware could not read).
fn unavailable(path: &str) -> Response {
    use axum::response::IntoResponse;
    let busy = crate::error::AppError::Busy {
        retry_after_secs: RETRY_AFTER_SECS,
    };
    if path.starts_with("/api/") {
        return busy.into_response();
    }
    (
        http::StatusCode::SERVICE_UNAVAILABLE,
        [
            (http::header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (http::header::CACHE_CONTROL, "no-store"),
            // Its one inline style sheet, and nothing else.
            (
                http::header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
            ),
        ],
        [(
            http::header::RETRY_AFTER,
            http::HeaderValue::from(RETRY_AFTER_SECS),
        )],
        include_str!("unavailable.html"),
    )
        .into_response()
}

const RETRY_AFTER_SECS: u32 = 5;

/// tower-sessions writes an `OnInactivity` session only when it changed, so
/// reading alone would end it `idle` after its last write (the login).
/// Once half of `idle` has passed since then, the session is marked
/// changed, and its row and cookie get a new expiry at the end of the
/// request: about one write per half window (the requests already under
/// way then write too), not one per request. The store writes only the
/// expiry of a session whose data did not change, so a renewal cannot undo
/// what a concurrent request of the same session wrote (and a failed
/// renewal costs the page nothing: see the store's `save`). A renewal never
/// reaches past `absolute_end`, the end of the login's absolute lifetime
/// (`None`: too far off to be written as a date).
async fn renew_when_half_spent(
    session: &Session,
    idle: Duration,
    absolute_end: Option<OffsetDateTime>,
) -> Result<(), tower_sessions::session::Error> {
    let Some(expires_at_ms) = session.get::<i64>(SESSION_EXPIRES_KEY).await? else {
        return Ok(());
    };
    // Already ending with the login: nothing left to extend (else its last
    // half window would write on every request).
    if absolute_end.is_some_and(|end| {
        end.unix_timestamp_nanos() / 1_000_000 <= i128::from(expires_at_ms) + 1_000
    }) {
        return Ok(());
    }
    let left_ms = expires_at_ms.saturating_sub(chrono::Utc::now().timestamp_millis());
    if (left_ms.max(0) as u128) < idle.as_millis() / 2 {
        let idle_end = time::Duration::try_from(idle)
            .ok()
            .and_then(|idle| OffsetDateTime::now_utc().checked_add(idle));
        match (idle_end, absolute_end) {
            (Some(idle_end), Some(absolute_end)) if absolute_end < idle_end => {
                session.set_expiry(Some(Expiry::AtDateTime(absolute_end)))
            }
            _ => session.set_expiry(session.expiry()),
        }
    }
    Ok(())
}

/// The number of images in the logged-in user's gallery (not the trash),
/// as their row held it when the session middleware read it: the gallery's
/// total without reading that row a second time.
#[derive(Clone, Copy, Debug)]
pub struct KeptImages(pub u64);

async fn current_user(
    db: &DatabaseConnection,
    session: &Session,
    config: &Config,
) -> Result<Option<(CurrentUser, KeptImages)>, LoadError> {
    let absolute_lifetime = config.session_absolute_lifetime;
    let Some(auth) = session.get::<SessionAuth>(AUTH_KEY).await? else {
        return Ok(None);
    };
    let age_ms = chrono::Utc::now()
        .timestamp_millis()
        .saturating_sub(auth.login_at_ms);
    let expired = age_ms < 0 || age_ms as u128 > absolute_lifetime.as_millis();
    // The store read the user with the session; a session saved before the
    // store kept its user's id has none, so its user is read here.
    let user = match session.get::<SessionUser>(SESSION_USER_KEY).await? {
        Some(user) if user.id == auth.user_id => Some(user),
        _ => user::Entity::find_by_id(auth.user_id)
            .one(db)
            .await?
            .map(SessionUser::from),
    };
    match user {
        Some(u) if !expired && u.is_active && u.session_epoch == auth.epoch => {
            let kept = KeptImages(u.image_count.max(0) as u64);
            let user = CurrentUser {
                id: u.id,
                username: u.username,
                is_admin: u.is_admin,
                must_set_up_two_factor: config.require_two_factor && !u.has_totp,
            };
            let login_at =
                OffsetDateTime::from_unix_timestamp_nanos(i128::from(auth.login_at_ms) * 1_000_000);
            let absolute_end = time::Duration::try_from(absolute_lifetime)
                .ok()
                .zip(login_at.ok())
                .and_then(|(lifetime, login_at)| login_at.checked_add(lifetime));
            renew_when_half_spent(session, config.session_idle_timeout, absolute_end).await?;
            Ok(Some((user, kept)))
        }
        _ => {
            session.flush().await?;
            Ok(None)
        }
    }
}
