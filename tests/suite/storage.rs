//! Media in an S3-compatible bucket: the store itself and the app on it,
//! against a real S3 server (SeaweedFS, which checks signatures) named by
//! `TEST_S3_*`. `make test` starts one (scripts/with-s3.sh); a plain
//! `cargo test` lists these tests as ignored. Each test works under its own
//! prefix of the shared bucket.

use crate::common;

use std::sync::atomic::{AtomicU32, Ordering};

use common::{fixtures, zip_entries, TestApp, TestDb};
use reqwest::StatusCode;

use cloudtalents::{
    model::{gallery::zip_url, image::ImageCard},
    server::{
        config::{Config, MediaStoreConfig},
        library::{self, storage::MediaStore},
    },
};

const NEEDS_S3: &str = "TEST_S3_ENDPOINT must name an S3 server for this test \
     (make test starts SeaweedFS through scripts/with-s3.sh)";

/// The `MEDIA_STORE=s3` settings for the test server, under a new prefix.
fn s3_vars(secret: Option<&str>) -> Vec<(&'static str, String)> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let env = |name: &str| std::env::var(name).expect(NEEDS_S3);
    let prefix = format!(
        "test-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    vec![
        ("MEDIA_STORE", "s3".to_owned()),
        ("S3_ENDPOINT", env("TEST_S3_ENDPOINT")),
        ("S3_BUCKET", env("TEST_S3_BUCKET")),
        ("S3_ACCESS_KEY_ID", env("TEST_S3_ACCESS_KEY_ID")),
        (
            "S3_SECRET_ACCESS_KEY",
            secret.map_or_else(|| env("TEST_S3_SECRET_ACCESS_KEY"), str::to_owned),
        ),
        ("S3_PREFIX", format!("cloudtalents/{prefix}")),
    ]
}

