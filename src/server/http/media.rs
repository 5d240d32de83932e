//! `GET /media/<key>/<file>`: an image's files, to its owner only. Anyone
//! else, logged in or not, gets 404, exactly as for a key that does not
//! exist. With `MEDIA_ACCEL_REDIRECT` set, nginx sends the bytes.

use axum::{
    body::Body,
    extract::{Path, Request, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::{
    entities::image,
    model::user::CurrentUser,
    server::{
        library::{
            storage::{is_valid_file_name, is_valid_key},
            stored_file_names,
        },
        state::AppState,
    },
};

pub async fn serve(
    State(state): State<AppState>,
    Path((key, file)): Path<(String, String)>,
    req: Request,
) -> Response {
    match find(&state, &key, &file, req.extensions().get::<CurrentUser>()).await {
        Ok(Some(content_type)) => respond(&state, &key, &file, content_type).await,
        Ok(None) => not_found(),
        Err(err) => {
            tracing::error!(%err, "media lookup failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The Content-Type of `file` when the current user owns `key` and the
/// image has such a file.
async fn find(
    state: &AppState,
    key: &str,
    file: &str,
    user: Option<&CurrentUser>,
) -> Result<Option<&'static str>, sea_orm::DbErr> {
    let Some(user) = user else { return Ok(None) };
    if !is_valid_key(key) || !is_valid_file_name(file) {
        return Ok(None);
    }
    let Some(row) = image::Entity::find()
        .filter(image::Column::FileKey.eq(key))
        .filter(image::Column::UserId.eq(user.id))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    if !stored_file_names(&row).iter().any(|name| name == file) {
        return Ok(None);
    }
    Ok(Some(content_type(file)))
}

fn content_type(file: &str) -> &'static str {
    match file.rsplit('.').next() {
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        _ => "image/jpeg",
    }
}

async fn respond(state: &AppState, key: &str, file: &str, content_type: &'static str) -> Response {
    let mut res = if let Some(prefix) = &state.config.media_accel_redirect {
        let mut res = Response::new(Body::empty());
        if let Ok(v) = HeaderValue::from_str(&format!("{prefix}{key}/{file}")) {
            res.headers_mut().insert("x-accel-redirect", v);
        }
        res
    } else {
        match state.library.storage.get(key, file).await {
            Ok(Some(bytes)) => Response::new(Body::from(bytes)),
            Ok(None) => {
                tracing::error!(key, file, "an image's file is missing from storage");
                return not_found();
            }
            Err(err) => {
                tracing::error!(%err, key, file, "reading an image file failed");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        }
    };
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    // A key's files never change (an edit changes the row, not the files):
    // the browser may keep them, but only for this user.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=31536000, immutable"),
    );
    res
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        "Not found\n",
    )
        .into_response()
}
