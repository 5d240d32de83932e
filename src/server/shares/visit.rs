//! Share links, the visitor's side: what `/s/<token>` shows and serves.
//! A token that is malformed, unknown, revoked or expired is "not found",
//! all alike. Every request is checked again (the link, its password
//! cookie, the image being in it and not in the trash), so revoking a link
//! or trashing an image cuts off pages and bytes at once.

use std::net::IpAddr;

use axum::http::HeaderMap;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::Utc;
use sea_orm::{
    sea_query::{Expr, Query},
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Select,
};
use subtle::ConstantTimeEq;

use crate::server::token;
use crate::{
    entities::{album_image, image, share, share_image, user},
    error::AppError,
    model::{
        image::{ImageCard, StoredFormat, Variant},
        share::SharedGallery,
    },
    server::{
        auth::{
            password,
            throttle::{self, Subject},
        },
        library::{archive, card_row::CardRow, card_with, gallery},
        secret::SecretKey,
    },
};

/// The cookie that says this browser gave the link's password (its path is
/// the link's, so each link has its own).
pub const ACCESS_COOKIE: &str = "share_access";

/// The link `token` opens, if it opens one now (not expired, and its
/// owner not disabled by an admin).
pub async fn resolve(db: &DatabaseConnection, token: &str) -> Result<share::Model, AppError> {
    if !token::is_well_formed(token) {
        return Err(AppError::NotFound);
    }
    let active_users = Query::select()
        .column(user::Column::Id)
        .from(user::Entity)
        .and_where(user::Column::IsActive.eq(true))
        .to_owned();
    share::Entity::find()
        .filter(share::Column::TokenHash.eq(token::hash(token)))
        .filter(share::Column::UserId.in_subquery(active_users))
        .filter(
            Condition::any()
                .add(share::Column::ExpiresAt.is_null())
                .add(share::Column::ExpiresAt.gt(Utc::now().fixed_offset())),
        )
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The link's images: the album's or the chosen ones, the owner's only,
/// none in the trash, newest first.
fn members(share: &share::Model) -> Select<image::Entity> {
    let ids = match share.album_id {
        Some(album_id) => Query::select()
            .column(album_image::Column::ImageId)
            .from(album_image::Entity)
            .and_where(album_image::Column::AlbumId.eq(album_id))
            .to_owned(),
        None => Query::select()
            .column(share_image::Column::ImageId)
            .from(share_image::Entity)
            .and_where(share_image::Column::ShareId.eq(share.id))
            .to_owned(),
    };
    image::Entity::find()
        .filter(image::Column::UserId.eq(share.user_id))
        .filter(image::Column::DeletedAt.is_null())
        .filter(image::Column::Id.in_subquery(ids))
        .order_by_desc(image::Column::CreatedAt)
        .order_by_desc(image::Column::Id)
}

/// Page `page` of what the link shows; its URLs are all under `/s/<token>`.
pub async fn gallery(
    db: &DatabaseConnection,
    share: &share::Model,
    token: &str,
    page: u64,
) -> Result<SharedGallery, AppError> {
    let base = format!("/s/{token}");
    let page = gallery::page_of(db, || members(share), page, |m| shared_card(&base, m)).await?;
    let title = match (&share.title, share.album_id) {
        (title, _) if !title.is_empty() => title.clone(),
        (_, Some(album_id)) => album_name(db, album_id).await?,
        _ => "Shared images".to_owned(),
    };
    Ok(SharedGallery {
        base,
        title,
        message: share.message.clone(),
        images: page.images,
        page: page.page,
        pages: page.pages,
        total: page.total,
        allow_download: share.allow_download,
        zip_all: share.allow_download
            && page.total > 0
            && page.total <= archive::ZIP_MAX_IMAGES as u64,
    })
}

async fn album_name(db: &DatabaseConnection, album_id: i32) -> Result<String, AppError> {
    Ok(crate::entities::album::Entity::find_by_id(album_id)
        .one(db)
        .await?
        .map(|a| a.name)
        .unwrap_or_else(|| "Shared album".to_owned()))
}

/// A card whose URLs name the image by id and copy, never by file key.
fn shared_card(base: &str, model: &image::Model) -> ImageCard {
    let mut card = card_with(CardRow::from(model), |row, variant| {
        format!("{base}/media/{}/{}", row.id, variant.stem())
    });
    // The owner's stars are theirs.
    card.favourite = false;
    card
}

/// The image `id` if the link shows it now.
pub async fn member(
    db: &DatabaseConnection,
    share: &share::Model,
    id: i32,
) -> Result<image::Model, AppError> {
    members(share)
        .filter(image::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Everything the link shows, for "Download all": at most `limit` + 1
/// rows, so a caller can tell there are too many without loading them all.
pub async fn all_members(
    db: &DatabaseConnection,
    share: &share::Model,
    limit: usize,
) -> Result<Vec<image::Model>, AppError> {
    Ok(members(share).limit(limit as u64 + 1).all(db).await?)
}

/// The stored file of `variant` (`display`, `thumb-400`, `thumb-800`).
pub fn variant_file(model: &image::Model, variant: &str) -> Option<String> {
    let variant = Variant::ALL.into_iter().find(|v| v.stem() == variant)?;
    Some(variant.file_name(StoredFormat::from_column(&model.format)))
}

/// The access cookie's value for `share`; `None` when it has no password.
fn access_value(key: &SecretKey, share: &share::Model) -> Option<String> {
    let hash = share.password_hash.as_deref()?;
    Some(URL_SAFE_NO_PAD.encode(key.sign(
        "share-access",
        &[share.token_hash.as_bytes(), hash.as_bytes()],
    )))
}

/// Whether the request may see the link's content: it has no password, or
/// the request carries the cookie its password gave.
pub fn may_see(key: &SecretKey, share: &share::Model, headers: &HeaderMap) -> bool {
    let Some(expected) = access_value(key, share) else {
        return true;
    };
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(name, value)| {
            name == ACCESS_COOKIE && bool::from(value.as_bytes().ct_eq(expected.as_bytes()))
        })
}

/// Checks `given` against the link's password, throttled per link and per
/// address as logins are; answers the `Set-Cookie` value that opens the
/// link in this browser.
pub async fn unlock(
    db: &DatabaseConnection,
    hashing: &password::Hashing,
    key: &SecretKey,
    share: &share::Model,
    token: &str,
    given: &str,
    client_ip: IpAddr,
    secure: bool,
) -> Result<String, AppError> {
    let Some(stored) = share.password_hash.clone() else {
        return Ok(String::new());
    };
    // Counted before the check (see `throttle`), so parallel guesses
    // cannot all pass before one is counted.
    if let Err(wait) = throttle::attempt(db, Subject::Share(share.id), client_ip).await? {
        let lead = "Too many wrong passwords.";
        return Err(throttle::refused(wait, lead, Some("password")));
    }
    let verified = !given.is_empty()
        && given.chars().count() <= crate::model::share::SHARE_PASSWORD_MAX
        && hashing
            .verify(
                given.to_owned(),
                password::PasswordHash::from_stored(stored),
            )
            .await?
            .is_some();
    if !verified {
        return Err(AppError::field(
            401,
            "password",
            "That password is not right.",
        ));
    }
    throttle::forgive(db, Subject::Share(share.id), client_ip).await?;
    let value = access_value(key, share).unwrap_or_default();
    // Until the link expires, at most 30 days.
    let max_age = share
        .expires_at
        .map(|t| (t.with_timezone(&Utc) - Utc::now()).num_seconds())
        .unwrap_or(i64::MAX)
        .clamp(0, 30 * 86_400);
    Ok(format!(
        "{ACCESS_COOKIE}={value}; Path=/s/{token}; Max-Age={max_age}; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    ))
}

/// Counts a view or a download of the link, off the request path: one
/// atomic `UPDATE … SET n = n + 1`, so replicas never lose a count.
pub fn count(db: &DatabaseConnection, share_id: i32, what: Count) {
    let db = db.clone();
    tokio::spawn(async move {
        let column = match what {
            Count::View => share::Column::Views,
            Count::Download => share::Column::Downloads,
        };
        let mut update = share::Entity::update_many()
            .col_expr(column, Expr::col(column).add(1))
            .filter(share::Column::Id.eq(share_id));
        if what == Count::View {
            update = update.col_expr(
                share::Column::LastOpenedAt,
                Expr::value(Utc::now().fixed_offset()),
            );
        }
        if let Err(err) = update.exec(&db).await {
            tracing::warn!(%err, share_id, "counting a share's use failed");
        }
    });
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Count {
    View,
    Download,
}
