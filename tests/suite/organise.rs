//! Organising a gallery over real HTTP, on each database: search (same
//! results on SQLite's FTS5 and Postgres' tsvector), order, favourites,
//! the trash (restore, delete forever, empty, the purge job), downloads,
//! owner-only everything, bulk actions and ZIPs of a selection, and an
//! older database upgrading in place.

use crate::common;

use std::time::Duration;

use common::{fixtures, zip_entries, TestApp, TestDb};
use reqwest::StatusCode;
use sea_orm::{sea_query::Expr, ColumnTrait, ConnectionTrait, Database, EntityTrait, QueryFilter};

use cloudtalents::{
    entities::image,
    model::{gallery::GalleryPage, image::ImageCard},
    server::library,
};
use migration::MigratorTrait;

on_each_backend! {
    search_ignores_case_and_accents_and_matches_prefixes => search_ignores_case_and_accents_and_matches_prefixes;
    sort_and_favourites_follow_the_url => sort_and_favourites_follow_the_url;
    trash_restore_and_delete_forever => trash_restore_and_delete_forever;
    the_purge_job_deletes_old_trash_with_its_files => the_purge_job_deletes_old_trash_with_its_files;
    downloads_are_attachments_with_safe_names => downloads_are_attachments_with_safe_names;
    an_older_database_upgrades_in_place => an_older_database_upgrades_in_place;
    bulk_actions_are_all_or_nothing => bulk_actions_are_all_or_nothing;
    a_zip_holds_the_selection_under_unique_names => a_zip_holds_the_selection_under_unique_names;
}

async fn list(app: &TestApp, fields: &[(&str, &str)]) -> GalleryPage {
    let mut fields = fields.to_vec();
    if !fields.iter().any(|(n, _)| *n == "page") {
        fields.push(("page", "1"));
    }
    let res = app.call("list_images", &fields).await;
    assert_eq!(res.status(), StatusCode::OK, "{fields:?}");
    res.json().await.unwrap()
}

async fn names(app: &TestApp, fields: &[(&str, &str)]) -> Vec<String> {
    list(app, fields)
        .await
        .images
        .into_iter()
        .map(|c| c.name)
        .collect()
}

/// The gallery's total (the count the database keeps) against the images
/// listed: the user must have fewer than a page.
async fn assert_total_kept(app: &TestApp) {
    let page = list(app, &[]).await;
    assert_eq!(page.total, page.images.len() as u64, "kept count");
}

async fn search(app: &TestApp, q: &str) -> Vec<String> {
    names(app, &[("q", q)]).await
}

