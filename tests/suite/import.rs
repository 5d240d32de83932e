//! Importing the old Django app: a real Postgres database with Django's
//! tables (hashes computed here with Django's documented algorithm), a media
//! folder with good, missing and corrupt files, the real `import-django`
//! command, then logins over HTTP with the original passwords.

use crate::common;

use std::process::Command;

use base64::Engine;
use common::{fixtures, TestApp, TestDb};
use sea_orm::{
    ColumnTrait, ConnectionTrait, Database, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use cloudtalents::entities::{image, user};

const BIN: &str = env!("CARGO_BIN_EXE_cloudtalents");

/// Django's `make_password` with PBKDF2-SHA256.
fn django_hash(password: &str, salt: &str, iterations: u32) -> String {
    let mut out = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password.as_bytes(), salt.as_bytes(), iterations, &mut out);
    format!(
        "pbkdf2_sha256${iterations}${salt}${}",
        base64::engine::general_purpose::STANDARD.encode(out)
    )
}

const DJANGO_SCHEMA: &str = r#"
CREATE TABLE auth_user (
    id serial PRIMARY KEY, password varchar(128) NOT NULL, last_login timestamptz NULL,
    is_superuser boolean NOT NULL, username varchar(150) NOT NULL UNIQUE,
    first_name varchar(150) NOT NULL, last_name varchar(150) NOT NULL, email varchar(254) NOT NULL,
    is_staff boolean NOT NULL, is_active boolean NOT NULL, date_joined timestamptz NOT NULL
);
CREATE TABLE startup_image (
    id bigserial PRIMARY KEY, name varchar(255) NOT NULL, description text NOT NULL,
    image varchar(100) NOT NULL, user_id integer NOT NULL REFERENCES auth_user (id)
);
"#;

/// Fills a fresh Postgres database as the Django app would have.
async fn django_database(db: &TestDb) {
    let conn = Database::connect(db.url.as_str()).await.unwrap();
    conn.execute_unprepared(DJANGO_SCHEMA).await.unwrap();
    let users = [
        (
            1,
            "alice",
            django_hash("alice-original-pw", "a1b2c3d4e5f6", 870_000),
            true,
        ),
        (
            2,
            "bob",
            django_hash("bob-older-password", "saltsalt", 10_000),
            true,
        ),
        (3, "carol", "!unusablepasswordmarker".to_owned(), true),
        (
            4,
            "dave",
            django_hash("dave-left-us", "pepper99", 10_000),
            false,
        ),
        (5, "Ada", django_hash("ada-django", "xyz", 10_000), true),
    ];
    for (id, name, hash, active) in users {
        conn.execute_unprepared(&format!(
            "INSERT INTO auth_user VALUES ({id}, '{hash}', NULL, {superuser}, '{name}', '', '', '', false, {active}, '2024-11-27 10:00:00+00')",
            superuser = id == 1
        ))
        .await
        .unwrap();
    }
    let images = [
        (
            1,
            1,
            "<b>DevOps</b>",
            "Overview\nof the pipeline",
            "user_images/devops.png",
        ),
        (
            2,
            1,
            "DevOps again",
            "Same name, Django renamed the file",
            "user_images/devops_B0TeL58.png",
        ),
        (3, 1, "Lost", "This file is gone", "user_images/missing.png"),
        (4, 2, "Broken", "Not an image", "user_images/corrupt.jpg"),
        (5, 2, "Bob's", "A photo", "user_images/bob.jpg"),
        // A link to a file outside the media folder, a folder, a file over
        // the upload limit: refused, nothing read.
        (6, 2, "Escape", "A link out", "user_images/escape.png"),
        (7, 2, "Folder", "Not a file", "user_images/folder.png"),
        (8, 2, "Huge", "Over the limit", "user_images/huge.jpg"),
    ];
    for (id, user_id, name, description, path) in images {
        let q = |s: &str| s.replace('\'', "''");
        conn.execute_unprepared(&format!(
            "INSERT INTO startup_image VALUES ({id}, '{}', '{}', '{path}', {user_id})",
            q(name),
            q(description)
        ))
        .await
        .unwrap();
    }
    conn.close().await.unwrap();
}

