//! The session store over real HTTP, on each database: a session's row
//! names its user, who is read with it; rows without one (as the sqlx store
//! wrote them) still work; what is read with a session is never stored; a
//! session in use outlives its idle timeout, but not its absolute lifetime;
//! a renewal that cannot be written still answers the page; a database
//! failure is an error, not a logout; and a session is still found after
//! Postgres ended the app's connections.

use crate::common;

use common::{TestApp, TestDb};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use tower_sessions::{
    cookie::time::{Duration, OffsetDateTime},
    session::{Id, Record},
    SessionStore,
};

on_each_backend! {
    a_session_is_read_with_its_user => a_session_is_read_with_its_user;
    a_new_session_never_takes_an_existing_id => a_new_session_never_takes_an_existing_id;
    an_ended_session_is_never_written_back => an_ended_session_is_never_written_back;
    a_renewal_keeps_what_another_request_wrote => a_renewal_keeps_what_another_request_wrote;
    a_session_in_use_outlives_its_idle_timeout => a_session_in_use_outlives_its_idle_timeout;
    a_database_failure_is_not_a_logout => a_database_failure_is_not_a_logout;
    a_renewal_stops_at_the_absolute_lifetime => a_renewal_stops_at_the_absolute_lifetime;
    a_failed_renewal_still_answers_the_page => a_failed_renewal_still_answers_the_page;
}

const PASSWORD: &str = "violet-otter-tangent-42";
const NEW_PASSWORD: &str = "cobalt-heron-meadow-77";

