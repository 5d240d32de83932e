//! Accounts over real HTTP, on each database: sign up, log in, log out,
//! password change, sessions, CSRF and throttling. Plain form posts are what
//! a browser without JavaScript sends; `call` is the hydrated page's server
//! function request.

use crate::common;

use common::{TestApp, TestDb};
use reqwest::{Client, Response, StatusCode};
use sea_orm::{EntityTrait, PaginatorTrait};

use cloudtalents::entities::user;

const GOOD_PASSWORD: &str = "violet-otter-tangent-42";
const NEW_PASSWORD: &str = "cobalt-heron-meadow-77";

on_each_backend! {
    sign_up_logs_in_and_lands_on_upload => sign_up_logs_in_and_lands_on_upload;
    sign_up_refuses_bad_input_with_messages_and_400 => sign_up_refuses_bad_input_with_messages_and_400;
    usernames_are_taken_ignoring_case => usernames_are_taken_ignoring_case;
    racing_sign_ups_for_one_name_have_one_winner => racing_sign_ups_for_one_name_have_one_winner;
    login_failure_says_the_same_for_unknown_user_and_wrong_password => login_failure_says_the_same_for_unknown_user_and_wrong_password;
    login_changes_the_session_id => login_changes_the_session_id;
    logout_is_post_only_and_kills_the_session => logout_is_post_only_and_kills_the_session;
    password_change_keeps_this_session_and_ends_the_others => password_change_keeps_this_session_and_ends_the_others;
    protected_pages_send_visitors_to_login_and_back => protected_pages_send_visitors_to_login_and_back;
    cross_site_posts_are_refused => cross_site_posts_are_refused;
    server_functions_answer_with_statuses => server_functions_answer_with_statuses;
    login_throttling_by_username_and_address => login_throttling_by_username_and_address;
    racing_wrong_logins_reach_the_password_check_five_times => racing_wrong_logins_reach_the_password_check_five_times;
    huge_usernames_are_refused_before_the_throttle => huge_usernames_are_refused_before_the_throttle;
    wrong_old_passwords_are_throttled => wrong_old_passwords_are_throttled;
    forwarded_for_counts_only_from_a_trusted_proxy => forwarded_for_counts_only_from_a_trusted_proxy;
    sessions_expire_and_are_deleted => sessions_expire_and_are_deleted;
}

fn location(res: &Response) -> String {
    res.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

fn session_cookie(res: &Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("cloudtalents_session="))
}

async fn users(app: &TestApp) -> u64 {
    user::Entity::find().count(&app.state.db).await.unwrap()
}

async fn sign_up(app: &TestApp, name: &str) -> Response {
    app.post_form(
        "/register/",
        &[
            ("username", name),
            ("password", GOOD_PASSWORD),
            ("password_confirm", GOOD_PASSWORD),
        ],
    )
    .await
}

/// A second browser: its own cookies.
async fn log_in_with(app: &TestApp, client: &Client, name: &str, password: &str) -> Response {
    client
        .post(app.url("/login/"))
        .header("origin", app.origin())
        .form(&[("username", name), ("password", password)])
        .send()
        .await
        .unwrap()
}

async fn is_logged_in(app: &TestApp, client: &Client) -> bool {
    let res = client.get(app.url("/images/")).send().await.unwrap();
    res.status() == StatusCode::OK
}

