//! `cloudtalents import-django`: users and images from the old Django app's
//! Postgres database and media folder.
//!
//! Users keep their username, join date, superuser flag (as admin) and
//! password hash (Django's `pbkdf2_sha256`, replaced by Argon2id at their
//! first login). Every image file goes through the normal upload pipeline
//! (no quota applies). Rows remember their Django id (`legacy_id`), so a
//! second run imports nothing twice. A file that is missing or not a valid
//! image is reported and skipped.

use std::{
    collections::HashMap,
    path::{Component, Path, PathBuf},
};

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait,
    QueryFilter, QueryResult, Set, Statement,
};

use super::{
    accounts::username_key,
    library::{self, processing, spool::UploadedFile, Library},
};
use crate::entities::{image, user};

pub struct ImportOptions {
    /// The Django database (Postgres URL).
    pub database_url: String,
    /// Django's MEDIA_ROOT: image paths in the database are relative to it.
    pub media_root: PathBuf,
    /// Report what would be imported, change nothing.
    pub dry_run: bool,
    /// Draw a progress bar for the images.
    pub progress: bool,
}

#[derive(Debug, Default)]
pub struct Summary {
    pub users_imported: usize,
    pub users_already: usize,
    pub users_skipped: Vec<(String, String)>,
    pub images_imported: usize,
    pub images_already: usize,
    pub images_skipped: Vec<(String, String)>,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kinds = [
            (
                "users",
                "user",
                self.users_imported,
                self.users_already,
                &self.users_skipped,
            ),
            (
                "images",
                "image",
                self.images_imported,
                self.images_already,
                &self.images_skipped,
            ),
        ];
        for (kinds_name, kind, imported, already, skipped) in kinds {
            let skipped_count = skipped.len();
            writeln!(
                f,
                "{kinds_name}: {imported} imported, {already} already imported, {skipped_count} skipped"
            )?;
            for (what, why) in skipped {
                writeln!(f, "  skipped {kind} {what}: {why}")?;
            }
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("--database: cannot connect to the Django database: {0}")]
    Connect(sea_orm::DbErr),
    #[error("--database: cannot read the Django tables (auth_user, startup_image): {0}")]
    Read(sea_orm::DbErr),
    #[error("--media {0:?} is not a readable directory")]
    Media(PathBuf),
    #[error("writing to our database failed: {0}")]
    Write(sea_orm::DbErr),
}

struct DjangoUser {
    id: i64,
    username: String,
    password: String,
    is_active: bool,
    /// Django's superusers are admins here.
    is_superuser: bool,
    date_joined: chrono::DateTime<chrono::FixedOffset>,
}

struct DjangoImage {
    id: i64,
    user_id: i64,
    name: String,
    description: String,
    path: String,
}

fn id(row: &QueryResult, column: &str) -> Result<i64, sea_orm::DbErr> {
    // Django's ids are `integer` in older databases, `bigint` in newer ones.
    row.try_get::<i64>("", column)
        .or_else(|_| row.try_get::<i32>("", column).map(i64::from))
}

/// Every row `sql` answers in the Django database, each read by `parse`.
async fn read_rows<T>(
    django: &DatabaseConnection,
    sql: &str,
    parse: impl Fn(&QueryResult) -> Result<T, sea_orm::DbErr>,
) -> Result<Vec<T>, ImportError> {
    let statement = Statement::from_string(django.get_database_backend(), sql);
    let rows = django
        .query_all(statement)
        .await
        .map_err(ImportError::Read)?;
    rows.iter()
        .map(parse)
        .collect::<Result<Vec<_>, _>>()
        .map_err(ImportError::Read)
}

