//! Albums: create, edit, delete (the images stay), add and remove images,
//! choose a cover. Every query names the owner; an album or image of anyone
//! else, or in the trash, is "not found" — for each id of a request.

use sea_orm::{
    sea_query::{Expr, OnConflict},
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder, Set,
};

use super::{distinct, media_url};
use crate::server::db::{begin_write, statement};
use crate::{
    entities::{album, album_image, image},
    error::AppError,
    model::{
        album::{validate_album, AlbumCard, AlbumChoice, AlbumCover},
        image::{StoredFormat, Variant},
    },
};

/// The user's own album; anyone else's, or none, is "not found".
pub async fn find_own(
    db: &impl ConnectionTrait,
    user_id: i32,
    id: i32,
) -> Result<album::Model, AppError> {
    album::Entity::find_by_id(id)
        .filter(album::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn create(
    db: &DatabaseConnection,
    user_id: i32,
    name: &str,
    description: &str,
) -> Result<album::Model, AppError> {
    validate_album(name, description).into_result()?;
    Ok(album::ActiveModel {
        user_id: Set(user_id),
        name: Set(name.trim().to_owned()),
        description: Set(description.trim().to_owned()),
        cover_image_id: Set(None),
        created_at: Set(chrono::Utc::now().fixed_offset()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

pub async fn update(
    db: &DatabaseConnection,
    user_id: i32,
    id: i32,
    name: &str,
    description: &str,
) -> Result<album::Model, AppError> {
    validate_album(name, description).into_result()?;
    let mut active: album::ActiveModel = find_own(db, user_id, id).await?.into();
    active.name = Set(name.trim().to_owned());
    active.description = Set(description.trim().to_owned());
    Ok(active.update(db).await?)
}

/// Deletes the album; its images stay.
pub async fn delete(db: &DatabaseConnection, user_id: i32, id: i32) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let album = find_own(&txn, user_id, id).await?;
    album_image::Entity::delete_many()
        .filter(album_image::Column::AlbumId.eq(album.id))
        .exec(&txn)
        .await?;
    album::Entity::delete_by_id(album.id).exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Adds the user's images `image_ids` to their album, all or none; images
/// already in it stay as they are.
pub async fn add_images(
    db: &DatabaseConnection,
    user_id: i32,
    album_id: i32,
    image_ids: &[i32],
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let album = find_own(&txn, user_id, album_id).await?;
    insert_images(&txn, user_id, album.id, image_ids).await?;
    txn.commit().await?;
    Ok(())
}

/// Makes an album named `name` holding the user's images `image_ids`, in
/// one transaction; answers its id.
pub async fn create_with_images(
    db: &DatabaseConnection,
    user_id: i32,
    name: &str,
    image_ids: &[i32],
) -> Result<i32, AppError> {
    validate_album(name, "").into_result()?;
    let txn = begin_write(db).await?;
    let album = album::ActiveModel {
        user_id: Set(user_id),
        name: Set(name.trim().to_owned()),
        description: Set(String::new()),
        cover_image_id: Set(None),
        created_at: Set(chrono::Utc::now().fixed_offset()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    insert_images(&txn, user_id, album.id, image_ids).await?;
    txn.commit().await?;
    Ok(album.id)
}

/// Puts the user's gallery images `image_ids` in album `album_id` (already
/// checked to be theirs); "not found" if any is not theirs.
async fn insert_images(
    txn: &DatabaseTransaction,
    user_id: i32,
    album_id: i32,
    image_ids: &[i32],
) -> Result<(), AppError> {
    let ids = distinct(image_ids);
    let owned = image::Entity::find()
        .filter(image::Column::Id.is_in(ids.iter().copied()))
        .filter(image::Column::UserId.eq(user_id))
        .filter(image::Column::DeletedAt.is_null())
        .count(txn)
        .await?;
    if ids.is_empty() || owned != ids.len() as u64 {
        return Err(AppError::NotFound);
    }
    let now = chrono::Utc::now().fixed_offset();
    album_image::Entity::insert_many(ids.iter().map(|&image_id| album_image::ActiveModel {
        album_id: Set(album_id),
        image_id: Set(image_id),
        added_at: Set(now),
    }))
    .on_conflict(
        OnConflict::columns([album_image::Column::AlbumId, album_image::Column::ImageId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// Takes the images out of the user's album (they stay in the gallery).
pub async fn remove_images(
    db: &DatabaseConnection,
    user_id: i32,
    album_id: i32,
    image_ids: &[i32],
) -> Result<(), AppError> {
    let album = find_own(db, user_id, album_id).await?;
    let removed = album_image::Entity::delete_many()
        .filter(album_image::Column::AlbumId.eq(album.id))
        .filter(album_image::Column::ImageId.is_in(image_ids.iter().copied()))
        .exec(db)
        .await?;
    if removed.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Makes one of the album's images its cover.
pub async fn set_cover(
    db: &DatabaseConnection,
    user_id: i32,
    album_id: i32,
    image_id: i32,
) -> Result<(), AppError> {
    let album = find_own(db, user_id, album_id).await?;
    let member = album_image::Entity::find_by_id((album.id, image_id))
        .one(db)
        .await?
        .is_some();
    if !member {
        return Err(AppError::NotFound);
    }
    album::Entity::update_many()
        .col_expr(album::Column::CoverImageId, Expr::value(image_id))
        .filter(album::Column::Id.eq(album.id))
        .exec(db)
        .await?;
    Ok(())
}

/// A row of [`cards`]' query: an album, its count and its cover image.
#[derive(FromQueryResult)]
struct AlbumRow {
    id: i32,
    name: String,
    description: String,
    count: Option<i64>,
    image_id: Option<i32>,
    file_key: Option<String>,
    format: Option<String>,
    width: Option<i32>,
    height: Option<i32>,
}

/// The user's albums (or the one `only`), newest first, each with its
/// count and cover, in one statement: the chosen cover when it is still in
/// the album and not trashed, else the newest image.
pub async fn cards(
    db: &DatabaseConnection,
    user_id: i32,
    only: Option<i32>,
) -> Result<Vec<AlbumCard>, AppError> {
    let sql = "SELECT a.id, a.name, a.description, c.count, c.image_id, c.file_key, c.format, c.width, c.height \
        FROM albums a LEFT JOIN ( \
            SELECT ai.album_id, i.id AS image_id, i.file_key, i.format, i.width, i.height, \
                   COUNT(*) OVER (PARTITION BY ai.album_id) AS count, \
                   ROW_NUMBER() OVER (PARTITION BY ai.album_id ORDER BY \
                       CASE WHEN i.id = al.cover_image_id THEN 0 ELSE 1 END, i.created_at DESC, i.id DESC) AS rn \
            FROM album_images ai \
            JOIN images i ON i.id = ai.image_id AND i.deleted_at IS NULL \
            JOIN albums al ON al.id = ai.album_id \
            WHERE al.user_id = $1 \
        ) c ON c.album_id = a.id AND c.rn = 1 \
        WHERE a.user_id = $1 AND ($2 = 0 OR a.id = $2) \
        ORDER BY a.created_at DESC, a.id DESC";
    let rows = AlbumRow::find_by_statement(statement(
        db.get_database_backend(),
        sql,
        [user_id.into(), only.unwrap_or(0).into()],
    ))
    .all(db)
    .await?;
    Ok(rows.into_iter().map(card).collect())
}

fn card(row: AlbumRow) -> AlbumCard {
    let cover = match (row.image_id, row.file_key) {
        (Some(image_id), Some(key)) => {
            let format = StoredFormat::from_column(row.format.as_deref().unwrap_or("jpeg"));
            Some(AlbumCover {
                image_id,
                url: media_url(&key, &Variant::Thumb400.file_name(format)),
                width: row.width.unwrap_or(0),
                height: row.height.unwrap_or(0),
            })
        }
        _ => None,
    };
    AlbumCard {
        id: row.id,
        name: row.name,
        description: row.description,
        count: row.count.unwrap_or(0).max(0) as u64,
        cover,
    }
}

/// One of the user's albums as a card.
pub async fn card_of(
    db: &DatabaseConnection,
    user_id: i32,
    id: i32,
) -> Result<AlbumCard, AppError> {
    cards(db, user_id, Some(id))
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)
}

/// The user's albums, each saying whether it holds image `image_id`.
pub async fn choices(
    db: &DatabaseConnection,
    user_id: i32,
    image_id: Option<i32>,
) -> Result<Vec<AlbumChoice>, AppError> {
    let albums = album::Entity::find()
        .filter(album::Column::UserId.eq(user_id))
        .order_by_asc(album::Column::Name)
        .all(db)
        .await?;
    let holding: Vec<i32> = match image_id {
        Some(image_id) => album_image::Entity::find()
            .filter(album_image::Column::ImageId.eq(image_id))
            .all(db)
            .await?
            .into_iter()
            .map(|row| row.album_id)
            .collect(),
        None => Vec::new(),
    };
    Ok(albums
        .into_iter()
        .map(|a| AlbumChoice {
            contains: holding.contains(&a.id),
            id: a.id,
            name: a.name,
        })
        .collect())
}
