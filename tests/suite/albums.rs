//! Albums over real HTTP, on each database: create, edit, add, remove,
//! cover, upload into, delete (the images stay), and nobody else's ids.

use crate::common;

use common::{fixtures, TestApp, TestDb};
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};

use cloudtalents::{
    entities::{album_image, image},
    model::{album::AlbumCard, gallery::GalleryPage},
};

on_each_backend! {
    albums_hold_images_with_a_cover_and_count => albums_hold_images_with_a_cover_and_count;
    deleting_an_album_keeps_its_images => deleting_an_album_keeps_its_images;
    another_users_album_or_image_is_not_found => another_users_album_or_image_is_not_found;
    uploads_can_go_straight_into_an_album => uploads_can_go_straight_into_an_album;
}

async fn album(app: &TestApp, id: i32) -> AlbumCard {
    let res = app.call("get_album", &[("id", &id.to_string())]).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn album_names(app: &TestApp, id: i32) -> Vec<String> {
    let res = app
        .call("list_images", &[("page", "1"), ("album", &id.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let page: GalleryPage = res.json().await.unwrap();
    page.images.into_iter().map(|c| c.name).collect()
}

async fn add(app: &TestApp, album: i32, image: i32) -> reqwest::Response {
    app.post_form(
        "/albums/add/",
        &[
            ("album", &album.to_string()),
            ("image", &image.to_string()),
            ("back", &format!("/images/{image}/")),
        ],
    )
    .await
}

async fn albums_hold_images_with_a_cover_and_count(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    let old = app.upload_jpeg("old", "d").await;
    let new = app.upload_jpeg("new", "d").await;
    app.upload_jpeg("elsewhere", "d").await;

    // Bad input: a clear sentence and 400, nothing made.
    let res = app
        .post_form("/albums/new/", &[("name", "  "), ("description", "")])
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Please give the album a name."));
    let holiday = app.create_album("Holiday").await;
    let html = app.get("/albums/").await.text().await.unwrap();
    assert!(
        html.contains("Holiday") && html.contains("0 images"),
        "{html}"
    );

    for card in [&old, &new] {
        let res = add(&app, holiday, card.id).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            res.headers()["location"],
            format!("/images/{}/", card.id).as_str()
        );
    }
    // Adding twice changes nothing; an image can be in several albums.
    assert_eq!(
        add(&app, holiday, old.id).await.status(),
        StatusCode::SEE_OTHER
    );
    let other = app.create_album("Other").await;
    add(&app, other, old.id).await;
    let card = album(&app, holiday).await;
    assert_eq!(card.count, 2);
    assert_eq!(
        card.cover.as_ref().unwrap().image_id,
        new.id,
        "newest by default"
    );
    assert_eq!(album_names(&app, holiday).await, ["new", "old"]);

    // The owner's cover choice wins; trashing it falls back to the newest.
    let res = app
        .post_form(
            "/albums/cover/",
            &[
                ("album", &holiday.to_string()),
                ("image", &old.id.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(album(&app, holiday).await.cover.unwrap().image_id, old.id);
    app.call("trash_image", &[("id", &old.id.to_string())])
        .await;
    let card = album(&app, holiday).await;
    assert_eq!((card.count, card.cover.unwrap().image_id), (1, new.id));
    app.post_form(&format!("/trash/{}/restore/", old.id), &[])
        .await;
    assert_eq!(album(&app, holiday).await.cover.unwrap().image_id, old.id);

    // Remove: out of the album, still in the gallery.
    let res = app
        .post_form(
            "/albums/remove/",
            &[
                ("album", &holiday.to_string()),
                ("image", &new.id.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(album_names(&app, holiday).await, ["old"]);
    assert!(image::Entity::find_by_id(new.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .is_some());
    // The image page lists its albums and offers the others.
    let html = app.get(&old.page_url()).await.text().await.unwrap();
    assert!(html.contains("Remove from album") && html.contains("Use as cover"));
    let html = app.get(&new.page_url()).await.text().await.unwrap();
    assert!(html.contains("Add to album") && html.contains(r#"<option value=""#));

    // Rename; the album page shows it with its grid.
    let res = app
        .post_form(
            &format!("/albums/{holiday}/"),
            &[("name", "Summer"), ("description", "By the sea")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = app
        .get(&format!("/albums/{holiday}/"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Summer") && html.contains("By the sea") && html.contains("old"));
    assert!(!html.contains("elsewhere"));
}

async fn deleting_an_album_keeps_its_images(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    let a = app.upload_jpeg("a", "d").await;
    let id = app.create_album("Doomed").await;
    add(&app, id, a.id).await;
    let res = app.post_form(&format!("/albums/{id}/delete/"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/albums/");
    assert_eq!(
        app.get(&format!("/albums/{id}/")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(image::Entity::find().count(&app.state.db).await.unwrap(), 1);
    assert_eq!(
        album_image::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        0
    );
    // Deleting an image forever takes it out of its albums.
    let kept = app.create_album("Kept").await;
    add(&app, kept, a.id).await;
    app.call("trash_image", &[("id", &a.id.to_string())]).await;
    app.call("delete_forever", &[("id", &a.id.to_string())])
        .await;
    assert_eq!(album(&app, kept).await.count, 0);
    assert_eq!(
        album_image::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        0
    );
}

async fn another_users_album_or_image_is_not_found(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    let mine = app.upload_jpeg("mine", "d").await;
    let album_id = app.create_album("Private").await;
    add(&app, album_id, mine.id).await;

    let grace = TestApp::spawn(TestDb::borrowed(app.db.url.clone(), app.db.backend)).await;
    grace.sign_up("grace").await;
    let theirs = grace.upload_jpeg("theirs", "d").await;
    let graces = grace.create_album("Grace's").await;
    let (album_param, image) = (album_id.to_string(), mine.id.to_string());
    let album_ref = &album_param;
    assert_eq!(
        grace.get(&format!("/albums/{album_ref}/")).await.status(),
        StatusCode::NOT_FOUND
    );
    for function in ["get_album", "delete_album"] {
        let res = grace.call(function, &[("id", album_ref)]).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{function}");
    }
    let res = grace
        .call("list_images", &[("page", "1"), ("album", album_ref)])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (theirs, graces) = (theirs.id.to_string(), graces.to_string());
    let posts: [(String, Vec<(&str, &str)>); 6] = [
        (
            format!("/albums/{album_ref}/"),
            vec![("name", "x"), ("description", "")],
        ),
        (format!("/albums/{album_ref}/delete/"), vec![]),
        (
            "/albums/add/".into(),
            vec![("album", album_ref), ("image", &theirs)],
        ),
        (
            "/albums/remove/".into(),
            vec![("album", album_ref), ("image", &image)],
        ),
        (
            "/albums/cover/".into(),
            vec![("album", album_ref), ("image", &image)],
        ),
        // Their own album, someone else's image.
        (
            "/albums/add/".into(),
            vec![("album", &graces), ("image", &image)],
        ),
    ];
    for (path, fields) in posts {
        let res = grace.post_form(&path, &fields).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path} {fields:?}");
    }
    // A plain upload into someone else's album stores nothing.
    let res = grace
        .upload_into("x", album_ref, fixtures::jpeg(20, 20))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(image::Entity::find().count(&app.state.db).await.unwrap(), 2);
    let card = album(&app, album_id).await;
    assert_eq!((card.name.as_str(), card.count), ("Private", 1));
}

async fn uploads_can_go_straight_into_an_album(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    let id = app.create_album("Trip").await;
    let html = app
        .get(&format!("/upload/?album={id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!(r#"<option value="{id}" selected"#)),
        "{html}"
    );
    let res = app
        .upload_into("arrival", &id.to_string(), fixtures::jpeg(30, 30))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], format!("/albums/{id}/").as_str());
    assert_eq!(album_names(&app, id).await, ["arrival"]);
    let res = app
        .upload_into("nowhere", "abc", fixtures::jpeg(30, 30))
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Choose an album from the list."));
}
