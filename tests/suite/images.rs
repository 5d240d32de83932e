//! Images over real HTTP, on each database: upload validation and
//! processing, atomicity, authorisation, pagination, edit and trash, and
//! media serving.

use crate::common;

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use common::{fixtures, TestApp, TestDb};
use futures_util::stream::BoxStream;
use object_store::{
    local::LocalFileSystem, path::Path, CopyOptions, GetOptions, GetResult, ListResult,
    MultipartUpload, ObjectMeta, ObjectStore, PutMultipartOptions, PutOptions, PutPayload,
    PutResult,
};
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};

use cloudtalents::{
    entities::image,
    model::{gallery::GalleryPage, image::ImageCard},
    server::library::{self, spool::UploadedFile, storage::MediaStore},
};

on_each_backend! {
    accepts_each_format_by_its_bytes => accepts_each_format_by_its_bytes;
    processing_applies_orientation_and_drops_metadata => processing_applies_orientation_and_drops_metadata;
    refuses_bad_files_with_4xx_and_leaves_nothing => refuses_bad_files_with_4xx_and_leaves_nothing;
    size_limit_is_enforced_while_reading => size_limit_is_enforced_while_reading;
    names_and_descriptions_are_plain_text => names_and_descriptions_are_plain_text;
    a_refused_plain_upload_keeps_what_was_typed => a_refused_plain_upload_keeps_what_was_typed;
    images_are_private_to_their_owner => images_are_private_to_their_owner;
    gallery_pages_hold_24_newest_first => gallery_pages_hold_24_newest_first;
    edit_and_delete_by_plain_forms_and_server_functions => edit_and_delete_by_plain_forms_and_server_functions;
    a_failure_between_steps_leaves_nothing_behind => a_failure_between_steps_leaves_nothing_behind;
    the_sweep_removes_files_without_a_row => the_sweep_removes_files_without_a_row;
    media_can_be_handed_to_nginx => media_can_be_handed_to_nginx;
}

async fn rows(app: &TestApp) -> u64 {
    image::Entity::find().count(&app.state.db).await.unwrap()
}

async fn upload_ok(app: &TestApp, name: &str, bytes: Vec<u8>) -> ImageCard {
    let res = app
        .upload(name, "a description", "photo.bin", bytes, true)
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        res.text().await.unwrap()
    );
    res.json().await.unwrap()
}

async fn fetch(app: &TestApp, url: &str) -> reqwest::Response {
    app.client.get(app.url(url)).send().await.unwrap()
}

async fn accepts_each_format_by_its_bytes(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    // The name says .jpg; the bytes are PNG, GIF, WebP: the bytes decide.
    for (i, bytes) in [
        fixtures::jpeg(64, 48),
        fixtures::png(64, 48),
        fixtures::gif(64, 48),
        fixtures::webp(64, 48),
    ]
    .into_iter()
    .enumerate()
    {
        let res = app
            .upload(&format!("image {i}"), "desc", "renamed.jpg", bytes, false)
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "format {i}");
        assert_eq!(res.headers()["location"], "/images/");
    }
    assert_eq!(rows(&app).await, 4);
    // One folder per image, named by a server key, three copies in each.
    let files = app.media_files();
    assert_eq!(files.len(), 12, "{files:?}");
    assert!(files.iter().all(|f| !f.contains("renamed")), "{files:?}");
    // A transparent PNG stays PNG; opaque images become JPEG.
    let card = upload_ok(&app, "glass", fixtures::transparent_png(40, 40)).await;
    assert!(card.display_url.ends_with("/display.png"), "{card:?}");
    let res = fetch(&app, &card.display_url).await;
    assert_eq!(res.headers()["content-type"], "image/png");
}

