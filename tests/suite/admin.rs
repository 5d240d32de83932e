//! The admin page over real HTTP, on each database: admins only, disabling
//! a user (sessions, logins and share links stop at once), quotas and
//! invitation links, each through the plain form posts a browser without
//! JavaScript sends.

use crate::common;

use common::{TestApp, TestDb};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use cloudtalents::entities::user;

const PASSWORD: &str = "violet-otter-tangent-42";

on_each_backend! {
    the_admin_page_is_for_admins_only => the_admin_page_is_for_admins_only;
    disabling_ends_sessions_logins_and_share_links => disabling_ends_sessions_logins_and_share_links;
    admins_set_quotas_and_make_invitations => admins_set_quotas_and_make_invitations;
    deleting_a_user_removes_everything_they_had => deleting_a_user_removes_everything_they_had;
    the_activity_log_is_each_users_own_and_all_for_admins => the_activity_log_is_each_users_own_and_all_for_admins;
}

async fn the_admin_page_is_for_admins_only(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let ada = app.sign_up_in_new_browser("ada", "").await;
    app.sign_up("bob").await;
    app.upload_jpeg("one", "d").await;

    let res = app.get_as(&ada, "/admin/").await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(
        page.contains(r#"href="/admin/""#),
        "the navbar link: {page}"
    );
    assert!(page.contains("2 users"), "{page}");
    assert!(page.contains("Quota for bob"), "{page}");
    let found = app.get_as(&ada, "/admin/?q=BO").await.text().await.unwrap();
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
    let res = app.get_as(&TestApp::new_client(), "/admin/").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login/?next=%2Fadmin%2F");
}

async fn disabling_ends_sessions_logins_and_share_links(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let ada = app.sign_up_in_new_browser("ada", "").await;
    app.sign_up("bob").await;
    let image = app.upload_jpeg("one", "d").await;
    let link = app.share_image_link(image.id).await;
    let visitor = TestApp::new_client();
    assert_eq!(app.get_as(&visitor, &link).await.status(), StatusCode::OK);

    let bob = app.user_named("bob").await.id;
    let res = app
        .post_as(&ada, &format!("/admin/users/{bob}/access/"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/admin/");
    // At once: his session, his login and his link.
    let res = app.get("/images/").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "logged out");
    let login = [("username", "bob"), ("password", PASSWORD)];
    let res = app.post_as(&TestApp::new_client(), "/login/", &login).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.get_as(&visitor, &link).await.status(),
        StatusCode::NOT_FOUND
    );
    let page = app.get_as(&ada, "/admin/").await.text().await.unwrap();
    assert!(page.contains("(disabled)"), "{page}");
    assert!(page.contains("Enable<"), "{page}");

    // An admin cannot lock themselves out.
    let me = app.user_named("ada").await.id;
    let res = app
        .post_as(&ada, &format!("/admin/users/{me}/access/"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("You cannot disable your own account."),
        "{page}"
    );

    let res = app
        .post_as(
            &ada,
            &format!("/admin/users/{bob}/access/"),
            &[("active", "true")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = app.post_as(&TestApp::new_client(), "/login/", &login).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "enabled again");
    assert_eq!(app.get_as(&visitor, &link).await.status(), StatusCode::OK);
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
    let res = app
        .post_as(
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

async fn deleting_a_user_removes_everything_they_had(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let ada = app.sign_up_in_new_browser("ada", "").await;
    app.sign_up("bob").await;
    let image = app.upload_jpeg("one", "d").await;
    app.upload_jpeg("two", "d").await;
    app.create_album("holiday").await;
    let link = app.share_image_link(image.id).await;
    let visitor = TestApp::new_client();
    assert_eq!(app.get_as(&visitor, &link).await.status(), StatusCode::OK);
    let files_before = app.media_files().len();
    assert!(files_before >= 4, "{files_before}");

    let bob = app.user_named("bob").await.id;
    let confirm = format!("/admin/users/{bob}/delete/");
    // Bob cannot delete anyone, himself included; nor is the page there.
    assert_eq!(app.get(&confirm).await.status(), StatusCode::NOT_FOUND);
    let me = app.post_form(&confirm, &[]).await;
    assert_eq!(me.status(), StatusCode::NOT_FOUND);

    // The confirmation page says what goes, and works without JavaScript.
    let page = app.get_as(&ada, &confirm).await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("Delete bob?"), "{page}");
    assert!(page.contains("with its 2 images"), "{page}");
    let res = app.post_as(&ada, &confirm, &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/admin/?deleted=bob");
    let page = app
        .get_as(&ada, "/admin/?deleted=bob")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("bob was deleted"), "{page}");
    assert!(!page.contains("Quota for bob"), "{page}");

    // Rows, files, his session and his link: all gone.
    let db = &app.state.db;
    assert!(user::Entity::find_by_id(bob)
        .one(db)
        .await
        .unwrap()
        .is_none());
    let images = cloudtalents::entities::image::Entity::find()
        .filter(cloudtalents::entities::image::Column::UserId.eq(bob))
        .all(db)
        .await
        .unwrap();
    assert!(images.is_empty());
    let albums = cloudtalents::entities::album::Entity::find()
        .all(db)
        .await
        .unwrap();
    assert!(albums.is_empty());
    assert_eq!(app.media_files().len(), 0, "{:?}", app.media_files());
    assert_eq!(app.get("/images/").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_as(&visitor, &link).await.status(),
        StatusCode::NOT_FOUND
    );
    let login = [("username", "bob"), ("password", PASSWORD)];
    let res = app.post_as(&TestApp::new_client(), "/login/", &login).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.get_as(&ada, &confirm).await.status(),
        StatusCode::NOT_FOUND
    );

    // Not yourself, and never the last admin.
    let me = app.user_named("ada").await.id;
    let res = app
        .post_as(&ada, &format!("/admin/users/{me}/delete/"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("You cannot delete your own account."));
    assert!(user::Entity::find_by_id(me)
        .one(db)
        .await
        .unwrap()
        .is_some());
}

async fn the_activity_log_is_each_users_own_and_all_for_admins(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let ada = app.sign_up_in_new_browser("ada", "").await;
    app.sign_up("bob").await;
    let stranger = TestApp::new_client();
    let wrong = [("username", "bob"), ("password", "not-his-password")];
    assert_eq!(
        app.post_as(&stranger, "/login/", &wrong).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let right = [("username", "bob"), ("password", PASSWORD)];
    assert_eq!(
        app.post_as(&stranger, "/login/", &right).await.status(),
        StatusCode::SEE_OTHER
    );
    let res = app
        .post_form(
            "/account/",
            &[
                ("old_password", PASSWORD),
                ("new_password", "a-new-long-password-7"),
                ("new_password_confirm", "a-new-long-password-7"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let bob = app.user_named("bob").await.id;
    let res = app
        .post_as(
            &ada,
            &format!("/admin/users/{bob}/quota/"),
            &[("quota", "5GB")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let page = app.get("/account/activity/").await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    for what in ["Failed login", "Logged in", "Password changed", "Quota set"] {
        assert!(page.contains(&row(what)), "{what}: {page}");
    }
    for detail in [">wrong password<", ">127.0.0.1<", ">5 GB<"] {
        assert!(page.contains(detail), "{detail}: {page}");
    }
    assert!(
        page.contains(">ada<"),
        "the admin who set the quota: {page}"
    );
    // Only his own: not Ada's sign-up or her quota action on him as hers.
    assert_eq!(
        app.get("/admin/activity/").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.call("all_activity", &[]).await.status(),
        StatusCode::NOT_FOUND
    );
    let ada_page = app
        .get_as(&ada, "/account/activity/")
        .await
        .text()
        .await
        .unwrap();
    assert!(!ada_page.contains(&row("Password changed")), "{ada_page}");

    // The admin sees everyone's, filtered by user and kind.
    let all = app
        .get_as(&ada, "/admin/activity/?user=BOB&kind=login-failed")
        .await;
    assert_eq!(all.status(), StatusCode::OK);
    let all = all.text().await.unwrap();
    assert!(all.contains(&row("Failed login")), "{all}");
    assert!(!all.contains(&row("Password changed")), "{all}");
    assert!(all.contains("1 entry."), "{all}");
    let none = app
        .get_as(&ada, "/admin/activity/?user=nobody")
        .await
        .text()
        .await
        .unwrap();
    assert!(none.contains("Nothing recorded yet."), "{none}");

    // Entries older than AUDIT_DAYS are pruned.
    use sea_orm::sea_query::Expr;
    cloudtalents::entities::activity::Entity::update_many()
        .col_expr(
            cloudtalents::entities::activity::Column::CreatedAt,
            Expr::value(chrono::Utc::now().fixed_offset() - chrono::Duration::days(91)),
        )
        .filter(cloudtalents::entities::activity::Column::Kind.eq("login-failed"))
        .exec(&app.state.db)
        .await
        .unwrap();
    let pruned =
        cloudtalents::server::activity::prune(&app.state.db, app.state.config.audit_retention)
            .await
            .unwrap();
    assert_eq!(pruned, 1);
}

/// An activity table row's heading: what happened.
fn row(what: &str) -> String {
    format!("<th scope=\"row\">{what}</th>")
}
