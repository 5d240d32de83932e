//! What the README promises of the settings, over real HTTP on each
//! database: the jobs at start and on a timer, kept originals, the secure
//! cookie, the pixel limits and the X-Accel-Redirect rules.

use crate::common;

use common::{fixtures, TestApp, TestDb};
use reqwest::StatusCode;

use cloudtalents::model::image::ImageCard;

on_each_backend! {
    the_sweep_at_start_removes_old_files_without_a_row => the_sweep_at_start_removes_old_files_without_a_row;
    originals_are_kept_and_served_to_their_owner_only_when_asked => originals_are_kept_and_served_to_their_owner_only_when_asked;
    an_https_public_url_makes_the_session_cookie_secure => an_https_public_url_makes_the_session_cookie_secure;
    images_wider_or_taller_than_the_limits_are_refused => images_wider_or_taller_than_the_limits_are_refused;
}

async fn upload(app: &TestApp, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    app.upload(name, "a description", "photo.bin", bytes, true)
        .await
}

async fn the_sweep_at_start_removes_old_files_without_a_row(db: TestDb) {
    let media = tempfile::tempdir().unwrap();
    let orphan = media.path().join("ffffffffffffffffffffffffffffffff");
    std::fs::create_dir_all(&orphan).unwrap();
    std::fs::write(orphan.join("display.jpg"), b"left by a crash").unwrap();
    // Written an hour ago: older than the sweep's grace (10 minutes).
    let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(orphan.join("display.jpg"))
        .unwrap()
        .set_modified(an_hour_ago)
        .unwrap();
    let not_media = media.path().join("notes.txt");
    std::fs::write(&not_media, b"not ours to remove").unwrap();

    let app = TestApp::spawn_with(db, &[("MEDIA_ROOT", media.path().to_str().unwrap())]).await;
    let mut gone = false;
    for _ in 0..50 {
        if !orphan.exists() {
            gone = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(gone, "the sweep at start removed the orphan");
    assert!(not_media.exists(), "only key folders are swept");

    // An image stored after the start is not touched.
    app.sign_up("ada").await;
    let res = upload(&app, "kept", fixtures::jpeg(30, 30)).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let card: ImageCard = res.json().await.unwrap();
    let res = app
        .client
        .get(app.url(&card.display_url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

async fn originals_are_kept_and_served_to_their_owner_only_when_asked(db: TestDb) {
    let second_db = TestDb::like(&db).await;
    let app = TestApp::spawn_with(db, &[("KEEP_ORIGINALS", "true")]).await;
    app.sign_up("ada").await;
    let original = fixtures::png(90, 60);
    let res = upload(&app, "kept whole", original.clone()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let card: ImageCard = res.json().await.unwrap();
    let files = app.media_files();
    assert_eq!(files.len(), 4, "three copies and the original: {files:?}");
    let original_url = card.display_url.replace("display.jpg", "original.png");
    assert_ne!(original_url, card.display_url);
    let res = app.client.get(app.url(&original_url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.bytes().await.unwrap().as_ref(), original.as_slice());
    // Nobody else gets it.
    let other = TestApp::new_client();
    let res = other.get(app.url(&original_url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    drop(app);

    // By default only the re-encoded copies are stored, and no original
    // is served.
    let app = TestApp::spawn(second_db).await;
    app.sign_up("ada").await;
    let res = upload(&app, "copies only", fixtures::png(90, 60)).await;
    let card: ImageCard = res.json().await.unwrap();
    assert_eq!(app.media_files().len(), 3, "{:?}", app.media_files());
    let original_url = card.display_url.replace("display.jpg", "original.png");
    let res = app.client.get(app.url(&original_url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

async fn an_https_public_url_makes_the_session_cookie_secure(db: TestDb) {
    let app = TestApp::spawn_with(db, &[("PUBLIC_URL", "https://gallery.example")]).await;
    let password = "violet-otter-tangent-42";
    let res = app
        .client
        .post(app.url("/register/"))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("username", "ada"),
            ("password", password),
            ("password_confirm", password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("cloudtalents_session="))
        .expect("a session cookie");
    assert!(cookie.contains("Secure"), "{cookie}");
    // Posts are judged against PUBLIC_URL's origin, not the address used.
    let res = TestApp::new_client()
        .post(app.url("/login/"))
        .header("origin", app.origin())
        .form(&[("username", "ada"), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

async fn images_wider_or_taller_than_the_limits_are_refused(db: TestDb) {
    let app = TestApp::spawn_with(
        db,
        &[("MAX_IMAGE_WIDTH", "100"), ("MAX_IMAGE_HEIGHT", "80")],
    )
    .await;
    app.sign_up("ada").await;
    for (width, height) in [(101, 10), (10, 81)] {
        let res = upload(&app, "too big", fixtures::jpeg(width, height)).await;
        assert_eq!(
            res.status(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "{width}×{height}"
        );
        let body = res.text().await.unwrap();
        assert!(
            body.contains(&format!("The image is {width} × {height} pixels")),
            "{body}"
        );
        assert!(body.contains("100 × 80"), "{body}");
    }
    let res = upload(&app, "just fits", fixtures::jpeg(100, 80)).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(app.media_files().len(), 3);
}
