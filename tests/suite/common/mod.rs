//! Test harness: fresh databases (SQLite, and Postgres on the server of
//! `TEST_POSTGRES_URL`) and the real app served over real HTTP.
//!
//! Postgres tests are `#[ignore = "needs Postgres: …"]`, so a plain
//! `cargo test` lists them as ignored rather than passing them unrun;
//! `make test` runs them with `--include-ignored`, where a missing
//! `TEST_POSTGRES_URL` fails them loudly.

pub mod fixtures;

use std::{
    net::SocketAddr,
    sync::atomic::{AtomicU32, Ordering},
};

use cloudtalents::{
    model::image::ImageCard,
    server::{
        config::{Config, DatabaseUrl},
        http, startup,
        state::AppState,
    },
};
use leptos::config::LeptosOptions;
use sea_orm::{ConnectionTrait, Database};
use tempfile::TempDir;

/// A database that exists for one test and is removed afterwards.
pub struct TestDb {
    pub url: DatabaseUrl,
    pub backend: &'static str,
    _sqlite_dir: Option<TempDir>,
    _postgres_drop: Option<PostgresDrop>,
}

impl TestDb {
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/test.db?mode=rwc", dir.path().display());
        Self {
            url: DatabaseUrl::parse(&url).unwrap(),
            backend: "sqlite",
            _sqlite_dir: Some(dir),
            _postgres_drop: None,
        }
    }

    /// A second handle on an existing database: dropping it removes nothing.
    pub fn borrowed(url: DatabaseUrl, backend: &'static str) -> Self {
        Self {
            url,
            backend,
            _sqlite_dir: None,
            _postgres_drop: None,
        }
    }

    /// A new, empty database of the same kind as `other`.
    pub async fn like(other: &TestDb) -> Self {
        match other.backend {
            "postgres" => Self::postgres().await,
            _ => Self::sqlite().await,
        }
    }

    /// A new, empty Postgres database on the server of `TEST_POSTGRES_URL`.
    /// Panics when that is not set: a Postgres test must not pass unrun.
    pub async fn postgres() -> Self {
        let admin_url = std::env::var("TEST_POSTGRES_URL").expect(
            "TEST_POSTGRES_URL must name a Postgres server for this test \
             (make test sets it; NO_POSTGRES=1 make test leaves these tests ignored)",
        );
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "cloudtalents_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        let admin = Database::connect(&admin_url)
            .await
            .expect("TEST_POSTGRES_URL must point at a reachable Postgres server");
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .unwrap();
        admin.close().await.unwrap();
        let mut url = url::Url::parse(&admin_url).unwrap();
        url.set_path(&format!("/{name}"));
        Self {
            url: DatabaseUrl::parse(url.as_str()).unwrap(),
            backend: "postgres",
            _sqlite_dir: None,
            _postgres_drop: Some(PostgresDrop { admin_url, name }),
        }
    }
}

/// Drops the per-test Postgres database, even when the test failed.
struct PostgresDrop {
    admin_url: String,
    name: String,
}

impl Drop for PostgresDrop {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        // Drop cannot await, and may run inside a runtime: use a fresh thread.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(admin) = Database::connect(&admin_url).await {
                    let _ = admin.execute_unprepared(&sql).await;
                    let _ = admin.close().await;
                }
            });
        })
        .join();
    }
}

/// The app, migrated and listening on a free loopback port.
pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    pub client: reqwest::Client,
    _media: TempDir,
    _server: tokio::task::JoinHandle<()>,
    pub db: TestDb,
}

impl TestApp {
    pub async fn spawn(db: TestDb) -> Self {
        Self::spawn_with(db, &[]).await
    }