async fn processing_applies_orientation_and_drops_metadata(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    let original = fixtures::jpeg_with_exif(300, 200);
    assert!(original
        .windows(fixtures::EXIF_MARKER.len())
        .any(|w| w == fixtures::EXIF_MARKER.as_bytes()));
    let card = upload_ok(&app, "turned", original).await;
    // Orientation 6: a 300 × 200 sensor image is shown 200 × 300.
    assert_eq!((card.width, card.height), (200, 300));
    for url in [&card.display_url, &card.thumb_800_url, &card.thumb_400_url] {
        let bytes = fetch(&app, url).await.bytes().await.unwrap();
        let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        assert!(!has(b"Exif"), "EXIF left in {url}");
        assert!(
            !has(fixtures::EXIF_MARKER.as_bytes()),
            "metadata left in {url}"
        );
        let decoded = ::image::load_from_memory(&bytes).unwrap();
        assert!(decoded.height() > decoded.width(), "{url} is not upright");
    }
    // Big images get a 1600 px display copy and 800/400 px thumbnails.
    let card = upload_ok(&app, "wide", fixtures::jpeg(2400, 1200)).await;
    assert_eq!((card.width, card.height), (1600, 800));
    for (url, side) in [(&card.thumb_800_url, 800), (&card.thumb_400_url, 400)] {
        let bytes = fetch(&app, url).await.bytes().await.unwrap();
        assert_eq!(::image::load_from_memory(&bytes).unwrap().width(), side);
    }
}

async fn refuses_bad_files_with_4xx_and_leaves_nothing(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    let jpeg = fixtures::jpeg(200, 150);
    let truncated = jpeg[..jpeg.len() * 6 / 10].to_vec();
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("empty.jpg", vec![], 400, "Please choose an image file"),
        ("cut.jpg", truncated, 422, "damaged or incomplete"),
        (
            "vector.png",
            fixtures::SVG.to_vec(),
            415,
            "not a JPEG, PNG, GIF or WebP image",
        ),
        (
            "page.jpg",
            fixtures::HTML.to_vec(),
            415,
            "not a JPEG, PNG, GIF or WebP image",
        ),
        (
            "doc.png",
            fixtures::PDF.to_vec(),
            415,
            "not a JPEG, PNG, GIF or WebP image",
        ),
        (
            "poly.gif",
            fixtures::gif_html_polyglot(),
            422,
            "damaged or incomplete",
        ),
        (
            "bomb.png",
            fixtures::png_bomb(),
            413,
            "30000 × 30000 pixels",
        ),
    ];
    for (file_name, bytes, status, message) in cases {
        for json in [false, true] {
            let res = app.upload("x", "y", file_name, bytes.clone(), json).await;
            assert_eq!(res.status().as_u16(), status, "{file_name} json={json}");
            let body = res.text().await.unwrap();
            assert!(
                body.contains(message),
                "{file_name}: {message:?} not in {body}"
            );
        }
    }
    // A path in the file name goes nowhere: files are named by the server.
    let card = upload_ok(&app, "ok", fixtures::png(20, 20)).await;
    let res = app
        .upload(
            "passwd",
            "d",
            "../../etc/passwd",
            fixtures::png(20, 20),
            false,
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(app
        .media_files()
        .iter()
        .all(|f| !f.contains("passwd") && !f.contains("..")));
    // Missing fields.
    let res = app
        .upload("", "", "a.png", fixtures::png(20, 20), false)
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("Please give the image a name."));
    assert!(html.contains("Please write a description."));
    let long_name = "n".repeat(256);
    let res = app
        .upload(&long_name, "d", "a.png", fixtures::png(20, 20), true)
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("at most 255 characters (it has 256)"));
    let res = app
        .client
        .post(app.url("/upload/"))
        .header("origin", app.origin())
        .multipart(reqwest::multipart::Form::new().text("name", "x"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // Only the two good uploads left anything behind.
    assert_eq!(rows(&app).await, 2);
    assert_eq!(app.media_files().len(), 6, "{:?}", app.media_files());
    let _ = card;
}

async fn size_limit_is_enforced_while_reading(db: TestDb) {
    // A small limit, so a file over it still fits the declared-length check
    // (limit + form overhead) and is stopped while streaming.
    let app = TestApp::spawn_with(db, &[("MAX_UPLOAD_BYTES", "100000")]).await;
    app.sign_up("ada").await;
    let big = vec![0xAB; 150_000];
    let res = app.upload("big", "d", "big.jpg", big, true).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.text().await.unwrap().contains("The file is too large"));
    // Declared far over the limit: refused before the body is read. Raw
    // HTTP, since the answer comes while a real client would still send.
    let cookie = app.session_cookie().await;
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /upload/ HTTP/1.1\r\nHost: {}\r\nOrigin: {}\r\nCookie: {cookie}\r\nAccept: application/json\r\n\
         Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {}\r\n\r\n",
        app.addr,
        app.origin(),
        25 * 1024 * 1024
    );
    tokio::io::AsyncWriteExt::write_all(&mut stream, head.as_bytes())
        .await
        .unwrap();
    let mut answer = vec![0u8; 1024];
    let n = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        tokio::io::AsyncReadExt::read(&mut stream, &mut answer),
    )
    .await
    .expect("answered without waiting for the body")
    .unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert_eq!(rows(&app).await, 0);
    assert!(app.media_files().is_empty());
}

