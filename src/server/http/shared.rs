//! What a share link serves besides its page, to anyone holding the link
//! (and, for a password link, its cookie). Each request checks the link
//! again; nothing here may be cached (`private, no-store`), so revoking the
//! link, its expiry or trashing the image stops the bytes at the next
//! request.
//!
//! - `GET /s/<token>/media/<id>/<copy>`: `display`, `thumb-400`, `thumb-800`.
//! - `GET /s/<token>/download/<id>`: the image to keep (if downloads are
//!   on): its display copy, never an original with its metadata.
//! - `GET /s/<token>/zip`: every image of the link (up to `ZIP_MAX_IMAGES`),
//!   streamed (same).

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};

use super::{
    media::{not_found, respond, Caching},
    selection::zip_response,
};
use crate::{
    entities::{image, share},
    error::AppError,
    server::{
        library::archive,
        shares::visit::{self, Count},
        state::AppState,
    },
};

pub async fn media(
    State(state): State<AppState>,
    Path((token, id, copy)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let found = async {
        let share = open(&state, &token, &headers, false).await?;
        let model = member(&state, &share, &id).await?;
        let file = visit::variant_file(&model, &copy).ok_or(AppError::NotFound)?;
        Ok((model, file))
    }
    .await;
    match found {
        Ok((model, file)) => respond(&state, &model.file_key, &file, None, Caching::NoStore).await,
        Err(err) => refusal(err),
    }
}

pub async fn download(
    State(state): State<AppState>,
    Path((token, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let found = async {
        let share = open(&state, &token, &headers, true).await?;
        Ok((share.id, member(&state, &share, &id).await?))
    }
    .await;
    match found {
        Ok((share_id, model)) => {
            visit::count(&state.db, share_id, Count::Download);
            let file = archive::display_file(&model);
            respond(
                &state,
                &model.file_key,
                &file,
                Some(&model.name),
                Caching::NoStore,
            )
            .await
        }
        Err(err) => refusal(err),
    }
}

pub async fn zip(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let found = async {
        let share = open(&state, &token, &headers, true).await?;
        let rows = visit::all_members(&state.db, &share, archive::ZIP_MAX_IMAGES).await?;
        if rows.is_empty() {
            return Err(AppError::NotFound);
        }
        if rows.len() > archive::ZIP_MAX_IMAGES {
            return Err(AppError::BadRequest(format!(
                "a ZIP holds at most {} images; download them one by one",
                archive::ZIP_MAX_IMAGES
            )));
        }
        Ok((share.id, rows))
    }
    .await;
    match found {
        Ok((share_id, rows)) => {
            visit::count(&state.db, share_id, Count::Download);
            let name = format!("shared-{}-images.zip", rows.len());
            zip_response(
                &state,
                archive::items_of(rows, archive::display_file),
                &name,
            )
        }
        Err(err) => refusal(err),
    }
}

/// The link `token` if it is open to this request (and allows downloads,
/// when `download`); otherwise "not found", whatever the reason.
async fn open(
    state: &AppState,
    token: &str,
    headers: &HeaderMap,
    download: bool,
) -> Result<share::Model, AppError> {
    let share = visit::resolve(&state.db, token).await?;
    if !visit::may_see(&state.secret_key, &share, headers) || (download && !share.allow_download) {
        return Err(AppError::NotFound);
    }
    Ok(share)
}

async fn member(
    state: &AppState,
    share: &share::Model,
    id: &str,
) -> Result<image::Model, AppError> {
    let id = id.parse::<i32>().map_err(|_| AppError::NotFound)?;
    visit::member(&state.db, share, id).await
}

fn refusal(err: AppError) -> Response {
    match err {
        AppError::NotFound => not_found(),
        AppError::BadRequest(_) => (err.status(), err.to_string()).into_response(),
        err => {
            tracing::error!(%err, "serving a share link failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
