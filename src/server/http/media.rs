//! `GET /media/<key>/<file>`: an image's files, to its owner only. Anyone
//! else, logged in or not, gets 404, exactly as for a key that does not
//! exist, and so does an image in the trash. `GET /images/<id>/download/`:
//! the same file as an attachment with a name made from the image's. With
//! `MEDIA_ACCEL_REDIRECT` set, nginx sends the bytes.

use axum::{
    body::Body,
    extract::{Path, Request, State},
    http::{
        header::{self, InvalidHeaderValue},
        HeaderValue, StatusCode,
    },
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
            storage::{self, is_valid_file_name, is_valid_key, StoreError},
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
        Ok(true) => match not_modified(&req, &key, &file) {
            Some(res) => res,
            None => respond(&state, &key, &file, None, Caching::Private).await,
        },
        Ok(false) => not_found(),
        Err(err) => {
            tracing::error!(%err, "media lookup failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Whether the current user owns `key` and the image has such a file.
async fn find(
    state: &AppState,
    key: &str,
    file: &str,
    user: Option<&CurrentUser>,
) -> Result<bool, sea_orm::DbErr> {
    let Some(user) = user else { return Ok(false) };
    if !is_valid_key(key) || !is_valid_file_name(file) {
        return Ok(false);
    }
    let Some(row) = image::Entity::find()
        .filter(image::Column::FileKey.eq(key))
        .filter(image::Column::UserId.eq(user.id))
        .filter(image::Column::DeletedAt.is_null())
        .one(&state.db)
        .await?
    else {
        return Ok(false);
    };
    if !stored_file_names(&row).iter().any(|name| name == file) {
        return Ok(false);
    }
    Ok(true)
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
    respond(
        &state,
        &model.file_key,
        &file,
        Some(&model.name),
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
    if let Some(res) = not_modified(&req, &model.file_key, &file) {
        return res;
    }
    respond(&state, &model.file_key, &file, None, Caching::Private).await
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
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Caching {
    /// An owner's copy: kept by the browser, for this user only, but asked
    /// about each time, so that after logout or delete a shared computer's
    /// cache shows nothing (the answer is then 404). A key's files never
    /// change (an edit changes the row), so the app's answers carry an
    /// ETag naming key and file and a match is a 304; nginx answers for its
    /// own ETags (the folder's, or the bucket's).
    Private,
    /// Ask again each time (a download's name follows the image's).
    Revalidate,
    /// Never kept: under a share link, whose revoking must cut the bytes
    /// off at the next request.
    NoStore,
}

impl Caching {
    fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Caching::Private | Caching::Revalidate => "private, no-cache",
            Caching::NoStore => "private, no-store",
        })
    }
}

/// The ETag of the app's own answers for `file` of image `key`.
fn etag(key: &str, file: &str) -> String {
    format!("\"{key}-{file}\"")
}

/// A 304 when the request's `If-None-Match` names this file's ETag (asked
/// only once the user is known to own it).
fn not_modified(req: &Request, key: &str, file: &str) -> Option<Response> {
    let tag = etag(key, file);
    let asked = req.headers().get(header::IF_NONE_MATCH)?.to_str().ok()?;
    let matches = asked
        .split(',')
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == tag || t == "*");
    if !matches {
        return None;
    }
    let mut res = StatusCode::NOT_MODIFIED.into_response();
    let headers = res.headers_mut();
    headers.insert(header::CACHE_CONTROL, Caching::Private.header());
    if let Ok(value) = HeaderValue::from_str(&tag) {
        headers.insert(header::ETAG, value);
    }
    Some(res)
}

/// The response for `file` of image `key`: the bytes, or with
/// `MEDIA_ACCEL_REDIRECT` set, the place nginx sends them from (the folder,
/// or a presigned URL of the bucket in `X-Media-Url`). `download`: the
/// image's name, to send it as an attachment.
pub(super) async fn respond(
    state: &AppState,
    key: &str,
    file: &str,
    download: Option<&str>,
    caching: Caching,
) -> Response {
    let content_type = storage::content_type(file);
    let disposition =
        download.map(|name| attachment(name, file.rsplit('.').next().unwrap_or("jpg")));
    let store = &state.library.storage;
    let body = match &state.config.media_accel_redirect {
        Some(prefix) => accel_redirect(state, prefix, key, file, content_type).await,
        None => match store.open(key, file).await {
            Ok(Some((size, bytes))) => {
                let mut res = Response::new(Body::from_stream(bytes));
                res.headers_mut()
                    .insert(header::CONTENT_LENGTH, HeaderValue::from(size));
                if caching == Caching::Private {
                    if let Ok(tag) = HeaderValue::from_str(&etag(key, file)) {
                        res.headers_mut().insert(header::ETAG, tag);
                    }
                }
                Ok(res)
            }
            Ok(None) => Err(MediaFailure::Missing),
            Err(err) => Err(MediaFailure::Store(err)),
        },
    };
    let mut res = match body {
        Ok(res) => res,
        Err(MediaFailure::Missing) => {
            tracing::error!(key, file, "an image's file is missing from storage");
            return not_found();
        }
        Err(MediaFailure::Store(err)) => {
            tracing::error!(%err, key, file, "reading an image file failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        Err(MediaFailure::Header(err)) => {
            tracing::error!(%err, key, file, "a media header could not be made");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
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

/// Why a media response has no bytes to send.
enum MediaFailure {
    /// The row names a file the store does not have.
    Missing,
    Store(StoreError),
    /// A header value (the internal path or the presigned URL) was refused.
    Header(InvalidHeaderValue),
}

/// An empty response telling nginx where the bytes are. nginx keeps this
/// answer's Cache-Control and Content-Disposition; for a bucket, the
/// presigned URL also names the Content-Type S3 must answer with.
async fn accel_redirect(
    state: &AppState,
    prefix: &str,
    key: &str,
    file: &str,
    content_type: &'static str,
) -> Result<Response, MediaFailure> {
    let mut res = Response::new(Body::empty());
    let target =
        HeaderValue::from_str(&format!("{prefix}{key}/{file}")).map_err(MediaFailure::Header)?;
    res.headers_mut().insert("x-accel-redirect", target);
    let overrides = [("response-content-type", content_type)];
    if let Some(url) = state
        .library
        .storage
        .presigned_get(key, file, &overrides)
        .await
        .map_err(MediaFailure::Store)?
    {
        let url = HeaderValue::from_str(url.as_str()).map_err(MediaFailure::Header)?;
        res.headers_mut().insert("x-media-url", url);
    }
    Ok(res)
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
