//! The `cloudtalents` server binary.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use cloudtalents::server::{
    self,
    config::Config,
    startup::{self, StartError},
};
use tracing_subscriber::EnvFilter;

/// See `mimalloc` in Cargo.toml: measured in `make bench`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// No transparent huge pages for this process, before the runtime's threads
/// allocate: with them, mimalloc's arenas were backed in 2 MiB pages that
/// stayed resident after the memory was freed (peak RSS over sign-up, 100
/// uploads, a 12 MP upload and the gallery under wrk: 146–168 → 110–120 MiB,
/// same req/s). mimalloc's `no_thp` stops it asking for them; this also
/// covers kernels whose THP mode is "always".
fn disable_transparent_huge_pages() {
    // SAFETY: PR_SET_THP_DISABLE takes one integer argument and only sets a
    // flag of this process; a failure (an old kernel) changes nothing.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() -> ExitCode {
    disable_transparent_huge_pages();
    run()
}

#[derive(Parser)]
#[command(version, about = "Cloudtalents: a small self-hosted image gallery")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve the app (the default).
    Serve,
    /// Create a user. The password is read from standard input when it is
    /// not a terminal (one line), else asked for twice.
    CreateUser {
        /// The new user's name.
        username: String,
        /// Make the user an admin (they manage users at /admin/).
        #[arg(long)]
        admin: bool,
    },
    /// Make a user an admin, or with --off stop them being one (the last
    /// admin stays).
    SetAdmin {
        username: String,
        #[arg(long)]
        off: bool,
    },
    /// Set how much a user may store: a size such as 2GB or 500MiB,
    /// `unlimited`, or `default` (DEFAULT_QUOTA).
    SetQuota { username: String, quota: String },
    /// Make an invitation link for sign-up (SIGNUP=invite) and print it.
    /// Only its hash is stored: the link cannot be shown again.
    Invite {
        /// How many sign-ups it allows.
        #[arg(long, default_value_t = 1)]
        uses: u32,
        /// Days it stays valid (1 to 365).
        #[arg(long, default_value_t = 7)]
        days: u32,
    },
    /// Import users and images from the old Django app: its Postgres
    /// database and its media folder. Safe to run again: what was imported
    /// is not imported twice.
    ImportDjango {
        /// The Django database, e.g. postgres://user:password@host/mvp; or
        /// DJANGO_DATABASE_URL, which keeps the password out of the process
        /// list and the shell's history.
        #[arg(long, env = "DJANGO_DATABASE_URL", hide_env_values = true)]
        database: String,
        /// Django's media folder (image paths are relative to it).
        #[arg(long)]
        media: std::path::PathBuf,
        /// Show what would be imported; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Check that image rows and stored files agree (every row's files are
    /// stored; no file older than MEDIA_SWEEP_GRACE lacks a row). Exit 1,
    /// listing them, when they do not.
    CheckMedia,
    /// Exit 0 when the server at LEPTOS_SITE_ADDR answers /healthz with 200
    /// (for container health checks; the runtime image has no curl).
    Healthcheck,
}

#[tokio::main]
async fn run() -> ExitCode {
    let cli = Cli::parse();
    // A missing .env is normal; a broken one is worth saying.
    if let Err(err) = dotenvy::dotenv() {
        if !err.not_found() {
            eprintln!("cloudtalents: .env could not be read: {err}");
            return ExitCode::FAILURE;
        }
    }
    if let Err(message) = init_logging() {
        eprintln!("cloudtalents: {message}");
        return ExitCode::FAILURE;
    }
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve().await,
        Command::CreateUser { username, admin } => create_user(&username, admin).await,
        Command::SetAdmin { username, off } => set_admin(&username, !off).await,
        Command::SetQuota { username, quota } => set_quota(&username, &quota).await,
        Command::Invite { uses, days } => invite(uses, days).await,
        Command::Healthcheck => healthcheck().await,
        Command::CheckMedia => check_media().await,
        Command::ImportDjango {
            database,
            media,
            dry_run,
        } => import_django(database, media, dry_run).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("cloudtalents: {err}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() -> Result<(), String> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(value) if !value.trim().is_empty() => EnvFilter::builder()
            .parse(&value)
            .map_err(|e| format!("RUST_LOG is not a valid log filter: {e}"))?,
        _ => EnvFilter::new("info"),
    };
    tracing_subscriber::fmt().with_env_filter(filter).init();
    Ok(())
}

async fn serve() -> Result<(), StartError> {
    let config = Config::from_env()?;
    let mut leptos_options = leptos::config::get_configuration(None)
        .map_err(|e| StartError::Leptos(e.to_string()))?
        .leptos_options;
    leptos_options.site_addr = config.site_addr;
    // cargo-leptos writes hash.txt beside the binary when it hashes asset
    // names; use it unless LEPTOS_HASH_FILES says otherwise.
    if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
        leptos_options.hash_files = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join(&*leptos_options.hash_file)))
            .is_some_and(|path| path.is_file());
    }
    let addr = config.site_addr;
    tracing::info!(database = %config.database_url, media = ?config.media, "starting");

    let state = startup::build_state(config, leptos_options).await?;
    startup::spawn_background_jobs(&state);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })?;
    println!("Cloudtalents is running at http://{addr}/");
    let app =
        server::http::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|source| StartError::Bind { addr, source })
}

