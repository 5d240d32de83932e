//! The real `cloudtalents` binary: it starts on the defaults, migrates, and
//! refuses bad configuration with one sentence naming the variable.

use crate::common;

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::Duration,
};

use common::TestDb;

const BIN: &str = env!("CARGO_BIN_EXE_cloudtalents");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs the binary in an empty directory with only `vars` set, expecting it
/// to fail at start; returns its stderr.
fn start_failure(vars: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port().to_string();
    let out = Command::new(BIN)
        .current_dir(dir.path())
        .env_clear()
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .envs(vars.iter().copied())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn a_bad_database_url_is_named() {
    let err = start_failure(&[("DATABASE_URL", "definitely not a url")]);
    assert!(
        err.contains("cloudtalents: DATABASE_URL is not a usable database URL"),
        "{err}"
    );
    let err = start_failure(&[("DATABASE_URL", "mysql://localhost/x")]);
    assert!(err.contains("DATABASE_URL"), "{err}");
}

#[test]
fn an_unreachable_database_is_named() {
    let port = free_port();
    let err = start_failure(&[(
        "DATABASE_URL",
        &format!("postgres://nobody:hunter2@127.0.0.1:{port}/x"),
    )]);
    assert!(
        err.contains("DATABASE_URL postgres://nobody:***@127.0.0.1"),
        "{err}"
    );
    assert!(err.contains("cannot connect to the database"), "{err}");
    assert!(!err.contains("hunter2"), "the password leaked: {err}");
}

#[test]
fn an_unwritable_media_root_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"").unwrap();
    let media = file.join("media");
    let err = start_failure(&[("MEDIA_ROOT", media.to_str().unwrap())]);
    assert!(err.contains("cloudtalents: MEDIA_ROOT"), "{err}");
    assert!(err.contains("is not a writable directory"), "{err}");
}

#[test]
fn a_bad_site_addr_or_log_filter_is_named() {
    let err = start_failure(&[("LEPTOS_SITE_ADDR", "localhost")]);
    assert!(err.contains("cloudtalents: LEPTOS_SITE_ADDR"), "{err}");
    let err = start_failure(&[("RUST_LOG", "cloudtalents=loud")]);
    assert!(err.contains("cloudtalents: RUST_LOG"), "{err}");
    let err = start_failure(&[("MEDIA_ACCEL_REDIRECT", "protected-media")]);
    assert!(err.contains("cloudtalents: MEDIA_ACCEL_REDIRECT"), "{err}");
}

/// Starts the binary, waits for it to print its URL, checks `/healthz`, and
/// stops it with SIGTERM.
async fn runs_and_reports_healthy(vars: Vec<(&'static str, String)>, dir: &std::path::Path) {
    let port = free_port();
    let mut child = Command::new(BIN)
        .current_dir(dir)
        .env_clear()
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .envs(vars)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let first_line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        line
    });
    let first_line = tokio::time::timeout(Duration::from_secs(60), first_line)
        .await
        .expect("the server did not start within 60 s")
        .unwrap();
    assert_eq!(
        first_line.trim(),
        format!("Cloudtalents is running at http://127.0.0.1:{port}/")
    );
    let res = reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let health = Command::new(BIN)
        .env_clear()
        .env("LEPTOS_SITE_ADDR", format!("0.0.0.0:{port}"))
        .arg("healthcheck")
        .output()
        .unwrap();
    assert!(
        health.status.success(),
        "{}",
        String::from_utf8_lossy(&health.stderr)
    );
    // SIGTERM: the binary shuts down cleanly.
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(status.success(), "{status:?}");
    // Nothing listens any more: the health check says so.
    let out = Command::new(BIN)
        .env_clear()
        .env("LEPTOS_SITE_ADDR", format!("0.0.0.0:{port}"))
        .arg("healthcheck")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cloudtalents: unhealthy: 127.0.0.1"));
}