/// MAX_UPLOAD_BYTES for the import: above every good file here.
const IMPORT_MAX_BYTES: usize = 200_000;

/// The old media folder; `outside` is a folder beside it.
fn django_media(outside: &std::path::Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let images = dir.path().join("user_images");
    std::fs::create_dir_all(&images).unwrap();
    std::fs::write(images.join("devops.png"), fixtures::png(120, 80)).unwrap();
    std::fs::write(images.join("devops_B0TeL58.png"), fixtures::png(90, 90)).unwrap();
    std::fs::write(
        images.join("corrupt.jpg"),
        b"\xFF\xD8\xFF\xE0 not really a jpeg",
    )
    .unwrap();
    std::fs::write(images.join("bob.jpg"), fixtures::jpeg_with_exif(60, 40)).unwrap();
    // The link's target is a good image, so only the link is refused.
    std::fs::write(outside.join("secret.png"), fixtures::png(30, 30)).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.png"), images.join("escape.png")).unwrap();
    std::fs::create_dir(images.join("folder.png")).unwrap();
    std::fs::write(images.join("huge.jpg"), vec![0u8; IMPORT_MAX_BYTES + 1]).unwrap();
    dir
}

fn import(
    target: &TestDb,
    media_root: &std::path::Path,
    django: &TestDb,
    django_media: &std::path::Path,
    dry_run: bool,
) -> String {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("DATABASE_URL", target.url.as_str())
        .env("MEDIA_ROOT", media_root)
        .env("MAX_UPLOAD_BYTES", IMPORT_MAX_BYTES.to_string())
        .env("RUST_LOG", "warn")
        .arg("import-django");
    if dry_run {
        // The password stays out of argv.
        cmd.env("DJANGO_DATABASE_URL", django.url.as_str());
        cmd.arg("--dry-run");
    } else {
        cmd.args(["--database", django.url.as_str()]);
    }
    cmd.arg("--media").arg(django_media);
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

// The Django database is Postgres in both: the old app ran on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Postgres: make test runs it"]
async fn into_sqlite() {
    run(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Postgres: make test runs it"]
async fn into_postgres() {
    run(TestDb::postgres().await).await;
}

async fn run(target: TestDb) {
    let django = TestDb::postgres().await;
    django_database(&django).await;
    let outside = tempfile::tempdir().unwrap();
    let old_media = django_media(outside.path());
    let media = tempfile::tempdir().unwrap();

    // A local user already has one of the names.
    {
        let app = TestApp::spawn_with(
            clone_url(&target),
            &[("MEDIA_ROOT", media.path().to_str().unwrap())],
        )
        .await;
        app.sign_up("ada").await;
    }

    let dry = import(&target, media.path(), &django, old_media.path(), true);
    assert!(dry.starts_with("Dry run: nothing was changed."), "{dry}");
    assert!(
        dry.contains("users: 4 imported, 0 already imported, 1 skipped"),
        "{dry}"
    );
    assert!(
        dry.contains("images: 3 imported, 0 already imported, 5 skipped"),
        "{dry}"
    );

    let first = import(&target, media.path(), &django, old_media.path(), false);
    assert!(
        first.contains("users: 4 imported, 0 already imported, 1 skipped"),
        "{first}"
    );
    assert!(
        first.contains("skipped user Ada: a user of that name already exists here"),
        "{first}"
    );
    assert!(
        first.contains("images: 3 imported, 0 already imported, 5 skipped"),
        "{first}"
    );
    assert!(
        first.contains("skipped image 3 (user_images/missing.png): the file cannot be read"),
        "{first}"
    );
    assert!(
        first.contains(
            "skipped image 4 (user_images/corrupt.jpg): image: The JPEG image could not be read"
        ),
        "{first}"
    );
    for expected in [
        "skipped image 6 (user_images/escape.png): it links to a file outside the media folder",
        "skipped image 7 (user_images/folder.png): it is not a regular file",
        "skipped image 8 (user_images/huge.jpg): it is larger than the upload limit (200001 bytes",
    ] {
        assert!(first.contains(expected), "{expected}\n{first}");
    }

    let second = import(&target, media.path(), &django, old_media.path(), false);
    assert!(
        second.contains("users: 0 imported, 4 already imported, 1 skipped"),
        "{second}"
    );
    assert!(
        second.contains("images: 0 imported, 3 already imported, 5 skipped"),
        "{second}"
    );

    let app = TestApp::spawn_with(target, &[("MEDIA_ROOT", media.path().to_str().unwrap())]).await;
    assert_eq!(user::Entity::find().count(&app.state.db).await.unwrap(), 5);
    // Django's superuser (alice) is an admin; the local first user too.
    let admins: Vec<String> = user::Entity::find()
        .filter(user::Column::IsAdmin.eq(true))
        .order_by_asc(user::Column::Id)
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(admins, ["ada", "alice"]);
    assert_eq!(image::Entity::find().count(&app.state.db).await.unwrap(), 3);

    let log_in = |name: &'static str, password: &'static str| {
        let client = TestApp::new_client();
        let url = app.url("/login/");
        let origin = app.origin();
        async move {
            let res = client
                .post(url)
                .header("origin", origin)
                .form(&[("username", name), ("password", password)])
                .send()
                .await
                .unwrap();
            (res.status().as_u16(), client)
        }
    };
    let (status, alice) = log_in("alice", "alice-original-pw").await;
    assert_eq!(status, 303, "the old password works");
    let (status, bob) = log_in("bob", "bob-older-password").await;
    assert_eq!(status, 303);
    assert_eq!(log_in("carol", "").await.0, 400);
    assert_eq!(
        log_in("carol", "!unusablepasswordmarker").await.0,
        401,
        "unusable passwords never log in"
    );
    assert_eq!(
        log_in("dave", "dave-left-us").await.0,
        401,
        "inactive users stay out"
    );
    assert_eq!(log_in("alice", "wrong-password").await.0, 401);

    // The first login replaced the Django hash with Argon2id; it still works.
    let alice_row = user::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == "alice")
        .unwrap();
    assert!(
        alice_row.password_hash.starts_with("$argon2id$"),
        "rehashed at login"
    );
    assert_eq!(
        alice_row.created_at.to_rfc3339(),
        "2024-11-27T10:00:00+00:00",
        "join date kept"
    );
    assert_eq!(log_in("alice", "alice-original-pw").await.0, 303);

    let gallery = |client: reqwest::Client| {
        let url = app.url("/images/");
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let html = gallery(alice).await;
    assert!(
        html.contains("&lt;b&gt;DevOps&lt;/b&gt;"),
        "names intact and escaped"
    );
    assert!(html.contains("DevOps again"));
    assert!(
        !html.contains("Bob&#x27;s") && !html.contains("Bob's"),
        "only her own images"
    );
    let html = gallery(bob).await;
    assert!(html.contains("Bob"), "{html}");
    assert!(!html.contains("DevOps"));
    // Imported through the pipeline: EXIF orientation applied (60 × 40 → 40 × 60).
    let bobs = image::Entity::find().all(&app.state.db).await.unwrap();
    let bobs = bobs.iter().find(|i| i.name == "Bob's").unwrap();
    assert_eq!((bobs.width, bobs.height), (40, 60));
    assert_eq!(bobs.description, "A photo");
}

/// Another handle on the same database (the original keeps cleaning up).
fn clone_url(db: &TestDb) -> TestDb {
    TestDb::borrowed(db.url.clone(), db.backend)
}
