//! The image library service: the upload pipeline, the owner's gallery,
//! edits and deletes. Files are written before the row and removed after
//! it, so a failure between steps never leaves a row without files; files
//! without a row are cleaned up on the spot, or by the sweep.

pub mod albums;
pub mod archive;
pub mod audit;
pub mod bulk;
pub mod card_row;
pub mod gallery;
pub mod in_flight;
mod keyset;
pub mod processing;
pub mod quota;
pub mod spool;
pub mod storage;
pub mod trash;

use std::{
    sync::Arc,
    time::{Duration, SystemTime},
};

use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, Set,
};
use tokio::sync::Semaphore;

use super::config::{Config, UploadLimits};
use crate::{
    entities::image,
    error::AppError,
    model::image::{validate_fields, ImageCard, StoredFormat, Variant},
};
use card_row::CardRow;
use processing::ImageError;
use spool::UploadedFile;
use storage::{MediaStore, StoreResult};

/// What storing and processing images needs besides the database.
#[derive(Clone)]
pub struct Library {
    pub storage: MediaStore,
    pub limits: UploadLimits,
    /// Keep each upload's original file beside the re-encoded copies.
    pub keep_originals: bool,
    /// Bounds how many images are decoded and resized at once.
    pub workers: Arc<Semaphore>,
    /// Bounds the pixels decoded at once across the workers: a permit per
    /// megapixel, [`PIXEL_BUDGET_MP`] (or one image of the largest
    /// accepted size) in all.
    pub pixels: Arc<Semaphore>,
    /// Bytes a user may store unless given their own quota.
    pub default_quota: Option<u64>,
    /// Uploads under way, per user.
    pub uploads: in_flight::UploadsInFlight,
}

impl Library {
    pub fn from_config(config: &Config) -> StoreResult<Self> {
        Ok(Self {
            storage: MediaStore::from_config(&config.media)?,
            limits: config.uploads,
            keep_originals: config.keep_originals,
            workers: Arc::new(Semaphore::new(config.image_workers)),
            pixels: Arc::new(Semaphore::new(pixel_budget_mp(&config.uploads) as usize)),
            default_quota: config.default_quota,
            uploads: Default::default(),
        })
    }
}

/// Megapixels decoded at once across the image workers, however many
/// there are: about 1.2 GB of pixels at the worst (RGBA and a resized copy).
pub const PIXEL_BUDGET_MP: u64 = 100;

/// The budget, and at least one image of the largest accepted size.
fn pixel_budget_mp(limits: &UploadLimits) -> u64 {
    PIXEL_BUDGET_MP.max(limits.max_pixels.div_ceil(1_000_000))
}

/// The URL of one stored file of an image.
pub fn media_url(file_key: &str, file_name: &str) -> String {
    format!("/media/{file_key}/{file_name}")
}

pub fn card(model: &image::Model) -> ImageCard {
    card_of_row(CardRow::from(model))
}

/// The card of an image read as a [`CardRow`].
pub fn card_of_row(row: CardRow) -> ImageCard {
    card_with(row, |row, variant| {
        let format = StoredFormat::from_column(&row.format);
        media_url(&row.file_key, &variant.file_name(format))
    })
}

/// The card of `row` whose copies are at `url(row, variant)`.
pub fn card_with(row: CardRow, url: impl Fn(&CardRow, Variant) -> String) -> ImageCard {
    let [display_url, thumb_400_url, thumb_800_url] =
        [Variant::Display, Variant::Thumb400, Variant::Thumb800].map(|v| url(&row, v));
    ImageCard {
        id: row.id,
        name: row.name,
        description: row.description,
        width: row.width,
        height: row.height,
        display_url,
        thumb_400_url,
        thumb_800_url,
        favourite: row.favourite,
    }
}

/// The names of the files stored for `model`: its copies, and its
/// original when one was kept.
pub fn stored_file_names(model: &image::Model) -> Vec<String> {
    let format = StoredFormat::from_column(&model.format);
    let mut names: Vec<String> = Variant::ALL.iter().map(|v| v.file_name(format)).collect();
    if let Some(ext) = &model.original_ext {
        names.push(original_file_name(ext));
    }
    names
}

pub fn original_file_name(extension: &str) -> String {
    format!("original.{extension}")
}