async fn execute(app: &TestApp, sql: &str) {
    let db = &app.state.db;
    db.execute(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap();
}

/// Each session row: its user column (`None` for NULL) and its stored bytes.
async fn session_rows(app: &TestApp) -> Vec<(Option<i32>, Vec<u8>)> {
    let db = &app.state.db;
    let rows = db
        .query_all(Statement::from_string(
            db.get_database_backend(),
            "SELECT user_id, data FROM sessions",
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            (
                r.try_get("", "user_id").unwrap(),
                r.try_get("", "data").unwrap(),
            )
        })
        .collect()
}

/// The name the navigation bar shows, if the gallery answers at all.
async fn who_is_logged_in(app: &TestApp) -> Option<String> {
    let res = app.get("/images/").await;
    if res.status() != StatusCode::OK {
        return None;
    }
    let html = res.text().await.unwrap();
    let at = html.find("class=\"username\"")?;
    let name = &html[at..];
    let name = &name[name.find('>')? + 1..];
    Some(name[..name.find('<')?].to_owned())
}

async fn a_session_is_read_with_its_user(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up_in_new_browser("bob", "").await;
    app.sign_up("ada").await;
    let (ada, bob) = (app.user_named("ada").await, app.user_named("bob").await);
    let mut users: Vec<_> = session_rows(&app).await.into_iter().map(|r| r.0).collect();
    users.sort();
    let mut expected = vec![Some(ada.id), Some(bob.id)];
    expected.sort();
    assert_eq!(users, expected, "each row names its user");
    assert_eq!(who_is_logged_in(&app).await.as_deref(), Some("ada"));

    // A row that names no user (written before the column) still logs in.
    execute(
        &app,
        &format!(
            "UPDATE sessions SET user_id = NULL WHERE user_id = {}",
            ada.id
        ),
    )
    .await;
    assert_eq!(who_is_logged_in(&app).await.as_deref(), Some("ada"));

    // The login record decides who this is, not the column: a row naming
    // another user is read as its own user.
    execute(
        &app,
        &format!(
            "UPDATE sessions SET user_id = {} WHERE user_id IS NULL",
            bob.id
        ),
    )
    .await;
    assert_eq!(who_is_logged_in(&app).await.as_deref(), Some("ada"));

    // A save writes the column again and stores nothing it was read with.
    let res = app
        .post_form(
            "/account/",
            &[
                ("old_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("new_password_confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "password changed");
    let rows = session_rows(&app).await;
    let ada_rows: Vec<_> = rows.iter().filter(|r| r.0 == Some(ada.id)).collect();
    assert_eq!(ada_rows.len(), 1, "ada's session names her again");
    let holds = |data: &[u8], what: &str| data.windows(what.len()).any(|w| w == what.as_bytes());
    for (_, data) in &rows {
        for loaded in ["__session_user", "__session_expires_at_ms"] {
            assert!(!holds(data, loaded), "what a load read is not stored");
        }
    }
    assert!(
        holds(&ada_rows[0].1, "user_id"),
        "the login record is stored"
    );
    assert_eq!(who_is_logged_in(&app).await.as_deref(), Some("ada"));

    // A user disabled since the login is logged out on the next request,
    // through the user read with the session.
    execute(
        &app,
        &format!("UPDATE users SET is_active = FALSE WHERE id = {}", ada.id),
    )
    .await;
    assert_eq!(who_is_logged_in(&app).await, None);
    assert!(
        session_rows(&app).await.iter().all(|r| r.0 != Some(ada.id)),
        "the disabled user's session is deleted"
    );
}

/// A session record `id` holding only `note`, expiring in an hour.
fn noted_record(id: i128, note: &str) -> Record {
    Record {
        id: Id(id),
        data: [("note".to_owned(), serde_json::json!(note))].into(),
        expiry_date: OffsetDateTime::now_utc() + Duration::hours(1),
    }
}

async fn a_new_session_never_takes_an_existing_id(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let store = &app.state.session_store;
    let mut first = noted_record(7, "first");
    store.create(&mut first).await.unwrap();
    assert_eq!(first.id, Id(7));
    let mut second = noted_record(7, "second");
    store.create(&mut second).await.unwrap();
    assert_ne!(second.id, Id(7), "the taken id is drawn again");
    let note = |record: Option<Record>| record.unwrap().data["note"].clone();
    assert_eq!(note(store.load(&Id(7)).await.unwrap()), "first");
    assert_eq!(note(store.load(&second.id).await.unwrap()), "second");
}

/// A request that loaded a session before another request ended it (a
/// logout while the gallery's thumbnails still load, one of them renewing
/// the session) saves it afterwards: the session stays ended.
async fn an_ended_session_is_never_written_back(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let store = &app.state.session_store;
    let mut record = noted_record(11, "kept");
    store.create(&mut record).await.unwrap();
    let loaded = store.load(&record.id).await.unwrap().expect("stored");
    // A save of a live session is written.
    let mut changed = loaded.clone();
    changed
        .data
        .insert("note".to_owned(), serde_json::json!("changed"));
    store.save(&changed).await.unwrap();
    let reloaded = store.load(&record.id).await.unwrap().expect("still there");
    assert_eq!(reloaded.data["note"], "changed");
    // Ended elsewhere, then saved by the request that loaded it before.
    store.delete(&record.id).await.unwrap();
    assert!(store.load(&record.id).await.unwrap().is_none(), "deleted");
    store.save(&loaded).await.unwrap();
    assert!(
        store.load(&record.id).await.unwrap().is_none(),
        "a logged-out session came back"
    );
}

/// Two requests of one session load it; one changes it, then the other,
/// which changed nothing, saves it with a later expiry (a renewal): the
/// change stays, and the expiry is the renewal's.
async fn a_renewal_keeps_what_another_request_wrote(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let store = &app.state.session_store;
    let mut record = noted_record(12, "first");
    store.create(&mut record).await.unwrap();
    let mut renewing = store.load(&record.id).await.unwrap().expect("stored");
    let mut changing = store.load(&record.id).await.unwrap().expect("stored");
    changing
        .data
        .insert("note".to_owned(), serde_json::json!("second"));
    store.save(&changing).await.unwrap();
    let later = OffsetDateTime::now_utc() + Duration::hours(2);
    renewing.expiry_date = later;
    store.save(&renewing).await.unwrap();
    let stored = store.load(&record.id).await.unwrap().expect("still there");
    assert_eq!(stored.data["note"], "second", "the change was undone");
    assert!(
        (stored.expiry_date - later).abs() < Duration::seconds(1),
        "renewed to {later}, stored {}",
        stored.expiry_date
    );
}

/// The session cookie a response sets, if it sets one.
fn set_session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("cloudtalents_session="))
        .map(str::to_owned)
}

async fn a_session_in_use_outlives_its_idle_timeout(db: TestDb) {
    // Six seconds idle, renewed once under three are left. Each step has
    // over two seconds to spare; a slow machine only makes the last later.
    let app = TestApp::spawn_with(db, &[("SESSION_IDLE_TIMEOUT", "6s")]).await;
    app.sign_up("ada").await;
    let res = app.get("/images/").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        set_session_cookie(&res),
        None,
        "a fresh session is not written again on every request"
    );
    // Past half the idle window: the next request renews the session.
    tokio::time::sleep(std::time::Duration::from_millis(3_500)).await;
    let res = app.get("/images/").await;
    assert_eq!(res.status(), StatusCode::OK);
    let renewed = set_session_cookie(&res).expect("the session is renewed");
    assert!(renewed.contains("; Max-Age=6"), "{renewed}");
    // Seven seconds after the login, past its first expiry: still logged in
    // (the client keeps the cookie by its Max-Age, as a browser does).
    tokio::time::sleep(std::time::Duration::from_millis(3_500)).await;
    assert_eq!(who_is_logged_in(&app).await.as_deref(), Some("ada"));
    // Idle for longer than the timeout: the server has ended it too.
    tokio::time::sleep(std::time::Duration::from_millis(6_500)).await;
    let res = TestApp::new_client()
        .get(app.url("/images/"))
        .header("cookie", renewed.split(';').next().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "idle too long");
}

