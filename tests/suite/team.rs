//! Running it for a team, over real HTTP on each database: roles, storage
//! quotas and the cap on password hashing.

use crate::common;

use common::{fixtures, TestApp, TestDb};
use reqwest::StatusCode;
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};

use cloudtalents::{
    entities::{image, invitation, user},
    model::user::StorageUsage,
    server::{
        invitations,
        library::quota,
        users::{self, QuotaSetting},
    },
};

on_each_backend! {
    the_first_sign_up_is_an_admin_and_the_last_admin_stays => the_first_sign_up_is_an_admin_and_the_last_admin_stays;
    busy_password_hashing_answers_503_with_retry_after => busy_password_hashing_answers_503_with_retry_after;
    uploads_over_the_quota_are_refused_with_413 => uploads_over_the_quota_are_refused_with_413;
    the_default_quota_applies_unless_the_user_has_their_own => the_default_quota_applies_unless_the_user_has_their_own;
    older_images_are_measured_for_quotas => older_images_are_measured_for_quotas;
    sign_up_is_by_invitation_once_there_is_a_user => sign_up_is_by_invitation_once_there_is_a_user;
    racing_sign_ups_use_an_invitation_at_most_its_uses => racing_sign_ups_use_an_invitation_at_most_its_uses;
    closed_sign_up_refuses_everyone => closed_sign_up_refuses_everyone;
    sign_ups_are_throttled_per_address_unless_invited => sign_ups_are_throttled_per_address_unless_invited;
    large_uploads_are_spooled_and_two_are_under_way_per_user => large_uploads_are_spooled_and_two_are_under_way_per_user;
}

const BY_INVITATION: &str =
    "Sign-up is by invitation. Ask an admin of this site for an invitation link.";
const INVALID_INVITATION: &str = "This invitation link is not valid";

async fn uses_of(app: &TestApp, id: i32) -> i32 {
    invitation::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .uses
}

async fn the_first_sign_up_is_an_admin_and_the_last_admin_stays(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    app.sign_up_in_new_browser("bob", "").await;
    assert!(app.user_named("ada").await.is_admin, "the first user");
    assert!(!app.user_named("bob").await.is_admin, "a later user");

    let db = &app.state.db;
    let err = users::set_admin(db, "ADA", false).await.unwrap_err();
    assert_eq!(err.status(), StatusCode::CONFLICT);
    assert!(err.sentence().contains("is the only admin"), "{err:?}");
    assert!(app.user_named("ada").await.is_admin);

    assert!(users::set_admin(db, "bob", true).await.unwrap().is_admin);
    assert!(!users::set_admin(db, "ada", false).await.unwrap().is_admin);
    assert!(!app.user_named("ada").await.is_admin);
    let err = users::set_admin(db, "nobody", true).await.unwrap_err();
    assert_eq!(err.sentence(), "There is no user named \"nobody\".");

    // With every user deleted, the next sign-up is the first again.
    user::Entity::delete_many().exec(db).await.unwrap();
    app.sign_up_in_new_browser("cy", "").await;
    assert!(app.user_named("cy").await.is_admin);
}

/// With every hashing slot taken, a sign-up or login waits a moment, then
/// is refused with 503 and `Retry-After` (plain post and server function
/// alike), and nothing is written. Once a slot is free it works.
async fn busy_password_hashing_answers_503_with_retry_after(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let slots = app.state.hashing.slots().clone();
    let held = slots
        .clone()
        .acquire_many_owned(slots.available_permits() as u32)
        .await
        .unwrap();
    let fields = [
        ("username", "ada"),
        ("password", "violet-otter-tangent-42"),
        ("password_confirm", "violet-otter-tangent-42"),
    ];
    let res = app.post_form("/register/", &fields).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()["retry-after"], "2");
    let page = res.text().await.unwrap();
    assert!(
        page.contains("The server is busy. Please try again in a few seconds."),
        "{page}"
    );
    let res = app.call("register", &fields).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()["retry-after"], "2");
    let login = [("username", "ada"), ("password", "violet-otter-tangent-42")];
    let res = app.call("login", &login).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE, "dummy check");
    assert!(user::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .is_none());

    drop(held);
    app.sign_up("ada").await;
}