async fn search_ignores_case_and_accents_and_matches_prefixes(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    app.upload_jpeg("Catalina sunset", "orange sky over the bay")
        .await;
    app.upload_jpeg("Café de Flore", "Morning coffee in Paris")
        .await;
    app.upload_jpeg("Dog", "a cat sleeping on the sofa").await;
    app.upload_jpeg("Paris", "the Eiffel tower at night").await;
    let trashed = app.upload_jpeg("Catamaran", "trashed boat").await;
    app.call("trash_image", &[("id", &trashed.id.to_string())])
        .await;
    let other = TestApp::spawn(TestDb::borrowed(app.db.url.clone(), app.db.backend)).await;
    other.sign_up("grace").await;
    other.upload_jpeg("Cat of grace", "not ada's").await;

    // Prefixes, ranked: a word in the name counts more than in the text.
    assert_eq!(search(&app, "cat").await, ["Catalina sunset", "Dog"]);
    assert_eq!(search(&app, "CAFE").await, ["Café de Flore"]);
    assert_eq!(search(&app, "éiffel").await, ["Paris"]);
    assert_eq!(search(&app, "paris").await, ["Paris", "Café de Flore"]);
    // Every word must match.
    assert_eq!(search(&app, "morning par").await, ["Café de Flore"]);
    assert!(search(&app, "morning eiffel").await.is_empty());
    // Syntax is only ever text.
    assert!(search(&app, r#""; DROP TABLE images; --"#).await.is_empty());
    assert!(search(&app, "cat* OR NEAR(dog)").await.is_empty());
    assert_eq!(
        search(&app, "*").await.len(),
        4,
        "no words: the whole gallery"
    );
    let page = list(&app, &[("q", "cat")]).await;
    assert_eq!((page.total, page.pages), (2, 1));

    // The page itself, without JavaScript: bookmarkable, the query kept.
    let html = app.get("/images/?q=caf").await.text().await.unwrap();
    assert!(
        html.contains(r#"type="search""#) && html.contains(r#"value="caf""#),
        "{html}"
    );
    assert!(html.contains("Café de Flore") && !html.contains("Catalina"));
    assert!(html.contains("1 image found"));
    let html = app.get("/images/?q=zebra").await.text().await.unwrap();
    assert!(html.contains("No images match “zebra”."));
}

async fn sort_and_favourites_follow_the_url(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    let b = app.upload_jpeg("banana", "one").await;
    let a = app.upload_jpeg("Apple", "two").await;
    let c = app.upload_jpeg("cherry", "three").await;
    assert_eq!(names(&app, &[]).await, ["cherry", "Apple", "banana"]);
    assert_eq!(
        names(&app, &[("sort", "oldest")]).await,
        ["banana", "Apple", "cherry"]
    );
    assert_eq!(
        names(&app, &[("sort", "name")]).await,
        ["Apple", "banana", "cherry"]
    );
    let res = app
        .post_form(
            &format!("/images/{}/", b.id),
            &[("name", "banana"), ("description", "edited")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        names(&app, &[("sort", "edited")]).await,
        ["banana", "cherry", "Apple"]
    );

    // The star without JavaScript: a form that comes back where it was.
    let res = app
        .post_form(
            &format!("/images/{}/favourite/", a.id),
            &[("favourite", "true"), ("back", "/images/?sort=name")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/images/?sort=name");
    // … and never elsewhere.
    let res = app
        .post_form(
            &format!("/images/{}/favourite/", c.id),
            &[("favourite", "true"), ("back", "https://evil.example/")],
        )
        .await;
    assert_eq!(res.headers()["location"], "/images/");
    let res = app
        .call_json(
            "set_favourite",
            &serde_json::json!({ "id": c.id, "favourite": false }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(names(&app, &[("favourites", "true")]).await, ["Apple"]);
    let html = app.get("/images/?favourites=1").await.text().await.unwrap();
    assert!(html.contains(r#"aria-pressed="true""#) && !html.contains("banana"));
    let html = app
        .get("/images/?sort=name&page=1")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(r#"<option value="name" selected"#), "{html}");
}

async fn trash_restore_and_delete_forever(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    let a = app.upload_jpeg("first", "d").await;
    let b = app.upload_jpeg("second", "d").await;
    let id = a.id.to_string();

    let res = app.post_form(&format!("/images/{id}/trash/"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(names(&app, &[]).await, ["second"]);
    assert_total_kept(&app).await;
    for url in [a.display_url.clone(), a.page_url(), a.download_url()] {
        assert_eq!(app.get(&url).await.status(), StatusCode::NOT_FOUND, "{url}");
    }
    // Trashing twice, or editing in the trash: not found.
    assert_eq!(
        app.call("trash_image", &[("id", &id)]).await.status(),
        StatusCode::NOT_FOUND
    );
    let html = app.get("/trash/").await.text().await.unwrap();
    assert!(html.contains("first") && !html.contains("second"), "{html}");
    assert!(
        html.contains("Restore") && html.contains("Delete forever") && html.contains("Empty trash")
    );
    assert_eq!(
        app.get(&format!("/trash/{id}/thumb/")).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get(&format!("/trash/{}/thumb/", b.id)).await.status(),
        StatusCode::NOT_FOUND,
        "not in the trash"
    );

    // Restore: whole again.
    let res = app.post_form(&format!("/trash/{id}/restore/"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/trash/");
    assert_eq!(app.get(&a.display_url).await.status(), StatusCode::OK);
    assert_eq!(names(&app, &[]).await, ["second", "first"]);
    assert_eq!(app.media_files().len(), 6);
    assert_total_kept(&app).await;

    // Another user can touch none of it.
    let grace = TestApp::spawn(TestDb::borrowed(app.db.url.clone(), app.db.backend)).await;
    grace.sign_up("grace").await;
    app.call("trash_image", &[("id", &id)]).await;
    for path in [
        format!("/trash/{id}/restore/"),
        format!("/trash/{id}/delete/"),
    ] {
        let res = grace.post_form(&path, &[]).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(
        grace.get(&format!("/trash/{id}/thumb/")).await.status(),
        StatusCode::NOT_FOUND
    );
    grace.post_form("/trash/empty/", &[]).await;
    assert_eq!(app.media_files().len(), 6);
    // A bulk request with one id not the user's changes nothing.
    let ada = app.user_named("ada").await.id;
    let theirs = grace.upload_jpeg("theirs", "d").await;
    let err = library::trash::trash(&app.state.db, ada, &[b.id, theirs.id])
        .await
        .unwrap_err();
    assert_eq!(err.status(), StatusCode::NOT_FOUND);
    assert_eq!(names(&app, &[]).await, ["second"]);

    // Delete forever, then empty: rows and files go (grace's app has its
    // own media folder, untouched).
    let res = app.post_form(&format!("/trash/{id}/delete/"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.media_files().len(), 3, "second's");
    app.call("trash_image", &[("id", &b.id.to_string())]).await;
    let res = app.call("empty_trash", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(app.media_files().is_empty());
    assert_eq!(grace.media_files().len(), 3);
    let html = app.get("/trash/").await.text().await.unwrap();
    assert!(html.contains("The trash is empty."));
    assert_total_kept(&app).await;
    assert_eq!(names(&grace, &[]).await, ["theirs"]);
}

async fn the_purge_job_deletes_old_trash_with_its_files(db: TestDb) {
    let app = TestApp::spawn_with(
        db,
        &[("TRASH_DAYS", "30"), ("SESSION_CLEANUP_PERIOD", "1s")],
    )
    .await;
    app.sign_up("ada").await;
    let old = app.upload_jpeg("old", "d").await;
    let recent = app.upload_jpeg("recent", "d").await;
    app.upload_jpeg("kept", "d").await;
    for card in [&old, &recent] {
        app.call("trash_image", &[("id", &card.id.to_string())])
            .await;
    }
    let long_ago = chrono::Utc::now().fixed_offset() - chrono::Duration::days(31);
    image::Entity::update_many()
        .col_expr(image::Column::DeletedAt, Expr::value(long_ago))
        .filter(image::Column::Id.eq(old.id))
        .exec(&app.state.db)
        .await
        .unwrap();
    let mut left = 3;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        left = image::Entity::find()
            .all(&app.state.db)
            .await
            .unwrap()
            .len();
        if left == 2 {
            break;
        }
    }
    assert_eq!(left, 2, "the job purged the old one");
    assert!(image::Entity::find_by_id(old.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .is_none());
    assert_eq!(app.media_files().len(), 6, "its files went with it");
    let html = app.get("/trash/").await.text().await.unwrap();
    assert!(html.contains("recent") && html.contains("30 days"));
}

async fn downloads_are_attachments_with_safe_names(db: TestDb) {
    let app = TestApp::spawn_with(db, &[("KEEP_ORIGINALS", "true")]).await;
    app.sign_up("ada").await;
    let bytes = fixtures::png(30, 20);
    let res = app
        .upload("Été / <b>night</b>", "d", "x.png", bytes.clone(), true)
        .await;
    let card: ImageCard = res.json().await.unwrap();
    let res = app.get(&card.download_url()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"_t_ _ _b_night__b.png\"; filename*=UTF-8''%C3%89t%C3%A9%20_%20_b_night__b.png"
    );
    assert_eq!(
        res.bytes().await.unwrap().as_ref(),
        bytes.as_slice(),
        "the original"
    );
    // Without originals: the display copy.
    let plain = TestApp::spawn(TestDb::like(&app.db).await).await;
    plain.sign_up("ada").await;
    let card = plain.upload_jpeg("sunset", "d").await;
    let res = plain.get(&card.download_url()).await;
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"sunset.jpg\""));
    let display = plain.get(&card.display_url).await.bytes().await.unwrap();
    assert_eq!(res.bytes().await.unwrap(), display);
    let html = plain.get(&card.page_url()).await.text().await.unwrap();
    assert!(html.contains(&format!(r#"href="{}""#, card.download_url())));
}

async fn an_older_database_upgrades_in_place(db: TestDb) {
    // A database as the previous release left it, with a user and an image.
    let conn = Database::connect(db.url.as_str()).await.unwrap();
    migration::Migrator::up(&conn, Some(4)).await.unwrap();
    conn.execute_unprepared(
        "INSERT INTO users (username, username_key, password_hash, is_active, created_at, session_epoch) \
         VALUES ('old', 'old', '!', true, '2026-01-01 00:00:00+00:00', 0)",
    )
    .await
    .unwrap();
    conn.execute_unprepared(
        "INSERT INTO images (user_id, name, description, file_key, created_at, width, height, format) \
         VALUES (1, 'Über Brücke', 'kept from before', 'k0000000000000000000000000000000', \
                 '2026-01-02 00:00:00+00:00', 10, 10, 'jpeg')",
    )
    .await
    .unwrap();
    conn.close().await.unwrap();

    let app = TestApp::spawn(db).await;
    let old = app.user_named("old").await.id;
    let query = |q: &str| cloudtalents::model::gallery::GalleryQuery {
        q: q.to_owned(),
        ..Default::default()
    };
    let found = library::gallery::list(&app.state.db, old, &query("brucke"), None)
        .await
        .unwrap();
    assert_eq!(found.images.len(), 1, "indexed by the upgrade");
    let image = &found.images[0];
    assert_eq!(
        (image.name.as_str(), image.favourite),
        ("Über Brücke", false)
    );
    let row = image::Entity::find_by_id(image.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.deleted_at, row.edited_at), (None, None));
    assert_eq!(
        library::gallery::list(&app.state.db, old, &query(""), None)
            .await
            .unwrap()
            .total,
        1
    );
}

async fn bulk_post(app: &TestApp, fields: &[(&str, &str)]) -> reqwest::Response {
    app.post_form("/images/bulk/", fields).await
}

async fn bulk_actions_are_all_or_nothing(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    let a = app.upload_jpeg("a", "d").await.id.to_string();
    let b = app.upload_jpeg("b", "d").await.id.to_string();
    let c = app.upload_jpeg("c", "d").await.id.to_string();
    let grace = TestApp::spawn(TestDb::borrowed(app.db.url.clone(), app.db.backend)).await;
    grace.sign_up("grace").await;
    let theirs = grace.upload_jpeg("theirs", "d").await.id.to_string();

    // Without JavaScript: repeated `ids`, one transaction.
    let res = app
        .post_form("/albums/new/", &[("name", "Set"), ("description", "")])
        .await;
    let album_url = res.headers()["location"].to_str().unwrap().to_owned();
    let album = album_url
        .trim_start_matches("/albums/")
        .trim_end_matches('/')
        .to_owned();
    let add = [
        ("action", "add"),
        ("album", album.as_str()),
        ("ids", &a),
        ("ids", &b),
        ("back", "/images/?sort=name"),
    ];
    let res = bulk_post(&app, &add).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/images/?sort=name");
    let in_album = names(&app, &[("album", &album)]).await;
    assert_eq!(in_album, ["b", "a"]);
    // One foreign id: 404, nothing changed.
    let res = bulk_post(&app, &[("action", "trash"), ("ids", &c), ("ids", &theirs)]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(names(&app, &[]).await, ["c", "b", "a"]);
    assert_eq!(names(&grace, &[]).await, ["theirs"]);
    let res = bulk_post(
        &app,
        &[("action", "remove"), ("in_album", &album), ("ids", &b)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(names(&app, &[("album", &album)]).await, ["a"]);
    let res = bulk_post(&app, &[("action", "trash"), ("ids", &a), ("ids", &c)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(names(&app, &[]).await, ["b"]);
    assert!(names(&app, &[("album", &album)]).await.is_empty());
    // A new album of the selection, or nothing at all.
    let res = bulk_post(&app, &[("action", "new"), ("new_album", " "), ("ids", &b)]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Please give the album a name."));
    let res = bulk_post(
        &app,
        &[
            ("action", "new"),
            ("new_album", "Mixed"),
            ("ids", &b),
            ("ids", &theirs),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = bulk_post(
        &app,
        &[("action", "new"), ("new_album", "Fresh"), ("ids", &b)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let fresh = res.headers()["location"].to_str().unwrap().to_owned();
    let fresh = fresh.trim_start_matches("/albums/").trim_end_matches('/');
    assert_eq!(names(&app, &[("album", fresh)]).await, ["b"]);
    let albums = cloudtalents::entities::album::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    let mut album_names: Vec<&str> = albums.iter().map(|a| a.name.as_str()).collect();
    album_names.sort_unstable();
    assert_eq!(
        album_names,
        ["Fresh", "Set"],
        "nothing made by the refused requests"
    );
    // Bad input: a sentence and 400.
    let res = bulk_post(&app, &[("action", "explode"), ("ids", &b)]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = bulk_post(&app, &[("action", "trash"), ("ids", "x")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    // Hydrated: the JSON server function.
    let res = app
        .client
        .post(app.url("/api/bulk_images"))
        .header("origin", app.origin())
        .header("sec-fetch-site", "same-origin")
        .json(&serde_json::json!({ "action": "Trash", "ids": [b.parse::<i32>().unwrap()] }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(names(&app, &[]).await.is_empty());
    let res = app
        .client
        .post(app.url("/api/bulk_images"))
        .header("origin", app.origin())
        .header("sec-fetch-site", "same-origin")
        .json(&serde_json::json!({ "action": "Trash", "ids": [theirs.parse::<i32>().unwrap()] }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

async fn a_zip_holds_the_selection_under_unique_names(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    let one = app.upload_jpeg("Sunset", "d").await;
    let two = app.upload_jpeg("sunset", "d").await;
    let three = app.upload_jpeg("../etc/passwd", "d").await;
    let grace = TestApp::spawn(TestDb::borrowed(app.db.url.clone(), app.db.backend)).await;
    grace.sign_up("grace").await;
    let theirs = grace.upload_jpeg("theirs", "d").await;

    let url = cloudtalents::model::gallery::zip_url(&[one.id, two.id, three.id]);
    let res = app.get(&url).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/zip");
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"cloudtalents-3-images.zip\""
    );
    let bytes = res.bytes().await.unwrap();
    let entries = zip_entries(&bytes);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["etc_passwd.jpg", "sunset.jpg", "Sunset (2).jpg"]);
    let display = app.get(&one.display_url).await.bytes().await.unwrap();
    assert_eq!(entries[2].1, display.as_ref(), "stored whole");

    // Someone else's id, a trashed one, or none: no ZIP.
    for ids in [vec![one.id, theirs.id], vec![]] {
        let res = app.get(&cloudtalents::model::gallery::zip_url(&ids)).await;
        assert_ne!(res.status(), StatusCode::OK, "{ids:?}");
    }
    app.call("trash_image", &[("id", &two.id.to_string())])
        .await;
    let res = app
        .get(&cloudtalents::model::gallery::zip_url(&[two.id]))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
