//! Throttling of failed attempts (logins, share-link passwords) and of
//! sign-ups per address, kept in the database so that every replica counts
//! the same attempts.
//!
//! Each key (`user:<name>` and `ip:<address>` for logins, `share:<id>` and
//! `share-ip:<address>` for share links) is a leaky bucket: an attempt adds
//! 1, and the level drains by [`MAX_FAILURES`] per [`WINDOW`]. An attempt
//! that would lift either of its keys above `MAX_FAILURES` is refused. That
//! lets 5 attempts through at once, then one every 3 minutes: 5 per 15
//! minutes over any stretch of time, on every replica together.
//!
//! An attempt is counted *before* it is checked, in one atomic upsert per
//! key (`INSERT … ON CONFLICT DO UPDATE … RETURNING`), so parallel attempts
//! cannot all pass before any is counted. A right answer then forgives its
//! key and gives the address its attempt back ([`forgive`]).

use std::{
    net::IpAddr,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Value};

use crate::server::db::statement;
use sha2::{Digest, Sha256};

pub const MAX_FAILURES: u32 = 5;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Sign-ups from one address: `SIGNUP_LIMIT` per this.
pub const SIGN_UP_WINDOW: Duration = Duration::from_secs(60 * 60);
/// Longest key kept as it is; a longer one is stored as its hash.
const KEY_MAX: usize = 160;

/// What is being guessed at.
#[derive(Clone, Copy, Debug)]
pub enum Subject<'a> {
    /// A login for this username key (lowercased).
    User(&'a str),
    /// A share link's password.
    Share(i32),
}

impl Subject<'_> {
    fn keys(&self, ip: IpAddr) -> [String; 2] {
        let ip = network_of(ip);
        match self {
            Subject::User(name) => [bounded(format!("user:{name}")), format!("ip:{ip}")],
            Subject::Share(id) => [format!("share:{id}"), format!("share-ip:{ip}")],
        }
    }
}

/// An IPv6 client is throttled by its /64 (one home or host is given a
/// whole /64); an IPv4 client by its address.
fn network_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => {
            let mut segments = v6.segments();
            segments[4..].fill(0);
            IpAddr::from(segments)
        }
        IpAddr::V6(v6) => IpAddr::V4(
            v6.to_ipv4_mapped()
                .unwrap_or(std::net::Ipv4Addr::UNSPECIFIED),
        ),
        v4 => v4,
    }
}

