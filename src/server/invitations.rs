//! Sign-up modes and invitations. With `SIGNUP=invite` (the default once
//! the server has a user), `/register/` takes a sign-up only with a valid
//! invitation link, each allowing `max_uses` sign-ups until it expires.
//! Tokens are made like share links' (see `server::token`): the database
//! alone cannot give them away.

use chrono::{DateTime, Duration, FixedOffset, Utc};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::{
    config::SignupMode,
    secret::SecretKey,
    token::{self, Purpose},
};
use crate::{
    entities::{invitation, user},
    error::AppError,
    model::signup::SignupStatus,
};

/// The longest an invitation may stay valid.
pub const MAX_DAYS: u32 = 365;
/// The most sign-ups one invitation may allow.
pub const MAX_USES: u32 = 1000;

/// The mode in force: `configured`, or when SIGNUP is unset, open while
/// there is no user yet (the first becomes admin) and by invitation after.
pub async fn mode(
    db: &impl ConnectionTrait,
    configured: Option<SignupMode>,
) -> Result<SignupMode, AppError> {
    if let Some(mode) = configured {
        return Ok(mode);
    }
    let any_user: Option<i32> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    Ok(match any_user {
        None => SignupMode::Open,
        Some(_) => SignupMode::Invite,
    })
}

/// What `/register/` says to a visitor holding `invite` (empty: none).
pub async fn status(
    db: &DatabaseConnection,
    configured: Option<SignupMode>,
    invite: &str,
) -> Result<SignupStatus, AppError> {
    status_in(db, mode(db, configured).await?, invite).await
}

/// [`status`] under the mode in force.
pub async fn status_in(
    db: &DatabaseConnection,
    mode: SignupMode,
    invite: &str,
) -> Result<SignupStatus, AppError> {
    Ok(match mode {
        // Open to all, but a valid link is still used, so its admin sees
        // who came by it.
        SignupMode::Open if invite.is_empty() => SignupStatus::Open,
        SignupMode::Open => match find_usable(db, invite).await? {
            Some(_) => SignupStatus::Invited,
            None => SignupStatus::Open,
        },
        SignupMode::Closed => SignupStatus::Closed,
        SignupMode::Invite if invite.is_empty() => SignupStatus::InvitationNeeded,
        SignupMode::Invite => match find_usable(db, invite).await? {
            Some(_) => SignupStatus::Invited,
            None => SignupStatus::InvitationInvalid,
        },
    })
}

/// The 403 for a sign-up `status` refuses.
pub fn refused(status: SignupStatus) -> AppError {
    AppError::form(403, status.refusal().unwrap_or_default())
}

fn usable_now(now: DateTime<FixedOffset>) -> sea_orm::sea_query::SimpleExpr {
    Expr::col(invitation::Column::Uses)
        .lt(Expr::col(invitation::Column::MaxUses))
        .and(
            invitation::Column::ExpiresAt
                .is_null()
                .or(invitation::Column::ExpiresAt.gt(now)),
        )
}

async fn find_usable(
    db: &impl ConnectionTrait,
    invite: &str,
) -> Result<Option<invitation::Model>, AppError> {
    if !token::is_well_formed(invite) {
        return Ok(None);
    }
    Ok(invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(token::hash(invite)))
        .filter(usable_now(Utc::now().fixed_offset()))
        .one(db)
        .await?)
}

/// Takes one use of `invite`, in the sign-up's transaction: one
/// conditional `UPDATE`, so racing sign-ups never use it more than
/// `max_uses` times. False when it is not (or no longer) usable.
pub async fn use_one(db: &impl ConnectionTrait, invite: &str) -> Result<bool, AppError> {
    if !token::is_well_formed(invite) {
        return Ok(false);
    }
    let result = invitation::Entity::update_many()
        .col_expr(
            invitation::Column::Uses,
            Expr::col(invitation::Column::Uses).add(1),
        )
        .filter(invitation::Column::TokenHash.eq(token::hash(invite)))
        .filter(usable_now(Utc::now().fixed_offset()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// A new invitation and its token.
pub struct Created {
    pub token: String,
    pub invitation: invitation::Model,
}

impl Created {
    /// The link to hand out, on the site at `origin`.
    pub fn link(&self, origin: &str) -> String {
        link(origin, &self.token)
    }
}

fn link(origin: &str, token: &str) -> String {
    format!("{origin}/register/?invite={token}")
}

/// Makes an invitation for `max_uses` sign-ups, valid for `days` (`None`:
/// until used up).
pub async fn create(
    db: &DatabaseConnection,
    key: &SecretKey,
    created_by: Option<i32>,
    max_uses: u32,
    days: Option<u32>,
) -> Result<Created, AppError> {
    if !(1..=MAX_USES).contains(&max_uses) {
        return Err(AppError::field(
            400,
            "uses",
            format!("An invitation allows 1 to {MAX_USES} sign-ups."),
        ));
    }
    if days.is_some_and(|d| !(1..=MAX_DAYS).contains(&d)) {
        return Err(AppError::field(
            400,
            "days",
            format!("An invitation is valid for 1 to {MAX_DAYS} days."),
        ));
    }
    let minted = token::mint(key, Purpose::Invitation);
    let now = Utc::now().fixed_offset();
    let invitation = invitation::ActiveModel {
        token_hash: Set(minted.hash),
        token_nonce: Set(minted.nonce),
        created_by: Set(created_by),
        created_at: Set(now),
        expires_at: Set(days.map(|d| now + Duration::days(i64::from(d)))),
        max_uses: Set(max_uses as i32),
        uses: Set(0),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(Created {
        token: minted.token,
        invitation,
    })
}

/// The invitations that can still be used, newest first, with their links
/// (`None` when the server's key changed since).
pub async fn list_usable(
    db: &DatabaseConnection,
    key: &SecretKey,
    origin: &str,
) -> Result<Vec<(invitation::Model, Option<String>)>, AppError> {
    let rows = invitation::Entity::find()
        .filter(usable_now(Utc::now().fixed_offset()))
        .order_by_desc(invitation::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let token = token::derive(key, Purpose::Invitation, &row.token_nonce);
            let url = (token::hash(&token) == row.token_hash).then(|| link(origin, &token));
            (row, url)
        })
        .collect())
}

/// Withdraws an invitation: its link stops working at once.
pub async fn withdraw(db: &DatabaseConnection, id: i32) -> Result<(), AppError> {
    let result = invitation::Entity::delete_by_id(id).exec(db).await?;
    if result.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}
