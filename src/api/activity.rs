//! The activity log: a user's own, and everyone's for admins.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    api::{with_admin, with_user},
    server::activity::{self, Filter},
};
use crate::{error::AppError, model::activity::ActivityView};

#[cfg(feature = "ssr")]
fn kept_days(ctx: &crate::server::request::RequestCtx) -> u64 {
    ctx.state.config.audit_retention.as_secs() / 86_400
}

/// The current user's own entries, newest first.
#[server(prefix = "/api", endpoint = "my_activity")]
pub async fn my_activity(#[server(default)] page: u64) -> Result<ActivityView, AppError> {
    with_user(|ctx, user| async move {
        let filter = Filter {
            user_id: Some(user.id),
            ..Default::default()
        };
        let mut view = activity::list(&ctx.state.db, &filter, page, kept_days(&ctx)).await?;
        // The kinds are the admin page's filter.
        view.kinds.clear();
        Ok(view)
    })
    .await
}

/// Everyone's entries, filtered by username and kind (admins only).
#[server(prefix = "/api", endpoint = "all_activity")]
pub async fn all_activity(
    #[server(default)] user: String,
    #[server(default)] kind: String,
    #[server(default)] page: u64,
) -> Result<ActivityView, AppError> {
    with_admin(|ctx, _| async move {
        let filter = Filter {
            user_id: None,
            username: user,
            kind,
        };
        activity::list(&ctx.state.db, &filter, page, kept_days(&ctx)).await
    })
    .await
}