async fn sign_up_logs_in_and_lands_on_upload(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let res = sign_up(&app, "Ada").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/upload/");
    let cookie = session_cookie(&res).expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http here: {cookie}");

    let html = app.get("/upload/").await.text().await.unwrap();
    assert!(
        html.contains(">Ada</a>"),
        "the navbar names the user: {html}"
    );
    assert!(html.contains("Log out"), "{html}");
    assert!(html.contains(r#"href="/images/""#), "{html}");
    // A logged-in visitor at / goes to the gallery.
    let res = app.get("/").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/images/");

    // The stored hash is Argon2id with OWASP's parameters.
    let stored = user::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(stored
        .password_hash
        .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    assert!(
        !format!("{stored:?}").contains(&stored.password_hash),
        "Debug must hide the hash"
    );
}

async fn sign_up_refuses_bad_input_with_messages_and_400(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let long = "x".repeat(10_000);
    let cases: Vec<(&str, &str, &str, &str)> = vec![
        ("", GOOD_PASSWORD, GOOD_PASSWORD, "Please enter a username."),
        ("ada", "", "", "Please enter a password."),
        (
            &long,
            GOOD_PASSWORD,
            GOOD_PASSWORD,
            "at most 150 characters (it has 10000)",
        ),
        ("ada", &long, &long, "This password is too long"),
        (
            "ada lovelace",
            GOOD_PASSWORD,
            GOOD_PASSWORD,
            "Enter a valid username.",
        ),
        ("ada", "short1!", "short1!", "This password is too short."),
        (
            "ada",
            "83729164502",
            "83729164502",
            "This password is entirely numeric.",
        ),
        (
            "ada",
            "iloveyou",
            "iloveyou",
            "This password is too common.",
        ),
        (
            "lovelace",
            "Lovelace1815",
            "Lovelace1815",
            "too similar to the username",
        ),
        (
            "ada",
            GOOD_PASSWORD,
            "something-else-entirely",
            "The two password fields didn",
        ),
    ];
    for (username, password, confirm, message) in cases {
        let res = app
            .post_form(
                "/register/",
                &[
                    ("username", username),
                    ("password", password),
                    ("password_confirm", confirm),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{message}");
        assert!(session_cookie(&res).is_none());
        let html = res.text().await.unwrap();
        assert!(html.contains(message), "expected {message:?} in the page");
        if !password.is_empty() {
            assert!(
                !html.contains(&format!("value=\"{password}\"")),
                "a password was echoed"
            );
        }
    }
    // What was typed is kept (escaped), passwords are not.
    let res = app
        .post_form(
            "/register/",
            &[
                ("username", "<b>x</b>"),
                ("password", "pw"),
                ("password_confirm", "pw"),
            ],
        )
        .await;
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"value="&lt;b&gt;x&lt;/b&gt;""#), "{html}");
    assert!(!html.contains("<b>x</b>"));
    // A field missing altogether, and bytes that are not UTF-8.
    let res = app.post_form("/register/", &[("username", "ada")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = app
        .client
        .post(app.url("/register/"))
        .header("origin", app.origin())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(b"username=\xff\xfe%FF&password=\xc3\x28&password_confirm=x".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(users(&app).await, 0, "nothing half-created");
}

async fn usernames_are_taken_ignoring_case(db: TestDb) {
    let app = TestApp::spawn(db).await;
    assert_eq!(sign_up(&app, "Ada").await.status(), StatusCode::SEE_OTHER);
    let other = TestApp::new_client();
    let res = other
        .post(app.url("/register/"))
        .header("origin", app.origin())
        .form(&[
            ("username", "aDA"),
            ("password", GOOD_PASSWORD),
            ("password_confirm", GOOD_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("That username is taken."));
    assert_eq!(users(&app).await, 1);
}

async fn racing_sign_ups_for_one_name_have_one_winner(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let attempts = (0..6).map(|i| {
        let client = TestApp::new_client();
        let url = app.url("/api/register");
        let origin = app.origin();
        let name = if i % 2 == 0 { "grace" } else { "GRACE" };
        async move {
            client
                .post(url)
                .header("origin", origin)
                .header("accept", "application/json")
                .form(&[
                    ("username", name),
                    ("password", GOOD_PASSWORD),
                    ("password_confirm", GOOD_PASSWORD),
                ])
                .send()
                .await
                .unwrap()
        }
    });
    let results = futures_join_all(attempts).await;
    let ok = results
        .iter()
        .filter(|r| r.status() == StatusCode::OK)
        .count();
    let taken = results
        .iter()
        .filter(|r| r.status() == StatusCode::CONFLICT)
        .count();
    assert_eq!(
        (ok, taken),
        (1, 5),
        "{:?}",
        results.iter().map(|r| r.status()).collect::<Vec<_>>()
    );
    assert_eq!(users(&app).await, 1);
}

/// Runs the futures concurrently on the runtime.
async fn futures_join_all<F, T>(futures: impl Iterator<Item = F>) -> Vec<T>
where
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

async fn login_failure_says_the_same_for_unknown_user_and_wrong_password(db: TestDb) {
    let app = TestApp::spawn(db).await;
    sign_up(&app, "ada").await;
    let client = TestApp::new_client();
    let unknown = log_in_with(&app, &client, "nobody", GOOD_PASSWORD).await;
    let wrong = log_in_with(&app, &client, "ada", "not-the-password").await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    // Compare the page content (the rest differs by a per-request nonce).
    let main = |html: String| {
        html.split("<main")
            .nth(1)
            .unwrap()
            .split("</main>")
            .next()
            .unwrap()
            .to_owned()
    };
    let unknown = main(unknown.text().await.unwrap()).replace("nobody", "NAME");
    let wrong = main(wrong.text().await.unwrap()).replace("ada", "NAME");
    assert!(wrong.contains("Please enter a correct username and password."));
    assert_eq!(unknown, wrong, "the two pages must not differ");
    // Usernames are matched ignoring case.
    let res = log_in_with(&app, &client, "ADA", GOOD_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // Empty fields get field messages and 400.
    let res = log_in_with(&app, &TestApp::new_client(), "", "").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Please enter your username."));
}

async fn login_changes_the_session_id(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let first = session_cookie(&sign_up(&app, "ada").await).unwrap();
    let second =
        session_cookie(&log_in_with(&app, &app.client, "ada", GOOD_PASSWORD).await).unwrap();
    let id = |c: &str| c.split(';').next().unwrap().to_owned();
    assert_ne!(id(&first), id(&second), "login must issue a new session id");
    // The old id no longer logs anyone in.
    let replay = TestApp::new_client();
    let res = replay
        .get(app.url("/images/"))
        .header("cookie", id(&first))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = replay
        .get(app.url("/images/"))
        .header("cookie", id(&second))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

async fn logout_is_post_only_and_kills_the_session(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let cookie = session_cookie(&sign_up(&app, "ada").await).unwrap();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    // A GET only asks.
    let res = app.get("/logout/").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(is_logged_in(&app, &app.client).await);
    // The POST ends it, server-side.
    let res = app.post_form("/logout/", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/");
    assert!(!is_logged_in(&app, &app.client).await);
    let replay = TestApp::new_client();
    let res = replay
        .get(app.url("/images/"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "a replayed cookie after logout must not work"
    );
}

async fn password_change_keeps_this_session_and_ends_the_others(db: TestDb) {
    let app = TestApp::spawn(db).await;
    sign_up(&app, "ada").await;
    let other_browser = TestApp::new_client();
    log_in_with(&app, &other_browser, "ada", GOOD_PASSWORD).await;
    assert!(is_logged_in(&app, &other_browser).await);

    // Wrong old password, and a new one that breaks the rules.
    let res = app
        .post_form(
            "/account/",
            &[
                ("old_password", "nope-nope-nope"),
                ("new_password", "123"),
                ("new_password_confirm", "123"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("Your old password was entered incorrectly."));
    assert!(html.contains("This password is too short."));

    let res = app
        .post_form(
            "/account/",
            &[
                ("old_password", GOOD_PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("new_password_confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/password/done/");
    assert!(is_logged_in(&app, &app.client).await, "this session stays");
    assert!(
        !is_logged_in(&app, &other_browser).await,
        "other sessions end"
    );

    let fresh = TestApp::new_client();
    assert_eq!(
        log_in_with(&app, &fresh, "ada", GOOD_PASSWORD)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        log_in_with(&app, &fresh, "ada", NEW_PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

async fn protected_pages_send_visitors_to_login_and_back(db: TestDb) {
    let app = TestApp::spawn(db).await;
    for page in ["/images/", "/upload/", "/account/", "/account/activity/"] {
        let res = app.get(page).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{page}");
        assert_eq!(
            location(&res),
            format!("/login/?next={}", page.replace('/', "%2F"))
        );
    }
    let res = app.get("/images/?page=2").await;
    assert_eq!(location(&res), "/login/?next=%2Fimages%2F%3Fpage%3D2");
    sign_up(&app, "ada").await;
    app.post_form("/logout/", &[]).await;

    let login = |next: &'static str| {
        let client = TestApp::new_client();
        let url = app.url("/login/");
        let origin = app.origin();
        async move {
            client
                .post(url)
                .header("origin", origin)
                .form(&[
                    ("username", "ada"),
                    ("password", GOOD_PASSWORD),
                    ("next", next),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(location(&login("/upload/").await), "/upload/");
    assert_eq!(location(&login("").await), "/images/");
    assert_eq!(location(&login("//evil.example/").await), "/images/");
    assert_eq!(location(&login("https://evil.example/").await), "/images/");
    // The old app's URLs without the slash still arrive.
    let res = app.get("/login").await;
    assert_eq!(res.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(location(&res), "/login/");
}

async fn cross_site_posts_are_refused(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let fields = [
        ("username", "mallory"),
        ("password", GOOD_PASSWORD),
        ("password_confirm", GOOD_PASSWORD),
    ];
    let attempts = [
        vec![],
        vec![("origin", "https://evil.example")],
        vec![("origin", "null")],
        vec![("sec-fetch-site", "cross-site")],
        vec![
            ("sec-fetch-site", "same-site"),
            ("origin", "http://sub.example"),
        ],
    ];
    for headers in attempts {
        for path in ["/register/", "/api/register"] {
            let mut req = app.client.post(app.url(path)).form(&fields);
            for (k, v) in &headers {
                req = req.header(*k, *v);
            }
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path} {headers:?}");
            assert!(res.text().await.unwrap().contains("came from another site"));
        }
    }
    assert_eq!(users(&app).await, 0);
    // Nothing changes state on GET.
    let res = app
        .get("/register/?username=mallory&password=x&password_confirm=x")
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(users(&app).await, 0);
}

async fn server_functions_answer_with_statuses(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let fields = [
        ("username", "ada"),
        ("password", GOOD_PASSWORD),
        ("password_confirm", GOOD_PASSWORD),
    ];
    let res = app.call("register", &fields).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(session_cookie(&res).is_some());
    assert_eq!(res.json::<String>().await.unwrap(), "/upload/");

    let other = TestApp::new_client();
    let res = other
        .post(app.url("/api/register"))
        .header("origin", app.origin())
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body = res.text().await.unwrap();
    assert!(body.contains("That username is taken."), "{body}");

    let res = app
        .call(
            "login",
            &[
                ("username", "ada"),
                ("password", "wrong-password"),
                ("next", "/upload/"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = app
        .call(
            "login",
            &[
                ("username", "ada"),
                ("password", GOOD_PASSWORD),
                ("next", "/upload/"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<String>().await.unwrap(), "/upload/");

    let res = other
        .post(app.url("/api/change_password"))
        .header("origin", app.origin())
        .form(&[
            ("old_password", GOOD_PASSWORD),
            ("new_password", NEW_PASSWORD),
            ("new_password_confirm", NEW_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "logged out");
    let res = app.call("register", &[("username", "x")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "a missing argument");
}

async fn login_throttling_by_username_and_address(db: TestDb) {
    let app = TestApp::spawn(db).await;
    sign_up(&app, "ada").await;
    let client = TestApp::new_client();
    for _ in 0..5 {
        let res = log_in_with(&app, &client, "ada", "wrong-password").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    // Locked now, even with the right password.
    let res = log_in_with(&app, &client, "ada", GOOD_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Too many failed login attempts. Please wait 6 minutes"),
        "{html}"
    );
    let res = app
        .call("login", &[("username", "ada"), ("password", GOOD_PASSWORD)])
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // The lock is for the address too: every failure came from 127.0.0.1.
    let res = log_in_with(&app, &TestApp::new_client(), "someone", "whatever-123").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

/// 50 wrong logins for one user at once: each is counted before it is
/// checked, so at most 5 reach the password check (401) and the rest are
/// refused (429). Counting after the check let 39 of 50 through.
async fn racing_wrong_logins_reach_the_password_check_five_times(db: TestDb) {
    let app = TestApp::spawn(db).await;
    sign_up(&app, "ada").await;
    let attempts: Vec<_> = (0..50)
        .map(|_| {
            let (client, url, origin) = (TestApp::new_client(), app.url("/login/"), app.origin());
            tokio::spawn(async move {
                client
                    .post(url)
                    .header("origin", origin)
                    .form(&[("username", "ada"), ("password", "wrong-password")])
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    let mut checked = 0;
    for attempt in attempts {
        match attempt.await.unwrap() {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert!(
        (1..=5).contains(&checked),
        "{checked} reached the password check"
    );
}

/// A username longer than any user's (150) is refused at once: no throttle
/// row is written for it and no hash is computed. A name within the limit
/// is counted as before.
async fn huge_usernames_are_refused_before_the_throttle(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let client = TestApp::new_client();
    for name in ["a".repeat(200_000), "b".repeat(151)] {
        let res = log_in_with(&app, &client, &name, "wrong-password").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        let html = res.text().await.unwrap();
        assert!(html.contains("Please enter a correct username"), "{html}");
    }
    // 2 MB is over the form's size limit: refused as it is read.
    let res = log_in_with(&app, &client, &"a".repeat(2_000_000), "wrong-password").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("the form is too large"));
    assert_eq!(row_count(&app, "login_attempts").await, 0);
    let res = log_in_with(&app, &client, &"c".repeat(150), "wrong-password").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // Its name and its address.
    assert_eq!(row_count(&app, "login_attempts").await, 2);
}

/// A stolen session cannot guess the password at the password page any
/// faster than at the login page: both count in one bucket.
async fn wrong_old_passwords_are_throttled(db: TestDb) {
    let app = TestApp::spawn(db).await;
    sign_up(&app, "ada").await;
    let app = &app;
    let change = |old: &'static str| async move {
        app.post_form(
            "/account/",
            &[
                ("old_password", old),
                ("new_password", "another-long-passphrase-9"),
                ("new_password_confirm", "another-long-passphrase-9"),
            ],
        )
        .await
    };
    for _ in 0..5 {
        assert_eq!(
            change("wrong-password").await.status(),
            StatusCode::BAD_REQUEST
        );
    }
    let res = change(GOOD_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Too many wrong passwords."));
    // The login page shares the bucket.
    let res = log_in_with(app, &TestApp::new_client(), "ada", GOOD_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn forwarded_for_counts_only_from_a_trusted_proxy(db: TestDb) {
    // Without TRUSTED_PROXIES a client cannot dodge the lock by inventing
    // X-Forwarded-For addresses.
    let app = TestApp::spawn(db).await;
    sign_up(&app, "ada").await;
    let attempt = |ip: &'static str, name: &'static str, password: &'static str| {
        app.client
            .post(app.url("/login/"))
            .header("origin", app.origin())
            .header("x-forwarded-for", ip)
            .form(&[("username", name), ("password", password)])
            .send()
    };
    for i in 0..5 {
        let ip = [
            "198.51.100.1",
            "198.51.100.2",
            "198.51.100.3",
            "198.51.100.4",
            "198.51.100.5",
        ][i];
        attempt(ip, "nobody", "wrong-password").await.unwrap();
    }
    let res = attempt("198.51.100.99", "ada", GOOD_PASSWORD)
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    drop(app);

    // Behind a trusted proxy, each forwarded client is counted on its own:
    // here nginx (a range holding 127.0.0.1) behind a TLS terminator in
    // 10.1.0.0/16, which put the client's address first.
    let db = TestDb::sqlite().await;
    let app = TestApp::spawn_with(db, &[("TRUSTED_PROXIES", "127.0.0.0/8, 10.1.0.0/16")]).await;
    sign_up(&app, "ada").await;
    let attempt = |ip: &'static str, name: &'static str, password: &'static str| {
        TestApp::new_client()
            .post(app.url("/login/"))
            .header("origin", app.origin())
            .header("x-forwarded-for", ip)
            .form(&[("username", name), ("password", password)])
            .send()
    };
    for name in ["u1", "u2", "u3", "u4", "u5"] {
        attempt("203.0.113.7, 10.1.2.3", name, "wrong-password")
            .await
            .unwrap();
    }
    let res = attempt("203.0.113.7, 10.1.9.9", "ada", GOOD_PASSWORD)
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "that address is locked, whichever terminator it came through"
    );
    let res = attempt("203.0.113.8, 10.1.2.3", "ada", GOOD_PASSWORD)
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "another client is not");
}

async fn sessions_expire_and_are_deleted(db: TestDb) {
    let second_db = TestDb::like(&db).await;
    let app = TestApp::spawn_with(db, &[("SESSION_ABSOLUTE_LIFETIME", "2s")]).await;
    sign_up(&app, "ada").await;
    assert!(is_logged_in(&app, &app.client).await);
    tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
    assert!(
        !is_logged_in(&app, &app.client).await,
        "past the absolute lifetime"
    );
    drop(app);

    // The cleanup job runs every SESSION_CLEANUP_PERIOD: watch it work.
    let app = TestApp::spawn_with(
        second_db,
        &[
            ("SESSION_IDLE_TIMEOUT", "1s"),
            ("SESSION_CLEANUP_PERIOD", "1s"),
        ],
    )
    .await;
    let cookie = session_cookie(&sign_up(&app, "ada").await).unwrap();
    assert!(cookie.contains("Max-Age=1"), "{cookie}");
    assert_eq!(session_rows(&app).await, 1, "the login's session is stored");
    // The store keeps expiry times in whole seconds: wait well past it.
    tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
    let res = TestApp::new_client()
        .get(app.url("/images/"))
        .header("cookie", cookie.split(';').next().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "idle too long");
    let mut rows = session_rows(&app).await;
    for _ in 0..50 {
        if rows == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        rows = session_rows(&app).await;
    }
    assert_eq!(rows, 0, "the cleanup job deleted the expired session");
}

async fn session_rows(app: &TestApp) -> i64 {
    row_count(app, "sessions").await
}

async fn row_count(app: &TestApp, table: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let row = app
        .state
        .db
        .query_one(Statement::from_string(
            app.state.db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}