async fn usage(app: &TestApp) -> StorageUsage {
    let res = app.call("storage_used", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn stored_bytes(app: &TestApp) -> Vec<i64> {
    image::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.stored_bytes.expect("a new upload records its size"))
        .collect()
}

async fn uploads_over_the_quota_are_refused_with_413(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    assert_eq!(
        usage(&app).await,
        StorageUsage {
            used_bytes: 0,
            quota_bytes: None
        }
    );
    app.upload_jpeg("first", "d").await;
    let first = stored_bytes(&app).await[0] as u64;
    let root = app.state.config.media.root().unwrap().to_owned();
    let on_disk: u64 = app
        .media_files()
        .iter()
        .map(|f| std::fs::metadata(root.join(f)).unwrap().len())
        .sum();
    assert_eq!(first, on_disk, "the size is what the files take");

    // Room for half another image: the upload is refused once processed.
    let quota = first + first / 2;
    users::set_quota(&app.state.db, "ada", QuotaSetting::Bytes(quota))
        .await
        .unwrap();
    assert_eq!(
        usage(&app).await,
        StorageUsage {
            used_bytes: first,
            quota_bytes: Some(quota)
        }
    );
    let files = app.media_files();
    let res = app
        .upload("second", "d", "photo.jpg", fixtures::jpeg(48, 32), true)
        .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body = res.text().await.unwrap();
    assert!(body.contains("This image needs"), "{body}");
    assert!(body.contains("and does not fit: you have used"), "{body}");
    assert_eq!(stored_bytes(&app).await.len(), 1, "no row");
    assert_eq!(app.media_files(), files, "no file");

    // A full quota is refused before any processing, without JavaScript too.
    users::set_quota(&app.state.db, "ada", QuotaSetting::Bytes(first))
        .await
        .unwrap();
    let res = app
        .upload("third", "d", "photo.jpg", fixtures::jpeg(48, 32), false)
        .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let page = res.text().await.unwrap();
    let used = cloudtalents::model::user::format_bytes(first);
    let sentence = format!("Your storage is full: you have used {used} of {used}.");
    assert!(page.contains(&sentence), "{sentence} in {page}");
    assert!(page.contains("Storage used"), "the usage bar: {page}");

    // The upload page shows the usage; a user's own "unlimited" lifts it.
    let page = app.get("/upload/").await.text().await.unwrap();
    assert!(page.contains(&format!("{used} of {used}")), "{page}");
    users::set_quota(&app.state.db, "ada", QuotaSetting::Unlimited)
        .await
        .unwrap();
    app.upload_jpeg("fourth", "d").await;
    assert_eq!(usage(&app).await.quota_bytes, None);

    let visitor = TestApp::new_client();
    let res = visitor
        .post(app.url("/api/storage_used"))
        .header("origin", app.origin())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

async fn the_default_quota_applies_unless_the_user_has_their_own(db: TestDb) {
    let app = TestApp::spawn_with(db, &[("DEFAULT_QUOTA", "100 bytes")]).await;
    app.sign_up("ada").await;
    assert_eq!(usage(&app).await.quota_bytes, Some(100));
    let res = app
        .upload("big", "d", "photo.jpg", fixtures::jpeg(48, 32), true)
        .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("you have used 0 bytes of 100 bytes"),
        "{body}"
    );

    users::set_quota(&app.state.db, "ada", QuotaSetting::Bytes(10_000_000))
        .await
        .unwrap();
    app.upload_jpeg("fits", "d").await;
    assert_eq!(usage(&app).await.quota_bytes, Some(10_000_000));
    users::set_quota(&app.state.db, "ada", QuotaSetting::Default)
        .await
        .unwrap();
    let res = app
        .upload("again", "d", "photo.jpg", fixtures::jpeg(48, 32), true)
        .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        QuotaSetting::parse("2GB"),
        Some(QuotaSetting::Bytes(2_000_000_000))
    );
    assert_eq!(
        QuotaSetting::parse("Unlimited"),
        Some(QuotaSetting::Unlimited)
    );
    assert_eq!(QuotaSetting::parse("default"), Some(QuotaSetting::Default));
    assert_eq!(QuotaSetting::parse("lots"), None);
}

