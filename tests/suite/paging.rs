//! Keyset paging over real HTTP, on each database: every order walks the
//! same images forward by `Next →` links and backward from `Last »` by
//! `← Previous`, with ties on the key broken by id, none twice and none
//! missing; trashed and other people's images never show; the plain
//! gallery's total is the count the database keeps; and a paged card,
//! read by column position, is the one its whole row makes.

use crate::common;

use chrono::{Duration, Utc};
use common::{TestApp, TestDb};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set, Statement};

use cloudtalents::{
    entities::image,
    model::gallery::{GalleryPage, GalleryQuery, PageAt},
    server::library,
};

on_each_backend! {
    every_order_walks_the_same_images_both_ways => every_order_walks_the_same_images_both_ways;
    a_page_card_is_its_row => a_page_card_is_its_row;
}

/// A gallery row written directly (the page only reads rows).
fn row(user_id: i32, i: usize) -> image::ActiveModel {
    let base = Utc::now().fixed_offset() - Duration::days(1);
    let fruit = ["apple", "Banana", "cherry", "DATE"][i % 4];
    image::ActiveModel {
        user_id: Set(user_id),
        name: Set(format!("{fruit}{i:03}")),
        description: Set(String::new()),
        file_key: Set(format!("{user_id:08}{i:056}")),
        // Three images a second: ties on the key, broken by id.
        created_at: Set(base + Duration::seconds((i / 3) as i64)),
        width: Set(8),
        height: Set(8),
        format: Set("jpeg".to_owned()),
        favourite: Set(i.is_multiple_of(5)),
        edited_at: Set(i
            .is_multiple_of(7)
            .then(|| base + Duration::hours(2) - Duration::seconds(i as i64))),
        ..Default::default()
    }
}

/// The names on a gallery page, and its `Page n of m` and the links with
/// `rel`.
struct Page {
    names: Vec<String>,
    label: String,
    next: Option<String>,
    prev: Option<String>,
    last: Option<String>,
}

/// The text after `marker`, up to the next tag.
fn after_text(html: &str, marker: &str) -> String {
    html.find(marker)
        .map(|i| {
            html[i + marker.len()..]
                .split('<')
                .next()
                .unwrap()
                .to_owned()
        })
        .unwrap_or_default()
}

