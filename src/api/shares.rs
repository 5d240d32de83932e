//! Share links: the owner makes, lists, edits and revokes them; a visitor
//! opens one (and gives its password).

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    api::{with_ctx, with_user},
    model::share::{Expiry, ShareTarget},
    server::{
        activity::{self, Kind},
        shares::{self, visit, ShareFields},
    },
};
use crate::{
    error::AppError,
    model::share::{ShareCard, ShareOptions, SharedView},
};

/// What the share form for `album` (0: none) or `images` (ids, comma
/// separated) offers.
#[server(prefix = "/api", endpoint = "share_form_options")]
pub async fn share_form_options(album: i32, images: String) -> Result<ShareOptions, AppError> {
    with_user(|ctx, user| async move {
        let target = ShareTarget::from_form(album, &images).ok_or(AppError::NotFound)?;
        shares::options(&ctx.state.db, &ctx.state.config.shares, user.id, &target).await
    })
    .await
}

/// Makes a link; answers the links page, which shows it.
#[server(prefix = "/api", endpoint = "create_share")]
pub async fn create_share(
    #[server(default)] album: i32,
    #[server(default)] images: String,
    #[server(default)] title: String,
    #[server(default)] message: String,
    expires: String,
    #[server(default)] expires_on: String,
    #[server(default)] password: String,
    #[server(default)] allow_download: String,
) -> Result<String, AppError> {
    with_user(|ctx, user| async move {
        let target = ShareTarget::from_form(album, &images).ok_or(AppError::NotFound)?;
        let expiry = Expiry::from_form(&expires, &expires_on).map_err(|errors| AppError::Form {
            status: 400,
            errors,
        })?;
        let fields = ShareFields {
            title,
            message,
            expiry: Some(expiry),
            password,
            remove_password: false,
            allow_download: !allow_download.is_empty(),
        };
        let state = &ctx.state;
        let id = shares::create(
            &state.db,
            &state.hashing,
            &state.secret_key,
            &state.config.shares,
            user.id,
            &target,
            fields,
        )
        .await?;
        let entry = ctx
            .activity(Kind::ShareCreated)
            .detail(format!("link {id}"));
        activity::record(&state.db, entry).await;
        Ok(format!("/shares/?created={id}"))
    })
    .await
}

/// The current user's links, newest first.
#[server(prefix = "/api", endpoint = "list_shares")]
pub async fn list_shares() -> Result<Vec<ShareCard>, AppError> {
    with_user(|ctx, user| async move {
        let state = &ctx.state;
        shares::cards(
            &state.db,
            &state.secret_key,
            &state.config.shares.origin,
            user.id,
        )
        .await
    })
    .await
}

/// One of the current user's links and the expiries it may be given.
#[server(prefix = "/api", endpoint = "get_share")]
pub async fn get_share(id: i32) -> Result<(ShareCard, ShareOptions), AppError> {
    with_user(|ctx, user| async move {
        let state = &ctx.state;
        let card = shares::card_of(
            &state.db,
            &state.secret_key,
            &state.config.shares.origin,
            user.id,
            id,
        )
        .await?;
        let options = shares::expiry_options(&state.config.shares, card.what.clone());
        Ok((card, options))
    })
    .await
}

/// Changes a link (`expires`: `keep` leaves its expiry); answers the links
/// page.
#[server(prefix = "/api", endpoint = "update_share")]
pub async fn update_share(
    id: i32,
    #[server(default)] title: String,
    #[server(default)] message: String,
    expires: String,
    #[server(default)] expires_on: String,
    #[server(default)] password: String,
    #[server(default)] remove_password: String,
    #[server(default)] allow_download: String,
) -> Result<String, AppError> {
    with_user(|ctx, user| async move {
        let expiry =
            match expires.as_str() {
                "keep" => None,
                _ => Some(Expiry::from_form(&expires, &expires_on).map_err(|errors| {
                    AppError::Form {
                        status: 400,
                        errors,
                    }
                })?),
            };
        let fields = ShareFields {
            title,
            message,
            expiry,
            password,
            remove_password: !remove_password.is_empty(),
            allow_download: !allow_download.is_empty(),
        };
        let state = &ctx.state;
        shares::update(
            &state.db,
            &state.hashing,
            &state.config.shares,
            user.id,
            id,
            fields,
        )
        .await?;
        Ok("/shares/".to_owned())
    })
    .await
}

/// Revokes a link at once; answers the links page.
#[server(prefix = "/api", endpoint = "revoke_share")]
pub async fn revoke_share(id: i32) -> Result<String, AppError> {
    with_user(|ctx, user| async move {
        shares::revoke(&ctx.state.db, user.id, id).await?;
        let entry = ctx
            .activity(Kind::ShareRevoked)
            .detail(format!("link {id}"));
        activity::record(&ctx.state.db, entry).await;
        Ok("/shares/".to_owned())
    })
    .await
}

/// What `/s/<token>` shows: its images, or first its password form.
#[server(prefix = "/api", endpoint = "shared_page")]
pub async fn shared_page(token: String, page: u64) -> Result<SharedView, AppError> {
    with_ctx(|ctx| async move {
        let db = &ctx.state.db;
        let share = visit::resolve(db, &token).await?;
        if !visit::may_see(&ctx.state.secret_key, &share, &ctx.headers) {
            return Ok(SharedView::Locked);
        }
        let gallery = visit::gallery(db, &share, &token, page).await?;
        if page <= 1 {
            visit::count(db, share.id, visit::Count::View);
        }
        Ok(SharedView::Open(gallery))
    })
    .await
}

/// Opens a password link in this browser (a cookie for the link's path);
/// answers the link.
#[server(prefix = "/api", endpoint = "unlock_share")]
pub async fn unlock_share(token: String, password: String) -> Result<String, AppError> {
    with_ctx(|ctx| async move {
        let state = &ctx.state;
        let share = visit::resolve(&state.db, &token).await?;
        let cookie = visit::unlock(
            &state.db,
            &state.hashing,
            &state.secret_key,
            &share,
            &token,
            &password,
            ctx.client_ip,
            state.config.cookie_secure,
        )
        .await?;
        if let (Some(response), Ok(value)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::HeaderValue::from_str(&cookie),
        ) {
            if !cookie.is_empty() {
                response.append_header(http::header::SET_COOKIE, value);
            }
        }
        Ok(format!("/s/{token}"))
    })
    .await
}
