//! The one database pool, and migrations at start.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, RuntimeErr, SqlxPostgresConnector, Statement, TransactionTrait,
};

use super::config::{DatabaseKind, DatabaseUrl};

#[derive(Debug, thiserror::Error)]
pub enum DbStartError {
    #[error("DATABASE_URL {url}: cannot create the directory for the SQLite file: {source}")]
    SqliteDir {
        url: DatabaseUrl,
        source: std::io::Error,
    },
    #[error("DATABASE_URL {url}: cannot connect to the database: {source}")]
    Connect { url: DatabaseUrl, source: DbErr },
    #[error("DATABASE_URL {url}: migrating the database failed: {source}")]
    Migrate { url: DatabaseUrl, source: DbErr },
}

/// Connects (creating a SQLite file and its directory when missing) and
/// brings the schema up to date.
pub async fn connect_and_migrate(url: &DatabaseUrl) -> Result<DatabaseConnection, DbStartError> {
    if let Some(parent) = url.sqlite_file().as_deref().and_then(|f| f.parent()) {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent).map_err(|source| DbStartError::SqliteDir {
                url: url.clone(),
                source,
            })?;
        }
    }
    let db = match url.kind() {
        DatabaseKind::Postgres => connect_postgres(url).await,
        DatabaseKind::Sqlite => connect_sqlite(url).await,
    }
    .map_err(|source| DbStartError::Connect {
        url: url.clone(),
        source,
    })?;
    migrate(&db).await.map_err(|source| DbStartError::Migrate {
        url: url.clone(),
        source,
    })?;
    Ok(db)
}

async fn connect_sqlite(url: &DatabaseUrl) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.as_str());
    options
        .max_connections(POOL_SIZE)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false)
        // WAL lets readers (the gallery) go on while a writer commits; the busy
        // timeout makes concurrent writers wait instead of failing at once.
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true)
        });
    // Processes opening one new SQLite file together race to switch it to
    // WAL, which needs the file to themselves and does not wait out the
    // busy timeout: the losers get "database is locked", and try again.
    let mut retries = 50;
    loop {
        match Database::connect(options.clone()).await {
            Err(err) if retries > 0 && is_sqlite_busy(&err) => {
                retries -= 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            result => return result,
        }
    }
}

/// Connections per process: enough to keep two cores busy while queries
/// wait on the database, few enough for several replicas on one server.
const POOL_SIZE: u32 = 16;

/// A connection idle for longer than this is checked before a request gets it.
const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

/// Postgres on a pool of our own: SeaORM's options cannot say when to check
/// a connection. sqlx checks every one it hands out (a ping per query: the
/// gallery made 3 extra round trips). Unchecked, a quiet app handed dead
/// connections to the first 16 requests after a database restart, so a
/// connection idle for over a second is still pinged, and a dead one
/// replaced, before a request gets it (same machine, side by side: 1 729 →
/// 1 911 req/s, p99 54 → 46 ms).
async fn connect_postgres(url: &DatabaseUrl) -> Result<DatabaseConnection, DbErr> {
    use sea_orm::sqlx::{
        postgres::{PgConnectOptions, PgPoolOptions},
        ConnectOptions as _, Connection as _,
    };
    let sqlx_err = |e| DbErr::Conn(RuntimeErr::SqlxError(e));
    let options = url
        .as_str()
        .parse::<PgConnectOptions>()
        .map_err(sqlx_err)?
        .disable_statement_logging();
    let pool = PgPoolOptions::new()
        .max_connections(POOL_SIZE)
        .acquire_timeout(Duration::from_secs(5))
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for < PING_AFTER_IDLE {
                    return Ok(true);
                }
                conn.ping().await.map(|()| true)
            })
        })
        .connect_with(options)
        .await
        .map_err(sqlx_err)?;
    Ok(SqlxPostgresConnector::from_sqlx_postgres_pool(pool))
}

/// SQLite's SQLITE_BUSY ("database is locked").
fn is_sqlite_busy(err: &DbErr) -> bool {
    match err {
        DbErr::Conn(RuntimeErr::SqlxError(sea_orm::sqlx::Error::Database(db))) => {
            db.code().as_deref() == Some("5")
        }
        _ => false,
    }
}

/// Any number to name our lock among the database's advisory locks.
const MIGRATION_LOCK: i64 = 0x436c_6f75_6454_616c; // "CloudTal"

/// Brings the schema up to date, in one transaction that first takes a
/// lock, so that processes starting at the same moment migrate once: one
/// migrates, the others wait, then find nothing left to do. (sea-orm-migration
/// takes no lock of its own: two replicas' `CREATE TYPE`s collide on
/// `pg_type_typname_nsp_index`, two `CREATE INDEX`es on SQLite.)
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    match db.get_database_backend() {
        DbBackend::Postgres => lock_migrations(&txn).await?,
        // Any write takes SQLite's one write lock, even on an empty file;
        // `user_version` is ours and unused. The others wait their busy
        // timeout for it.
        _ => {
            txn.execute_unprepared("PRAGMA user_version = 0").await?;
        }
    }
    Migrator::up(&txn, None).await?;
    txn.commit().await
}

async fn lock_migrations(txn: &DatabaseTransaction) -> Result<(), DbErr> {
    txn.execute(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock($1)",
        [MIGRATION_LOCK.into()],
    ))
    .await?;
    Ok(())
}

/// A transaction that reads and then writes. On SQLite it takes the write
/// lock first: a deferred transaction that has read, and then writes after
/// another connection committed, fails at once with "database is locked"
/// (`SQLITE_BUSY_SNAPSHOT`, which the busy timeout cannot wait out). A
/// write that changes nothing is enough to take the lock; other writers
/// then wait their busy timeout. Postgres needs nothing (row locks).
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let txn = db.begin().await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        txn.execute_unprepared("UPDATE users SET id = id WHERE 0")
            .await?;
    }
    Ok(txn)
}

/// A raw statement written with Postgres's `$N` placeholders, for either
/// database: SQLite numbers its placeholders `?N`. (Only for our own SQL,
/// which has no `$` in any literal.)
pub fn statement(
    backend: DbBackend,
    sql: &str,
    values: impl IntoIterator<Item = sea_orm::Value>,
) -> Statement {
    let sql = match backend {
        DbBackend::Sqlite => sql.replace('$', "?"),
        _ => sql.to_owned(),
    };
    Statement::from_sql_and_values(backend, sql, values)
}