impl From<ImageError> for AppError {
    fn from(err: ImageError) -> Self {
        AppError::field(err.status(), "image", err.to_string())
    }
}

/// What an upload says about its image.
pub struct NewImage<'a> {
    pub user_id: i32,
    pub name: &'a str,
    pub description: &'a str,
    /// The image's id in an imported database.
    pub legacy_id: Option<i64>,
    /// Refuse it (413) when it does not fit in the owner's quota; an
    /// import by the operator is not refused.
    pub within_quota: bool,
}

/// Validates, checks the quota, processes (on a blocking thread, at most
/// `workers` at once and at most `PIXEL_BUDGET_MP` megapixels across them:
/// only then is a spooled file read into memory),
/// checks the quota again with the files' real size, stores the files,
/// then inserts the row. (Uploads under way at once are
/// each checked against what is stored, so together they can pass the
/// quota by at most what they add.)
pub async fn create(
    db: &DatabaseConnection,
    library: &Library,
    image: NewImage<'_>,
    file: UploadedFile,
) -> Result<image::Model, AppError> {
    let NewImage {
        user_id,
        name,
        description,
        legacy_id,
        within_quota,
    } = image;
    validate_fields(name, description).into_result()?;
    let usage = match within_quota {
        true => Some(quota::usage(db, user_id, library.default_quota).await?),
        false => None,
    };
    if let Some(usage) = &usage {
        quota::check(usage, 0)?;
    }
    let limits = library.limits;
    let keep_original = library.keep_originals;
    let permit = library
        .workers
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| AppError::internal("image worker pool", e))?;
    // Only now, with a worker's permit, is a spooled file read into memory.
    let (bytes, pixels) = tokio::task::spawn_blocking(move || {
        let bytes = file.into_bytes_blocking()?;
        let pixels = processing::declared_pixels(&bytes).unwrap_or(0);
        Ok::<_, std::io::Error>((bytes, pixels))
    })
    .await
    .map_err(|e| AppError::internal("image processing task", e))?
    .map_err(|e| AppError::internal("reading a spooled upload", e))?;
    // Then its pixels' share of the budget (an image over the limits is
    // refused by `process` before it decodes anything).
    let megapixels = pixels
        .div_ceil(1_000_000)
        .clamp(1, pixel_budget_mp(&limits)) as u32;
    let pixel_permit = library
        .pixels
        .clone()
        .acquire_many_owned(megapixels)
        .await
        .map_err(|e| AppError::internal("pixel budget", e))?;
    let (processed, bytes) = tokio::task::spawn_blocking(move || {
        let _permits = (permit, pixel_permit);
        (processing::process(&bytes, &limits), bytes)
    })
    .await
    .map_err(|e| AppError::internal("image processing task", e))?;
    let processed = processed?;

    let key = uuid::Uuid::new_v4().simple().to_string();
    let mut files = processed.files;
    if keep_original {
        files.push((original_file_name(processed.original_ext), bytes));
    }
    let stored_bytes: u64 = files.iter().map(|(_, data)| data.len() as u64).sum();
    if let Some(usage) = &usage {
        quota::check(usage, stored_bytes)?;
    }
    for (file_name, data) in files {
        if let Err(err) = library.storage.put(&key, &file_name, data).await {
            discard_files(library, &key).await;
            return Err(AppError::internal("storing an image file", err));
        }
    }
    let row = image::ActiveModel {
        user_id: Set(user_id),
        name: Set(name.trim().to_owned()),
        description: Set(description.trim().to_owned()),
        file_key: Set(key.clone()),
        created_at: Set(chrono::Utc::now().fixed_offset()),
        width: Set(processed.width as i32),
        height: Set(processed.height as i32),
        format: Set(processed.format.column().to_owned()),
        original_ext: Set(keep_original.then(|| processed.original_ext.to_owned())),
        legacy_id: Set(legacy_id),
        favourite: Set(false),
        deleted_at: Set(None),
        edited_at: Set(None),
        stored_bytes: Set(Some(stored_bytes as i64)),
        ..Default::default()
    };
    match row.insert(db).await {
        Ok(model) => Ok(model),
        Err(err) => {
            discard_files(library, &key).await;
            Err(err.into())
        }
    }
}