async fn create_user(username: &str, admin: bool) -> Result<(), StartError> {
    use std::io::IsTerminal;
    let config = Config::from_env()?;
    let (password, confirm) = if std::io::stdin().is_terminal() {
        let read = |prompt: &str| rpassword::prompt_password(prompt).unwrap_or_default();
        (read("Password: "), read("Password (again): "))
    } else {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(StartError::Stdin)?;
        let line = line.trim_end_matches(['\r', '\n']).to_owned();
        (line.clone(), line)
    };
    let db = startup::open_database(&config).await?;
    let hashing = server::auth::password::Hashing::new(1);
    let user = server::accounts::create_user(&db, &hashing, username, &password, &confirm, admin)
        .await
        .map_err(|e| StartError::CreateUser(e.sentence()))?;
    let role = if user.is_admin { "admin" } else { "user" };
    println!("Created {role} {:?}.", user.username);
    Ok(())
}

async fn set_admin(username: &str, admin: bool) -> Result<(), StartError> {
    let config = Config::from_env()?;
    let db = startup::open_database(&config).await?;
    let user = server::users::set_admin(&db, username, admin)
        .await
        .map_err(|e| StartError::Users(e.sentence()))?;
    let now = if user.is_admin {
        "an admin"
    } else {
        "not an admin"
    };
    println!("{:?} is {now}.", user.username);
    Ok(())
}

async fn set_quota(username: &str, quota: &str) -> Result<(), StartError> {
    use server::users::QuotaSetting;
    let setting = QuotaSetting::parse(quota).ok_or_else(|| {
        StartError::Users(format!(
            "the quota must be a size such as 2GB or 500MiB, unlimited or default, got {quota:?}"
        ))
    })?;
    let config = Config::from_env()?;
    let db = startup::open_database(&config).await?;
    let user = server::users::set_quota(&db, username, setting)
        .await
        .map_err(|e| StartError::Users(e.sentence()))?;
    let limit = match setting {
        QuotaSetting::Bytes(bytes) => cloudtalents::model::user::format_bytes(bytes),
        QuotaSetting::Unlimited => "unlimited".to_owned(),
        QuotaSetting::Default => match config.default_quota {
            Some(bytes) => format!(
                "the default ({})",
                cloudtalents::model::user::format_bytes(bytes)
            ),
            None => "the default (unlimited)".to_owned(),
        },
    };
    println!("{:?} may store {limit}.", user.username);
    Ok(())
}

async fn invite(uses: u32, days: u32) -> Result<(), StartError> {
    let config = Config::from_env()?;
    let db = startup::open_database(&config).await?;
    let key = server::secret::SecretKey::load(&config.secret_key)?;
    let created = server::invitations::create(&db, &key, None, uses, Some(days))
        .await
        .map_err(|e| StartError::Users(e.sentence()))?;
    let signups = if uses == 1 {
        "one sign-up".to_owned()
    } else {
        format!("{uses} sign-ups")
    };
    println!(
        "{}\n(valid for {signups} within {days} day{})",
        created.link(&config.public_origin),
        if days == 1 { "" } else { "s" }
    );
    Ok(())
}

async fn check_media() -> Result<(), StartError> {
    let config = Config::from_env()?;
    let library = startup::open_library(&config).await?;
    let db = startup::open_database(&config).await?;
    let report = server::library::audit::audit(&db, &library, config.media_sweep_grace)
        .await
        .map_err(|e| StartError::Media(e.sentence()))?;
    print!("{report}");
    if report.is_consistent() {
        Ok(())
    } else {
        Err(StartError::Media("media and rows disagree".into()))
    }
}

async fn import_django(
    database: String,
    media: std::path::PathBuf,
    dry_run: bool,
) -> Result<(), StartError> {
    use std::io::IsTerminal;
    let config = Config::from_env()?;
    let library = startup::open_library(&config).await?;
    let db = startup::open_database(&config).await?;
    let options = server::import::ImportOptions {
        database_url: database,
        media_root: media,
        dry_run,
        progress: std::io::stderr().is_terminal(),
    };
    let summary = server::import::import_django(&db, &library, &options).await?;
    if dry_run {
        println!("Dry run: nothing was changed. This is what would happen:");
    }
    print!("{summary}");
    Ok(())
}

async fn healthcheck() -> Result<(), StartError> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let config = Config::from_env()?;
    let mut addr = config.site_addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let check = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await?;
        stream
            .write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")
            .await?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await?;
        Ok::<_, std::io::Error>(answer)
    };
    let answer = tokio::time::timeout(std::time::Duration::from_secs(5), check)
        .await
        .map_err(|_| StartError::Unhealthy(format!("{addr} did not answer within 5 s")))?
        .map_err(|e| StartError::Unhealthy(format!("{addr}: {e}")))?;
    let status_line = String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    if status_line.split_whitespace().nth(1) == Some("200") {
        Ok(())
    } else {
        Err(StartError::Unhealthy(format!(
            "{addr} answered {status_line:?}"
        )))
    }
}

/// Ctrl-C or SIGTERM (what `docker stop` sends) ends the server after
/// in-flight requests finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
