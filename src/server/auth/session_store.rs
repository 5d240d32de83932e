//! Where sessions live: tower-sessions records in the `sessions` table,
//! with the logged-in user's id in a column of its own, so that loading a
//! session reads its user in the same query (one round trip per request,
//! where the session and then the user took two).
//!
//! Rows are written as tower-sessions-sqlx-store wrote them (a MessagePack
//! record, the expiry as that store bound it), so sessions made before this
//! store still load; their user is read the old way until they are saved.

use async_trait::async_trait;
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use sqlx::{PgPool, Row, SqlitePool};
use tower_sessions::{
    cookie::time::OffsetDateTime,
    session::{Id, Record},
    session_store::{self, ExpiredDeletion},
    SessionStore,
};

use crate::server::config::DatabaseKind;

/// What a request needs of its user, read with the session (never stored
/// in it: `load` adds it to the record, `save` leaves it out).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: i32,
    pub username: String,
    pub is_admin: bool,
    pub is_active: bool,
    pub session_epoch: i32,
    pub has_totp: bool,
    pub image_count: i64,
}

impl From<crate::entities::user::Model> for SessionUser {
    fn from(u: crate::entities::user::Model) -> Self {
        Self {
            id: u.id,
            username: u.username,
            is_admin: u.is_admin,
            is_active: u.is_active,
            session_epoch: u.session_epoch,
            has_totp: u.totp_secret.is_some(),
            image_count: u.image_count,
        }
    }
}

/// The record key `load` puts the [`SessionUser`] under.
pub const SESSION_USER_KEY: &str = "__session_user";

/// The record key `load` puts the row's expiry under (Unix milliseconds):
/// tower-sessions keeps it from the session, and the middleware renews a
/// session by it (`session::renew_when_half_spent`).
pub const SESSION_EXPIRES_KEY: &str = "__session_expires_at_ms";

/// The record key `load` puts a digest of the stored data under: a save
/// whose data still has that digest only renews the row's expiry, so it
/// cannot undo what another request of the same session wrote meanwhile.
const LOADED_DIGEST_KEY: &str = "__session_loaded_digest";

/// What `load` adds to a record and `save` leaves out.
const LOADED_KEYS: [&str; 3] = [SESSION_USER_KEY, SESSION_EXPIRES_KEY, LOADED_DIGEST_KEY];

/// The record key whose value names the logged-in user (`user_id`), written
/// to the `user_id` column on save.
pub const AUTH_KEY: &str = "auth";

const LOAD: &str = "SELECT s.data, u.id, u.username, u.is_admin, u.is_active, \
     u.session_epoch, u.totp_secret IS NOT NULL, u.image_count, s.expiry_date \
     FROM sessions s LEFT JOIN users u ON u.id = s.user_id \
     WHERE s.id = $1 AND s.expiry_date > $2";
const INSERT_NEW: &str = "INSERT INTO sessions (id, data, expiry_date, user_id) \
     VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING";
// Only a row that is still there: a request that loaded the session before
// another one logged it out must not write it back (an upsert would).
const UPDATE: &str = "UPDATE sessions SET data = $2, expiry_date = $3, user_id = $4 WHERE id = $1";
const RENEW: &str = "UPDATE sessions SET expiry_date = $2 WHERE id = $1";
const DELETE: &str = "DELETE FROM sessions WHERE id = $1";
const DELETE_EXPIRED_PG: &str = "DELETE FROM sessions WHERE expiry_date < now()";
// As the sqlx store did: its expiry is text, compared as a date.
const DELETE_EXPIRED_SQLITE: &str =
    "DELETE FROM sessions WHERE datetime(expiry_date) < datetime('now')";

/// The session store of whichever database the app runs on (the app's own
/// pool; the table comes from the migrations).
#[derive(Clone, Debug)]
pub enum DbSessionStore {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The same query on whichever pool this is (`$n` binds work on both).
macro_rules! on_pool {
    ($self:expr, $pool:ident => $call:expr) => {
        match $self {
            DbSessionStore::Sqlite($pool) => $call,
            DbSessionStore::Postgres($pool) => $call,
        }
    };
}

/// One row of [`LOAD`] on either backend (same columns, each its own row
/// type, hence a macro). A row that cannot be read is a decode error (the
/// session ends), not a backend one (the database is fine).
macro_rules! decode_row {
    ($row:expr) => {{
        let row = $row;
        let data: Vec<u8> = row.try_get(0).map_err(undecodable)?;
        let user = match row.try_get::<Option<i32>, _>(1).map_err(undecodable)? {
            None => None,
            Some(id) => Some(SessionUser {
                id,
                username: row.try_get(2).map_err(undecodable)?,
                is_admin: row.try_get(3).map_err(undecodable)?,
                is_active: row.try_get(4).map_err(undecodable)?,
                session_epoch: row.try_get(5).map_err(undecodable)?,
                has_totp: row.try_get(6).map_err(undecodable)?,
                image_count: row.try_get(7).map_err(undecodable)?,
            }),
        };
        let expires: OffsetDateTime = row.try_get(8).map_err(undecodable)?;
        loaded_record(&data, user, expires)
    }};
}

impl DbSessionStore {
    pub fn new(db: &DatabaseConnection, kind: &DatabaseKind) -> Self {
        match kind {
            DatabaseKind::Sqlite => Self::Sqlite(db.get_sqlite_connection_pool().clone()),
            DatabaseKind::Postgres => Self::Postgres(db.get_postgres_connection_pool().clone()),
        }
    }