pub(super) async fn discard_files(library: &Library, key: &str) {
    if let Err(err) = library.storage.delete(key).await {
        // The sweep removes them later.
        tracing::error!(%err, key, "could not remove the files of a failed upload");
    }
}

/// Removes the stored files of each of `keys` (rows already deleted).
pub async fn discard_all(library: &Library, keys: &[String]) {
    for key in keys {
        discard_files(library, key).await;
    }
}

/// Where one of the user's images is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Gallery,
    Trash,
}

impl Place {
    fn condition(self) -> sea_orm::sea_query::SimpleExpr {
        match self {
            Place::Gallery => image::Column::DeletedAt.is_null(),
            Place::Trash => image::Column::DeletedAt.is_not_null(),
        }
    }
}

/// The user's own image `id` in `place`: anyone else's, one elsewhere, or
/// none, is "not found".
pub async fn find_in(
    db: &DatabaseConnection,
    user_id: i32,
    id: i32,
    place: Place,
) -> Result<image::Model, AppError> {
    image::Entity::find_by_id(id)
        .filter(image::Column::UserId.eq(user_id))
        .filter(place.condition())
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The user's own image in the gallery (see [`find_in`]).
pub async fn find_own(
    db: &DatabaseConnection,
    user_id: i32,
    id: i32,
) -> Result<image::Model, AppError> {
    find_in(db, user_id, id, Place::Gallery).await
}

/// Sets `column` of the user's image `id` in `place` to `value`, in one
/// statement that names the owner; "not found" when there is no such image.
pub(crate) async fn set_column(
    db: &DatabaseConnection,
    user_id: i32,
    id: i32,
    place: Place,
    column: image::Column,
    value: sea_orm::sea_query::SimpleExpr,
) -> Result<(), AppError> {
    let result = image::Entity::update_many()
        .col_expr(column, value)
        .filter(image::Column::Id.eq(id))
        .filter(image::Column::UserId.eq(user_id))
        .filter(place.condition())
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// `ids` without repeats, sorted: a bulk request may name an image twice.
pub(crate) fn distinct(ids: &[i32]) -> Vec<i32> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Stars or unstars one of the user's images; answers whether it is starred.
pub async fn set_favourite(
    db: &DatabaseConnection,
    user_id: i32,
    id: i32,
    favourite: bool,
) -> Result<bool, AppError> {
    let value = Expr::value(favourite);
    set_column(
        db,
        user_id,
        id,
        Place::Gallery,
        image::Column::Favourite,
        value,
    )
    .await?;
    Ok(favourite)
}

pub async fn update(
    db: &DatabaseConnection,
    user_id: i32,
    id: i32,
    name: &str,
    description: &str,
) -> Result<image::Model, AppError> {
    validate_fields(name, description).into_result()?;
    let model = find_own(db, user_id, id).await?;
    let mut active: image::ActiveModel = model.into();
    active.name = Set(name.trim().to_owned());
    active.description = Set(description.trim().to_owned());
    active.edited_at = Set(Some(chrono::Utc::now().fixed_offset()));
    Ok(active.update(db).await?)
}

/// Removes stored files that no row refers to and that are older than
/// `grace` (younger ones may belong to an upload under way). Lists the
/// store first, then reads every row's key in one query: a file whose row
/// is made after the listing is younger than the grace.
pub async fn sweep_orphans(
    db: &DatabaseConnection,
    library: &Library,
    grace: Duration,
) -> Result<usize, AppError> {
    let keys = library
        .storage
        .keys()
        .await
        .map_err(|e| AppError::internal("listing stored media", e))?;
    let referenced: std::collections::HashSet<String> = image::Entity::find()
        .select_only()
        .column(image::Column::FileKey)
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let now = SystemTime::now();
    let mut removed = 0;
    for (key, modified) in keys {
        if now.duration_since(modified).unwrap_or_default() >= grace && !referenced.contains(&key) {
            discard_files(library, &key).await;
            removed += 1;
        }
    }
    if removed > 0 {
        tracing::warn!(removed, "removed stored media that no image refers to");
    }
    match library.storage.abort_stale_uploads(grace).await {
        Ok(0) => {}
        Ok(aborted) => tracing::warn!(aborted, "aborted multipart uploads left open"),
        Err(err) => tracing::error!(%err, "listing open multipart uploads failed"),
    }
    Ok(removed)
}