/// Rows from before sizes were recorded are measured from the store.
async fn older_images_are_measured_for_quotas(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    app.upload_jpeg("one", "d").await;
    app.upload_jpeg("two", "d").await;
    let sizes = stored_bytes(&app).await;
    let db = &app.state.db;
    image::Entity::update_many()
        .col_expr(image::Column::StoredBytes, Expr::value(Option::<i64>::None))
        .exec(db)
        .await
        .unwrap();
    assert_eq!(usage(&app).await.used_bytes, 0);
    let measured = quota::measure_unsized(db, &app.state.library)
        .await
        .unwrap();
    assert_eq!(measured, 2);
    assert_eq!(stored_bytes(&app).await, sizes);
    assert_eq!(
        usage(&app).await.used_bytes,
        sizes.iter().sum::<i64>() as u64
    );
    assert_eq!(
        quota::measure_unsized(db, &app.state.library)
            .await
            .unwrap(),
        0
    );
}

async fn sign_up_is_by_invitation_once_there_is_a_user(db: TestDb) {
    // SIGNUP unset: open for the first user, then by invitation.
    let app = TestApp::spawn_with(db, &[("SIGNUP", "")]).await;
    let page = app.get("/register/").await.text().await.unwrap();
    assert!(page.contains(r#"name="username""#), "open: {page}");
    app.sign_up("ada").await;
    let ada = app.user_named("ada").await;
    assert!(ada.is_admin);

    let res = TestApp::new_client()
        .get(app.url("/register/"))
        .send()
        .await
        .unwrap();
    let page = res.text().await.unwrap();
    assert!(page.contains(BY_INVITATION), "{page}");
    assert!(!page.contains(r#"name="username""#), "no form: {page}");
    let res = app.register_with(&TestApp::new_client(), "bob", "").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains(BY_INVITATION));
    let res = app
        .register_with(&TestApp::new_client(), "bob", "not-a-token")
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains(INVALID_INVITATION));

    let db = &app.state.db;
    let created = invitations::create(db, &app.state.secret_key, Some(ada.id), 2, Some(7))
        .await
        .unwrap();
    let link = created.link(&app.origin());
    assert!(link.starts_with(&format!("{}/register/?invite=", app.origin())));
    let path = link.trim_start_matches(&app.origin());
    let page = TestApp::new_client()
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"name="username""#), "{page}");
    assert!(page.contains(&created.token), "the hidden field: {page}");
    let id = created.invitation.id;
    let stored = invitation::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(stored.token_hash, created.token, "only a hash is kept");

    // A sign-up that fails (the name is taken) does not use it up.
    let res = app
        .register_with(&TestApp::new_client(), "ADA", &created.token)
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(uses_of(&app, id).await, 0);
    let res = app
        .register_with(&TestApp::new_client(), "bob", &created.token)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(uses_of(&app, id).await, 1);
    assert!(!app.user_named("bob").await.is_admin);
    // The hydrated page's request: the second and last use.
    let password = "violet-otter-tangent-42";
    let res = TestApp::new_client()
        .post(app.url("/api/register"))
        .header("origin", app.origin())
        .form(&[
            ("username", "cy"),
            ("password", password),
            ("password_confirm", password),
            ("invite", &created.token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .register_with(&TestApp::new_client(), "dan", &created.token)
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "used up");
    assert!(res.text().await.unwrap().contains(INVALID_INVITATION));
    let page = app.get(path).await.text().await.unwrap();
    assert!(!page.contains(INVALID_INVITATION), "logged in: the gallery");

    // An expired one.
    let expired = invitations::create(db, &app.state.secret_key, None, 1, Some(1))
        .await
        .unwrap();
    invitation::Entity::update_many()
        .col_expr(
            invitation::Column::ExpiresAt,
            Expr::value(chrono::Utc::now().fixed_offset() - chrono::Duration::minutes(1)),
        )
        .filter(invitation::Column::Id.eq(expired.invitation.id))
        .exec(db)
        .await
        .unwrap();
    let res = app
        .register_with(&TestApp::new_client(), "dan", &expired.token)
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(find_user_opt(&app, "dan").await.is_none());

    for (uses, days, field) in [(0, Some(1), "uses"), (1, Some(366), "days")] {
        let Err(err) = invitations::create(db, &app.state.secret_key, None, uses, days).await
        else {
            panic!("{uses} uses for {days:?} days was accepted");
        };
        assert_eq!(err.status(), StatusCode::BAD_REQUEST);
        assert_eq!(err.field_errors().fields[0].0, field);
    }
}

async fn find_user_opt(app: &TestApp, name: &str) -> Option<user::Model> {
    user::Entity::find()
        .filter(user::Column::Username.eq(name))
        .one(&app.state.db)
        .await
        .unwrap()
}

async fn racing_sign_ups_use_an_invitation_at_most_its_uses(db: TestDb) {
    let app = TestApp::spawn_with(db, &[("SIGNUP", "invite")]).await;
    let created = invitations::create(&app.state.db, &app.state.secret_key, None, 2, None)
        .await
        .unwrap();
    let url = app.url("/register/");
    let racers: Vec<_> = (0..6)
        .map(|i| {
            let (client, url, origin) = (TestApp::new_client(), url.clone(), app.origin());
            let token = created.token.clone();
            tokio::spawn(async move {
                let name = format!("racer{i}");
                let password = "violet-otter-tangent-42";
                client
                    .post(url)
                    .header("origin", origin)
                    .form(&[
                        ("username", name.as_str()),
                        ("password", password),
                        ("password_confirm", password),
                        ("invite", token.as_str()),
                    ])
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for racer in racers {
        statuses.push(racer.await.unwrap());
    }
    let signed_up = statuses
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count();
    assert_eq!(signed_up, 2, "{statuses:?}");
    assert!(statuses
        .iter()
        .all(|s| *s == StatusCode::SEE_OTHER || *s == StatusCode::FORBIDDEN));
    assert_eq!(uses_of(&app, created.invitation.id).await, 2);
    assert_eq!(
        user::Entity::find().all(&app.state.db).await.unwrap().len(),
        2
    );
}

async fn closed_sign_up_refuses_everyone(db: TestDb) {
    let app = TestApp::spawn_with(db, &[("SIGNUP", "closed")]).await;
    let page = app.get("/register/").await.text().await.unwrap();
    let closed = "Sign-up is closed. Ask an admin of this site for an account.";
    assert!(page.contains(closed), "{page}");
    let created = invitations::create(&app.state.db, &app.state.secret_key, None, 1, None)
        .await
        .unwrap();
    let res = app
        .register_with(&TestApp::new_client(), "ada", &created.token)
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains(closed));
    assert!(find_user_opt(&app, "ada").await.is_none());
}

/// `SIGNUP_LIMIT` sign-ups an hour from one address; one more is a 429
/// with how long to wait, and writes nothing. Another address, and a
/// sign-up by invitation, still get through.
async fn sign_ups_are_throttled_per_address_unless_invited(db: TestDb) {
    let app = TestApp::spawn_with(
        db,
        &[("SIGNUP_LIMIT", "3"), ("TRUSTED_PROXIES", "127.0.0.1")],
    )
    .await;
    for name in ["ada", "bob", "cy"] {
        app.sign_up_in_new_browser(name, "").await;
    }
    let res = app.register_with(&TestApp::new_client(), "dan", "").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("Too many sign-ups from your address. Please wait 40 minutes and try again."),
        "{page}"
    );
    assert!(find_user_opt(&app, "dan").await.is_none());

    let password = "violet-otter-tangent-42";
    let res = TestApp::new_client()
        .post(app.url("/register/"))
        .header("origin", app.origin())
        .header("x-forwarded-for", "198.51.100.7")
        .form(&[
            ("username", "dan"),
            ("password", password),
            ("password_confirm", password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "another address");

    let created = invitations::create(&app.state.db, &app.state.secret_key, None, 1, None)
        .await
        .unwrap();
    let res = app
        .register_with(&TestApp::new_client(), "eve", &created.token)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "invited");
}

/// Opens an upload by `cookie` over a raw connection and sends only the
/// start of its body: the upload stays under way until the stream drops.
async fn half_sent_upload(app: &TestApp, cookie: &str) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /upload/ HTTP/1.1\r\nHost: {}\r\nOrigin: {}\r\nCookie: {cookie}\r\n\
         Accept: application/json\r\nContent-Type: multipart/form-data; boundary=XYZ\r\n\
         Content-Length: 1000000\r\n\r\n--XYZ\r\nContent-Disposition: form-data; name=\"image\"; \
         filename=\"a.png\"\r\n\r\n",
        app.addr,
        app.origin()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&[0u8; 1000]).await.unwrap();
    stream
}

async fn large_uploads_are_spooled_and_two_are_under_way_per_user(db: TestDb) {
    use cloudtalents::server::library::spool::SPOOL_THRESHOLD;
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    // Over the spool threshold: written to a temporary file while it
    // arrives, and stored whole.
    let big = fixtures::png(2400, 1800);
    assert!(big.len() > SPOOL_THRESHOLD, "{} bytes", big.len());
    let res = app.upload("big", "d", "big.png", big, true).await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        res.text().await.unwrap()
    );
    let card: cloudtalents::model::image::ImageCard = res.json().await.unwrap();
    // Decoded whole: its display copy is the 2400 × 1800 image scaled down.
    assert_eq!((card.width, card.height), (1600, 1200));

    // With the pixel budget spent elsewhere, an upload waits for its share
    // before it decodes, then goes on.
    let pixels = app.state.library.pixels.clone();
    let held = pixels
        .clone()
        .acquire_many_owned(pixels.available_permits() as u32)
        .await
        .unwrap();
    let mut waiting =
        std::pin::pin!(app.upload("waits", "d", "w.jpg", fixtures::jpeg(64, 48), true));
    let early = tokio::time::timeout(std::time::Duration::from_millis(700), &mut waiting).await;
    assert!(early.is_err(), "decoded while the budget was spent");
    drop(held);
    assert_eq!(waiting.await.status(), StatusCode::CREATED);

    // Two uploads of one user under way: a third is refused with 429
    // before its body is read; another user is not held up.
    let cookie = app.session_cookie().await;
    let first = half_sent_upload(&app, &cookie).await;
    let _second = half_sent_upload(&app, &cookie).await;
    let plain = reqwest::Client::new();
    let third = || async {
        plain
            .post(app.url("/upload/"))
            .header("origin", app.origin())
            .header("cookie", &cookie)
            .header("accept", "application/json")
            .multipart(reqwest::multipart::Form::new().text("name", "third"))
            .send()
            .await
            .unwrap()
    };
    // Polled for up to about 10 s: on a loaded machine (the whole suite at
    // once) the two half-sent uploads can take seconds to reach the handler.
    let mut refused = None;
    for _ in 0..500 {
        let res = third().await;
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            refused = Some(res.text().await.unwrap());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let refused = refused.expect("a third upload under way is refused");
    assert!(
        refused.contains("You have 2 uploads under way."),
        "{refused}"
    );
    app.upload_jpeg("ada's own", "d").await;

    // One ends (the client went away): the slot is free again, and the
    // next upload gets as far as reading its form.
    drop(first);
    let mut freed = false;
    for _ in 0..500 {
        if third().await.status() == StatusCode::BAD_REQUEST {
            freed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(freed, "the slot came back");
}