    /// Writes `record` (`insert`: only as a new row; else only over its
    /// existing row) and answers whether a row was written.
    async fn write(&self, record: &Record, insert: bool) -> session_store::Result<bool> {
        let (data, user_id) = encode(record)?;
        let id = record.id.to_string();
        let sql = if insert { INSERT_NEW } else { UPDATE };
        on_pool!(self, pool => sqlx::query(sql)
            .bind(&id)
            .bind(&data)
            .bind(record.expiry_date)
            .bind(user_id)
            .execute(pool)
            .await
            .map(|done| done.rows_affected() == 1))
        .map_err(backend)
    }
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A new id that another session already has is drawn again, as
        // tower-sessions asks (128 random bits: not expected to happen).
        while !self.write(record, true).await? {
            record.id = Id::default();
        }
        Ok(())
    }

    /// A session deleted since it was loaded (logged out, expired) stays
    /// deleted: nothing is written. One whose data did not change in this
    /// request (renewed by use) gets only its new expiry; if that write
    /// fails, the request still answers (tower-sessions would replace its
    /// page with a bare 500): the session keeps its old expiry, and its next
    /// request tries again.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let loaded_digest = record.data.get(LOADED_DIGEST_KEY).and_then(|d| d.as_u64());
        if loaded_digest.is_some_and(|loaded| loaded == digest(&record.data)) {
            let id = record.id.to_string();
            let renewed = on_pool!(self, pool => sqlx::query(RENEW)
                .bind(&id)
                .bind(record.expiry_date)
                .execute(pool)
                .await
                .map(drop));
            if let Err(err) = renewed {
                tracing::warn!(%err, "a session's renewal was not written");
            }
            return Ok(());
        }
        self.write(record, false).await.map(drop)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let id = id.to_string();
        let now = OffsetDateTime::now_utc();
        on_pool!(self, pool => sqlx::query(LOAD)
            .bind(&id)
            .bind(now)
            .fetch_optional(pool)
            .await
            .map_err(backend)?
            .map(|row| decode_row!(row))
            .transpose())
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let id = id.to_string();
        on_pool!(self, pool => sqlx::query(DELETE).bind(&id).execute(pool).await.map(drop))
            .map_err(backend)
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            Self::Sqlite(pool) => sqlx::query(DELETE_EXPIRED_SQLITE)
                .execute(pool)
                .await
                .map(drop),
            Self::Postgres(pool) => sqlx::query(DELETE_EXPIRED_PG).execute(pool).await.map(drop),
        }
        .map_err(backend)
    }
}

/// The stored bytes (without the user the load added) and the user id the
/// login record names, if any.
fn encode(record: &Record) -> session_store::Result<(Vec<u8>, Option<i32>)> {
    #[derive(Deserialize)]
    struct Named {
        user_id: i32,
    }
    let user_id = record
        .data
        .get(AUTH_KEY)
        .and_then(|auth| Named::deserialize(auth).ok())
        .map(|named| named.user_id);
    let bytes = if LOADED_KEYS.iter().any(|key| record.data.contains_key(*key)) {
        let mut stored = record.clone();
        stored
            .data
            .retain(|key, _| !LOADED_KEYS.contains(&key.as_str()));
        rmp_serde::to_vec(&stored)
    } else {
        rmp_serde::to_vec(record)
    };
    let bytes = bytes.map_err(|e| session_store::Error::Encode(e.to_string()))?;
    Ok((bytes, user_id))
}

/// The stored record, with what `load` adds: the digest of its data under
/// [`LOADED_DIGEST_KEY`], the row's expiry (a renewal changes only the
/// column) under [`SESSION_EXPIRES_KEY`], and its user (when the row names
/// one that exists) under [`SESSION_USER_KEY`].
fn loaded_record(
    data: &[u8],
    user: Option<SessionUser>,
    expires: OffsetDateTime,
) -> session_store::Result<Record> {
    let mut record: Record =
        rmp_serde::from_slice(data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
    record.expiry_date = expires;
    let loaded_digest = digest(&record.data);
    record.data.insert(
        LOADED_DIGEST_KEY.to_owned(),
        serde_json::Value::from(loaded_digest),
    );
    let expires_at_ms = expires.unix_timestamp_nanos() / 1_000_000;
    record.data.insert(
        SESSION_EXPIRES_KEY.to_owned(),
        serde_json::Value::from(expires_at_ms as i64),
    );
    if let Some(user) = user {
        let value =
            serde_json::to_value(user).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        record.data.insert(SESSION_USER_KEY.to_owned(), value);
    }
    Ok(record)
}

/// A digest of a record's own data (not what `load` added), in key order.
fn digest(data: &std::collections::HashMap<String, serde_json::Value>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut own: Vec<_> = data
        .iter()
        .filter(|(key, _)| !LOADED_KEYS.contains(&key.as_str()))
        .collect();
    own.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut hasher = std::hash::DefaultHasher::new();
    for (key, value) in own {
        key.hash(&mut hasher);
        value.to_string().hash(&mut hasher);
    }
    hasher.finish()
}

fn backend(err: sqlx::Error) -> session_store::Error {
    session_store::Error::Backend(err.to_string())
}

fn undecodable(err: sqlx::Error) -> session_store::Error {
    session_store::Error::Decode(err.to_string())
}
