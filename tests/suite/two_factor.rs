//! Two-factor login over real HTTP, on each database, through the plain
//! form posts: setup confirmed by a code computed here (RFC 6238), the code
//! step of the login, no replay, single-use recovery codes, throttled
//! codes, turning it off, and `REQUIRE_2FA`.

use crate::common;

use common::{TestApp, TestDb};
use reqwest::{Client, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use totp_rs::{Algorithm, Secret, TOTP};

use cloudtalents::{entities::recovery_code, model::account::TwoFactorSetup};

const PASSWORD: &str = "violet-otter-tangent-42";

on_each_backend! {
    setup_then_log_in_with_a_code_never_twice => setup_then_log_in_with_a_code_never_twice;
    recovery_codes_work_once_and_codes_are_throttled => recovery_codes_work_once_and_codes_are_throttled;
    turning_it_off_needs_the_password_and_a_code => turning_it_off_needs_the_password_and_a_code;
    require_2fa_holds_users_at_the_setup_page => require_2fa_holds_users_at_the_setup_page;
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_owned()
}

/// The code an authenticator app with `secret` shows `steps_ahead` steps
/// of 30 s from now.
fn code(secret: &str, steps_ahead: u64) -> String {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().unwrap();
    let totp = TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes, None, "test".into()).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    totp.generate(now + 30 * steps_ahead)
}

/// Reads the secret off the setup page's data, as a person types it.
async fn setup_secret(app: &TestApp) -> String {
    let page = app.get("/account/two-factor/").await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("Secret key"), "{page}");
    assert!(
        page.contains("<svg role=\"img\""),
        "an inline QR code: {page}"
    );
    let setup: TwoFactorSetup = app
        .call("two_factor_setup", &[])
        .await
        .json()
        .await
        .unwrap();
    let TwoFactorSetup::Pending { secret, .. } = setup else {
        panic!("not pending: {setup:?}");
    };
    assert!(page.contains(&secret), "the page shows the same key");
    secret.replace(' ', "")
}

/// Turns two-factor login on for the app's client; answers the secret and
/// the recovery codes shown.
async fn turn_on(app: &TestApp) -> (String, Vec<String>) {
    let secret = setup_secret(app).await;
    let res = app
        .post_form("/account/two-factor/", &[("code", "000000")])
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("That code is not right"));
    let res = app
        .post_form("/account/two-factor/", &[("code", &code(&secret, 0))])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/account/two-factor/codes/");
    let page = app
        .get("/account/two-factor/codes/")
        .await
        .text()
        .await
        .unwrap();
    let codes: Vec<String> = page
        .split("<code>")
        .skip(1)
        .map(|rest| rest[..rest.find("</code>").unwrap()].to_owned())
        .collect();
    assert_eq!(codes.len(), 10, "{page}");
    let again = app
        .get("/account/two-factor/codes/")
        .await
        .text()
        .await
        .unwrap();
    assert!(!again.contains(&codes[0]), "shown once");
    assert!(again.contains("are not shown again"), "{again}");
    (secret, codes)
}

/// Logs `name` in with the password in a new browser; answers it and the
/// answer to the password step.
async fn password_step(app: &TestApp, name: &str) -> (Client, reqwest::Response) {
    let client = TestApp::new_client();
    let res = app
        .post_as(
            &client,
            "/login/?next=%2Falbums%2F",
            &[
                ("username", name),
                ("password", PASSWORD),
                ("next", "/albums/"),
            ],
        )
        .await;
    (client, res)
}

