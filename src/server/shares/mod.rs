//! Share links, the owner's side: make, list, edit and revoke links to one
//! image, a set of images or an album. Every query names the owner; a link,
//! album or image of anyone else is "not found". The visitor's side is in
//! [`visit`].

pub mod visit;

use std::collections::HashMap;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use sea_orm::{
    sea_query::JoinType, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationTrait, Set,
};

use super::{
    auth::password, config::ShareSettings, db::begin_write, library::distinct, secret::SecretKey,
    token,
};
use crate::{
    entities::{album, image, share, share_image},
    error::{AppError, FieldErrors},
    model::share::{
        validate_share, Expiry, ShareCard, ShareOptions, ShareTarget, SHARE_MAX_IMAGES,
    },
};

/// What the owner chose in the share form.
pub struct ShareFields {
    pub title: String,
    pub message: String,
    /// `None` when editing: keep the current expiry.
    pub expiry: Option<Expiry>,
    /// Empty: no password (new link) or keep the current one (edit).
    pub password: String,
    pub remove_password: bool,
    pub allow_download: bool,
}

/// The user's own link `id`.
pub async fn find_own(
    db: &impl ConnectionTrait,
    user_id: i32,
    id: i32,
) -> Result<share::Model, AppError> {
    share::Entity::find_by_id(id)
        .filter(share::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The expiries the form offers, and what `target` is in words; "not
/// found" unless the user owns all of it.
pub async fn options(
    db: &DatabaseConnection,
    settings: &ShareSettings,
    user_id: i32,
    target: &ShareTarget,
) -> Result<ShareOptions, AppError> {
    let what = describe(db, user_id, target).await?;
    Ok(expiry_options(settings, what))
}

pub fn expiry_options(settings: &ShareSettings, what: String) -> ShareOptions {
    let mut days: Vec<u64> = [1, 7, 30]
        .into_iter()
        .filter(|d| settings.max_days.is_none_or(|max| *d <= max))
        .collect();
    for extra in [settings.max_days, settings.default_days]
        .into_iter()
        .flatten()
    {
        if !days.contains(&extra) {
            days.push(extra);
        }
    }
    days.sort_unstable();
    let mut expiries = Vec::new();
    if settings.max_days.is_none() {
        expiries.push(("never".to_owned(), "Never".to_owned()));
    }
    for d in days {
        let label = if d == 1 {
            "1 day".to_owned()
        } else {
            format!("{d} days")
        };
        expiries.push((d.to_string(), label));
    }
    expiries.push(("date".to_owned(), "On a date".to_owned()));
    ShareOptions {
        expiries,
        default_expiry: settings
            .default_days
            .map_or("never".to_owned(), |d| d.to_string()),
        limit: settings.max_days.map(|d| {
            format!(
                "Links last at most {d} day{}.",
                if d == 1 { "" } else { "s" }
            )
        }),
        what,
    }
}

/// "Album “Trip”", "1 image", "3 images"; checks the user owns it all.
async fn describe(
    db: &impl ConnectionTrait,
    user_id: i32,
    target: &ShareTarget,
) -> Result<String, AppError> {
    match target {
        ShareTarget::Album(id) => {
            let album = super::library::albums::find_own(db, user_id, *id).await?;
            Ok(format!("Album “{}”", album.name))
        }
        ShareTarget::Images(ids) => {
            let ids = distinct(ids);
            let owned = image::Entity::find()
                .filter(image::Column::Id.is_in(ids.iter().copied()))
                .filter(image::Column::UserId.eq(user_id))
                .filter(image::Column::DeletedAt.is_null())
                .count(db)
                .await?;
            if ids.is_empty() || ids.len() > SHARE_MAX_IMAGES || owned != ids.len() as u64 {
                return Err(AppError::NotFound);
            }
            Ok(images_in_words(owned))
        }
    }
}

fn images_in_words(count: u64) -> String {
    if count == 1 {
        "1 image".to_owned()
    } else {
        format!("{count} images")
    }
}

/// Makes a link to `target`; answers its id.
pub async fn create(
    db: &DatabaseConnection,
    hashing: &password::Hashing,
    key: &SecretKey,
    settings: &ShareSettings,
    user_id: i32,
    target: &ShareTarget,
    fields: ShareFields,
) -> Result<i32, AppError> {
    let now = Utc::now();
    let expires_at = checked_fields(settings, &fields, now)?;
    let password_hash = match fields.password.as_str() {
        "" => None,
        given => Some(hashing.hash(given.to_owned()).await?.into_stored()),
    };
    let minted = token::mint(key, token::Purpose::Share);
    let txn = begin_write(db).await?;
    describe(&txn, user_id, target).await?;
    let row = share::ActiveModel {
        user_id: Set(user_id),
        token_hash: Set(minted.hash),
        token_nonce: Set(minted.nonce),
        album_id: Set(match target {
            ShareTarget::Album(id) => Some(*id),
            ShareTarget::Images(_) => None,
        }),
        title: Set(fields.title.trim().to_owned()),
        message: Set(fields.message.trim().to_owned()),
        expires_at: Set(expires_at.flatten()),
        password_hash: Set(password_hash),
        allow_download: Set(fields.allow_download),
        views: Set(0),
        downloads: Set(0),
        last_opened_at: Set(None),
        created_at: Set(now.fixed_offset()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if let ShareTarget::Images(ids) = target {
        share_image::Entity::insert_many(distinct(ids).into_iter().map(|image_id| {
            share_image::ActiveModel {
                share_id: Set(row.id),
                image_id: Set(image_id),
            }
        }))
        .exec_without_returning(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(row.id)
}

/// Changes the user's link `id`. A new or removed password ends every
/// visitor's access by the old one.
pub async fn update(
    db: &DatabaseConnection,
    hashing: &password::Hashing,
    settings: &ShareSettings,
    user_id: i32,
    id: i32,
    fields: ShareFields,
) -> Result<(), AppError> {
    let expires_at = checked_fields(settings, &fields, Utc::now())?;
    let new_hash = match fields.password.as_str() {
        "" => None,
        given => Some(hashing.hash(given.to_owned()).await?.into_stored()),
    };
    let current = find_own(db, user_id, id).await?;
    if expires_at.is_none() {
        // Kept as it is: still within the limit, which may be newer.
        expiry_within_limit(settings, current.expires_at, Utc::now(), "expires").map_err(
            |errors| AppError::Form {
                status: 400,
                errors,
            },
        )?;
    }
    let mut active: share::ActiveModel = current.into();
    active.title = Set(fields.title.trim().to_owned());
    active.message = Set(fields.message.trim().to_owned());
    if let Some(expires_at) = expires_at {
        active.expires_at = Set(expires_at);
    }
    if fields.remove_password {
        active.password_hash = Set(None);
    } else if let Some(hash) = new_hash {
        active.password_hash = Set(Some(hash));
    }
    active.allow_download = Set(fields.allow_download);
    active.update(db).await?;
    Ok(())
}

/// Revokes the user's link `id`: it is gone, and so is everything it gave.
pub async fn revoke(db: &DatabaseConnection, user_id: i32, id: i32) -> Result<(), AppError> {
    let result = share::Entity::delete_many()
        .filter(share::Column::Id.eq(id))
        .filter(share::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Checks the fields; answers the expiry to store (`None`: keep it;
/// `Some(None)`: never).
fn checked_fields(
    settings: &ShareSettings,
    fields: &ShareFields,
    now: DateTime<Utc>,
) -> Result<Option<Option<DateTime<FixedOffset>>>, AppError> {
    let mut errors = validate_share(&fields.title, &fields.message, &fields.password);
    let expires_at = match &fields.expiry {
        None => None,
        Some(expiry) => match expires_at(settings, expiry, now) {
            Ok(at) => Some(at),
            Err(field_errors) => {
                errors.fields.extend(field_errors.fields);
                None
            }
        },
    };
    errors.into_result()?;
    Ok(expires_at)
}

/// When a link made `now` with `expiry` stops working, within the limit.
fn expires_at(
    settings: &ShareSettings,
    expiry: &Expiry,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<FixedOffset>>, FieldErrors> {
    let at = match expiry {
        Expiry::Never => None,
        Expiry::Days(days) => Some(now + Duration::days(i64::from(*days))),
        Expiry::Date(date) => {
            let day = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| {
                FieldErrors::default()
                    .field("expires_on", "Please give a real date, as YYYY-MM-DD.")
            })?;
            let end = day
                .succ_opt()
                .and_then(|next| next.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc());
            match end {
                Some(end) if end > now => Some(end),
                _ => {
                    return Err(FieldErrors::default().field(
                        "expires_on",
                        "Please choose a date that is not in the past.",
                    ))
                }
            }
        }
    };
    let at = at.map(|at| at.fixed_offset());
    let field = if matches!(expiry, Expiry::Date(_)) {
        "expires_on"
    } else {
        "expires"
    };
    expiry_within_limit(settings, at, now, field)?;
    Ok(at)
}

/// `SHARE_MAX_DAYS`, if set: a link expires at most that many days from
/// `now` (and so must expire); otherwise a sentence for `field`.
fn expiry_within_limit(
    settings: &ShareSettings,
    at: Option<DateTime<FixedOffset>>,
    now: DateTime<Utc>,
    field: &str,
) -> Result<(), FieldErrors> {
    let Some(max) = settings.max_days else {
        return Ok(());
    };
    let latest = now + Duration::days(max as i64) + Duration::minutes(1);
    if at.is_none_or(|at| at.with_timezone(&Utc) > latest) {
        return Err(FieldErrors::default().field(
            field,
            format!(
                "Links last at most {max} day{}.",
                if max == 1 { "" } else { "s" }
            ),
        ));
    }
    Ok(())
}

/// The user's links, newest first.
pub async fn cards(
    db: &DatabaseConnection,
    key: &SecretKey,
    origin: &str,
    user_id: i32,
) -> Result<Vec<ShareCard>, AppError> {
    let shares = share::Entity::find()
        .filter(share::Column::UserId.eq(user_id))
        .order_by_desc(share::Column::CreatedAt)
        .order_by_desc(share::Column::Id)
        .all(db)
        .await?;
    cards_of(db, key, origin, shares).await
}

/// The user's link `id`, as the edit page shows it.
pub async fn card_of(
    db: &DatabaseConnection,
    key: &SecretKey,
    origin: &str,
    user_id: i32,
    id: i32,
) -> Result<ShareCard, AppError> {
    let share = find_own(db, user_id, id).await?;
    let mut cards = cards_of(db, key, origin, vec![share]).await?;
    cards.pop().ok_or(AppError::NotFound)
}

/// The cards of `shares`, in their order.
async fn cards_of(
    db: &DatabaseConnection,
    key: &SecretKey,
    origin: &str,
    shares: Vec<share::Model>,
) -> Result<Vec<ShareCard>, AppError> {
    // Album names, and how many shown images each other link has: two
    // queries for the whole page.
    let album_ids: Vec<i32> = shares.iter().filter_map(|s| s.album_id).collect();
    let album_names: HashMap<i32, String> = album::Entity::find()
        .filter(album::Column::Id.is_in(album_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let share_ids: Vec<i32> = shares
        .iter()
        .filter(|s| s.album_id.is_none())
        .map(|s| s.id)
        .collect();
    let counts: HashMap<i32, i64> = share_image::Entity::find()
        .select_only()
        .column(share_image::Column::ShareId)
        .column_as(share_image::Column::ImageId.count(), "count")
        .join(JoinType::InnerJoin, share_image::Relation::Image.def())
        .filter(share_image::Column::ShareId.is_in(share_ids))
        .filter(image::Column::DeletedAt.is_null())
        .group_by(share_image::Column::ShareId)
        .into_tuple::<(i32, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let now = Utc::now();
    Ok(shares
        .into_iter()
        .map(|s| {
            let what = match s.album_id {
                Some(id) => format!(
                    "Album “{}”",
                    album_names.get(&id).cloned().unwrap_or_default()
                ),
                None => images_in_words(counts.get(&s.id).copied().unwrap_or(0).max(0) as u64),
            };
            card(key, origin, s, what, now)
        })
        .collect())
}

fn card(
    key: &SecretKey,
    origin: &str,
    s: share::Model,
    what: String,
    now: DateTime<Utc>,
) -> ShareCard {
    let token = token::derive(key, token::Purpose::Share, &s.token_nonce);
    let url = (token::hash(&token) == s.token_hash).then(|| format!("{origin}/s/{token}"));
    let when = |t: DateTime<FixedOffset>| {
        t.with_timezone(&Utc)
            .format("%Y-%m-%d %H:%M UTC")
            .to_string()
    };
    ShareCard {
        id: s.id,
        what,
        title: s.title,
        message: s.message,
        url,
        created: when(s.created_at),
        expires: s.expires_at.map(when),
        expires_on: s.expires_at.map(|t| {
            (t.with_timezone(&Utc) - Duration::seconds(1))
                .format("%Y-%m-%d")
                .to_string()
        }),
        expired: s.expires_at.is_some_and(|t| t <= now),
        has_password: s.password_hash.is_some(),
        allow_download: s.allow_download,
        views: s.views,
        downloads: s.downloads,
        last_opened: s.last_opened_at.map(when),
    }
}
