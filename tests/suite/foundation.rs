//! The foundation over real HTTP: pages, 404, health, and the schema, on
//! each database backend.

use crate::common;

use common::{TestApp, TestDb};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

on_each_backend! {
    home_page_is_server_rendered => home_page_is_server_rendered;
    unknown_paths_get_the_404_page => unknown_paths_get_the_404_page;
    healthz_reports_a_working_database => healthz_reports_a_working_database;
    healthz_reports_a_lost_database_as_503 => healthz_reports_a_lost_database_as_503;
    migrations_go_down_and_up_again => migrations_go_down_and_up_again;
    usernames_are_unique_ignoring_case => usernames_are_unique_ignoring_case;
    replicas_starting_together_migrate_once => replicas_starting_together_migrate_once;
}

async fn home_page_is_server_rendered(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let res = app.get("/").await;
    assert_eq!(res.status(), 200);
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    let html = res.text().await.unwrap();
    // The text is in the HTML itself, before any script runs.
    assert!(html.contains("<h1>Welcome to Cloudtalents</h1>"), "{html}");
    assert!(html.contains(r#"href="/register/""#), "{html}");
    assert!(html.contains(r#"href="/login/""#), "{html}");
    // The hydration script loads our bundle.
    assert!(html.contains("/pkg/cloudtalents.js"), "{html}");
    assert!(
        html.contains("<title>Welcome · Cloudtalents</title>"),
        "{html}"
    );
}

async fn unknown_paths_get_the_404_page(db: TestDb) {
    let app = TestApp::spawn(db).await;
    for path in ["/no/such/page", "/%ff"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 404, "{path}");
        let html = res.text().await.unwrap();
        assert!(html.contains("Page not found"), "{path}: {html}");
    }
    // Paths that climb out: sent byte for byte (an HTTP client would
    // resolve the dots before sending), they reach nothing on disk, even
    // for a logged-in user (a visitor is sent to log in by /images/…).
    let cookie = app.session_cookie().await;
    for path in [
        "/images/../../etc/passwd",
        "/pkg/../../../../etc/passwd",
        "/media/../../etc/passwd",
        "/media/%2e%2e/%2e%2e/etc/passwd",
        "/pkg/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    ] {
        let (status, body) = raw_get(&app, path, &cookie).await;
        assert_eq!(status, 404, "{path}: {body}");
        assert!(!body.contains("root:"), "{path} leaked a file: {body}");
    }
}

/// `GET path` over a plain TCP connection, the path exactly as given.
async fn raw_get(app: &TestApp, path: &str, cookie: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

async fn healthz_reports_a_working_database(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
}

async fn healthz_reports_a_lost_database_as_503(db: TestDb) {
    let app = TestApp::spawn(db).await;
    // Closing the shared pool makes every later query fail, as a lost
    // database server would.
    match app.db.backend {
        "sqlite" => app.state.db.get_sqlite_connection_pool().close().await,
        _ => app.state.db.get_postgres_connection_pool().close().await,
    }
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 503);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "unavailable");
}

async fn migrations_go_down_and_up_again(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let conn = &app.state.db;
    let applied = Migrator::get_applied_migrations(conn).await.unwrap();
    assert_eq!(applied.len(), Migrator::migrations().len());
    Migrator::down(conn, None).await.unwrap();
    assert!(Migrator::get_applied_migrations(conn)
        .await
        .unwrap()
        .is_empty());
    assert!(conn
        .execute_unprepared("SELECT 1 FROM users")
        .await
        .is_err());
    Migrator::up(conn, None).await.unwrap();
    conn.execute_unprepared("SELECT 1 FROM users")
        .await
        .unwrap();
}

async fn usernames_are_unique_ignoring_case(db: TestDb) {
    use cloudtalents::entities::user;
    let app = TestApp::spawn(db).await;
    let new_user = |name: &str| user::ActiveModel {
        username: Set(name.to_owned()),
        username_key: Set(name.to_lowercase()),
        password_hash: Set("x".into()),
        is_active: Set(true),
        created_at: Set(chrono::Utc::now().fixed_offset()),
        ..Default::default()
    };
    new_user("Ada").insert(&app.state.db).await.unwrap();
    let dup = new_user("ADA").insert(&app.state.db).await;
    assert!(dup.is_err(), "a second Ada must be refused by the database");
    new_user("Grace").insert(&app.state.db).await.unwrap();
}

/// Four replicas start at the same moment on one empty database: each
/// connects and migrates; all start, and the schema is whole once (the
/// sessions table too, which `scripts/replicas.sh` once caught colliding
/// when the session store made it).
async fn replicas_starting_together_migrate_once(db: TestDb) {
    use cloudtalents::server::db::connect_and_migrate;
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let url = db.url.clone();
            tokio::spawn(async move { connect_and_migrate(&url).await.expect("migrations") })
        })
        .collect();
    for start in starts {
        let conn = start.await.unwrap();
        let applied = Migrator::get_applied_migrations(&conn).await.unwrap();
        assert_eq!(applied.len(), Migrator::migrations().len());
    }
}
