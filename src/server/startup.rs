//! What must work before the app may take a request, and the jobs that run
//! beside it. The server builds all of it; a command line tool builds only
//! the database (and the library when it stores images).

use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;

use super::{
    activity::{self, Entry, Kind},
    auth::{
        password::Hashing,
        session::{self, DbSessionStore},
        throttle,
    },
    config::{self, Config, ConfigError},
    db::{self, DbStartError},
    import::ImportError,
    library::{self, spool, Library},
    secret::SecretKey,
    state::AppState,
};

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
    #[error("could not read the password from standard input: {0}")]
    Stdin(std::io::Error),
    #[error("the user was not created: {0}")]
    CreateUser(String),
    #[error("{0}")]
    Users(String),
    #[error("{0}")]
    Media(String),
    #[error("unhealthy: {0}")]
    Unhealthy(String),
    #[error(transparent)]
    Import(#[from] ImportError),
}

/// Connects to the database and migrates it.
pub async fn open_database(config: &Config) -> Result<DatabaseConnection, StartError> {
    Ok(db::connect_and_migrate(&config.database_url).await?)
}

/// Checks that media can be stored (the folder is writable, the bucket
/// answers) and makes the image library on it.
pub async fn open_library(config: &Config) -> Result<Library, StartError> {
    if let Some(root) = config.media.root() {
        config::ensure_media_root(root)?;
    }
    let library =
        Library::from_config(config).map_err(|e| StartError::Media(format!("MEDIA_STORE: {e}")))?;
    if let Err(err) = library.storage.check().await {
        return Err(StartError::Media(format!(
            "MEDIA_STORE: cannot list {}: {err}",
            library.storage.describe()
        )));
    }
    Ok(library)
}

/// Everything the server needs: database, media, session store. Starts no
/// task; see [`spawn_background_jobs`].
pub async fn build_state(
    config: Config,
    leptos_options: LeptosOptions,
) -> Result<AppState, StartError> {
    let library = open_library(&config).await?;
    let secret_key = SecretKey::load(&config.secret_key)?;
    let db = open_database(&config).await?;
    let session_store = DbSessionStore::new(&db, config.database_url.kind());
    Ok(AppState {
        leptos_options,
        db,
        config: std::sync::Arc::new(config),
        session_store,
        library,
        secret_key,
        hashing: Hashing::for_this_machine(),
    })
}

/// The server's jobs, at start and every `SESSION_CLEANUP_PERIOD`: expired
/// sessions are deleted, the trash is purged of images older than
/// `TRASH_DAYS`, the activity log of entries older than `AUDIT_DAYS`, images stored before sizes were recorded are measured for
/// quotas, drained throttle rows are deleted, and the media sweep
/// removes files no row refers to that are older than `MEDIA_SWEEP_GRACE`
/// (what a crash between writing files and the row left), as are upload
/// files a killed server left in `TMPDIR`. Every replica
/// may run them: each step is idempotent.
pub fn spawn_background_jobs(state: &AppState) {
    session::spawn_expired_deletion(
        state.session_store.clone(),
        state.config.session_cleanup_period,
    );
    let (db, library, config) = (
        state.db.clone(),
        state.library.clone(),
        state.config.clone(),
    );
    tokio::spawn(async move {
        let mut every = tokio::time::interval(config.session_cleanup_period);
        loop {
            every.tick().await;
            match library::trash::purge(&db, &library, config.trash_retention).await {
                Ok(0) => {}
                Ok(purged) => {
                    tracing::info!(purged, "trash purged");
                    let entry = Entry::new(Kind::TrashPurged, None, "");
                    let detail = format!("{purged} images trashed over TRASH_DAYS ago");
                    activity::record(&db, entry.detail(detail)).await;
                }
                Err(err) => tracing::error!(%err, "trash purge failed"),
            }
            match library::quota::measure_unsized(&db, &library).await {
                Ok(0) => {}
                Ok(measured) => {
                    tracing::info!(measured, "measured the stored size of older images")
                }
                Err(err) => tracing::error!(%err, "measuring older images failed"),
            }
            match activity::prune(&db, config.audit_retention).await {
                Ok(0) => {}
                Ok(pruned) => tracing::info!(pruned, "activity log pruned"),
                Err(err) => tracing::error!(%err, "pruning the activity log failed"),
            }
            if let Err(err) = throttle::sweep(&db).await {
                tracing::error!(%err, "sweeping old throttle rows failed");
            }
            match library::sweep_orphans(&db, &library, config.media_sweep_grace).await {
                Ok(removed) => tracing::debug!(removed, "media sweep done"),
                Err(err) => tracing::error!(%err, "media sweep failed"),
            }
            let grace = config.media_sweep_grace;
            match tokio::task::spawn_blocking(move || {
                spool::sweep_stale(&std::env::temp_dir(), grace)
            })
            .await
            {
                Ok(Ok(0)) => {}
                Ok(Ok(removed)) => tracing::info!(removed, "left-over upload files removed"),
                Ok(Err(err)) => tracing::error!(%err, "sweeping upload files failed"),
                Err(err) => tracing::error!(%err, "sweeping upload files failed"),
            }
        }
    });
}