fn config_of(vars: &[(&'static str, String)]) -> Config {
    Config::from_lookup(|name| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .ok_or(std::env::VarError::NotPresent)
    })
    .unwrap()
}

fn s3_store() -> MediaStore {
    MediaStore::from_config(&config_of(&s3_vars(None)).media).unwrap()
}

async fn s3_app(extra: &[(&'static str, &str)]) -> TestApp {
    let mut vars = s3_vars(None);
    vars.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
    let vars: Vec<(&'static str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    TestApp::spawn_with(TestDb::sqlite().await, &vars).await
}

const KEY: &str = "0123456789abcdef0123456789abcdef";

#[tokio::test]
#[ignore = "needs an S3 server: make test runs it"]
async fn the_bucket_stores_reads_lists_and_deletes() {
    let store = s3_store();
    assert!(store.is_remote());
    store.check().await.unwrap();
    store
        .put(KEY, "display.jpg", b"small".to_vec())
        .await
        .unwrap();
    // Larger than one part: a multipart upload, read back whole.
    let big: Vec<u8> = (0..17 * 1024 * 1024 + 3).map(|i| (i % 251) as u8).collect();
    store.put(KEY, "original.png", big.clone()).await.unwrap();
    assert_eq!(
        &store.get(KEY, "display.jpg").await.unwrap().unwrap()[..],
        b"small"
    );
    assert_eq!(store.get(KEY, "original.png").await.unwrap().unwrap(), big);
    assert_eq!(store.get(KEY, "thumb-400.jpg").await.unwrap(), None);
    assert_eq!(
        stored(&store).await,
        [format!("{KEY}/display.jpg"), format!("{KEY}/original.png")]
    );
    assert_eq!(store.keys().await.unwrap().len(), 1);
    store.delete(KEY).await.unwrap();
    store.delete(KEY).await.unwrap();
    assert!(store.files().await.unwrap().is_empty());
    assert!(store.put("../evil", "x.jpg", vec![]).await.is_err());
}

#[tokio::test]
#[ignore = "needs an S3 server: make test runs it"]
async fn presigned_urls_open_one_file_briefly_and_nothing_else() {
    let store = s3_store();
    store
        .put(KEY, "display.jpg", b"jpeg bytes".to_vec())
        .await
        .unwrap();
    let url = store
        .presigned_get(
            KEY,
            "display.jpg",
            &[
                ("response-content-type", "image/jpeg"),
                (
                    "response-content-disposition",
                    "attachment; filename=\"a.jpg\"",
                ),
                ("response-cache-control", "private, no-store"),
            ],
        )
        .await
        .unwrap()
        .expect("a bucket signs URLs");
    let query = url.query().unwrap_or_default();
    assert!(query.contains("X-Amz-Expires=60"), "{url}");
    let client = reqwest::Client::new();
    let res = client.get(url.clone()).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"a.jpg\""
    );
    assert_eq!(res.headers()["cache-control"], "private, no-store");
    assert_eq!(&res.bytes().await.unwrap()[..], b"jpeg bytes");
    // A range, as nginx passes a browser's.
    let res = client
        .get(url.clone())
        .header("range", "bytes=0-3")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(&res.bytes().await.unwrap()[..], b"jpeg");
    // The same URL for another file, or without its signature, is refused:
    // the bucket is private.
    let other = url.as_str().replace("display.jpg", "thumb-400.jpg");
    let res = client.get(other).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let mut bare = url.clone();
    bare.set_query(None);
    let res = client.get(bare).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // A folder has nothing to sign.
    let dir = tempfile::tempdir().unwrap();
    let folder = MediaStore::folder(dir.path()).unwrap();
    assert_eq!(
        folder.presigned_get(KEY, "display.jpg", &[]).await.unwrap(),
        None
    );
    store.delete(KEY).await.unwrap();
}

#[tokio::test]
#[ignore = "needs an S3 server: make test runs it"]
async fn a_wrong_secret_stops_the_start_with_a_sentence() {
    let config = config_of(&s3_vars(Some("not-the-secret")));
    assert!(matches!(config.media, MediaStoreConfig::S3(_)));
    let Err(err) = cloudtalents::server::startup::open_library(&config).await else {
        panic!("a wrong secret must stop the start");
    };
    let err = err.to_string();
    assert!(err.starts_with("MEDIA_STORE: cannot list"), "{err}");
    assert!(!err.contains("not-the-secret"), "{err}");
}

async fn upload(app: &TestApp, name: &str) -> ImageCard {
    let res = app
        .upload(name, "d", "photo.jpg", fixtures::jpeg(64, 48), true)
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

/// Every stored file, as `key/name`, sorted.
async fn stored(store: &MediaStore) -> Vec<String> {
    let mut files: Vec<_> = store
        .files()
        .await
        .unwrap()
        .into_iter()
        .map(|(key, name, _)| format!("{key}/{name}"))
        .collect();
    files.sort();
    files
}

#[tokio::test]
#[ignore = "needs an S3 server: make test runs it"]
async fn the_app_keeps_its_images_in_the_bucket() {
    let app = s3_app(&[("KEEP_ORIGINALS", "true")]).await;
    app.sign_up("ada").await;
    let one = upload(&app, "one").await;
    let two = upload(&app, "two").await;
    let key = one.display_url.split('/').nth(2).unwrap().to_owned();
    let store = &app.state.library.storage;
    assert_eq!(
        stored(store)
            .await
            .iter()
            .filter(|f| f.starts_with(&key))
            .count(),
        4,
        "three copies and the original"
    );

    // Without nginx the app streams the bytes itself, to the owner only.
    let res = app.get(&one.display_url).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    let served = res.bytes().await.unwrap();
    let kept = app
        .state
        .library
        .storage
        .get(&key, "display.jpg")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(served, kept);
    let res = TestApp::new_client()
        .get(app.url(&one.display_url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // A ZIP reads from the bucket.
    let res = app.get(&zip_url(&[one.id, two.id])).await;
    assert_eq!(res.status(), StatusCode::OK);
    let entries = zip_entries(&res.bytes().await.unwrap());
    assert_eq!(entries.len(), 2);

    // Deleting forever removes the objects.
    for function in ["trash_image", "delete_forever"] {
        let res = app.call(function, &[("id", &one.id.to_string())]).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    assert!(!stored(store).await.iter().any(|f| f.starts_with(&key)));
    assert_eq!(stored(store).await.len(), 4, "the other image's files stay");

    // The sweep removes objects no row refers to.
    let orphan = "fedcba9876543210fedcba9876543210";
    app.state
        .library
        .storage
        .put(orphan, "display.jpg", b"x".to_vec())
        .await
        .unwrap();
    let removed =
        library::sweep_orphans(&app.state.db, &app.state.library, std::time::Duration::ZERO)
            .await
            .unwrap();
    assert_eq!(removed, 1);
    assert_eq!(stored(store).await.len(), 4);
    app.state
        .library
        .storage
        .delete(two.display_url.split('/').nth(2).unwrap())
        .await
        .unwrap();
}

#[tokio::test]
#[ignore = "needs an S3 server: make test runs it"]
async fn behind_nginx_the_app_hands_over_a_presigned_url() {
    let app = s3_app(&[("MEDIA_ACCEL_REDIRECT", "/remote-media/")]).await;
    app.sign_up("ada").await;
    let card = upload(&app, "one").await;
    let res = app.get(&card.thumb_400_url).await;
    assert_eq!(res.status(), StatusCode::OK);
    let key = card.thumb_400_url.split('/').nth(2).unwrap().to_owned();
    assert_eq!(
        res.headers()["x-accel-redirect"],
        format!("/remote-media/{key}/thumb-400.jpg")
    );
    let url = res.headers()["x-media-url"].to_str().unwrap().to_owned();
    assert!(
        res.bytes().await.unwrap().is_empty(),
        "nginx sends the bytes"
    );
    // What nginx fetches: the file, as the Content-Type the app chose
    // (nginx keeps the app's Cache-Control and Content-Disposition).
    let res = reqwest::get(&url).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    let kept = app
        .state
        .library
        .storage
        .get(&key, "thumb-400.jpg")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(res.bytes().await.unwrap(), kept);
    // A download names the file.
    let res = app.get(&format!("/images/{}/download/", card.id)).await;
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"one.jpg\"; filename*=UTF-8''one.jpg"
    );
    assert!(res.headers().contains_key("x-media-url"));
    // Anyone else: 404 and no URL.
    let res = TestApp::new_client()
        .get(app.url(&card.thumb_400_url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.headers().get("x-media-url").is_none());
    app.state.library.storage.delete(&key).await.unwrap();
}

#[tokio::test]
#[ignore = "needs an S3 server: make test runs it"]
async fn uploads_a_crash_left_open_are_aborted_after_the_grace() {
    use object_store::{aws::AmazonS3Builder, path::Path, ObjectStoreExt};
    let vars = s3_vars(None);
    let config = config_of(&vars);
    let MediaStoreConfig::S3(settings) = &config.media else {
        panic!("not s3")
    };
    let store = MediaStore::from_config(&config.media).unwrap();
    // What a process killed mid-upload leaves: a multipart upload begun,
    // one part sent, never completed nor aborted.
    let s3 = AmazonS3Builder::new()
        .with_endpoint(settings.endpoint.clone().unwrap())
        .with_allow_http(true)
        .with_bucket_name(&settings.bucket)
        .with_region(&settings.region)
        .with_access_key_id(&settings.access_key_id)
        .with_secret_access_key(settings.secret_access_key.expose())
        .build()
        .unwrap();
    let path = Path::from(format!("{}/{KEY}/original.png", settings.prefix));
    let mut upload = s3.put_multipart(&path).await.unwrap();
    upload
        .put_part(vec![7u8; 5 * 1024 * 1024].into())
        .await
        .unwrap();
    drop(upload);
    let hour = std::time::Duration::from_secs(3600);
    assert_eq!(
        store.abort_stale_uploads(hour).await.unwrap(),
        0,
        "too recent"
    );
    assert_eq!(
        store
            .abort_stale_uploads(std::time::Duration::ZERO)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .abort_stale_uploads(std::time::Duration::ZERO)
            .await
            .unwrap(),
        0,
        "none left open"
    );
    assert_eq!(store.get(KEY, "original.png").await.unwrap(), None);
    // A folder has no such thing.
    let dir = tempfile::tempdir().unwrap();
    let folder = MediaStore::folder(dir.path()).unwrap();
    assert_eq!(
        folder
            .abort_stale_uploads(std::time::Duration::ZERO)
            .await
            .unwrap(),
        0
    );
}
