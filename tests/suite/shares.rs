//! Share links over real HTTP, on each database: what a visitor without an
//! account sees and gets, and how revoking, expiry, passwords, downloads
//! and ownership limit it.

use crate::common;

use std::time::Duration;

use common::{fixtures, TestApp, TestDb};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

use cloudtalents::{entities::share, model::share::ShareCard};

on_each_backend! {
    an_album_link_follows_the_album_and_hides_the_owner => an_album_link_follows_the_album_and_hides_the_owner;
    revoked_expired_and_wrong_links_are_the_same_404 => revoked_expired_and_wrong_links_are_the_same_404;
    a_password_link_asks_first_and_throttles => a_password_link_asks_first_and_throttles;
    downloads_can_be_turned_off => downloads_can_be_turned_off;
    shared_downloads_never_give_originals => shared_downloads_never_give_originals;
    only_the_owner_makes_and_manages_links => only_the_owner_makes_and_manages_links;
}

/// No owner media URL, no link into the app.
const SECRET_FREE_HTML: [&str; 4] = ["\"/media/", "\"/images/", "\"/login/", "\"/\""];

/// Makes a link by the plain form; answers its card (with the link).
async fn share(app: &TestApp, fields: &[(&str, &str)]) -> ShareCard {
    let res = app.post_form("/shares/new/", fields).await;
    let status = res.status();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let id: i32 = location
        .unwrap()
        .trim_start_matches("/shares/?created=")
        .parse()
        .unwrap();
    cards(app).await.into_iter().find(|c| c.id == id).unwrap()
}