/// The `Max-Age` of a `Set-Cookie` value, in seconds.
fn max_age(cookie: &str) -> u64 {
    let at = cookie.find("; Max-Age=").expect("a Max-Age") + "; Max-Age=".len();
    let digits: String = cookie[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap()
}

async fn a_renewal_stops_at_the_absolute_lifetime(db: TestDb) {
    // Renewed 3.5 s after the login, when the login has 4.5 s left of its
    // 8: the new expiry is the login's end, not 6 s on; at 5.5 s it is not
    // renewed again.
    let app = TestApp::spawn_with(
        db,
        &[
            ("SESSION_IDLE_TIMEOUT", "6s"),
            ("SESSION_ABSOLUTE_LIFETIME", "8s"),
        ],
    )
    .await;
    app.sign_up("ada").await;
    let signed_up = OffsetDateTime::now_utc();
    tokio::time::sleep(std::time::Duration::from_millis(3_500)).await;
    let res = app.get("/images/").await;
    assert_eq!(res.status(), StatusCode::OK);
    let renewed = set_session_cookie(&res).expect("the session is renewed");
    assert!((1..=4).contains(&max_age(&renewed)), "{renewed}");
    // The row ends then too (6 s after the renewal would be 9.5 s on).
    let id: Id = renewed["cloudtalents_session=".len()..renewed.find(';').unwrap()]
        .parse()
        .unwrap();
    let stored = app
        .state
        .session_store
        .load(&id)
        .await
        .unwrap()
        .expect("stored");
    assert!(
        stored.expiry_date < signed_up + Duration::milliseconds(8_500),
        "signed up at {signed_up}, the row ends at {}",
        stored.expiry_date
    );
    // Under half the idle window left again, but nothing to extend: no
    // write, no cookie.
    tokio::time::sleep(std::time::Duration::from_millis(2_000)).await;
    let res = app.get("/images/").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(set_session_cookie(&res), None, "renewed again");
}

async fn a_failed_renewal_still_answers_the_page(db: TestDb) {
    let app = TestApp::spawn_with(db, &[("SESSION_IDLE_TIMEOUT", "6s")]).await;
    app.sign_up("ada").await;
    // Every update of a session row fails from now on (a renewal writes
    // with an UPDATE).
    let refuse = match app.state.db.get_database_backend() {
        sea_orm::DbBackend::Postgres => vec![
            "CREATE FUNCTION refuse_update() RETURNS trigger LANGUAGE plpgsql \
             AS $$ BEGIN RAISE EXCEPTION 'no updates'; END $$",
            "CREATE TRIGGER refuse BEFORE UPDATE ON sessions \
             FOR EACH ROW EXECUTE FUNCTION refuse_update()",
        ],
        _ => vec![
            "CREATE TRIGGER refuse BEFORE UPDATE ON sessions \
             BEGIN SELECT RAISE(ABORT, 'no updates'); END",
        ],
    };
    for sql in refuse {
        execute(&app, sql).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(3_500)).await;
    let res = app.get("/images/").await;
    assert_eq!(res.status(), StatusCode::OK, "the page, not a bare 500");
    assert!(set_session_cookie(&res).is_some(), "a renewal was due");
    assert_eq!(who_is_logged_in(&app).await.as_deref(), Some("ada"));
}

async fn a_database_failure_is_not_a_logout(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    assert_eq!(who_is_logged_in(&app).await.as_deref(), Some("ada"));
    // The sessions table gone for a moment: every read of it fails.
    execute(&app, "ALTER TABLE sessions RENAME TO sessions_away").await;
    let res = app.get("/images/").await;
    assert_eq!(
        res.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "not a 303 to the login page"
    );
    assert_eq!(res.headers()["retry-after"], "5");
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("could not reach its database just now"));
    let res = app.call("list_albums", &[]).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let err: cloudtalents::error::AppError = res.json().await.unwrap();
    assert!(
        matches!(err, cloudtalents::error::AppError::Busy { .. }),
        "{err:?}"
    );
    // Back again: the same session still holds.
    execute(&app, "ALTER TABLE sessions_away RENAME TO sessions").await;
    assert_eq!(who_is_logged_in(&app).await.as_deref(), Some("ada"));
    // A row that cannot be read (0xC1 is no MessagePack) is not a database
    // failure: that session ends, and its browser can log in again.
    let unreadable = match app.state.db.get_database_backend() {
        sea_orm::DbBackend::Postgres => "decode('c1', 'hex')",
        _ => "X'C1'",
    };
    execute(&app, &format!("UPDATE sessions SET data = {unreadable}")).await;
    assert_eq!(app.get("/images/").await.status(), StatusCode::SEE_OTHER);
    assert!(session_rows(&app).await.is_empty(), "the row is deleted");
}

/// Postgres ends every connection of the app (as a restart or a failover
/// does) while the app is quiet: the next request still finds its session
/// and its page, on a new connection (the pool checks a connection idle for
/// over a second before handing it out).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Postgres: make test runs it"]
async fn a_quiet_app_survives_its_connections_ending() {
    let app = TestApp::spawn(TestDb::postgres().await).await;
    app.sign_up("ada").await;
    assert_eq!(who_is_logged_in(&app).await.as_deref(), Some("ada"));
    let admin = sea_orm::Database::connect(app.state.config.database_url.as_str())
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let ended = admin
        .query_all(Statement::from_string(
            admin.get_database_backend(),
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        ))
        .await
        .unwrap();
    assert!(!ended.is_empty(), "the app's connections were ended");
    admin.close().await.unwrap();
    for _ in 0..3 {
        assert_eq!(who_is_logged_in(&app).await.as_deref(), Some("ada"));
    }
}
