//! Managing users: roles, quotas, disabling (the admin page, and the
//! `set-admin` and `set-quota` commands).

use std::collections::HashMap;

use sea_orm::{
    sea_query::{Expr, Query},
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::{
    accounts::username_key,
    db::begin_write,
    library::{self, quota::stored_bytes_sum, Library},
};
use crate::{
    entities::{image, user},
    error::AppError,
    model::{admin::ManagedUser, user::format_bytes},
};

/// Users per page of the admin page.
pub const PAGE_SIZE: u64 = 50;

/// What `set-quota` may set: a size, the server's default, or no limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuotaSetting {
    Bytes(u64),
    Default,
    Unlimited,
}

/// Stored in `users.quota_bytes`: a user's own "no limit" (above any
/// `DEFAULT_QUOTA`) is the largest value.
pub const UNLIMITED: i64 = i64::MAX;

impl QuotaSetting {
    /// `default`, `unlimited` (or `none`), or a size such as `2GB`.
    pub fn parse(raw: &str) -> Option<Self> {
        if raw.trim().eq_ignore_ascii_case("default") {
            return Some(Self::Default);
        }
        match super::config::parse_quota(raw)? {
            Some(bytes) => Some(Self::Bytes(bytes)),
            None => Some(Self::Unlimited),
        }
    }

    /// As `parse` takes it: what the admin page's field shows.
    pub fn from_column(value: Option<i64>) -> Self {
        match value {
            None => Self::Default,
            Some(UNLIMITED) => Self::Unlimited,
            Some(bytes) => Self::Bytes(bytes.max(0) as u64),
        }
    }

    /// The bytes this allows, `default` being the server's (`None`: no
    /// limit).
    pub fn limit(self, default: Option<u64>) -> Option<u64> {
        match self {
            Self::Bytes(bytes) => Some(bytes),
            Self::Default => default,
            Self::Unlimited => None,
        }
    }

    pub fn describe(self) -> String {
        match self {
            Self::Bytes(bytes) => format_bytes(bytes),
            Self::Default => String::new(),
            Self::Unlimited => "unlimited".to_owned(),
        }
    }

    fn column_value(self) -> Option<i64> {
        match self {
            Self::Bytes(bytes) => Some(i64::try_from(bytes).unwrap_or(UNLIMITED)),
            Self::Default => None,
            Self::Unlimited => Some(UNLIMITED),
        }
    }
}

async fn find_by_name(db: &DatabaseConnection, username: &str) -> Result<user::Model, AppError> {
    user::Entity::find()
        .filter(user::Column::UsernameKey.eq(username_key(username)))
        .one(db)
        .await?
        .ok_or_else(|| AppError::form(404, format!("There is no user named {username:?}.")))
}

