//! Two-factor login on the account pages: status, setup, the recovery
//! codes shown once, turning it off. Open to a user `REQUIRE_2FA` holds at
//! the setup page.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{api::with_user_in_setup, server::two_factor};
use crate::{
    error::AppError,
    model::account::{TwoFactorSetup, TwoFactorStatus},
};

#[server(prefix = "/api", endpoint = "two_factor_status")]
pub async fn get_two_factor_status() -> Result<TwoFactorStatus, AppError> {
    with_user_in_setup(|ctx, _| async move { two_factor::status(&ctx).await }).await
}

/// The key to add to an authenticator app (the same until confirmed).
#[server(prefix = "/api", endpoint = "two_factor_setup")]
pub async fn begin_two_factor_setup() -> Result<TwoFactorSetup, AppError> {
    with_user_in_setup(|ctx, _| async move { two_factor::setup(&ctx).await }).await
}

/// Confirms the key with a code and turns two-factor login on; answers the
/// page that shows the recovery codes.
#[server(prefix = "/api", endpoint = "enable_two_factor")]
pub async fn enable_two_factor(code: String) -> Result<String, AppError> {
    with_user_in_setup(|ctx, _| async move {
        two_factor::enable(&ctx, &code).await?;
        Ok("/account/two-factor/codes/".to_owned())
    })
    .await
}

/// The new recovery codes, once (empty after that).
#[server(prefix = "/api", endpoint = "fresh_recovery_codes")]
pub async fn fresh_recovery_codes() -> Result<Vec<String>, AppError> {
    with_user_in_setup(|ctx, _| async move { two_factor::take_fresh_codes(&ctx).await }).await
}

/// Turns two-factor login off (the password and a code); answers the
/// account page.
#[server(prefix = "/api", endpoint = "disable_two_factor")]
pub async fn disable_two_factor(password: String, code: String) -> Result<String, AppError> {
    with_user_in_setup(|ctx, _| async move {
        two_factor::disable(&ctx, &password, &code).await?;
        Ok("/account/?two-factor=off".to_owned())
    })
    .await
}