    /// With extra configuration variables (e.g. `TRUSTED_PROXIES`).
    pub async fn spawn_with(db: TestDb, extra: &[(&'static str, &str)]) -> Self {
        let media = tempfile::tempdir().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let media_root = media.path().join("media");
        let mut vars = vec![
            ("DATABASE_URL", db.url.as_str().to_owned()),
            ("MEDIA_ROOT", media_root.to_str().unwrap().to_owned()),
            ("LEPTOS_SITE_ADDR", addr.to_string()),
            (
                "SECRET_KEY",
                "a-test-secret-key-of-at-least-32-characters".to_owned(),
            ),
            // Tests sign up several users; `extra` may set another mode
            // ("" for the default).
            ("SIGNUP", "open".to_owned()),
            ("SIGNUP_LIMIT", "unlimited".to_owned()),
        ];
        vars.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
        let config = Config::from_lookup(|name| {
            // The last setting wins, so `extra` overrides the defaults.
            vars.iter()
                .rev()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.clone())
                .ok_or(std::env::VarError::NotPresent)
        })
        .unwrap();
        let leptos_options = LeptosOptions::builder()
            .output_name("cloudtalents")
            .site_root("target/site")
            .build();
        // As `cloudtalents serve` does: the state, then its background jobs.
        let state = startup::build_state(config, leptos_options).await.unwrap();
        startup::spawn_background_jobs(&state);
        let router =
            http::router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        let server = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        let client = Self::new_client();
        Self {
            addr,
            state,
            client,
            _media: media,
            _server: server,
            db,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// The origin a browser on our pages would send.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A plain form post, as a browser without JavaScript sends it.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("origin", self.origin())
            .header("accept", "text/html")
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// A server function call, as the hydrated page makes it.
    pub async fn call(&self, function: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.server_fn(function).form(fields).send().await.unwrap()
    }

    /// Calls a server function whose input is JSON, as `api::call` does.
    pub async fn call_json(&self, function: &str, args: &serde_json::Value) -> reqwest::Response {
        self.server_fn(function).json(args).send().await.unwrap()
    }

    /// A request to a server function, from one of our pages.
    fn server_fn(&self, function: &str) -> reqwest::RequestBuilder {
        self.client
            .post(self.url(&format!("/api/{function}")))
            .header("origin", self.origin())
            .header("sec-fetch-site", "same-origin")
            .header("accept", "application/json")
    }

    /// A plain form post by `client` (a browser other than the app's own).
    pub async fn post_as(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(path))
            .header("origin", self.origin())
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    pub async fn get_as(&self, client: &reqwest::Client, path: &str) -> reqwest::Response {
        client.get(self.url(path)).send().await.unwrap()
    }

    /// Makes a 7-day share link of image `id` as the app's client; answers
    /// its path (`/s/…`).
    pub async fn share_image_link(&self, id: i32) -> String {
        let res = self
            .post_form(
                "/shares/new/",
                &[("images", &id.to_string()), ("expires", "7")],
            )
            .await;
        assert_eq!(res.status(), 303, "share image {id}");
        let cards: Vec<cloudtalents::model::share::ShareCard> =
            self.call("list_shares", &[]).await.json().await.unwrap();
        let url = cards[0].url.clone().unwrap();
        url[url.find("/s/").unwrap()..].to_owned()
    }

    /// A new session cookie (`name=value`) of a freshly signed-up user.
    pub async fn session_cookie(&self) -> String {
        let plain = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let password = "violet-otter-tangent-42";
        let name = format!("raw{}", std::process::id());
        let res = plain
            .post(self.url("/register/"))
            .header("origin", self.origin())
            .form(&[
                ("username", name.as_str()),
                ("password", password),
                ("password_confirm", password),
            ])
            .send()
            .await
            .unwrap();
        let cookie = res.headers()["set-cookie"].to_str().unwrap();
        cookie.split(';').next().unwrap().to_owned()
    }

    /// The user named `name` (exactly); the test fails if there is none.
    pub async fn user_named(&self, name: &str) -> cloudtalents::entities::user::Model {
        use cloudtalents::entities::user;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        user::Entity::find()
            .filter(user::Column::Username.eq(name))
            .one(&self.state.db)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no user named {name:?}"))
    }

    /// A plain sign-up post by `client`, with `invite` (the token of an
    /// invitation link, or empty).
    pub async fn register_with(
        &self,
        client: &reqwest::Client,
        name: &str,
        invite: &str,
    ) -> reqwest::Response {
        let password = "violet-otter-tangent-42";
        client
            .post(self.url("/register/"))
            .header("origin", self.origin())
            .form(&[
                ("username", name),
                ("password", password),
                ("password_confirm", password),
                ("invite", invite),
            ])
            .send()
            .await
            .unwrap()
    }

    /// Signs `name` up in a new browser of its own (anything but 303 fails
    /// the test); answers that browser, logged in.
    pub async fn sign_up_in_new_browser(&self, name: &str, invite: &str) -> reqwest::Client {
        let client = Self::new_client();
        let res = self.register_with(&client, name, invite).await;
        assert_eq!(res.status(), 303, "sign up {name}");
        client
    }

    /// Signs up `name` with this app's client (which is then logged in).
    pub async fn sign_up(&self, name: &str) {
        let password = "violet-otter-tangent-42";
        let res = self
            .post_form(
                "/register/",
                &[
                    ("username", name),
                    ("password", password),
                    ("password_confirm", password),
                ],
            )
            .await;
        assert_eq!(res.status(), 303, "sign up {name}");
    }

    /// Uploads one image as the browser form does; `accept` picks the
    /// hydrated page's JSON answer or the plain form's redirect.
    pub async fn upload(
        &self,
        name: &str,
        description: &str,
        file_name: &str,
        bytes: Vec<u8>,
        json: bool,
    ) -> reqwest::Response {
        let form = reqwest::multipart::Form::new()
            .text("name", name.to_owned())
            .text("description", description.to_owned())
            .part(
                "image",
                reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()),
            );
        self.client
            .post(self.url("/upload/"))
            .header("origin", self.origin())
            .header(
                "accept",
                if json {
                    "application/json"
                } else {
                    "text/html"
                },
            )
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    /// Uploads a small JPEG as `name` (the hydrated page's request) and
    /// answers its card; anything but 201 fails the test.
    pub async fn upload_jpeg(&self, name: &str, description: &str) -> ImageCard {
        let res = self
            .upload(name, description, "photo.jpg", fixtures::jpeg(48, 32), true)
            .await;
        let status = res.status();
        assert_eq!(status, 201, "upload {name}: {}", res.text().await.unwrap());
        res.json().await.unwrap()
    }

    /// Creates an album by the plain form; answers its id.
    pub async fn create_album(&self, name: &str) -> i32 {
        let res = self
            .post_form("/albums/new/", &[("name", name), ("description", "")])
            .await;
        assert_eq!(res.status(), 303, "create album {name}");
        let location = res.headers()["location"].to_str().unwrap();
        location
            .trim_start_matches("/albums/")
            .trim_end_matches('/')
            .parse()
            .unwrap()
    }

    /// A plain-form upload (no JavaScript) into album `album` (as typed).
    pub async fn upload_into(&self, name: &str, album: &str, bytes: Vec<u8>) -> reqwest::Response {
        let form = reqwest::multipart::Form::new()
            .text("name", name.to_owned())
            .text("description", "into an album")
            .text("album", album.to_owned())
            .part(
                "image",
                reqwest::multipart::Part::bytes(bytes).file_name("photo.jpg"),
            );
        self.client
            .post(self.url("/upload/"))
            .header("origin", self.origin())
            .header("accept", "text/html")
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    /// Every file under the media root, relative to it.
    pub fn media_files(&self) -> Vec<String> {
        fn walk(dir: &std::path::Path, base: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, base, out);
                } else {
                    out.push(path.strip_prefix(base).unwrap().display().to_string());
                }
            }
        }
        let mut out = Vec::new();
        let root = self.state.config.media.root().expect("media in a folder");
        walk(root, root, &mut out);
        out.sort();
        out
    }

    /// A fresh client (no cookies) against the same server.
    pub fn new_client() -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap()
    }
}

