//! One action on a selection of the user's images, in one transaction:
//! move to the trash, add to an album, remove from an album. Any id that is
//! not the user's (or not in the gallery) makes it "not found" and changes
//! nothing.

use sea_orm::DatabaseConnection;

use super::{albums, trash};
use crate::{error::AppError, model::gallery::BulkAction};

pub async fn apply(
    db: &DatabaseConnection,
    user_id: i32,
    action: BulkAction,
    ids: &[i32],
) -> Result<(), AppError> {
    if ids.is_empty() {
        return Err(AppError::BadRequest("select at least one image".into()));
    }
    match action {
        BulkAction::Trash => trash::trash(db, user_id, ids).await,
        BulkAction::AddToAlbum(album) => albums::add_images(db, user_id, album, ids).await,
        BulkAction::RemoveFromAlbum(album) => albums::remove_images(db, user_id, album, ids).await,
    }
}