async fn setup_then_log_in_with_a_code_never_twice(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    let (secret, _) = turn_on(&app).await;
    let ada = app.user_named("ada").await;
    assert_eq!(ada.totp_secret.as_deref(), Some(secret.as_str()));
    let hashes = recovery_code::Entity::find()
        .filter(recovery_code::Column::UserId.eq(ada.id))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(hashes.len(), 10);
    assert!(hashes.iter().all(|h| h.code_hash.len() == 64));
    // The setup ended the user's other sessions but kept this one.
    assert_eq!(app.get("/images/").await.status(), StatusCode::OK);

    let (client, res) = password_step(&app, "ada").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/login/code/?next=%2Falbums%2F");
    // Not logged in yet.
    assert_eq!(
        app.get_as(&client, "/images/").await.status(),
        StatusCode::SEE_OTHER
    );
    let page = app
        .get_as(&client, "/login/code/?next=%2Falbums%2F")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(">Code<"), "{page}");

    // The code that turned it on is spent: refused.
    let res = app
        .post_as(
            &client,
            "/login/code/",
            &[("code", &code(&secret, 0)), ("next", "/albums/")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.text().await.unwrap().contains("That code is not right"));
    // The next step's code (a clock a little ahead) is taken.
    let next_code = code(&secret, 1);
    let res = app
        .post_as(
            &client,
            "/login/code/",
            &[("code", &next_code), ("next", "/albums/")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/albums/");
    assert_eq!(
        app.get_as(&client, "/images/").await.status(),
        StatusCode::OK
    );

    // Replayed in another login: refused.
    let (thief, res) = password_step(&app, "ada").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = app
        .post_as(&thief, "/login/code/", &[("code", &next_code)])
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.get_as(&thief, "/images/").await.status(),
        StatusCode::SEE_OTHER
    );

    // A code step without a password step first is refused.
    let res = app
        .post_as(
            &TestApp::new_client(),
            "/login/code/",
            &[("code", &code(&secret, 1))],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.text().await.unwrap().contains("Your login timed out"));

    let page = app.get_as(&client, "/account/").await.text().await.unwrap();
    assert!(
        page.contains("You have 10 unused recovery codes."),
        "{page}"
    );
    let activity = app
        .get_as(&client, "/account/activity/")
        .await
        .text()
        .await
        .unwrap();
    for what in ["Two-factor login turned on", "Logged in", "Failed login"] {
        let row = format!("<th scope=\"row\">{what}</th>");
        assert!(activity.contains(&row), "{what}: {activity}");
    }
    assert!(activity.contains(">wrong two-factor code<"), "{activity}");
}

async fn recovery_codes_work_once_and_codes_are_throttled(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    let (_, codes) = turn_on(&app).await;

    let (client, _) = password_step(&app, "ada").await;
    // Typed in small letters with a space: still the code.
    let typed = codes[3].to_lowercase().replace('-', " ");
    let res = app
        .post_as(&client, "/login/code/", &[("code", &typed)])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_as(&client, "/images/").await.status(),
        StatusCode::OK
    );
    let page = app.get_as(&client, "/account/").await.text().await.unwrap();
    assert!(page.contains("You have 9 unused recovery codes."), "{page}");

    let (client, _) = password_step(&app, "ada").await;
    let res = app
        .post_as(&client, "/login/code/", &[("code", &codes[3])])
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "used once already");

    // Guesses count against the login throttle: after 5 wrong ones even a
    // right code waits.
    for _ in 0..4 {
        let res = app
            .post_as(&client, "/login/code/", &[("code", "123456")])
            .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = app
        .post_as(&client, "/login/code/", &[("code", &codes[4])])
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.text().await.unwrap().contains("Too many wrong codes."));
    assert_eq!(
        app.get_as(&client, "/images/").await.status(),
        StatusCode::SEE_OTHER
    );
}

async fn turning_it_off_needs_the_password_and_a_code(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.sign_up("ada").await;
    let (secret, codes) = turn_on(&app).await;

    let off = "/account/two-factor/off/";
    let res = app
        .post_form(
            off,
            &[("password", "wrong-password-1"), ("code", &codes[0])],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Your password was entered incorrectly."));
    let res = app
        .post_form(off, &[("password", PASSWORD), ("code", "999999")])
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("That code is not right"));
    assert!(app.user_named("ada").await.totp_secret.is_some());

    let res = app
        .post_form(off, &[("password", PASSWORD), ("code", &codes[0])])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/account/?two-factor=off");
    let ada = app.user_named("ada").await;
    assert!(ada.totp_secret.is_none());
    let left = recovery_code::Entity::find()
        .filter(recovery_code::Column::UserId.eq(ada.id))
        .all(&app.state.db)
        .await
        .unwrap();
    assert!(left.is_empty(), "recovery codes deleted");

    // The password alone logs in again.
    let (client, res) = password_step(&app, "ada").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/albums/");
    assert_eq!(
        app.get_as(&client, "/images/").await.status(),
        StatusCode::OK
    );
    let _ = secret;
}

async fn require_2fa_holds_users_at_the_setup_page(db: TestDb) {
    let app = TestApp::spawn_with(db, &[("REQUIRE_2FA", "true")]).await;
    app.sign_up("ada").await;
    let (client, res) = password_step(&app, "ada").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/account/two-factor/");
    // Every page but the setup and account pages leads there, and the
    // server functions refuse.
    for path in ["/images/", "/albums/", "/upload/"] {
        let res = app.get_as(&client, path).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(location(&res), "/account/two-factor/", "{path}");
    }
    let res = client
        .post(app.url("/api/list_images"))
        .header("origin", app.origin())
        .header("accept", "application/json")
        .form(&[("page", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let page = app
        .get_as(&client, "/account/two-factor/")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("This server requires two-factor login"),
        "{page}"
    );

    // The app's own client is the same user: set it up there.
    let (secret, _) = turn_on(&app).await;
    assert_eq!(app.get("/images/").await.status(), StatusCode::OK);
    // Turning it off is not offered, and refused.
    let res = app
        .post_form(
            "/account/two-factor/off/",
            &[("password", PASSWORD), ("code", &code(&secret, 1))],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