async fn page(app: &TestApp, url: &str) -> Page {
    let res = app.get(url).await;
    assert_eq!(res.status(), StatusCode::OK, "{url}");
    let html = res.text().await.unwrap();
    let after = |marker: &str| {
        html.find(marker).map(|i| {
            html[i + marker.len()..]
                .split('"')
                .next()
                .unwrap()
                .replace("&amp;", "&")
        })
    };
    Page {
        names: html
            .match_indices("class=\"thumb-name\">")
            .map(|(i, m)| html[i + m.len()..].split('<').next().unwrap().to_owned())
            .collect(),
        label: after_text(&html, r#"aria-current="page" class="page-of">"#),
        next: after(r#"rel="next" href=""#),
        prev: after(r#"rel="prev" href=""#),
        last: html.find("Last »").and_then(|end| {
            html[..end].rfind("href=\"").map(|i| {
                html[i + 6..end]
                    .split('"')
                    .next()
                    .unwrap()
                    .replace("&amp;", "&")
            })
        }),
    }
}

/// Every name from `start` on, following `step` links, checking each
/// page's label.
async fn walk(app: &TestApp, start: &str, forward: bool, pages: usize) -> Vec<String> {
    let mut names = Vec::new();
    let mut url = Some(start.to_owned());
    let mut seen = 0;
    while let Some(here) = url {
        let page = page(app, &here).await;
        seen += 1;
        assert!(seen <= pages, "more than {pages} pages from {start}");
        let number = if forward { seen } else { pages + 1 - seen };
        assert_eq!(page.label, format!("Page {number} of {pages}"), "{here}");
        assert!(!page.names.is_empty(), "{here}");
        if forward {
            names.extend(page.names);
            url = page.next;
        } else {
            names.splice(0..0, page.names);
            url = page.prev;
        }
    }
    assert_eq!(seen, pages, "from {start}");
    names
}

async fn every_order_walks_the_same_images_both_ways(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    let ada = app.user_named("ada").await.id;
    let grace = TestApp::spawn(TestDb::borrowed(app.db.url.clone(), app.db.backend)).await;
    grace.sign_up("grace").await;
    let theirs = grace.user_named("grace").await.id;

    let count = 150;
    let mut rows = Vec::new();
    for i in 0..count {
        rows.push(row(ada, i).insert(&app.state.db).await.unwrap());
    }
    row(theirs, 500).insert(&app.state.db).await.unwrap();
    // Trashed: never in the gallery, and out of the kept count.
    let trashed = rows.remove(42);
    app.state
        .db
        .execute(Statement::from_string(
            app.state.db.get_database_backend(),
            format!(
                "UPDATE images SET deleted_at = created_at WHERE id = {}",
                trashed.id
            ),
        ))
        .await
        .unwrap();

    let key = |r: &image::Model| r.edited_at.unwrap_or(r.created_at);
    let mut newest = rows.clone();
    newest.sort_by_key(|r| std::cmp::Reverse((r.created_at, r.id)));
    let mut by_name = rows.clone();
    by_name.sort_by_key(|r| (r.name.to_lowercase(), r.id));
    let mut edited = rows.clone();
    edited.sort_by_key(|r| std::cmp::Reverse((key(r), r.id)));
    let favourites: Vec<_> = newest.iter().filter(|r| r.favourite).cloned().collect();
    let names = |rows: &[image::Model]| rows.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
    let mut oldest = names(&newest);
    oldest.reverse();

    for (start, expected) in [
        ("/images/", names(&newest)),
        ("/images/?sort=oldest", oldest),
        ("/images/?sort=name", names(&by_name)),
        ("/images/?sort=edited", names(&edited)),
        ("/images/?favourites=1", names(&favourites)),
    ] {
        let pages = expected.len().div_ceil(24);
        assert_eq!(
            walk(&app, start, true, pages).await,
            expected,
            "forward from {start}"
        );
        let last = page(&app, start).await.last.expect("a Last link");
        assert!(last.ends_with("page=last"), "{last}");
        assert_eq!(
            walk(&app, &last, false, pages).await,
            expected,
            "back from {last}"
        );
    }

    // The total is the kept count, and it says what is there.
    let first = page(&app, "/images/").await;
    assert_eq!(first.label, "Page 1 of 7");
    let html = app.get("/images/").await.text().await.unwrap();
    assert!(html.contains("149 images"), "kept count shown");
    assert_eq!(app.user_named("ada").await.image_count, 149);

    // Statements over many rows keep it too (Postgres counts per
    // statement, SQLite per row).
    let run = |sql: String| {
        let db = app.state.db.clone();
        async move {
            db.execute(Statement::from_string(db.get_database_backend(), sql))
                .await
                .unwrap();
        }
    };
    let apples = rows.iter().filter(|r| r.name.starts_with("apple")).count() as i64;
    run(format!(
        "UPDATE images SET deleted_at = created_at WHERE user_id = {ada} AND name LIKE 'apple%'"
    ))
    .await;
    assert_eq!(app.user_named("ada").await.image_count, 149 - apples);
    run(format!(
        "UPDATE images SET deleted_at = NULL WHERE user_id = {ada} AND name LIKE 'apple%'"
    ))
    .await;
    run(format!(
        "UPDATE images SET favourite = NOT favourite WHERE user_id = {ada}"
    ))
    .await;
    run(format!(
        "UPDATE images SET favourite = NOT favourite WHERE user_id = {ada}"
    ))
    .await;
    assert_eq!(app.user_named("ada").await.image_count, 149);

    // A page number from an older link still works and goes on by keyset.
    let third = page(&app, "/images/?page=3").await;
    assert_eq!(third.names, names(&newest[48..72]));
    assert_eq!(third.label, "Page 3 of 7");
    let fourth = page(&app, third.next.as_deref().unwrap()).await;
    assert_eq!(fourth.names, names(&newest[72..96]));
    assert_eq!(fourth.label, "Page 4 of 7");
    // The server function takes the same positions (what the hydrated
    // page calls when a link is followed).
    let at = format!("after:{}", newest[71].id);
    let res = app.call("list_images", &[("page", "4"), ("at", &at)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let listed: GalleryPage = res.json().await.unwrap();
    let listed_names: Vec<_> = listed.images.iter().map(|c| c.name.clone()).collect();
    assert_eq!(listed_names, names(&newest[72..96]));
    assert_eq!(
        (
            listed.page,
            listed.pages,
            listed.total,
            listed.next,
            listed.prev
        ),
        (
            4,
            7,
            149,
            Some(PageAt::After(newest[95].id)),
            Some(PageAt::Before(newest[72].id))
        )
    );
    // Past the end: the last page. A link from an image that is gone (or
    // someone else's): the page of its number, of ada's images only.
    let past = page(&app, "/images/?page=99").await;
    assert_eq!(past.names, names(&newest[144..]));
    let stale = page(&app, "/images/?after=999999&page=2").await;
    assert_eq!(stale.names, names(&newest[24..48]));
    let theirs_id = grace.call("list_images", &[("page", "1")]).await;
    let theirs_page: GalleryPage = theirs_id.json().await.unwrap();
    let url = format!("/images/?before={}&page=2", theirs_page.images[0].id);
    let page = page(&app, &url).await;
    assert!(page.names.iter().all(|n| !n.ends_with("500")), "{url}");
    assert_eq!(page.names, names(&newest[24..48]), "page 2 by number");
    assert_eq!(page.label, "Page 2 of 7");
}

/// The paged gallery reads only a card's columns, by position: each
/// field comes from its own column (every one distinct here), as the
/// whole row read by name makes it.
async fn a_page_card_is_its_row(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    let ada = app.user_named("ada").await.id;
    let model = image::ActiveModel {
        user_id: Set(ada),
        name: Set("Harbour at dusk".to_owned()),
        description: Set("Boats, and the lighthouse".to_owned()),
        file_key: Set("f".repeat(32)),
        created_at: Set(Utc::now().fixed_offset()),
        width: Set(640),
        height: Set(427),
        format: Set("png".to_owned()),
        favourite: Set(true),
        ..Default::default()
    }
    .insert(&app.state.db)
    .await
    .unwrap();
    for query in [
        GalleryQuery::default(),
        GalleryQuery {
            favourites: true,
            ..Default::default()
        },
    ] {
        let page = library::gallery::list(&app.state.db, ada, &query, None)
            .await
            .unwrap();
        assert_eq!(page.images, vec![library::card(&model)]);
        let card = &page.images[0];
        assert_eq!(
            (
                card.name.as_str(),
                card.description.as_str(),
                card.width,
                card.height,
                card.favourite
            ),
            (
                "Harbour at dusk",
                "Boats, and the lighthouse",
                640,
                427,
                true
            )
        );
        assert!(
            card.thumb_400_url
                .starts_with(&format!("/media/{}/", "f".repeat(32)))
                && card.thumb_400_url.ends_with(".png"),
            "{}",
            card.thumb_400_url
        );
    }
}
