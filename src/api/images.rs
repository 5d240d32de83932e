//! The gallery: list, show, edit and delete the user's own images. (Uploads
//! are a multipart post, `crate::server::http::upload`.)

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{api::with_user, server::library};
use crate::{
    error::AppError,
    model::image::{GalleryPage, ImageCard},
};

/// One page of the current user's images, newest first.
#[server(prefix = "/api", endpoint = "list_images")]
pub async fn list_images(page: u64) -> Result<GalleryPage, AppError> {
    with_user(|ctx, user| async move { library::list(&ctx.state.db, user.id, page).await }).await
}

/// One of the current user's images; anyone else's is "not found".
#[server(prefix = "/api", endpoint = "get_image")]
pub async fn get_image(id: i32) -> Result<ImageCard, AppError> {
    with_user(|ctx, user| async move {
        Ok(library::card(
            &library::find_own(&ctx.state.db, user.id, id).await?,
        ))
    })
    .await
}

/// Renames or re-describes one of the user's images; answers it as saved.
#[server(prefix = "/api", endpoint = "update_image")]
pub async fn update_image(
    id: i32,
    name: String,
    description: String,
) -> Result<ImageCard, AppError> {
    with_user(|ctx, user| async move {
        let model = library::update(&ctx.state.db, user.id, id, &name, &description).await?;
        Ok(library::card(&model))
    })
    .await
}

/// Deletes one of the user's images and its files; answers the gallery.
#[server(prefix = "/api", endpoint = "delete_image")]
pub async fn delete_image(id: i32) -> Result<String, AppError> {
    with_user(|ctx, user| async move {
        library::delete(&ctx.state.db, &ctx.state.library, user.id, id).await?;
        Ok("/images/".to_owned())
    })
    .await
}

/// The upload form (`POST /upload/`, multipart, not a server function):
/// named here so the page and the handler find its feedback by this type.
pub struct UploadImage;