async fn names_and_descriptions_are_plain_text(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    let name = r#"<img src=x onerror="alert(1)">"#;
    let description = "line one\n<script>alert('x')</script>\nline three";
    let res = app
        .upload(name, description, "a.png", fixtures::png(30, 30), true)
        .await;
    let card: ImageCard = res.json().await.unwrap();
    assert_eq!(card.name, name, "stored as typed");
    for page in ["/images/".to_owned(), format!("/images/{}/", card.id)] {
        let html = fetch(&app, &page).await.text().await.unwrap();
        if let Some(i) = html.find("<script>alert('x')</script>") {
            panic!(
                "{page}: raw script at: {}",
                &html[i.saturating_sub(300)..(i + 60).min(html.len())]
            );
        }
        if let Some(i) = html.find("<img src=x onerror") {
            panic!(
                "{page}: raw name at: {}",
                &html[i.saturating_sub(100)..(i + 100).min(html.len())]
            );
        }
        assert!(
            html.contains("&lt;img src=x onerror="),
            "{page}: name shown escaped: {html}"
        );
    }
    let html = fetch(&app, &format!("/images/{}/", card.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("line one\n&lt;script&gt;"),
        "line breaks kept, script escaped"
    );
    // Text that tries to close the edit form's textarea stays text.
    let evil = "</textarea><script>alert(1)</script>";
    let res = app
        .post_form(
            &format!("/images/{}/", card.id),
            &[("name", "n"), ("description", evil)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = fetch(&app, &format!("/images/{}/", card.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains(evil), "escaped everywhere");
    assert!(html.contains("&lt;/textarea&gt;&lt;script&gt;"));
    // A name that tries to close the page title stays text.
    let res = app
        .post_form(
            &format!("/images/{}/", card.id),
            &[
                ("name", "</title><script>alert(2)</script>"),
                ("description", "d"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = fetch(&app, &format!("/images/{}/", card.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains("<script>alert(2)"), "title escaped");
    let title = html
        .split("<title>")
        .nth(1)
        .unwrap()
        .split("</title>")
        .next()
        .unwrap();
    assert_eq!(
        title,
        "&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt; · Cloudtalents"
    );
    // And on the upload form when it comes back with errors: what was
    // typed is there, escaped.
    let res = app
        .upload("", evil, "a.png", fixtures::png(10, 10), false)
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(!html.contains(evil), "escaped");
    assert!(
        html.contains("&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the description comes back in its field: {html}"
    );
}

async fn a_refused_plain_upload_keeps_what_was_typed(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    // No file: the name and description come back, and the message says why.
    let res = app
        .upload("Harbour at dusk", "Boats & gulls", "", vec![], false)
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("Please choose an image file"), "{html}");
    assert!(html.contains(r#"value="Harbour at dusk""#), "{html}");
    assert!(html.contains("Boats &amp; gulls"), "{html}");
    // A file that is refused: the same.
    let res = app
        .upload(
            "Not a picture",
            "Plain text",
            "x.txt",
            b"hello".to_vec(),
            false,
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"value="Not a picture""#), "{html}");
    assert!(html.contains("Plain text"), "{html}");
    assert_eq!(rows(&app).await, 0);
}

async fn images_are_private_to_their_owner(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    let card = upload_ok(&app, "mine", fixtures::jpeg(50, 50)).await;
    let res = fetch(&app, &card.display_url).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        res.headers()["content-security-policy"],
        "default-src 'none'; sandbox"
    );
    // Kept, but asked about each time: after logout a shared computer's
    // cache must not show it (the answer is then 404, below).
    assert_eq!(res.headers()["cache-control"], "private, no-cache");
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
    let res = app
        .client
        .get(app.url(&card.display_url))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(res.headers()["etag"], etag.as_str());
    let res = app
        .client
        .get(app.url(&card.display_url))
        .header("if-none-match", "\"something-else\"")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "another tag gets the bytes");

    let stranger = TestApp::new_client();
    let res = stranger
        .get(app.url(&card.display_url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "logged out");
    let res = stranger
        .get(app.url(&card.display_url))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "a visitor holding the tag gets nothing either"
    );
    // Another user: 404 for media, page, edit and delete.
    let password = "violet-otter-tangent-42";
    let grace = TestApp::new_client();
    grace
        .post(app.url("/register/"))
        .header("origin", app.origin())
        .form(&[
            ("username", "grace"),
            ("password", password),
            ("password_confirm", password),
        ])
        .send()
        .await
        .unwrap();
    for url in [
        card.display_url.clone(),
        card.thumb_400_url.clone(),
        format!("/images/{}/", card.id),
    ] {
        let res = grace.get(app.url(&url)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{url}");
    }
    let post = |path: String, fields: Vec<(&'static str, String)>| {
        grace
            .post(app.url(&path))
            .header("origin", app.origin())
            .form(&fields)
            .send()
    };
    let id = card.id.to_string();
    let res = post(
        format!("/images/{id}/"),
        vec![("name", "pwned".into()), ("description", "x".into())],
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    for path in ["trash", "favourite"] {
        let res = post(
            format!("/images/{id}/{path}/"),
            vec![("favourite", "true".into())],
        )
        .await
        .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let res = grace
        .get(app.url(&format!("/images/{id}/download/")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "download");
    let res = post(
        "/api/update_image".into(),
        vec![
            ("id", id.clone()),
            ("name", "pwned".into()),
            ("description", "x".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    for function in ["trash_image", "restore_image", "delete_forever"] {
        let res = post(format!("/api/{function}"), vec![("id", id.clone())])
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{function}");
    }
    let res = grace
        .post(app.url("/api/set_favourite"))
        .header("origin", app.origin())
        .json(&serde_json::json!({ "id": card.id, "favourite": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // Nothing changed.
    let row = image::Entity::find_by_id(card.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.name, "mine");
    assert_eq!(
        fetch(&app, &card.display_url).await.status(),
        StatusCode::OK
    );
    // Made-up keys and file names are 404 too.
    for url in [
        "/media/0123456789abcdef0123456789abcdef/display.jpg",
        "/media/..%2F..%2Fetc/passwd",
    ] {
        assert_eq!(
            fetch(&app, url).await.status(),
            StatusCode::NOT_FOUND,
            "{url}"
        );
    }
}

async fn gallery_pages_hold_24_newest_first(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    let html = fetch(&app, "/images/").await.text().await.unwrap();
    assert!(html.contains("No images yet."), "empty state");
    let tiny = fixtures::png(8, 8);
    for i in 1..=30 {
        upload_ok(&app, &format!("pic-{i:02}"), tiny.clone()).await;
    }
    let page1 = fetch(&app, "/images/").await.text().await.unwrap();
    let page2 = fetch(&app, "/images/?page=2").await.text().await.unwrap();
    let names = |html: &str| {
        html.match_indices("class=\"thumb-name\">")
            .map(|(i, m)| html[i + m.len()..].split('<').next().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let first = names(&page1);
    assert_eq!(first.len(), 24);
    assert_eq!(first[0], "pic-30", "newest first");
    assert_eq!(
        names(&page2),
        (1..=6)
            .rev()
            .map(|i| format!("pic-{i:02}"))
            .collect::<Vec<_>>()
    );
    // Next goes on after the last image shown (keyset), numbered 2.
    assert!(page1.contains(r#"rel="next" href="/images/?after="#));
    assert!(page1.contains("Page 1 of 2") && page1.contains("page=last"));
    assert!(
        page1.contains(r#"loading="lazy""#)
            && page1.contains("srcset=")
            && page1.contains("width=")
    );
    // The server function gives the same pages.
    let res = app.call("list_images", &[("page", "2")]).await;
    let page: GalleryPage = res.json().await.unwrap();
    assert_eq!(
        (page.page, page.pages, page.total, page.images.len()),
        (2, 2, 30, 6)
    );
    // Past the end shows the last page; 0 the first.
    let res = app.call("list_images", &[("page", "9")]).await;
    let page: GalleryPage = res.json().await.unwrap();
    assert_eq!(
        (page.page, page.pages, page.total, page.images.len()),
        (2, 2, 30, 6)
    );
    let res = app.call("list_images", &[("page", "0")]).await;
    let page: GalleryPage = res.json().await.unwrap();
    assert_eq!(
        (page.page, page.pages, page.total, page.images.len()),
        (1, 2, 30, 24)
    );
}

async fn edit_and_delete_by_plain_forms_and_server_functions(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    let a = upload_ok(&app, "first", fixtures::jpeg(40, 40)).await;
    let b = upload_ok(&app, "second", fixtures::jpeg(40, 40)).await;

    let res = app
        .post_form(
            &format!("/images/{}/", a.id),
            &[("name", "renamed"), ("description", "new words")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = app
        .post_form(
            &format!("/images/{}/", a.id),
            &[("name", ""), ("description", "x")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Please give the image a name."));
    let row = image::Entity::find_by_id(a.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.name.as_str(), row.description.as_str()),
        ("renamed", "new words")
    );

    // The plain post moves it to the trash: media 404, files kept; then
    // "Delete forever" removes row and files.
    let res = app
        .post_form(&format!("/images/{}/trash/", a.id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        fetch(&app, &a.display_url).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.media_files().len(), 6);
    let res = app
        .post_form(&format!("/trash/{}/delete/", a.id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.media_files().len(), 3);

    let id = b.id.to_string();
    let res = app
        .call(
            "update_image",
            &[("id", &id), ("name", "via api"), ("description", "d")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app.call("trash_image", &[("id", &id)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app.call("delete_forever", &[("id", &id)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(rows(&app).await, 0);
    assert!(app.media_files().is_empty());
    assert_eq!(
        fetch(&app, &format!("/images/{id}/")).await.status(),
        StatusCode::NOT_FOUND
    );
}

/// A folder store that fails on the `fail_at`-th write.
#[derive(Debug)]
struct FailingStore {
    inner: LocalFileSystem,
    writes: AtomicUsize,
    fail_at: usize,
}

impl std::fmt::Display for FailingStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FailingStore({})", self.inner)
    }
}

#[async_trait::async_trait]
impl ObjectStore for FailingStore {
    async fn put_opts(
        &self,
        location: &Path,
        payload: PutPayload,
        opts: PutOptions,
    ) -> object_store::Result<PutResult> {
        if self.writes.fetch_add(1, Ordering::SeqCst) + 1 == self.fail_at {
            return Err(object_store::Error::Generic {
                store: "failing",
                source: "disk full (injected)".into(),
            });
        }
        self.inner.put_opts(location, payload, opts).await
    }
    async fn put_multipart_opts(
        &self,
        location: &Path,
        opts: PutMultipartOptions,
    ) -> object_store::Result<Box<dyn MultipartUpload>> {
        self.inner.put_multipart_opts(location, opts).await
    }
    async fn get_opts(
        &self,
        location: &Path,
        options: GetOptions,
    ) -> object_store::Result<GetResult> {
        self.inner.get_opts(location, options).await
    }
    fn delete_stream(
        &self,
        locations: BoxStream<'static, object_store::Result<Path>>,
    ) -> BoxStream<'static, object_store::Result<Path>> {
        self.inner.delete_stream(locations)
    }
    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
        self.inner.list(prefix)
    }
    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> object_store::Result<ListResult> {
        self.inner.list_with_delimiter(prefix).await
    }
    async fn copy_opts(
        &self,
        from: &Path,
        to: &Path,
        options: CopyOptions,
    ) -> object_store::Result<()> {
        self.inner.copy_opts(from, to, options).await
    }
}

fn new_image(user_id: i32) -> library::NewImage<'static> {
    library::NewImage {
        user_id,
        name: "n",
        description: "d",
        legacy_id: None,
        within_quota: true,
    }
}

async fn a_failure_between_steps_leaves_nothing_behind(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    let user_id = cloudtalents::entities::user::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let root = app.state.config.media.root().unwrap().to_owned();

    // The second file write fails: the first is removed, no row is made.
    let mut failing = app.state.library.clone();
    let store = FailingStore {
        inner: LocalFileSystem::new_with_prefix(&root)
            .unwrap()
            .with_automatic_cleanup(true),
        writes: AtomicUsize::new(0),
        fail_at: 2,
    };
    failing.storage = MediaStore::new(Arc::new(store), None, None);
    let err = library::create(
        &app.state.db,
        &failing,
        new_image(user_id),
        UploadedFile::Memory(fixtures::jpeg(60, 60)),
    )
    .await
    .unwrap_err();
    assert_eq!(err.status(), 500);
    assert_eq!(rows(&app).await, 0);
    assert!(app.media_files().is_empty(), "{:?}", app.media_files());

    // The row insert fails (database gone) after every file was written:
    // the files are removed.
    let broken = sea_orm::Database::connect(app.db.url.as_str())
        .await
        .unwrap();
    broken.clone().close().await.unwrap();
    let err = library::create(
        &broken,
        &app.state.library,
        new_image(user_id),
        UploadedFile::Memory(fixtures::jpeg(60, 60)),
    )
    .await
    .unwrap_err();
    assert_eq!(err.status(), 500);
    assert_eq!(rows(&app).await, 0);
    assert!(app.media_files().is_empty(), "{:?}", app.media_files());
}

async fn the_sweep_removes_files_without_a_row(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    let kept = upload_ok(&app, "kept", fixtures::jpeg(30, 30)).await;
    let orphan = "ffffffffffffffffffffffffffffffff";
    app.state
        .library
        .storage
        .put(orphan, "display.jpg", b"left by a crash".to_vec())
        .await
        .unwrap();
    // Young orphans may be uploads under way: kept during the grace time.
    assert_eq!(
        library::sweep_orphans(
            &app.state.db,
            &app.state.library,
            std::time::Duration::from_secs(600)
        )
        .await
        .unwrap(),
        0
    );
    assert_eq!(
        library::sweep_orphans(&app.state.db, &app.state.library, std::time::Duration::ZERO)
            .await
            .unwrap(),
        1
    );
    let files = app.media_files();
    assert_eq!(files.len(), 3, "{files:?}");
    assert!(files.iter().all(|f| !f.starts_with(orphan)));
    assert_eq!(
        fetch(&app, &kept.display_url).await.status(),
        StatusCode::OK
    );
}

async fn media_can_be_handed_to_nginx(db: TestDb) {
    let app = TestApp::spawn_with(db, &[("MEDIA_ACCEL_REDIRECT", "/protected-media/")]).await;
    app.sign_up("ada").await;
    let card = upload_ok(&app, "n", fixtures::jpeg(30, 30)).await;
    let res = fetch(&app, &card.thumb_400_url).await;
    assert_eq!(res.status(), StatusCode::OK);
    let key = card.thumb_400_url.split('/').nth(2).unwrap().to_owned();
    assert_eq!(
        res.headers()["x-accel-redirect"],
        format!("/protected-media/{key}/thumb-400.jpg")
    );
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert!(
        res.bytes().await.unwrap().is_empty(),
        "nginx sends the bytes"
    );
    // Still owner-only.
    let res = TestApp::new_client()
        .get(app.url(&card.thumb_400_url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.headers().get("x-accel-redirect").is_none());
}