async fn cards(app: &TestApp) -> Vec<ShareCard> {
    let res = app.call("list_shares", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// The link's path, `/s/<token>`.
fn path_of(card: &ShareCard) -> String {
    let url = card.url.clone().expect("the link can be shown");
    url[url.find("/s/").unwrap()..].to_owned()
}

/// GETs `path` with `client` (a visitor: no account).
async fn visit(app: &TestApp, client: &reqwest::Client, path: &str) -> reqwest::Response {
    client.get(app.url(path)).send().await.unwrap()
}

/// The `src` of every `<img>` in `html`.
fn image_urls(html: &str) -> Vec<String> {
    html.split("src=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|src| src.starts_with("/s/"))
        .map(str::to_owned)
        .collect()
}

async fn an_album_link_follows_the_album_and_hides_the_owner(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("adalovelace").await;
    let first = app.upload_jpeg("Harbour at dawn", "boats").await;
    let second = app.upload_jpeg("Lighthouse", "white").await;
    let private = app.upload_jpeg("Private diary page", "not shared").await;
    let album = app.create_album("Trip").await;
    for image in [first.id, second.id] {
        let res = app
            .post_form(
                "/albums/add/",
                &[("album", &album.to_string()), ("image", &image.to_string())],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let card = share(
        &app,
        &[
            ("album", &album.to_string()),
            ("title", "Our trip"),
            ("message", "Pictures from the coast"),
            ("expires", "7"),
            ("allow_download", "on"),
        ],
    )
    .await;
    assert_eq!(card.what, "Album “Trip”");
    assert!(card.expires.is_some() && !card.has_password && card.allow_download);
    let link = path_of(&card);

    // The token is stored only as a hash.
    let row = share::Entity::find_by_id(card.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let token = link.trim_start_matches("/s/");
    assert!(token.len() >= 43, "{token}");
    assert!(![&row.token_hash, &row.token_nonce, &row.title]
        .iter()
        .any(|v| v.contains(token)));

    let visitor = TestApp::new_client();
    let res = visit(&app, &visitor, &link).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");
    assert_eq!(res.headers()["cache-control"], "private, no-store");
    let html = res.text().await.unwrap();
    for shown in [
        "Our trip",
        "Pictures from the coast",
        "Harbour at dawn",
        "Lighthouse",
        "noindex",
    ] {
        assert!(html.contains(shown), "{shown} missing: {html}");
    }
    for hidden in [
        "adalovelace",
        "Private diary page",
        &first.display_url,
        "Trip\u{201d}",
    ] {
        assert!(!html.contains(hidden), "{hidden} shown: {html}");
    }
    for hidden in SECRET_FREE_HTML {
        assert!(!html.contains(hidden), "{hidden} in the page: {html}");
    }
    let media = image_urls(&html);
    assert!(media.len() >= 2, "{media:?}");
    let res = visit(&app, &visitor, &media[0]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert_eq!(res.headers()["cache-control"], "private, no-store");
    // The owner's own URLs stay closed to the visitor.
    assert_eq!(
        visit(&app, &visitor, &first.display_url).await.status(),
        StatusCode::NOT_FOUND
    );
    // An image not in the link, named by id under the link: not found.
    let other = format!("{link}/media/{}/display", private.id);
    assert_eq!(
        visit(&app, &visitor, &other).await.status(),
        StatusCode::NOT_FOUND
    );

    // The link follows the album: added images appear, removed ones go
    // (with their bytes), and so do trashed ones.
    app.post_form(
        "/albums/add/",
        &[
            ("album", &album.to_string()),
            ("image", &private.id.to_string()),
        ],
    )
    .await;
    let html = visit(&app, &visitor, &link).await.text().await.unwrap();
    assert!(
        html.contains("Private diary page") && html.contains("3 images"),
        "{html}"
    );
    app.post_form(
        "/albums/remove/",
        &[
            ("album", &album.to_string()),
            ("image", &private.id.to_string()),
        ],
    )
    .await;
    let html = visit(&app, &visitor, &link).await.text().await.unwrap();
    assert!(!html.contains("Private diary page"), "{html}");
    assert_eq!(
        visit(&app, &visitor, &other).await.status(),
        StatusCode::NOT_FOUND
    );
    let lighthouse = format!("{link}/media/{}/thumb-400", second.id);
    assert_eq!(
        visit(&app, &visitor, &lighthouse).await.status(),
        StatusCode::OK
    );
    let res = app
        .post_form(
            &format!("/images/{}/trash/", second.id),
            &[("id", &second.id.to_string())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        visit(&app, &visitor, &lighthouse).await.status(),
        StatusCode::NOT_FOUND
    );

    // Downloads: one image, and all as a ZIP; both counted, as the view.
    let res = visit(&app, &visitor, &format!("{link}/download/{}", first.id)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("Harbour at dawn.jpg"));
    let res = visit(&app, &visitor, &format!("{link}/zip")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/zip");
    let zip = res.bytes().await.unwrap();
    assert!(zip.starts_with(b"PK"));
    let mut counted = None;
    for _ in 0..50 {
        let card = cards(&app)
            .await
            .into_iter()
            .find(|c| c.id == card.id)
            .unwrap();
        if card.views == 3 && card.downloads == 2 && card.last_opened.is_some() {
            counted = Some(card);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        counted.is_some(),
        "views and downloads were not counted: {:?}",
        cards(&app).await
    );
}

async fn revoked_expired_and_wrong_links_are_the_same_404(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("grace").await;
    let image = app.upload_jpeg("Compiler", "notes").await;
    let images = image.id.to_string();
    let kept = share(&app, &[("images", &images), ("expires", "never")]).await;
    let revoked = share(&app, &[("images", &images), ("expires", "30")]).await;
    let expired = share(&app, &[("images", &images), ("expires", "1")]).await;
    let visitor = TestApp::new_client();
    let media_of = |card: &ShareCard| format!("{}/media/{}/display", path_of(card), image.id);
    for card in [&kept, &revoked, &expired] {
        assert_eq!(
            visit(&app, &visitor, &path_of(card)).await.status(),
            StatusCode::OK
        );
        assert_eq!(
            visit(&app, &visitor, &media_of(card)).await.status(),
            StatusCode::OK
        );
    }

    let res = app
        .post_form(
            &format!("/shares/{}/revoke/", revoked.id),
            &[("id", &revoked.id.to_string())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(cards(&app).await.iter().all(|c| c.id != revoked.id));
    let mut row: share::ActiveModel = share::Entity::find_by_id(expired.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    row.expires_at = Set(Some(
        (chrono::Utc::now() - chrono::Duration::seconds(1)).fixed_offset(),
    ));
    row.update(&app.state.db).await.unwrap();

    let wrong = format!("/s/{}", "A".repeat(43));
    let mut bodies = Vec::new();
    for path in [
        path_of(&revoked),
        path_of(&expired),
        wrong.clone(),
        "/s/short".to_owned(),
    ] {
        let res = visit(&app, &visitor, &path).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        let html = res.text().await.unwrap();
        assert!(
            html.contains("Page not found") && !html.contains("Back to the start"),
            "{html}"
        );
        // Equal but for the nonce of the page's scripts.
        bodies.push(html.split("nonce=").next().unwrap().len());
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "{bodies:?}");
    for media in [
        media_of(&revoked),
        media_of(&expired),
        format!("{wrong}/media/{}/display", image.id),
    ] {
        assert_eq!(
            visit(&app, &visitor, &media).await.status(),
            StatusCode::NOT_FOUND,
            "{media}"
        );
    }
    assert_eq!(
        visit(&app, &visitor, &path_of(&kept)).await.status(),
        StatusCode::OK
    );
    let listed = cards(&app).await;
    assert!(listed.iter().any(|c| c.id == expired.id && c.expired));
}

async fn a_password_link_asks_first_and_throttles(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("hedy").await;
    let image = app.upload_jpeg("Frequency hopping", "sketch").await;
    let card = share(
        &app,
        &[
            ("images", &image.id.to_string()),
            ("expires", "30"),
            ("password", "open sesame"),
        ],
    )
    .await;
    assert!(card.has_password);
    let link = path_of(&card);
    let media = format!("{link}/media/{}/display", image.id);
    let visitor = TestApp::new_client();
    let html = visit(&app, &visitor, &link).await.text().await.unwrap();
    assert!(
        html.contains("Password required") && !html.contains("Frequency hopping"),
        "{html}"
    );
    assert_eq!(
        visit(&app, &visitor, &media).await.status(),
        StatusCode::NOT_FOUND
    );

    let post = |client: &reqwest::Client, password: &str| {
        client
            .post(app.url(&link))
            .header("origin", app.origin())
            .form(&[("password", password)])
            .send()
    };
    let res = post(&visitor, "wrong").await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("That password is not right."));
    let res = post(&visitor, "open sesame").await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains(&format!("Path={link};")) && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let html = visit(&app, &visitor, &link).await.text().await.unwrap();
    assert!(html.contains("Frequency hopping"), "{html}");
    assert_eq!(visit(&app, &visitor, &media).await.status(), StatusCode::OK);

    // A new password ends access by the old one.
    let res = app
        .post_form(
            &format!("/shares/{}/", card.id),
            &[
                ("id", &card.id.to_string()),
                ("expires", "keep"),
                ("password", "another one"),
                ("allow_download", "on"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        visit(&app, &visitor, &media).await.status(),
        StatusCode::NOT_FOUND
    );

    // Wrong guesses are throttled: 5 per link, then 429 even for the right one.
    let guesser = TestApp::new_client();
    for _ in 0..4 {
        assert_eq!(
            post(&guesser, "guess").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let res = post(&guesser, "another one").await.unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Too many wrong passwords."));
}

async fn downloads_can_be_turned_off(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("katherine").await;
    let a = app.upload_jpeg("Orbit", "maths").await;
    let b = app.upload_jpeg("Trajectory", "maths").await;
    let ids = format!("{},{}", a.id, b.id);
    let card = share(&app, &[("images", &ids), ("expires", "30")]).await;
    assert!(!card.allow_download);
    assert_eq!(card.what, "2 images");
    let link = path_of(&card);
    let visitor = TestApp::new_client();
    let html = visit(&app, &visitor, &link).await.text().await.unwrap();
    assert!(
        html.contains("Orbit") && html.contains("Trajectory"),
        "{html}"
    );
    assert!(!html.contains("Download"), "{html}");
    for path in [format!("{link}/zip"), format!("{link}/download/{}", a.id)] {
        assert_eq!(
            visit(&app, &visitor, &path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(
        visit(&app, &visitor, &format!("{link}/media/{}/thumb-800", a.id))
            .await
            .status(),
        StatusCode::OK
    );
}

async fn only_the_owner_makes_and_manages_links(db: TestDb) {
    let app =
        TestApp::spawn_with(db, &[("SHARE_MAX_DAYS", "7"), ("SHARE_DEFAULT_DAYS", "7")]).await;
    app.sign_up("owner").await;
    let image = app.upload_jpeg("Mine", "d").await;
    let album = app.create_album("Mine too").await;
    let card = share(&app, &[("images", &image.id.to_string()), ("expires", "7")]).await;

    // The limit: no "never", nothing past 7 days; bad input gets a sentence.
    let html = app
        .get(&format!("/shares/new/?images={}", image.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Links last at most 7 days.") && !html.contains(">Never<"),
        "{html}"
    );
    for (fields, sentence) in [
        (vec![("expires", "never")], "Links last at most 7 days."),
        (vec![("expires", "30")], "Links last at most 7 days."),
        (
            vec![("expires", "date"), ("expires_on", "2001-01-01")],
            "Please choose a date that is not in the past.",
        ),
        (
            vec![("expires", "date"), ("expires_on", "soon")],
            "Please give the date as YYYY-MM-DD.",
        ),
        (
            vec![("expires", "1"), ("password", "abc")],
            "Ensure the password has at least 4 characters.",
        ),
    ] {
        let mut fields = fields;
        let id = image.id.to_string();
        fields.push(("images", &id));
        let res = app
            .post_form(&format!("/shares/new/?images={id}"), &fields)
            .await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{fields:?}");
        // The sentence under its field (the limit is also the form's help).
        let html = res.text().await.unwrap();
        assert!(
            html.contains(&format!("class=\"field-error\">{sentence}")),
            "{sentence}: {html}"
        );
    }
    let long = "t".repeat(300);
    let res = app
        .post_form(
            "/shares/new/",
            &[
                ("images", &image.id.to_string()),
                ("expires", "1"),
                ("title", &long),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    // Someone else: cannot see, edit, revoke, or share the owner's things.
    let mut other_app = app;
    other_app.client = TestApp::new_client();
    other_app.sign_up("intruder").await;
    assert!(cards(&other_app).await.is_empty());
    let id = card.id.to_string();
    for (path, fields) in [
        (format!("/shares/{id}/revoke/"), vec![("id", id.as_str())]),
        (
            format!("/shares/{id}/"),
            vec![("id", id.as_str()), ("expires", "keep")],
        ),
    ] {
        let res = other_app.post_form(&path, &fields).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(
        other_app.get(&format!("/shares/{id}/")).await.status(),
        StatusCode::NOT_FOUND
    );
    let album_id = album.to_string();
    let image_id = image.id.to_string();
    for fields in [
        vec![("album", album_id.as_str()), ("expires", "1")],
        vec![("images", image_id.as_str()), ("expires", "1")],
    ] {
        let res = other_app.post_form("/shares/new/", &fields).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{fields:?}");
    }
    // The owner's link still works.
    let visitor = TestApp::new_client();
    assert_eq!(
        visit(&other_app, &visitor, &path_of(&card)).await.status(),
        StatusCode::OK
    );
}

async fn shared_downloads_never_give_originals(db: TestDb) {
    let app = TestApp::spawn_with(db, &[("KEEP_ORIGINALS", "true")]).await;
    app.sign_up("ada").await;
    let res = app
        .upload("Scan", "kept", "scan.png", fixtures::png(64, 48), true)
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let image: cloudtalents::model::image::ImageCard = res.json().await.unwrap();
    // The owner gets the original back.
    let res = app.get(&image.download_url()).await;
    assert_eq!(res.headers()["content-type"], "image/png");
    let card = share(
        &app,
        &[
            ("images", &image.id.to_string()),
            ("expires", "1"),
            ("allow_download", "on"),
        ],
    )
    .await;
    let link = path_of(&card);
    let visitor = TestApp::new_client();
    // A visitor gets the display copy (re-encoded: no metadata).
    let res = visit(&app, &visitor, &format!("{link}/download/{}", image.id)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("Scan.jpg"));
    let zip = visit(&app, &visitor, &format!("{link}/zip"))
        .await
        .bytes()
        .await
        .unwrap();
    let names = String::from_utf8_lossy(&zip);
    assert!(names.contains("Scan.jpg") && !names.contains("Scan.png"));
}
