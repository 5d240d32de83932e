//! The admin page: users (disable, enable, quota) and invitations. Admins
//! only; to anyone else these answer 404.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    api::with_admin,
    model::{admin::ManagedInvitation, user::format_bytes},
    server::{
        activity::{self, Entry, Kind},
        invitations,
        users::{self, QuotaSetting},
    },
};
use crate::{
    error::AppError,
    model::admin::{AdminView, ManagedUser},
};

/// Users matching `q` (page `page`) and the invitations still usable.
#[server(prefix = "/api", endpoint = "admin_overview")]
pub async fn admin_overview(
    #[server(default)] q: String,
    #[server(default)] page: u64,
) -> Result<AdminView, AppError> {
    with_admin(|ctx, _admin| async move {
        let state = &ctx.state;
        let page = page.max(1);
        let (users, total) = users::list(&state.db, &q, page).await?;
        let origin = &state.config.public_origin;
        let invitations = invitations::list_usable(&state.db, &state.secret_key, origin)
            .await?
            .into_iter()
            .map(|(row, link)| ManagedInvitation {
                id: row.id,
                link,
                uses: row.uses.max(0) as u32,
                max_uses: row.max_uses.max(0) as u32,
                expires_on: row
                    .expires_at
                    .map(|at| at.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
            })
            .collect();
        Ok(AdminView {
            users,
            query: q.trim().to_owned(),
            page,
            pages: total.div_ceil(users::PAGE_SIZE).max(1),
            total,
            invitations,
            default_quota: state
                .library
                .default_quota
                .map_or_else(|| "unlimited".to_owned(), format_bytes),
        })
    })
    .await
}

/// Disables (`active` empty) or enables (`active` = "true") a user;
/// answers the admin page.
#[server(prefix = "/api", endpoint = "set_user_active")]
pub async fn set_user_active(
    id: i32,
    #[server(default)] active: String,
) -> Result<String, AppError> {
    with_admin(|ctx, admin| async move {
        let active = active == "true";
        let user = users::set_active(&ctx.state.db, admin.id, id, active).await?;
        let kind = if active {
            Kind::UserEnabled
        } else {
            Kind::UserDisabled
        };
        let entry = Entry::new(kind, Some(user.id), &user.username);
        activity::record(&ctx.state.db, entry.by(admin.id).from(ctx.client_ip)).await;
        tracing::info!(
            admin = admin.id,
            user_id = user.id,
            active,
            "admin changed a user's access"
        );
        Ok("/admin/".to_owned())
    })
    .await
}

/// Sets a user's quota (`2GB`, `unlimited`, or empty for the default).
#[server(prefix = "/api", endpoint = "set_user_quota")]
pub async fn set_user_quota(id: i32, #[server(default)] quota: String) -> Result<String, AppError> {
    with_admin(|ctx, admin| async move {
        let setting = match quota.trim() {
            "" => Some(QuotaSetting::Default),
            given => QuotaSetting::parse(given),
        }
        .ok_or_else(|| {
            AppError::field(
                400,
                "quota",
                "Enter a size such as 2GB or 500MiB, or unlimited; leave it empty for the default.",
            )
        })?;
        let user = users::set_quota_by_id(&ctx.state.db, id, setting).await?;
        let quota = match setting {
            QuotaSetting::Default => "the default".to_owned(),
            other => other.describe(),
        };
        let entry = Entry::new(Kind::QuotaSet, Some(user.id), &user.username);
        let entry = entry.by(admin.id).from(ctx.client_ip).detail(quota);
        activity::record(&ctx.state.db, entry).await;
        tracing::info!(admin = admin.id, user_id = user.id, quota = %setting.describe(), "admin set a quota");
        Ok("/admin/".to_owned())
    })
    .await
}

/// Makes an invitation link; answers the admin page, which lists it.
#[server(prefix = "/api", endpoint = "create_invitation")]
pub async fn create_invitation(uses: String, days: String) -> Result<String, AppError> {
    with_admin(|ctx, admin| async move {
        let number = |value: &str, field: &str, message: &str| {
            value
                .trim()
                .parse::<u32>()
                .map_err(|_| AppError::field(400, field, message.to_owned()))
        };
        let uses = number(&uses, "uses", "Enter how many people may sign up with it.")?;
        let days = number(&days, "days", "Enter for how many days it is valid.")?;
        let state = &ctx.state;
        let created = invitations::create(
            &state.db,
            &state.secret_key,
            Some(admin.id),
            uses,
            Some(days),
        )
        .await?;
        let id = created.invitation.id;
        let detail = format!("invitation {id}: {uses} sign-ups, {days} days");
        let entry = ctx.activity(Kind::InvitationCreated).detail(detail);
        activity::record(&state.db, entry).await;
        tracing::info!(admin = admin.id, invitation = id, "invitation made");
        // A new query, so that the redirect loads the page anew.
        Ok(format!("/admin/?invitation={id}#invitations"))
    })
    .await
}

/// Withdraws an invitation: its link stops working.
#[server(prefix = "/api", endpoint = "withdraw_invitation")]
pub async fn withdraw_invitation(id: i32) -> Result<String, AppError> {
    with_admin(|ctx, admin| async move {
        invitations::withdraw(&ctx.state.db, id).await?;
        let entry = ctx
            .activity(Kind::InvitationWithdrawn)
            .detail(format!("invitation {id}"));
        activity::record(&ctx.state.db, entry).await;
        tracing::info!(admin = admin.id, invitation = id, "invitation withdrawn");
        Ok(format!("/admin/?withdrawn={id}#invitations"))
    })
    .await
}

/// The user the delete page asks about.
#[server(prefix = "/api", endpoint = "user_to_delete")]
pub async fn user_to_delete(id: i32) -> Result<ManagedUser, AppError> {
    with_admin(|ctx, _admin| async move { users::managed(&ctx.state.db, id).await }).await
}

/// Deletes a user and all they own; answers the admin page.
#[server(prefix = "/api", endpoint = "delete_user")]
pub async fn delete_user(id: i32) -> Result<String, AppError> {
    with_admin(|ctx, admin| async move {
        let state = &ctx.state;
        let (user, images) = users::delete(&state.db, &state.library, admin.id, id).await?;
        let entry = Entry::new(Kind::UserDeleted, None, &user.username);
        let detail = format!("with {images} images");
        activity::record(
            &state.db,
            entry.by(admin.id).from(ctx.client_ip).detail(detail),
        )
        .await;
        tracing::info!(
            admin = admin.id,
            user_id = user.id,
            images,
            "admin deleted a user"
        );
        let name: String = form_urlencoded::byte_serialize(user.username.as_bytes()).collect();
        Ok(format!("/admin/?deleted={name}"))
    })
    .await
}