#[tokio::test]
async fn starts_on_the_sqlite_default_and_creates_its_files() {
    let dir = tempfile::tempdir().unwrap();
    runs_and_reports_healthy(vec![], dir.path()).await;
    assert!(dir.path().join("data/cloudtalents.db").is_file());
    assert!(dir.path().join("data/media").is_dir());
}

#[tokio::test]
#[ignore = "needs Postgres: make test runs it"]
async fn starts_on_postgres_the_same_way() {
    let db = TestDb::postgres().await;
    let dir = tempfile::tempdir().unwrap();
    runs_and_reports_healthy(
        vec![("DATABASE_URL", db.url.as_str().to_owned())],
        dir.path(),
    )
    .await;
}

/// Runs `cloudtalents create-user NAME` with `password` on stdin.
fn create_user(db: &TestDb, name: &str, password: &str) -> std::process::Output {
    command(db, &["create-user", name], password)
}

/// Runs `cloudtalents ARGS…` on `db` with `stdin` as its input.
fn command(db: &TestDb, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .current_dir(dir.path())
        .env_clear()
        .env("DATABASE_URL", db.url.as_str())
        .env("RUST_LOG", "warn")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{stdin}").unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn create_user_makes_an_account_that_can_log_in() {
    let db = TestDb::sqlite().await;
    let out = create_user(&db, "operator", "violet-otter-tangent-42");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        r#"Created user "operator"."#
    );

    let out = create_user(&db, "OPERATOR", "violet-otter-tangent-42");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("username: That username is taken."), "{err}");
    let out = create_user(&db, "second", "12345678");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("This password is entirely numeric."), "{err}");

    let app = common::TestApp::spawn(db).await;
    let res = app
        .post_form(
            "/login/",
            &[
                ("username", "operator"),
                ("password", "violet-otter-tangent-42"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
}

/// `create-user --admin`, `set-admin [--off]` (never the last admin) and
/// `set-quota`, each answering one sentence.
#[tokio::test]
async fn admin_and_quota_commands() {
    let db = TestDb::sqlite().await;
    let run = |args: &[&str]| {
        let out = command(&db, args, "violet-otter-tangent-42");
        let text = |b: &[u8]| String::from_utf8_lossy(b).trim().to_owned();
        (out.status.code(), text(&out.stdout), text(&out.stderr))
    };
    let out = run(&["create-user", "--admin", "boss"]);
    assert_eq!(
        out,
        (Some(0), r#"Created admin "boss"."#.into(), String::new())
    );
    let out = run(&["create-user", "worker"]);
    assert_eq!(out.1, r#"Created user "worker"."#);

    let out = run(&["set-admin", "boss", "--off"]);
    assert_eq!(out.0, Some(1));
    assert!(
        out.2.contains(
            r#""boss" is the only admin: make another user admin before you take their role."#
        ),
        "{out:?}"
    );
    assert_eq!(run(&["set-admin", "WORKER"]).1, r#""worker" is an admin."#);
    assert_eq!(
        run(&["set-admin", "boss", "--off"]).1,
        r#""boss" is not an admin."#
    );
    let out = run(&["set-admin", "nobody"]);
    assert_eq!(out.0, Some(1));
    assert!(
        out.2.contains(r#"There is no user named "nobody"."#),
        "{out:?}"
    );

    assert_eq!(
        run(&["set-quota", "boss", "2GB"]).1,
        r#""boss" may store 2 GB."#
    );
    assert_eq!(
        run(&["set-quota", "boss", "unlimited"]).1,
        r#""boss" may store unlimited."#
    );
    assert_eq!(
        run(&["set-quota", "boss", "default"]).1,
        r#""boss" may store the default (unlimited)."#
    );
    let out = run(&["set-quota", "boss", "plenty"]);
    assert_eq!(out.0, Some(1));
    assert!(
        out.2.contains("the quota must be a size such as 2GB"),
        "{out:?}"
    );
}
