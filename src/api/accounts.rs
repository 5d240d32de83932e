//! Sign up, log in, log out, change the password, storage used.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    api::{with_ctx, with_user},
    model::account::TWO_FACTOR_SETUP_PATH,
    server::{
        accounts::{self, LoginStep},
        http::layers::url_encode,
        invitations,
        library::quota,
    },
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
        let next = accounts::safe_next(next.as_deref().filter(|n| !n.is_empty()));
        Ok(match accounts::log_in(&ctx, &username, &password).await? {
            LoginStep::LoggedIn => next,
            LoginStep::MustSetUpTwoFactor => TWO_FACTOR_SETUP_PATH.to_owned(),
            LoginStep::NeedsCode => format!("/login/code/?next={}", url_encode(&next)),
        })
    })
    .await
}

/// The code step of a two-factor login; answers where to go next.
#[server(prefix = "/api", endpoint = "login_code")]
pub async fn login_code(code: String, next: Option<String>) -> Result<String, AppError> {
    with_ctx(|ctx| async move {
        accounts::log_in_with_code(&ctx, &code).await?;
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
