//! The trash: list, restore, delete forever, empty.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    api::with_user,
    server::{
        activity::{self, Kind},
        library,
    },
};
use crate::{error::AppError, model::trash::TrashPage};

/// One page of the current user's trash, most recently trashed first.
#[server(prefix = "/api", endpoint = "list_trash")]
pub async fn list_trash(page: u64) -> Result<TrashPage, AppError> {
    with_user(|ctx, user| async move {
        let keep = ctx.state.config.trash_retention;
        library::trash::list(&ctx.state.db, user.id, page, keep).await
    })
    .await
}

/// Puts a trashed image back in the gallery; answers the trash.
#[server(prefix = "/api", endpoint = "restore_image")]
pub async fn restore_image(id: i32) -> Result<String, AppError> {
    with_user(|ctx, user| async move {
        library::trash::restore(&ctx.state.db, user.id, id).await?;
        Ok("/trash/".to_owned())
    })
    .await
}

/// Deletes a trashed image and its files for good; answers the trash.
#[server(prefix = "/api", endpoint = "delete_forever")]
pub async fn delete_forever(id: i32) -> Result<String, AppError> {
    with_user(|ctx, user| async move {
        library::trash::delete_forever(&ctx.state.db, &ctx.state.library, user.id, id).await?;
        let entry = ctx.activity(Kind::TrashEmptied).detail("1 image");
        activity::record(&ctx.state.db, entry).await;
        Ok("/trash/".to_owned())
    })
    .await
}

/// Deletes everything in the user's trash for good; answers the trash.
#[server(prefix = "/api", endpoint = "empty_trash")]
pub async fn empty_trash() -> Result<String, AppError> {
    with_user(|ctx, user| async move {
        let deleted = library::trash::empty(&ctx.state.db, &ctx.state.library, user.id).await?;
        let entry = ctx.activity(Kind::TrashEmptied);
        activity::record(&ctx.state.db, entry.detail(format!("{deleted} images"))).await;
        Ok("/trash/".to_owned())
    })
    .await
}
