//! Files leaving the app under a name made from an image's: one download,
//! or a ZIP of a selection. The ZIP is written entry by entry into a pipe
//! whose other end is the response body, so at most one image's bytes (and
//! the pipe's buffer) are in memory however many are selected.

use std::collections::HashSet;

use async_zip::{base::write::ZipFileWriter, Compression, ZipEntryBuilder};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use tokio::io::AsyncWrite;

use super::{original_file_name, Library};
use crate::{
    entities::image,
    error::AppError,
    model::image::{StoredFormat, Variant},
};

/// Most images in one ZIP: a selection is one page at most today, and a
/// bound keeps one request's work bounded.
pub const ZIP_MAX_IMAGES: usize = 500;

/// The stored file a download gives: the original when one was kept, else
/// the display copy.
pub fn download_file(model: &image::Model) -> String {
    match &model.original_ext {
        Some(ext) => original_file_name(ext),
        None => display_file(model),
    }
}

/// The display copy: what a share link gives to keep. It is re-encoded,
/// so it carries no metadata (an original may hold GPS or the owner's name).
pub fn display_file(model: &image::Model) -> String {
    Variant::Display.file_name(StoredFormat::from_column(&model.format))
}

/// A file name's stem made safe from an image's name: letters, digits,
/// spaces, `-`, `_` and `.` kept, anything else `_`, trimmed, at most 100
/// characters; "image" when nothing is left.
pub fn safe_stem(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    let stem = safe.trim_matches(|c: char| c == '.' || c == ' ' || c == '_');
    if stem.is_empty() {
        "image".to_owned()
    } else {
        stem.to_owned()
    }
}

/// One file of a ZIP: where it is stored and its name inside.
pub struct ZipItem {
    pub key: String,
    pub file: String,
    pub name: String,
}

/// The user's images `ids` (all of them, none trashed, or "not found"), in
/// the gallery's order, with unique safe names.
pub async fn zip_items(
    db: &DatabaseConnection,
    user_id: i32,
    ids: &[i32],
) -> Result<Vec<ZipItem>, AppError> {
    let wanted: HashSet<i32> = ids.iter().copied().collect();
    if wanted.is_empty() || wanted.len() > ZIP_MAX_IMAGES {
        return Err(AppError::BadRequest(format!(
            "choose between 1 and {ZIP_MAX_IMAGES} images to download"
        )));
    }
    let rows = image::Entity::find()
        .filter(image::Column::Id.is_in(wanted.iter().copied()))
        .filter(image::Column::UserId.eq(user_id))
        .filter(image::Column::DeletedAt.is_null())
        .order_by_desc(image::Column::CreatedAt)
        .order_by_desc(image::Column::Id)
        .all(db)
        .await?;
    if rows.len() != wanted.len() {
        return Err(AppError::NotFound);
    }
    Ok(items_of(rows, download_file))
}

/// The ZIP entries of `rows` (the stored file `file_of` each), in their
/// order, with unique safe names.
pub fn items_of(rows: Vec<image::Model>, file_of: fn(&image::Model) -> String) -> Vec<ZipItem> {
    let mut taken = HashSet::new();
    rows.into_iter()
        .map(|row| {
            let file = file_of(&row);
            let extension = file.rsplit('.').next().unwrap_or("jpg").to_owned();
            let name = unique_name(&mut taken, &safe_stem(&row.name), &extension);
            ZipItem {
                key: row.file_key,
                file,
                name,
            }
        })
        .collect()
}

/// `stem.ext`, or `stem (2).ext`, `stem (3).ext`… whichever is not yet
/// in `taken` (compared ignoring case, as Windows and macOS do).
fn unique_name(taken: &mut HashSet<String>, stem: &str, extension: &str) -> String {
    let mut n = 1;
    loop {
        let name = if n == 1 {
            format!("{stem}.{extension}")
        } else {
            format!("{stem} ({n}).{extension}")
        };
        if taken.insert(name.to_lowercase()) {
            return name;
        }
        n += 1;
    }
}

/// Writes the ZIP of `items` into `out`, one stored (not re-compressed:
/// images are compressed already) entry at a time.
pub async fn write_zip(
    library: &Library,
    items: Vec<ZipItem>,
    out: impl AsyncWrite + Unpin,
) -> Result<(), String> {
    let mut zip = ZipFileWriter::with_tokio(out);
    for item in items {
        let bytes = library
            .storage
            .get(&item.key, &item.file)
            .await
            .map_err(|e| format!("reading {}/{}: {e}", item.key, item.file))?
            .ok_or_else(|| format!("{}/{} is missing from storage", item.key, item.file))?;
        let entry =
            ZipEntryBuilder::new(item.name.into(), Compression::Stored).unix_permissions(0o644);
        zip.write_entry_whole(entry, &bytes)
            .await
            .map_err(|e| e.to_string())?;
    }
    zip.close().await.map_err(|e| e.to_string())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe_and_unique() {
        assert_eq!(safe_stem("../../etc/passwd"), "etc_passwd");
        assert_eq!(safe_stem("///"), "image");
        let mut taken = HashSet::new();
        let names: Vec<_> = ["Sunset", "sunset", "Sunset", "a/b"]
            .iter()
            .map(|n| unique_name(&mut taken, &safe_stem(n), "jpg"))
            .collect();
        assert_eq!(
            names,
            ["Sunset.jpg", "sunset (2).jpg", "Sunset (3).jpg", "a_b.jpg"]
        );
    }
}