pub async fn import_django(
    db: &DatabaseConnection,
    library: &Library,
    options: &ImportOptions,
) -> Result<Summary, ImportError> {
    if !options.media_root.is_dir() {
        return Err(ImportError::Media(options.media_root.clone()));
    }
    let django = Database::connect(&options.database_url)
        .await
        .map_err(ImportError::Connect)?;
    let sql = "SELECT id, username, password, is_active, is_superuser, date_joined FROM auth_user ORDER BY id";
    let users = read_rows(&django, sql, |row| {
        Ok(DjangoUser {
            id: id(row, "id")?,
            username: row.try_get("", "username")?,
            password: row.try_get("", "password")?,
            is_active: row.try_get("", "is_active")?,
            is_superuser: row.try_get("", "is_superuser")?,
            date_joined: row.try_get("", "date_joined")?,
        })
    })
    .await?;
    let sql = "SELECT id, user_id, name, description, image FROM startup_image ORDER BY id";
    let django_images = read_rows(&django, sql, |row| {
        Ok(DjangoImage {
            id: id(row, "id")?,
            user_id: id(row, "user_id")?,
            name: row.try_get("", "name")?,
            description: row.try_get("", "description")?,
            path: row.try_get("", "image")?,
        })
    })
    .await?;
    let _ = django.close().await;

    let mut summary = Summary::default();
    // Django user id → our user id (None in a dry run: would be created).
    let mut owners: HashMap<i64, Option<i32>> = HashMap::new();
    for u in users {
        let existing = user::Entity::find()
            .filter(user::Column::LegacyId.eq(u.id))
            .one(db)
            .await
            .map_err(ImportError::Write)?;
        if let Some(existing) = existing {
            summary.users_already += 1;
            owners.insert(u.id, Some(existing.id));
            continue;
        }
        let key = username_key(&u.username);
        let taken = user::Entity::find()
            .filter(user::Column::UsernameKey.eq(&key))
            .one(db)
            .await
            .map_err(ImportError::Write)?
            .is_some();
        if taken {
            summary.users_skipped.push((
                u.username.clone(),
                "a user of that name already exists here".into(),
            ));
            continue;
        }
        summary.users_imported += 1;
        if options.dry_run {
            owners.insert(u.id, None);
            continue;
        }
        let row = user::ActiveModel {
            username: Set(u.username.clone()),
            username_key: Set(key),
            // Kept as Django wrote it: verified at login, then replaced.
            password_hash: Set(u.password),
            is_active: Set(u.is_active),
            is_admin: Set(u.is_superuser),
            created_at: Set(u.date_joined),
            session_epoch: Set(0),
            legacy_id: Set(Some(u.id)),
            ..Default::default()
        }
        .insert(db)
        .await
        .map_err(ImportError::Write)?;
        owners.insert(u.id, Some(row.id));
    }

    let bar = if options.progress {
        let bar = indicatif::ProgressBar::new(django_images.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} images  {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    for img in django_images {
        bar.set_message(img.path.clone());
        let label = format!("{} ({})", img.id, img.path);
        let result = import_image(db, library, options, &owners, &img).await;
        match result {
            Ok(Outcome::Imported) => summary.images_imported += 1,
            Ok(Outcome::Already) => summary.images_already += 1,
            Err(why) => {
                bar.println(format!("skipped image {label}: {why}"));
                summary.images_skipped.push((label, why));
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(summary)
}

enum Outcome {
    Imported,
    Already,
}

async fn import_image(
    db: &DatabaseConnection,
    library: &Library,
    options: &ImportOptions,
    owners: &HashMap<i64, Option<i32>>,
    img: &DjangoImage,
) -> Result<Outcome, String> {
    let already = image::Entity::find()
        .filter(image::Column::LegacyId.eq(img.id))
        .one(db)
        .await
        .map_err(|e| format!("database error: {e}"))?
        .is_some();
    if already {
        return Ok(Outcome::Already);
    }
    let Some(owner) = owners.get(&img.user_id) else {
        return Err("its owner was not imported".into());
    };
    let path =
        media_path(&options.media_root, &img.path).ok_or("its path leaves the media folder")?;
    let bytes = read_media_file(&options.media_root, &path, library.limits.max_bytes).await?;
    if options.dry_run {
        // Run the pipeline's checks on the file, keep nothing.
        let limits = library.limits;
        let checked =
            tokio::task::spawn_blocking(move || processing::process(&bytes, &limits).map(|_| ()))
                .await
                .map_err(|e| e.to_string())?;
        return checked
            .map(|()| Outcome::Imported)
            .map_err(|e| e.to_string());
    }
    let owner = owner.ok_or("its owner was not imported")?;
    let new_image = library::NewImage {
        user_id: owner,
        name: &img.name,
        description: &img.description,
        legacy_id: Some(img.id),
        within_quota: false,
    };
    library::create(db, library, new_image, UploadedFile::Memory(bytes))
        .await
        .map(|_| Outcome::Imported)
        .map_err(|e| e.sentence())
}

/// The bytes of `path`, once its symlinks are resolved: refused when that
/// leaves `root` (a link in the old media folder to, say, a key elsewhere on
/// the server), is not a regular file or holds more than `max_bytes` (the
/// upload limit). Checked on the opened file, which a rename cannot swap.
async fn read_media_file(root: &Path, path: &Path, max_bytes: u64) -> Result<Vec<u8>, String> {
    use tokio::io::AsyncReadExt;
    let unreadable = |e: std::io::Error| format!("the file cannot be read ({e})");
    let root = tokio::fs::canonicalize(root)
        .await
        .map_err(|e| format!("the media folder cannot be read ({e})"))?;
    let real = tokio::fs::canonicalize(path).await.map_err(unreadable)?;
    if !real.starts_with(&root) {
        return Err("it links to a file outside the media folder".into());
    }
    let file = tokio::fs::File::open(&real).await.map_err(unreadable)?;
    let meta = file.metadata().await.map_err(unreadable)?;
    if !meta.is_file() {
        return Err("it is not a regular file".into());
    }
    if meta.len() > max_bytes {
        return Err(format!(
            "it is larger than the upload limit ({} bytes, MAX_UPLOAD_BYTES {max_bytes})",
            meta.len()
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // No more than the limit, whatever the file grows to meanwhile.
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .await
        .map_err(unreadable)?;
    if bytes.len() as u64 > max_bytes {
        return Err(format!(
            "it is larger than the upload limit (MAX_UPLOAD_BYTES {max_bytes})"
        ));
    }
    Ok(bytes)
}

/// `relative` inside `root`, refusing absolute paths and `..`.
fn media_path(root: &Path, relative: &str) -> Option<PathBuf> {
    let relative = Path::new(relative);
    relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| root.join(relative))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_paths_stay_inside() {
        let root = Path::new("/media");
        assert_eq!(
            media_path(root, "user_images/a.png"),
            Some(PathBuf::from("/media/user_images/a.png"))
        );
        assert_eq!(media_path(root, "../etc/passwd"), None);
        assert_eq!(media_path(root, "/etc/passwd"), None);
        assert_eq!(media_path(root, "user_images/../../x"), None);
    }
}