async fn find_by_id(db: &DatabaseConnection, id: i32) -> Result<user::Model, AppError> {
    user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// 409 when `found` is the last active admin, whom `doing` would remove.
async fn keep_an_admin(
    db: &DatabaseConnection,
    found: &user::Model,
    doing: &str,
) -> Result<(), AppError> {
    if !(found.is_admin && found.is_active) {
        return Ok(());
    }
    let admins = user::Entity::find()
        .filter(user::Column::IsAdmin.eq(true))
        .filter(user::Column::IsActive.eq(true))
        .count(db)
        .await?;
    if admins <= 1 {
        return Err(AppError::form(
            409,
            format!(
                "{:?} is the only admin: make another user admin before you {doing}.",
                found.username
            ),
        ));
    }
    Ok(())
}

/// Makes `username` an admin, or (with `admin` false) takes it away,
/// unless they are the last admin.
pub async fn set_admin(
    db: &DatabaseConnection,
    username: &str,
    admin: bool,
) -> Result<user::Model, AppError> {
    let found = find_by_name(db, username).await?;
    if !admin {
        keep_an_admin(db, &found, "take their role").await?;
    }
    user::Entity::update_many()
        .col_expr(user::Column::IsAdmin, Expr::value(admin))
        .filter(user::Column::Id.eq(found.id))
        .exec(db)
        .await?;
    Ok(user::Model {
        is_admin: admin,
        ..found
    })
}

pub async fn set_quota(
    db: &DatabaseConnection,
    username: &str,
    quota: QuotaSetting,
) -> Result<user::Model, AppError> {
    let found = find_by_name(db, username).await?;
    set_quota_of(db, found, quota).await
}

/// [`set_quota`] by id (the admin page).
pub async fn set_quota_by_id(
    db: &DatabaseConnection,
    id: i32,
    quota: QuotaSetting,
) -> Result<user::Model, AppError> {
    let found = find_by_id(db, id).await?;
    set_quota_of(db, found, quota).await
}

async fn set_quota_of(
    db: &DatabaseConnection,
    found: user::Model,
    quota: QuotaSetting,
) -> Result<user::Model, AppError> {
    user::Entity::update_many()
        .col_expr(user::Column::QuotaBytes, Expr::value(quota.column_value()))
        .filter(user::Column::Id.eq(found.id))
        .exec(db)
        .await?;
    Ok(user::Model {
        quota_bytes: quota.column_value(),
        ..found
    })
}

/// Makes `user_id` an admin when no user was made before it: the first
/// sign-up on a new server runs it. One statement, so of two first
/// sign-ups racing, the earlier row always becomes admin.
pub async fn promote_if_first(db: &DatabaseConnection, user_id: i32) -> Result<bool, AppError> {
    let earlier = Query::select()
        .expr(Expr::val(1))
        .from(user::Entity)
        .and_where(user::Column::Id.lt(user_id))
        .to_owned();
    let result = user::Entity::update_many()
        .col_expr(user::Column::IsAdmin, Expr::value(true))
        .filter(user::Column::Id.eq(user_id))
        .filter(Expr::exists(earlier).not())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Disables (`active` false) or enables user `id`. A disabled user cannot
/// log in, their sessions end at their next request (the session layer
/// reads `is_active` each time) and their share links stop opening. An
/// admin cannot disable themselves, nor the last admin.
pub async fn set_active(
    db: &DatabaseConnection,
    acting_admin: i32,
    id: i32,
    active: bool,
) -> Result<user::Model, AppError> {
    let found = find_by_id(db, id).await?;
    if !active {
        if found.id == acting_admin {
            return Err(AppError::form(409, "You cannot disable your own account."));
        }
        keep_an_admin(db, &found, "disable them").await?;
    }
    user::Entity::update_many()
        .col_expr(user::Column::IsActive, Expr::value(active))
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(user::Model {
        is_active: active,
        ..found
    })
}

/// Deletes user `id` and everything they own: images (files and objects
/// too), albums, share links (which stop at once), recovery codes; their
/// sessions end at their next request (the session layer finds no user).
/// An admin cannot delete themselves, nor the last admin. Answers the
/// deleted user and how many images went.
pub async fn delete(
    db: &DatabaseConnection,
    library: &Library,
    acting_admin: i32,
    id: i32,
) -> Result<(user::Model, usize), AppError> {
    let found = find_by_id(db, id).await?;
    if found.id == acting_admin {
        return Err(AppError::form(409, "You cannot delete your own account."));
    }
    keep_an_admin(db, &found, "delete them").await?;
    // The rows go in one transaction (the foreign keys cascade); the files
    // after it commits, so a failure leaves files for the sweep, never a
    // row without its files.
    let txn = begin_write(db).await?;
    let keys: Vec<String> = image::Entity::find()
        .select_only()
        .column(image::Column::FileKey)
        .filter(image::Column::UserId.eq(id))
        .lock_exclusive()
        .into_tuple()
        .all(&txn)
        .await?;
    image::Entity::delete_many()
        .filter(image::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    user::Entity::delete_by_id(id).exec(&txn).await?;
    txn.commit().await?;
    library::discard_all(library, &keys).await;
    Ok((found, keys.len()))
}

/// One user as the admin page shows them (the delete page).
pub async fn managed(db: &DatabaseConnection, id: i32) -> Result<ManagedUser, AppError> {
    let found = find_by_id(db, id).await?;
    let mut listed = describe(db, vec![found]).await?;
    listed.pop().ok_or(AppError::NotFound)
}

/// One page of users whose name contains `query` (any case), by name,
/// with what each stores; and how many match.
pub async fn list(
    db: &DatabaseConnection,
    query: &str,
    page: u64,
) -> Result<(Vec<ManagedUser>, u64), AppError> {
    let mut select = user::Entity::find().order_by_asc(user::Column::UsernameKey);
    let query = username_key(query);
    if !query.is_empty() {
        select = select.filter(user::Column::UsernameKey.contains(&query));
    }
    let paginator = select.paginate(db, PAGE_SIZE);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(page.max(1) - 1).await?;
    Ok((describe(db, rows).await?, total))
}

/// `rows` with what each stores.
async fn describe(
    db: &DatabaseConnection,
    rows: Vec<user::Model>,
) -> Result<Vec<ManagedUser>, AppError> {
    let ids: Vec<i32> = rows.iter().map(|u| u.id).collect();
    // What each of them stores, in one grouped query.
    let stored: HashMap<i32, (i64, i64)> = image::Entity::find()
        .select_only()
        .column(image::Column::UserId)
        .column_as(Expr::cust("COUNT(*)"), "images")
        .column_as(stored_bytes_sum(), "bytes")
        .filter(image::Column::UserId.is_in(ids))
        .group_by(image::Column::UserId)
        .into_tuple::<(i32, i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, images, bytes)| (id, (images, bytes)))
        .collect();
    let users = rows
        .into_iter()
        .map(|u| {
            let (images, bytes) = stored.get(&u.id).copied().unwrap_or_default();
            ManagedUser {
                id: u.id,
                username: u.username,
                is_admin: u.is_admin,
                is_active: u.is_active,
                images: images.max(0) as u64,
                stored_bytes: bytes.max(0) as u64,
                own_quota: QuotaSetting::from_column(u.quota_bytes).describe(),
                last_login: u
                    .last_login_at
                    .map(|at| at.format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_default(),
                two_factor: u.totp_secret.is_some(),
            }
        })
        .collect();
    Ok(users)
}
