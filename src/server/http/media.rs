//! `GET /media/<key>/<file>`: an image's files, to its owner only. Anyone
//! else, logged in or not, gets 404, exactly as for a key that does not
//! exist, and so does an image in the trash. `GET /images/<id>/download/`:
//! the same file as an attachment with a name made from the image's. With
//! `MEDIA_ACCEL_REDIRECT` set, nginx sends the bytes.

use axum::{
    body::Body,
    extract::{Path, Request, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::{
    entities::image,
    error::AppError,
    model::{
        image::{StoredFormat, Variant},
        user::CurrentUser,
    },
    server::{
        library::{
            self, archive,
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
        Ok(Some(content_type)) => {
            respond(&state, &key, &file, content_type, None, Caching::Immutable).await
        }
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
        .filter(image::Column::DeletedAt.is_null())
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

pub(super) fn content_type(file: &str) -> &'static str {
    match file.rsplit('.').next() {
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        _ => "image/jpeg",
    }
}

/// `GET /images/<id>/download/`: the original when it was kept, else the
/// display copy, as an attachment named after the image.
pub async fn download(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: Request,
) -> Response {
    let user = req.extensions().get::<CurrentUser>();
    let model = match own_image(&state, user, &id, library::find_own).await {
        Ok(model) => model,
        Err(res) => return res,
    };
    let file = archive::download_file(&model);
    let extension = file.rsplit('.').next().unwrap_or("jpg");
    let disposition = attachment(&model.name, extension);
    respond(
        &state,
        &model.file_key,
        &file,
        content_type(&file),
        Some(disposition),
        Caching::Revalidate,
    )
    .await
}

/// `GET /trash/<id>/thumb/`: the small thumbnail of an image in the
/// owner's trash, so the trash page can show what it holds.
pub async fn trashed_thumb(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: Request,
) -> Response {
    let user = req.extensions().get::<CurrentUser>();
    let model = match own_image(&state, user, &id, library::trash::find_trashed).await {
        Ok(model) => model,
        Err(res) => return res,
    };
    let file = Variant::Thumb400.file_name(StoredFormat::from_column(&model.format));
    respond(
        &state,
        &model.file_key,
        &file,
        content_type(&file),
        None,
        Caching::Immutable,
    )
    .await
}

/// The image `id` found by `find` for the logged-in user, or the response
/// to give instead: 404 for anyone else, a bad id or none, 500 on failure.
async fn own_image<'a, Fut>(
    state: &'a AppState,
    user: Option<&CurrentUser>,
    id: &str,
    find: impl FnOnce(&'a sea_orm::DatabaseConnection, i32, i32) -> Fut,
) -> Result<image::Model, Response>
where
    Fut: std::future::Future<Output = Result<image::Model, AppError>>,
{
    let (Some(user), Ok(id)) = (user, id.parse::<i32>()) else {
        return Err(not_found());
    };
    match find(&state.db, user.id, id).await {
        Ok(model) => Ok(model),
        Err(AppError::NotFound) => Err(not_found()),
        Err(err) => {
            tracing::error!(%err, "image lookup failed");
            Err(StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
    }
}

/// `Content-Disposition: attachment` with a file name made safe from the
/// image's name: an ASCII `filename` for old clients and the UTF-8 name in
/// `filename*` (RFC 6266).
pub(super) fn attachment(name: &str, extension: &str) -> HeaderValue {
    let file = format!("{}.{extension}", archive::safe_stem(name));
    let ascii: String = file
        .chars()
        .map(|c| if c.is_ascii() { c } else { '_' })
        .collect();
    let encoded: String = file
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// How long a browser may keep a media response.
#[derive(Clone, Copy)]
pub(super) enum Caching {
    /// An owner's copy: a key's files never change (an edit changes the
    /// row, not the files), so the browser may keep them, for this user only.
    Immutable,
    /// Ask again each time (a download's name follows the image's).
    Revalidate,
    /// Never kept: under a share link, whose revoking must cut the bytes
    /// off at the next request.
    NoStore,
}

impl Caching {
    fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Caching::Immutable => "private, max-age=31536000, immutable",
            Caching::Revalidate => "private, no-cache",
            Caching::NoStore => "private, no-store",
        })
    }
}

pub(super) async fn respond(
    state: &AppState,
    key: &str,
    file: &str,
    content_type: &'static str,
    disposition: Option<HeaderValue>,
    caching: Caching,
) -> Response {
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
    if let Some(disposition) = disposition {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    headers.insert(header::CACHE_CONTROL, caching.header());
    res
}

pub(super) fn not_found() -> Response {
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

#[cfg(test)]
mod tests {
    use super::attachment;

    #[test]
    fn attachment_names_are_safe() {
        let value = |name: &str| attachment(name, "jpg").to_str().unwrap().to_owned();
        assert_eq!(
            value("Sunset"),
            r#"attachment; filename="Sunset.jpg"; filename*=UTF-8''Sunset.jpg"#
        );
        assert_eq!(
            value("../../etc/passwd\"\r\n"),
            r#"attachment; filename="etc_passwd.jpg"; filename*=UTF-8''etc_passwd.jpg"#
        );
        assert_eq!(
            value("Café à Paris"),
            r#"attachment; filename="Caf_ _ Paris.jpg"; filename*=UTF-8''Caf%C3%A9%20%C3%A0%20Paris.jpg"#
        );
        assert_eq!(
            value("///"),
            r#"attachment; filename="image.jpg"; filename*=UTF-8''image.jpg"#
        );
    }
}
