//! `POST /upload/`: one image (multipart: `name`, `description`, `image`).
//!
//! The size limit is enforced while the body streams in: a declared
//! `Content-Length` over it is refused before reading, and reading stops as
//! soon as the file passes it (413). A browser without JavaScript gets a
//! redirect or the form again with its errors; the uploader island sends
//! `Accept: application/json` and gets JSON (the new image, or an
//! `AppError`). A file over 256 KiB is spooled to a temporary file as it
//! arrives (`library::spool`), and a user has at most two uploads under way
//! (429 past that).

use axum::{
    extract::{FromRequest, Multipart, Request, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Json,
};

use super::forms;
use crate::{
    api::images::UploadImage,
    components::form::{form_key, FormFeedback},
    error::AppError,
    model::{
        album::album_url,
        image::{validate_fields, DESCRIPTION_MAX},
        user::CurrentUser,
    },
    server::{
        library::{
            self,
            in_flight::UPLOADS_PER_USER,
            spool::{Spool, UploadedFile},
        },
        state::AppState,
    },
};

/// Room for the text fields and multipart framing beside the file.
pub const FORM_OVERHEAD: u64 = 256 * 1024;
const TEXT_FIELD_MAX_BYTES: usize = 64 * 1024;

struct UploadForm {
    name: String,
    description: String,
    /// The album to put the image in, if any.
    album: Option<i32>,
    image: Option<UploadedFile>,
}

pub async fn upload(State(state): State<AppState>, req: Request) -> Response {
    let wants_json = wants_json(req.headers());
    let (parts, body) = req.into_parts();
    // The text fields as they were read, for the page to show again.
    let mut typed = Vec::new();
    let result = async {
        let user = parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or(AppError::Unauthenticated)?;
        // Before a byte of the body is read.
        let _slot = state.library.uploads.try_begin(user.id).ok_or_else(|| {
            AppError::form(
                429,
                format!("You have {UPLOADS_PER_USER} uploads under way. Wait for one to finish, then try again."),
            )
        })?;
        let form = read_form(&state, Request::from_parts(parts.clone(), body), &mut typed).await?;
        let image = form.image.filter(|b| !b.is_empty());
        let Some(image) = image else {
            let mut errors = validate_fields(&form.name, &form.description);
            errors.add(
                "image",
                "Please choose an image file (JPEG, PNG, GIF or WebP).",
            );
            return Err(AppError::Form {
                status: 400,
                errors,
            });
        };
        if let Some(album) = form.album {
            // Before the bytes are processed: someone else's album is "not
            // found", like everywhere else.
            library::albums::find_own(&state.db, user.id, album).await?;
        }
        let new_image = library::NewImage {
            user_id: user.id,
            name: &form.name,
            description: &form.description,
            legacy_id: None,
            within_quota: true,
        };
        let model = library::create(&state.db, &state.library, new_image, image).await?;
        if let Some(album) = form.album {
            // The image is kept even if this fails; it is then in the
            // gallery only, and the error says so.
            library::albums::add_images(&state.db, user.id, album, &[model.id]).await?;
        }
        Ok((model, form.album))
    }
    .await;

    match (result, wants_json) {
        (Ok((model, _)), true) => {
            (StatusCode::CREATED, Json(library::card(&model))).into_response()
        }
        (Ok((_, Some(album))), false) => Redirect::to(&album_url(album)).into_response(),
        (Ok((_, None)), false) => Redirect::to("/images/").into_response(),
        (Err(err), true) => err.into_response(),
        (Err(AppError::Unauthenticated), false) => {
            Redirect::to("/login/?next=%2Fupload%2F").into_response()
        }
        (Err(err), false) => {
            // What was typed comes back; the file cannot (browsers forbid it).
            let feedback = FormFeedback {
                form: form_key::<UploadImage>().to_owned(),
                values: typed,
                error: Some(err),
            };
            forms::render(state, parts, feedback).await
        }
    }
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

/// Reads the form; each text field, once read, is also put into `typed`
/// (so it comes back even when a later part of the form fails).
async fn read_form(
    state: &AppState,
    req: Request,
    typed: &mut Vec<(String, String)>,
) -> Result<UploadForm, AppError> {
    let max = state.library.limits.max_bytes;
    let too_large = || {
        AppError::field(
            413,
            "image",
            format!(
                "The file is too large: the limit is {} MiB.",
                max as f64 / (1024.0 * 1024.0)
            ),
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > max + FORM_OVERHEAD) {
        return Err(too_large());
    }
    let mut multipart = Multipart::from_request(req, state).await.map_err(|e| {
        AppError::BadRequest(format!("expected a multipart form ({})", e.body_text()))
    })?;

    let mut form = UploadForm {
        name: String::new(),
        description: String::new(),
        album: None,
        image: None,
    };
    let bad_body = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            AppError::BadRequest(format!("the form could not be read ({})", e.body_text()))
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(bad_body)? {
        let field_name = field.name().unwrap_or_default().to_owned();
        match field_name.as_str() {
            "image" => {
                let mut spool = Spool::default();
                let spool_failed = |e| AppError::internal("spooling an upload", e);
                while let Some(chunk) = field.chunk().await.map_err(bad_body)? {
                    if spool.len() + chunk.len() as u64 > max {
                        return Err(too_large());
                    }
                    spool.push(&chunk).map_err(spool_failed)?;
                }
                form.image = Some(spool.finish().map_err(spool_failed)?);
            }
            "name" | "description" | "album" => {
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(bad_body)? {
                    if bytes.len() + chunk.len() > TEXT_FIELD_MAX_BYTES {
                        return Err(AppError::field(
                            400,
                            &field_name,
                            format!("This is far too long (at most {DESCRIPTION_MAX} characters)."),
                        ));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                let text = String::from_utf8(bytes)
                    .map_err(|_| AppError::field(400, &field_name, "This must be UTF-8 text."))?;
                typed.push((field_name.clone(), text.clone()));
                match field_name.as_str() {
                    "name" => form.name = text,
                    "description" => form.description = text,
                    _ if text.trim().is_empty() => form.album = None,
                    _ => {
                        form.album = Some(text.trim().parse().map_err(|_| {
                            AppError::field(400, "album", "Choose an album from the list.")
                        })?)
                    }
                }
            }
            // Unknown fields are read and ignored.
            _ => while field.chunk().await.map_err(bad_body)?.is_some() {},
        }
    }
    Ok(form)
}
