//! Images: the upload pipeline, the owner's gallery, edits and deletes, and
//! serving the files. Files are written before the row and removed after it,
//! so a failure between steps never leaves a row without files; files
//! without a row are cleaned up on the spot, or by the startup sweep.

pub mod media;
pub mod processing;
pub mod storage;
pub mod upload;

use std::time::{Duration, SystemTime};

use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::{
    entities::image,
    error::AppError,
    images::{validate_fields, GalleryPage, ImageCard, PAGE_SIZE},
    server::state::AppState,
};
use processing::ImageError;

pub fn card(model: &image::Model) -> ImageCard {
    let ext = if model.format == "png" { "png" } else { "jpg" };
    let url = |stem: &str| format!("/media/{}/{stem}.{ext}", model.file_key);
    ImageCard {
        id: model.id,
        name: model.name.clone(),
        description: model.description.clone(),
        width: model.width,
        height: model.height,
        display_url: url("display"),
        thumb_400_url: url("thumb-400"),
        thumb_800_url: url("thumb-800"),
    }
}

impl From<ImageError> for AppError {
    fn from(err: ImageError) -> Self {
        AppError::field(err.status(), "image", err.to_string())
    }
}

/// Validates, processes (on a blocking thread, at most `image_workers` at
/// once), stores the files, then inserts the row.
pub async fn create(
    state: &AppState,
    user_id: i32,
    name: &str,
    description: &str,
    bytes: Vec<u8>,
) -> Result<image::Model, AppError> {
    create_with_legacy_id(state, user_id, name, description, bytes, None).await
}

/// [`create`], recording the image's id in an imported database.
pub async fn create_with_legacy_id(
    state: &AppState,
    user_id: i32,
    name: &str,
    description: &str,
    bytes: Vec<u8>,
    legacy_id: Option<i64>,
) -> Result<image::Model, AppError> {
    validate_fields(name, description).into_result()?;
    let limits = state.config.uploads;
    let keep_original = state.config.keep_originals;
    let permit = state
        .image_workers
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| AppError::internal("image worker pool", e))?;
    let (processed, bytes) = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        (processing::process(&bytes, &limits), bytes)
    })
    .await
    .map_err(|e| AppError::internal("image processing task", e))?;
    let processed = processed?;

    let key = uuid::Uuid::new_v4().simple().to_string();
    let mut files = processed.files;
    if keep_original {
        files.push((format!("original.{}", processed.original_ext), bytes));
    }
    for (file_name, data) in files {
        if let Err(err) = state.storage.put(&key, &file_name, data).await {
            discard_files(state, &key).await;
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
        format: Set(processed.format.to_owned()),
        original_ext: Set(keep_original.then(|| processed.original_ext.to_owned())),
        legacy_id: Set(legacy_id),
        ..Default::default()
    };
    match row.insert(&state.db).await {
        Ok(model) => Ok(model),
        Err(err) => {
            discard_files(state, &key).await;
            Err(err.into())
        }
    }
}

async fn discard_files(state: &AppState, key: &str) {
    if let Err(err) = state.storage.delete(key).await {
        // The startup sweep removes them later.
        tracing::error!(%err, key, "could not remove the files of a failed upload");
    }
}

/// One page (1-based) of the user's images, newest first.
pub async fn list(state: &AppState, user_id: i32, page: u64) -> Result<GalleryPage, AppError> {
    let query = image::Entity::find()
        .filter(image::Column::UserId.eq(user_id))
        .order_by_desc(image::Column::CreatedAt)
        .order_by_desc(image::Column::Id);
    let total = query.clone().count(&state.db).await?;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = page.clamp(1, pages);
    let rows = query
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .all(&state.db)
        .await?;
    Ok(GalleryPage {
        images: rows.iter().map(card).collect(),
        page,
        pages,
        total,
    })
}

/// The user's own image: anyone else's, or none, is "not found".
pub async fn find_own(state: &AppState, user_id: i32, id: i32) -> Result<image::Model, AppError> {
    image::Entity::find_by_id(id)
        .filter(image::Column::UserId.eq(user_id))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn update(
    state: &AppState,
    user_id: i32,
    id: i32,
    name: &str,
    description: &str,
) -> Result<image::Model, AppError> {
    validate_fields(name, description).into_result()?;
    let model = find_own(state, user_id, id).await?;
    let mut active: image::ActiveModel = model.into();
    active.name = Set(name.trim().to_owned());
    active.description = Set(description.trim().to_owned());
    Ok(active.update(&state.db).await?)
}

/// Deletes the row, then the files (a crash between leaves only files,
/// which the sweep removes).
pub async fn delete(state: &AppState, user_id: i32, id: i32) -> Result<(), AppError> {
    let model = find_own(state, user_id, id).await?;
    image::Entity::delete_by_id(model.id)
        .exec(&state.db)
        .await?;
    discard_files(state, &model.file_key).await;
    Ok(())
}

/// Removes stored files that no row refers to and that are older than
/// `grace` (younger ones may belong to an upload under way).
pub async fn sweep_orphans(state: &AppState, grace: Duration) -> Result<usize, AppError> {
    let keys = state
        .storage
        .keys()
        .await
        .map_err(|e| AppError::internal("listing stored media", e))?;
    let now = SystemTime::now();
    let mut removed = 0;
    for (key, modified) in keys {
        if now.duration_since(modified).unwrap_or_default() < grace {
            continue;
        }
        let referenced = image::Entity::find()
            .filter(image::Column::FileKey.eq(&key))
            .count(&state.db)
            .await?
            > 0;
        if !referenced {
            discard_files(state, &key).await;
            removed += 1;
        }
    }
    if removed > 0 {
        tracing::warn!(removed, "removed stored media that no image refers to");
    }
    Ok(removed)
}
