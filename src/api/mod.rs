//! Every server function, grouped by domain. Pages and components call
//! these; each is a few lines over [`with_ctx`] or [`with_user`], which do
//! the request context, the login check and the error's HTTP status in one
//! place, then hand over to a service in `crate::server`.
//!
//! A function behind a form answers with a [`FormSuccess`]: where the
//! browser goes next. The same function serves the plain post of a browser
//! without JavaScript (`crate::server::http::forms`), so a form is one
//! server function and one page.

pub mod accounts;
pub mod activity;
pub mod admin;
pub mod albums;
pub mod call;
pub mod images;
pub mod shares;
pub mod trash;
pub mod two_factor;

use crate::model::image::ImageCard;
#[cfg(feature = "ssr")]
use crate::{error::AppError, model::user::CurrentUser, server::request::RequestCtx};

/// What a form's server function answers on success.
pub trait FormSuccess {
    /// The page to show next.
    fn next_url(&self) -> String;
}

impl FormSuccess for String {
    fn next_url(&self) -> String {
        self.clone()
    }
}

impl FormSuccess for ImageCard {
    fn next_url(&self) -> String {
        self.page_url()
    }
}

/// Runs a server function's body with the request's context. An error
/// answers with its own HTTP status.
#[cfg(feature = "ssr")]
pub(crate) async fn with_ctx<T, Fut>(body: impl FnOnce(RequestCtx) -> Fut) -> Result<T, AppError>
where
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    let result = match RequestCtx::current() {
        // Boxed: a resource moves its future several times while it sets
        // it up, and the body's (database calls and all) is kilobytes.
        Ok(ctx) => Box::pin(body(ctx)).await,
        Err(err) => Err(err),
    };
    if let Err(err) = &result {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(err.status());
            if let Some((name, value)) = err.retry_after_header() {
                response.insert_header(name, value);
            }
        }
    }
    result
}

/// [`with_ctx`] for a logged-in user only; anyone else gets 401, and a
/// user who must set up two-factor login first (`REQUIRE_2FA`) 403.
#[cfg(feature = "ssr")]
pub(crate) async fn with_user<T, Fut>(
    body: impl FnOnce(RequestCtx, CurrentUser) -> Fut,
) -> Result<T, AppError>
where
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    with_user_in_setup(|ctx, user| async move {
        if user.must_set_up_two_factor {
            return Err(AppError::form(
                403,
                "This server requires two-factor login: turn it on first.",
            ));
        }
        body(ctx, user).await
    })
    .await
}

/// [`with_user`] that lets a user who must still set up two-factor login
/// through: the account and setup pages' own functions.
#[cfg(feature = "ssr")]
pub(crate) async fn with_user_in_setup<T, Fut>(
    body: impl FnOnce(RequestCtx, CurrentUser) -> Fut,
) -> Result<T, AppError>
where
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    with_ctx(|ctx| async move {
        let user = ctx.require_user()?.clone();
        body(ctx, user).await
    })
    .await
}

/// [`with_user`] for an admin only; anyone else gets 404, as if there were
/// no such page.
#[cfg(feature = "ssr")]
pub(crate) async fn with_admin<T, Fut>(
    body: impl FnOnce(RequestCtx, CurrentUser) -> Fut,
) -> Result<T, AppError>
where
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    with_user(|ctx, user| async move {
        if !user.is_admin {
            return Err(AppError::NotFound);
        }
        body(ctx, user).await
    })
    .await
}
