//! One action on a selection of the user's images, in one transaction:
//! move to the trash, add to an album, remove from an album, make a new
//! album of them. Any id that is not the user's (or not in the gallery)
//! makes it "not found" and changes nothing.

use std::net::IpAddr;

use sea_orm::DatabaseConnection;

use super::{albums, trash};
use crate::{
    error::AppError,
    model::{album::album_url, gallery::BulkAction, user::CurrentUser},
    server::activity::{self, Entry, Kind},
};

/// Answers the page to show next when it is not the one the selection was
/// made on: a new album's.
pub async fn apply(
    db: &DatabaseConnection,
    user: &CurrentUser,
    address: IpAddr,
    action: BulkAction,
    ids: &[i32],
) -> Result<Option<String>, AppError> {
    let user_id = user.id;
    if ids.is_empty() {
        return Err(AppError::BadRequest("select at least one image".into()));
    }
    match action {
        BulkAction::Trash => {
            trash::trash(db, user_id, ids).await?;
            let entry = Entry::new(Kind::ImagesTrashed, Some(user_id), &user.username);
            let detail = format!("{} images", ids.len());
            activity::record(db, entry.from(address).detail(detail)).await;
        }
        BulkAction::AddToAlbum(album) => albums::add_images(db, user_id, album, ids).await?,
        BulkAction::RemoveFromAlbum(album) => {
            albums::remove_images(db, user_id, album, ids).await?
        }
        BulkAction::NewAlbum(name) => {
            let album = albums::create_with_images(db, user_id, &name, ids).await?;
            return Ok(Some(album_url(album)));
        }
    }
    Ok(None)
}
