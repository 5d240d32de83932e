//! Albums: list, show, create, edit, delete; add and remove images; cover.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    api::{images::local_path_or, with_user},
    model::album::album_url,
    server::library::albums,
};
use crate::{
    error::AppError,
    model::album::{AlbumCard, AlbumChoice},
};

/// The current user's albums, newest first, with counts and covers.
#[server(prefix = "/api", endpoint = "list_albums")]
pub async fn list_albums() -> Result<Vec<AlbumCard>, AppError> {
    with_user(|ctx, user| async move { albums::cards(&ctx.state.db, user.id, None).await }).await
}

/// One of the current user's albums.
#[server(prefix = "/api", endpoint = "get_album")]
pub async fn get_album(id: i32) -> Result<AlbumCard, AppError> {
    with_user(|ctx, user| async move { albums::card_of(&ctx.state.db, user.id, id).await }).await
}

/// The user's albums, each saying whether it holds `image` (0: none).
#[server(prefix = "/api", endpoint = "album_choices")]
pub async fn album_choices(image: i32) -> Result<Vec<AlbumChoice>, AppError> {
    with_user(|ctx, user| async move {
        albums::choices(&ctx.state.db, user.id, (image != 0).then_some(image)).await
    })
    .await
}

/// Makes an album; answers its page.
#[server(prefix = "/api", endpoint = "create_album")]
pub async fn create_album(name: String, description: String) -> Result<String, AppError> {
    with_user(|ctx, user| async move {
        let album = albums::create(&ctx.state.db, user.id, &name, &description).await?;
        Ok(album_url(album.id))
    })
    .await
}

/// Renames or re-describes an album; answers its page.
#[server(prefix = "/api", endpoint = "update_album")]
pub async fn update_album(id: i32, name: String, description: String) -> Result<String, AppError> {
    with_user(|ctx, user| async move {
        albums::update(&ctx.state.db, user.id, id, &name, &description).await?;
        Ok(album_url(id))
    })
    .await
}

/// Deletes an album (its images stay); answers the albums page.
#[server(prefix = "/api", endpoint = "delete_album")]
pub async fn delete_album(id: i32) -> Result<String, AppError> {
    with_user(|ctx, user| async move {
        albums::delete(&ctx.state.db, user.id, id).await?;
        Ok("/albums/".to_owned())
    })
    .await
}

/// Puts one image in an album; answers `back` (a page of ours) or the album.
#[server(prefix = "/api", endpoint = "add_to_album")]
pub async fn add_to_album(
    album: i32,
    image: i32,
    #[server(default)] back: String,
) -> Result<String, AppError> {
    with_user(|ctx, user| async move {
        albums::add_images(&ctx.state.db, user.id, album, &[image]).await?;
        Ok(local_path_or(&back, &album_url(album)))
    })
    .await
}

/// Takes one image out of an album; answers `back` or the album.
#[server(prefix = "/api", endpoint = "remove_from_album")]
pub async fn remove_from_album(
    album: i32,
    image: i32,
    #[server(default)] back: String,
) -> Result<String, AppError> {
    with_user(|ctx, user| async move {
        albums::remove_images(&ctx.state.db, user.id, album, &[image]).await?;
        Ok(local_path_or(&back, &album_url(album)))
    })
    .await
}

/// Makes one of the album's images its cover; answers `back` or the album.
#[server(prefix = "/api", endpoint = "set_album_cover")]
pub async fn set_album_cover(
    album: i32,
    image: i32,
    #[server(default)] back: String,
) -> Result<String, AppError> {
    with_user(|ctx, user| async move {
        albums::set_cover(&ctx.state.db, user.id, album, image).await?;
        Ok(local_path_or(&back, &album_url(album)))
    })
    .await
}