/// A 2 MB username is stored as 70 characters.
fn bounded(key: String) -> String {
    if key.len() <= KEY_MAX {
        return key;
    }
    let hash: String = Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("hash:{hash}")
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Counts one attempt at `subject` from `ip`; `Ok(Err(wait))` when it is
/// refused (too many lately), with how long until one would be let through.
pub async fn attempt(
    db: &impl ConnectionTrait,
    subject: Subject<'_>,
    ip: IpAddr,
) -> Result<Result<(), Duration>, DbErr> {
    let now = now_ms();
    let bucket = Bucket {
        size: MAX_FAILURES,
        window: WINDOW,
    };
    let mut highest = 0.0_f64;
    for key in subject.keys(ip) {
        highest = highest.max(bump(db, &key, now, bucket).await?);
    }
    Ok(bucket.verdict(highest))
}

/// Counts one sign-up from `ip` (an IPv6 client by its /64) against a
/// bucket of `per_hour` that drains by `per_hour` an hour; `Ok(Err(wait))`
/// when it is refused.
pub async fn sign_up_attempt(
    db: &impl ConnectionTrait,
    ip: IpAddr,
    per_hour: u32,
) -> Result<Result<(), Duration>, DbErr> {
    let bucket = Bucket {
        size: per_hour.max(1),
        window: SIGN_UP_WINDOW,
    };
    let key = format!("signup-ip:{}", network_of(ip));
    let level = bump(db, &key, now_ms(), bucket).await?;
    Ok(bucket.verdict(level))
}

/// A leaky bucket: `size` attempts at once, draining by `size` per `window`.
#[derive(Clone, Copy)]
struct Bucket {
    size: u32,
    window: Duration,
}

impl Bucket {
    /// Drain per millisecond.
    fn rate(self) -> f64 {
        f64::from(self.size) / self.window.as_millis() as f64
    }

    /// Let through at `level`, or how long until one more attempt fits.
    fn verdict(self, level: f64) -> Result<(), Duration> {
        if level <= f64::from(self.size) {
            return Ok(());
        }
        let excess = level - f64::from(self.size - 1);
        Err(Duration::from_millis((excess / self.rate()).ceil() as u64))
    }
}

/// The 429 answer to a refused attempt: `lead` ("Too many wrong
/// passwords.") and how long to wait, under `field` (`None`: the form's).
pub fn refused(wait: Duration, lead: &str, field: Option<&str>) -> crate::error::AppError {
    let minutes = wait.as_secs().div_ceil(60).max(1);
    let message = format!(
        "{lead} Please wait {minutes} minute{} and try again.",
        if minutes == 1 { "" } else { "s" }
    );
    match field {
        Some(field) => crate::error::AppError::field(429, field, message),
        None => crate::error::AppError::form(429, message),
    }
}

/// The bucket of `key` after one more attempt: drained for the time since
/// its last one, plus 1, never above its size + 1 (so a refused hammering
/// cannot lock a key for longer than one refusal does).
async fn bump(
    db: &impl ConnectionTrait,
    key: &str,
    now: i64,
    bucket: Bucket,
) -> Result<f64, DbErr> {
    let backend = db.get_database_backend();
    // Two-argument max/min: SQLite's scalar MAX/MIN, Postgres's GREATEST/LEAST.
    let (max, min) = match backend {
        DatabaseBackend::Sqlite => ("MAX", "MIN"),
        _ => ("GREATEST", "LEAST"),
    };
    let elapsed = format!("{max}(excluded.updated_at - login_attempts.updated_at, 0)");
    let drained = format!("{max}(login_attempts.level - $3 * {elapsed}, 0)");
    let sql = format!(
        "INSERT INTO login_attempts (key, level, updated_at) VALUES ($1, 1, $2) \
         ON CONFLICT (key) DO UPDATE SET \
           level = {min}({drained} + 1, $4), \
           updated_at = {max}(excluded.updated_at, login_attempts.updated_at) \
         RETURNING level"
    );
    let cap = f64::from(bucket.size + 1);
    let values: [Value; 4] = [key.into(), now.into(), bucket.rate().into(), cap.into()];
    let row = db
        .query_one(statement(backend, &sql, values))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the throttle's upsert returned no row".into()))?;
    row.try_get::<f64>("", "level")
}

/// A right answer: `subject`'s own count starts again, and the address
/// gets back the attempt this was (so that many people behind one address
/// may log in, while guesses from it still count).
pub async fn forgive(
    db: &impl ConnectionTrait,
    subject: Subject<'_>,
    ip: IpAddr,
) -> Result<(), DbErr> {
    let [key, ip_key] = subject.keys(ip);
    let backend = db.get_database_backend();
    db.execute(statement(
        backend,
        "DELETE FROM login_attempts WHERE key = $1",
        [key.into()],
    ))
    .await?;
    db.execute(statement(
        backend,
        "UPDATE login_attempts SET level = level - 1 WHERE key = $1 AND level >= 1",
        [ip_key.into()],
    ))
    .await?;
    Ok(())
}

/// Deletes the rows that have drained to nothing (no attempt for the
/// longest window); answers how many. Any replica may run it.
pub async fn sweep(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let before = now_ms() - SIGN_UP_WINDOW.max(WINDOW).as_millis() as i64;
    let result = db
        .execute(statement(
            db.get_database_backend(),
            "DELETE FROM login_attempts WHERE updated_at < $1",
            [before.into()],
        ))
        .await?;
    Ok(result.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use migration::{Migrator, MigratorTrait};

    async fn db() -> sea_orm::DatabaseConnection {
        // One connection: each in-memory SQLite connection is its own database.
        let mut options = sea_orm::ConnectOptions::new("sqlite::memory:");
        options.max_connections(1).min_connections(1);
        let db = sea_orm::Database::connect(options).await.unwrap();
        Migrator::up(&db, None).await.unwrap();
        db
    }

    #[tokio::test]
    async fn five_attempts_then_refused_for_a_few_minutes() {
        let db = db().await;
        let ip = IpAddr::from([192, 0, 2, 1]);
        for i in 0..MAX_FAILURES {
            let other = IpAddr::from([192, 0, 2, 10 + i as u8]);
            assert!(
                attempt(&db, Subject::User("ada"), other)
                    .await
                    .unwrap()
                    .is_ok(),
                "{i}"
            );
        }
        let wait = attempt(&db, Subject::User("ada"), ip)
            .await
            .unwrap()
            .unwrap_err();
        // Two attempts' worth over the limit: 6 minutes, give or take.
        assert!(
            wait > Duration::from_secs(5 * 60) && wait <= Duration::from_secs(6 * 60),
            "{wait:?}"
        );
        assert!(
            attempt(&db, Subject::User("grace"), ip)
                .await
                .unwrap()
                .is_ok(),
            "others are not affected"
        );
        assert!(
            attempt(&db, Subject::Share(1), ip).await.unwrap().is_ok(),
            "nor share links"
        );
        forgive(&db, Subject::User("ada"), ip).await.unwrap();
        assert!(
            attempt(&db, Subject::User("ada"), IpAddr::from([192, 0, 2, 99]))
                .await
                .unwrap()
                .is_ok()
        );
    }

    #[tokio::test]
    async fn one_address_is_throttled_across_names() {
        let db = db().await;
        let ip = IpAddr::from([192, 0, 2, 1]);
        for i in 0..MAX_FAILURES {
            let name = format!("user{i}");
            assert!(attempt(&db, Subject::User(&name), ip)
                .await
                .unwrap()
                .is_ok());
        }
        assert!(attempt(&db, Subject::User("someone"), ip)
            .await
            .unwrap()
            .is_err());
        // A neighbour in the same IPv6 /64 is the same client.
        let a: IpAddr = "2001:db8::1".parse().unwrap();
        let b: IpAddr = "2001:db8::ffff:2".parse().unwrap();
        for i in 0..MAX_FAILURES {
            attempt(&db, Subject::User(&format!("v6-{i}")), a)
                .await
                .unwrap()
                .unwrap();
        }
        assert!(attempt(&db, Subject::User("v6-x"), b)
            .await
            .unwrap()
            .is_err());
    }

    #[tokio::test]
    async fn sign_ups_are_counted_per_address_by_the_hour() {
        let db = db().await;
        let ip = IpAddr::from([192, 0, 2, 1]);
        for _ in 0..3 {
            sign_up_attempt(&db, ip, 3).await.unwrap().unwrap();
        }
        let wait = sign_up_attempt(&db, ip, 3).await.unwrap().unwrap_err();
        // Two sign-ups' worth over: 40 minutes, give or take.
        assert!(
            wait > Duration::from_secs(39 * 60) && wait <= Duration::from_secs(40 * 60),
            "{wait:?}"
        );
        let other = IpAddr::from([192, 0, 2, 2]);
        sign_up_attempt(&db, other, 3).await.unwrap().unwrap();
        // Logins from the same address are a bucket of their own.
        attempt(&db, Subject::User("ada"), ip)
            .await
            .unwrap()
            .unwrap();
    }

    #[tokio::test]
    async fn long_names_are_stored_hashed_and_old_rows_swept() {
        let db = db().await;
        let huge = "x".repeat(2 * 1024 * 1024);
        attempt(&db, Subject::User(&huge), IpAddr::from([192, 0, 2, 1]))
            .await
            .unwrap()
            .unwrap();
        let longest = db
            .query_one(sea_orm::Statement::from_string(
                DatabaseBackend::Sqlite,
                "SELECT MAX(LENGTH(key)) AS n FROM login_attempts",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap();
        assert!(longest <= KEY_MAX as i64, "{longest}");
        db.execute_unprepared("UPDATE login_attempts SET updated_at = 0")
            .await
            .unwrap();
        assert_eq!(sweep(&db).await.unwrap(), 2);
    }
}