/// Runs an async test body once on each backend: SQLite, and Postgres
/// (ignored unless run with `--include-ignored`, as `make test` does).
#[macro_export]
macro_rules! on_each_backend {
    ($($name:ident => $body:ident;)+) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$body($crate::common::TestDb::sqlite().await).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[ignore = "needs Postgres: make test runs it"]
                async fn postgres() {
                    super::$body($crate::common::TestDb::postgres().await).await;
                }
            }
        )+
    };
}

/// The (name, bytes) of each entry of a ZIP of stored entries, read from
/// the local headers: enough to check ours without another ZIP library.
pub fn zip_entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]) as usize;
    let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap()) as usize;
    let mut entries = Vec::new();
    let mut i = 0;
    while u32_at(i) == 0x0403_4b50 {
        assert_eq!(u16_at(i + 8), 0, "stored, not compressed");
        let size = u32_at(i + 18);
        let (name_len, extra_len) = (u16_at(i + 26), u16_at(i + 28));
        let name = String::from_utf8(bytes[i + 30..i + 30 + name_len].to_vec()).unwrap();
        let start = i + 30 + name_len + extra_len;
        entries.push((name, bytes[start..start + size].to_vec()));
        i = start + size;
    }
    assert_eq!(u32_at(i), 0x0201_4b50, "then the central directory");
    entries
}
