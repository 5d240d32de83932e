//! Sign up, log in, log out, change the password, storage used.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    api::{with_ctx, with_user},
    server::{accounts, invitations, library::quota},
};
use crate::{
    error::AppError,
    model::{signup::SignupStatus, user::StorageUsage},
};

/// Creates the account and logs it in; answers where to go next.
#[server(prefix = "/api", endpoint = "register")]
pub async fn register(
    username: String,
    password: String,
    password_confirm: String,
    #[server(default)] invite: String,
) -> Result<String, AppError> {
    with_ctx(|ctx| async move {
        accounts::register(&ctx, &username, &password, &password_confirm, &invite).await?;
        Ok("/upload/".to_owned())
    })
    .await
}

/// Whether the sign-up page takes a sign-up, with `invite` (the token of
/// an invitation link, or empty).
#[server(prefix = "/api", endpoint = "check_signup")]
pub async fn check_signup(#[server(default)] invite: String) -> Result<SignupStatus, AppError> {
    with_ctx(|ctx| async move {
        invitations::status(&ctx.state.db, ctx.state.config.signup, invite.trim()).await
    })
    .await
}

/// Logs in; answers where to go next (`next` if it is a path on this site).
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<String, AppError> {
    with_ctx(|ctx| async move {
        accounts::log_in(&ctx, &username, &password).await?;
        Ok(accounts::safe_next(
            next.as_deref().filter(|n| !n.is_empty()),
        ))
    })
    .await
}

/// Ends the session; answers the start page.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<String, AppError> {
    with_ctx(|ctx| async move {
        accounts::log_out(&ctx).await?;
        Ok("/".to_owned())
    })
    .await
}

/// Changes the password; this session stays, the user's others end.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    old_password: String,
    new_password: String,
    new_password_confirm: String,
) -> Result<String, AppError> {
    with_ctx(|ctx| async move {
        accounts::change_password(&ctx, &old_password, &new_password, &new_password_confirm)
            .await?;
        Ok("/password/done/".to_owned())
    })
    .await
}

/// What the current user stores, against their quota.
#[server(prefix = "/api", endpoint = "storage_used")]
pub async fn storage_used() -> Result<StorageUsage, AppError> {
    with_user(|ctx, user| async move {
        let default = ctx.state.library.default_quota;
        quota::usage(&ctx.state.db, user.id, default).await
    })
    .await
}
