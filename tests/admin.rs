//! The admin page over real HTTP, on each database: admins only, disabling
//! a user (sessions, logins and share links stop at once), quotas and
//! invitation links, each through the plain form posts a browser without
//! JavaScript sends.

mod common;

use common::{TestApp, TestDb};
use reqwest::{Client, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use cloudtalents::{entities::user, model::share::ShareCard};

const PASSWORD: &str = "violet-otter-tangent-42";

on_each_backend! {
    the_admin_page_is_for_admins_only => the_admin_page_is_for_admins_only;
    disabling_ends_sessions_logins_and_share_links => disabling_ends_sessions_logins_and_share_links;
    admins_set_quotas_and_make_invitations => admins_set_quotas_and_make_invitations;
}

async fn post(
    app: &TestApp,
    client: &Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(app.url(path))
        .header("origin", app.origin())
        .form(fields)
        .send()
        .await
        .unwrap()
}

async fn get(app: &TestApp, client: &Client, path: &str) -> reqwest::Response {
    client.get(app.url(path)).send().await.unwrap()
}

async fn the_admin_page_is_for_admins_only(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let ada = app.sign_up_in_new_browser("ada", "").await;
    app.sign_up("bob").await;
    app.upload_jpeg("one", "d").await;

    let res = get(&app, &ada, "/admin/").await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(
        page.contains(r#"href="/admin/""#),
        "the navbar link: {page}"
    );
    assert!(page.contains("2 users"), "{page}");
    assert!(page.contains("Quota for bob"), "{page}");
    let found = get(&app, &ada, "/admin/?q=BO").await.text().await.unwrap();
    assert!(found.contains("1 user."), "{found}");
    assert!(!found.contains("Quota for ada"), "{found}");

    // Bob is no admin: the page, its server function and its posts are
    // not there for him.
    let res = app.get("/admin/").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let page = res.text().await.unwrap();
    assert!(!page.contains("Quota for"), "{page}");
    assert!(
        !page.contains(r#"href="/admin/""#),
        "no navbar link: {page}"
    );
    let res = app.call("admin_overview", &[]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let ada_id = app.user_named("ada").await.id.to_string();
    let res = app
        .post_form(&format!("/admin/users/{ada_id}/access/"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app
        .post_form("/admin/invitations/new/", &[("uses", "1"), ("days", "7")])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(
        user::Entity::find_by_id(app.user_named("ada").await.id)
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap()
            .is_active
    );

    // A visitor is asked to log in.
    let res = get(&app, &TestApp::new_client(), "/admin/").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login/?next=%2Fadmin%2F");
}

async fn disabling_ends_sessions_logins_and_share_links(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let ada = app.sign_up_in_new_browser("ada", "").await;
    app.sign_up("bob").await;
    let image = app.upload_jpeg("one", "d").await;
    let res = app
        .post_form(
            "/shares/new/",
            &[("images", &image.id.to_string()), ("expires", "7")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cards: Vec<ShareCard> = app.call("list_shares", &[]).await.json().await.unwrap();
    let url = cards[0].url.clone().unwrap();
    let link = url[url.find("/s/").unwrap()..].to_owned();
    let visitor = TestApp::new_client();
    assert_eq!(get(&app, &visitor, &link).await.status(), StatusCode::OK);

    let bob = app.user_named("bob").await.id;
    let res = post(&app, &ada, &format!("/admin/users/{bob}/access/"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/admin/");
    // At once: his session, his login and his link.
    let res = app.get("/images/").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "logged out");
    let login = [("username", "bob"), ("password", PASSWORD)];
    let res = post(&app, &TestApp::new_client(), "/login/", &login).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        get(&app, &visitor, &link).await.status(),
        StatusCode::NOT_FOUND
    );
    let page = get(&app, &ada, "/admin/").await.text().await.unwrap();
    assert!(page.contains("(disabled)"), "{page}");
    assert!(page.contains("Enable<"), "{page}");

    // An admin cannot lock themselves out.
    let me = app.user_named("ada").await.id;
    let res = post(&app, &ada, &format!("/admin/users/{me}/access/"), &[]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("You cannot disable your own account."),
        "{page}"
    );

    let res = post(
        &app,
        &ada,
        &format!("/admin/users/{bob}/access/"),
        &[("active", "true")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = post(&app, &TestApp::new_client(), "/login/", &login).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "enabled again");
    assert_eq!(get(&app, &visitor, &link).await.status(), StatusCode::OK);
}

async fn admins_set_quotas_and_make_invitations(db: TestDb) {
    // SIGNUP unset: the first sign-up is open, the rest by invitation.
    let app = TestApp::spawn_with(db, &[("SIGNUP", "")]).await;
    app.sign_up("ada").await;

    let res = app
        .post_form("/admin/invitations/new/", &[("uses", "0"), ("days", "7")])
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("An invitation allows 1 to 1000 sign-ups."),
        "{page}"
    );
    for _ in 0..2 {
        let res = app
            .post_form("/admin/invitations/new/", &[("uses", "1"), ("days", "7")])
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let location = res.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with("/admin/?invitation="), "{location}");
        assert!(location.ends_with("#invitations"), "{location}");
    }
    let page = app.get("/admin/").await.text().await.unwrap();
    let links: Vec<String> = page
        .split(&format!("value=\"{}/register/?invite=", app.origin()))
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .collect();
    assert_eq!(links.len(), 2, "{page}");
    assert!(page.contains("0 of 1 used"), "{page}");

    let bob = app.sign_up_in_new_browser("bob", &links[0]).await;
    let page = app.get("/admin/").await.text().await.unwrap();
    assert!(!page.contains(&links[0]), "used up: no longer listed");
    let withdrawn = cloudtalents::entities::invitation::Entity::find()
        .filter(
            cloudtalents::entities::invitation::Column::TokenHash
                .eq(cloudtalents::server::token::hash(&links[1])),
        )
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let res = app
        .post_form(&format!("/admin/invitations/{withdrawn}/withdraw/"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = post(
        &app,
        &TestApp::new_client(),
        "/register/",
        &[
            ("username", "cy"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
            ("invite", &links[1]),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "withdrawn");

    // A quota set on the page holds at the next upload.
    let bob_id = app.user_named("bob").await.id;
    let quota_path = format!("/admin/users/{bob_id}/quota/");
    let res = app.post_form(&quota_path, &[("quota", "lots")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let page = res.text().await.unwrap();
    assert!(page.contains("Enter a size such as 2GB"), "{page}");
    let res = app.post_form(&quota_path, &[("quota", "10 bytes")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let form = reqwest::multipart::Form::new()
        .text("name", "big")
        .text("description", "d")
        .part(
            "image",
            reqwest::multipart::Part::bytes(common::fixtures::jpeg(48, 32)).file_name("a.jpg"),
        );
    let res = bob
        .post(app.url("/upload/"))
        .header("origin", app.origin())
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let page = app.get("/admin/").await.text().await.unwrap();
    assert!(page.contains(r#"value="10 bytes""#), "{page}");
    let res = app.post_form(&quota_path, &[("quota", "")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let quota = user::Entity::find_by_id(bob_id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .quota_bytes;
    assert_eq!(quota, None, "back to the default");
}
