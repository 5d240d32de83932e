//! What the gallery's selection bar sends without JavaScript (as an island, it
//! calls `api::images::bulk_images`), and the ZIP of a selection.
//!
//! - `POST /images/bulk/`: fields `action` (`trash`, `add`, `remove`,
//!   `new`, `share`: to the form for a link), `ids` (repeated), `album`, `in_album`, `new_album`, `back`.
//!   Success goes back to `back` (a new album: to its page).
//! - `GET /images/zip/?ids=…&ids=…`: a streamed ZIP of those images.

use std::net::IpAddr;

use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use tokio_util::io::ReaderStream;

use super::media::not_found;
use crate::{
    api::images::local_path_or,
    error::AppError,
    model::{gallery::BulkAction, share::ShareTarget, user::CurrentUser},
    server::{
        auth::client_ip::ClientIp,
        library::{archive, bulk},
        state::AppState,
    },
};

/// Far more than a page of ids.
const BODY_LIMIT: usize = 64 * 1024;
/// The pipe between the ZIP writer and the response.
const PIPE_BYTES: usize = 256 * 1024;

/// The selected ids and the other fields of a selection form or query.
struct Selection {
    ids: Vec<i32>,
    action: String,
    album: Option<i32>,
    in_album: Option<i32>,
    new_album: String,
    back: String,
}

fn selection(pairs: impl Iterator<Item = (String, String)>) -> Result<Selection, AppError> {
    let mut selection = Selection {
        ids: Vec::new(),
        action: String::new(),
        album: None,
        in_album: None,
        new_album: String::new(),
        back: String::new(),
    };
    for (name, value) in pairs {
        match name.as_str() {
            "ids" => {
                selection.ids.push(value.parse().map_err(|_| {
                    AppError::BadRequest("a selected image id is not a number".into())
                })?)
            }
            "action" => selection.action = value,
            "album" | "in_album" if !value.is_empty() => {
                let album =
                    Some(value.parse().map_err(|_| {
                        AppError::BadRequest("the album id is not a number".into())
                    })?);
                if name == "album" {
                    selection.album = album;
                } else {
                    selection.in_album = album;
                }
            }
            "back" => selection.back = value,
            "new_album" => selection.new_album = value,
            _ => {}
        }
    }
    Ok(selection)
}

pub async fn bulk_post(State(state): State<AppState>, req: Request) -> Response {
    let Some(user) = req.extensions().get::<CurrentUser>().cloned() else {
        return Redirect::to("/login/?next=%2Fimages%2F").into_response();
    };
    let address = req
        .extensions()
        .get::<ClientIp>()
        .map_or(IpAddr::from([127, 0, 0, 1]), |c| c.0);
    let result = async {
        let bytes = axum::body::to_bytes(req.into_body(), BODY_LIMIT)
            .await
            .map_err(|_| AppError::BadRequest("the form is too large".into()))?;
        let form = selection(form_urlencoded::parse(&bytes).into_owned())?;
        let back = local_path_or(&form.back, "/images/");
        if form.ids.is_empty() {
            // Nothing selected: nothing to do.
            return Ok(back);
        }
        if form.action == "share" {
            return Ok(ShareTarget::Images(form.ids).new_share_url());
        }
        let action =
            BulkAction::from_form(&form.action, form.album, form.in_album, &form.new_album)
                .ok_or_else(|| AppError::BadRequest("unknown action, or no album chosen".into()))?;
        let next = bulk::apply(&state.db, &user, address, action, &form.ids).await?;
        Ok(next.unwrap_or(back))
    }
    .await;
    match result {
        Ok(back) => Redirect::to(&back).into_response(),
        Err(AppError::NotFound) => not_found(),
        Err(err) => (err.status(), err.sentence()).into_response(),
    }
}

pub async fn zip(State(state): State<AppState>, req: Request) -> Response {
    let Some(user) = req.extensions().get::<CurrentUser>().cloned() else {
        return not_found();
    };
    let query = req.uri().query().unwrap_or_default().as_bytes();
    let items = match selection(form_urlencoded::parse(query).into_owned()) {
        Ok(form) => archive::zip_items(&state.db, user.id, &form.ids).await,
        Err(err) => Err(err),
    };
    let items = match items {
        Ok(items) => items,
        Err(AppError::NotFound) => return not_found(),
        Err(err) => return (err.status(), err.sentence()).into_response(),
    };
    let name = format!("cloudtalents-{}-images.zip", items.len());
    zip_response(&state, items, &name)
}

/// A ZIP of `items`, streamed as it is written, named `file_name` (ASCII).
pub(super) fn zip_response(
    state: &AppState,
    items: Vec<archive::ZipItem>,
    file_name: &str,
) -> Response {
    let (writer, reader) = tokio::io::duplex(PIPE_BYTES);
    let library = state.library.clone();
    tokio::spawn(async move {
        if let Err(err) = archive::write_zip(&library, items, writer).await {
            // The body ends early; the browser reports a failed download.
            tracing::error!(%err, "writing a ZIP failed");
        }
    });
    let mut res = Body::from_stream(ReaderStream::new(reader)).into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    *res.status_mut() = StatusCode::OK;
    res
}
