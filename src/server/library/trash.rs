//! The trash: deleting an image moves it here (its row gets `deleted_at`;
//! its files stay), where it can be restored whole or deleted forever.
//! Images trashed longer than `TRASH_DAYS` ago are purged by a background
//! job. Deleting forever removes the row first and then only the files of
//! rows this very statement removed (`DELETE … RETURNING`), so an image
//! restored at the same moment keeps its files; a crash between the two
//! leaves only files, which the orphan sweep removes.

use std::time::Duration;

use sea_orm::{
    sea_query::Expr, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};

use super::{
    card, discard_files, distinct, find_in, gallery::page_and_total, set_column, Library, Place,
};
use crate::server::db::begin_write;
use crate::{
    entities::image,
    error::AppError,
    model::{
        gallery::PAGE_SIZE,
        trash::{TrashPage, TrashedImage},
    },
};

/// Moves the user's images `ids` to the trash, all or none: one that is not
/// theirs, already in the trash, or missing makes the whole request "not
/// found".
pub async fn trash(db: &DatabaseConnection, user_id: i32, ids: &[i32]) -> Result<(), AppError> {
    let txn = db.begin().await?;
    let result = image::Entity::update_many()
        .col_expr(
            image::Column::DeletedAt,
            Expr::value(chrono::Utc::now().fixed_offset()),
        )
        .filter(image::Column::Id.is_in(ids.iter().copied()))
        .filter(image::Column::UserId.eq(user_id))
        .filter(image::Column::DeletedAt.is_null())
        .exec(&txn)
        .await?;
    if result.rows_affected != distinct(ids).len() as u64 {
        txn.rollback().await?;
        return Err(AppError::NotFound);
    }
    txn.commit().await?;
    Ok(())
}

/// One of the user's images in the trash.
pub async fn find_trashed(
    db: &DatabaseConnection,
    user_id: i32,
    id: i32,
) -> Result<image::Model, AppError> {
    find_in(db, user_id, id, Place::Trash).await
}

/// Puts one of the user's trashed images back in the gallery.
pub async fn restore(db: &DatabaseConnection, user_id: i32, id: i32) -> Result<(), AppError> {
    let gallery = Expr::value(None::<chrono::DateTime<chrono::FixedOffset>>);
    set_column(
        db,
        user_id,
        id,
        Place::Trash,
        image::Column::DeletedAt,
        gallery,
    )
    .await
}

/// Deletes one of the user's trashed images and its files.
pub async fn delete_forever(
    db: &DatabaseConnection,
    library: &Library,
    user_id: i32,
    id: i32,
) -> Result<(), AppError> {
    let removed = delete_trashed(
        db,
        library,
        Condition::all()
            .add(image::Column::Id.eq(id))
            .add(image::Column::UserId.eq(user_id)),
    )
    .await?;
    if removed == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Deletes every image in the user's trash; answers how many.
pub async fn empty(
    db: &DatabaseConnection,
    library: &Library,
    user_id: i32,
) -> Result<usize, AppError> {
    delete_trashed(
        db,
        library,
        Condition::all().add(image::Column::UserId.eq(user_id)),
    )
    .await
}

/// Deletes every image, of any user, trashed more than `keep` ago.
pub async fn purge(
    db: &DatabaseConnection,
    library: &Library,
    keep: Duration,
) -> Result<usize, AppError> {
    let keep =
        chrono::Duration::from_std(keep).map_err(|e| AppError::internal("trash retention", e))?;
    let cutoff = chrono::Utc::now().fixed_offset() - keep;
    delete_trashed(
        db,
        library,
        Condition::all().add(image::Column::DeletedAt.lt(cutoff)),
    )
    .await
}

/// Deletes the trashed rows matching `condition`, then the files of
/// exactly those rows. The rows are read and deleted in one transaction,
/// locked (`FOR UPDATE`) on Postgres; SQLite has one writer, and a write
/// committed after our read fails our delete instead. So an image restored
/// at the same moment is either restored whole or deleted whole. (Not
/// `DELETE … RETURNING`: SQLite answered it with "no such table" on
/// connections opened while others were busy.)
async fn delete_trashed(
    db: &DatabaseConnection,
    library: &Library,
    condition: Condition,
) -> Result<usize, AppError> {
    let txn = begin_write(db).await?;
    let doomed: Vec<(i32, String)> = image::Entity::find()
        .select_only()
        .column(image::Column::Id)
        .column(image::Column::FileKey)
        .filter(image::Column::DeletedAt.is_not_null())
        .filter(condition)
        .lock_exclusive()
        .into_tuple()
        .all(&txn)
        .await?;
    if doomed.is_empty() {
        txn.commit().await?;
        return Ok(0);
    }
    let deleted = image::Entity::delete_many()
        .filter(image::Column::Id.is_in(doomed.iter().map(|(id, _)| *id)))
        .filter(image::Column::DeletedAt.is_not_null())
        .exec(&txn)
        .await?;
    if deleted.rows_affected != doomed.len() as u64 {
        txn.rollback().await?;
        return Err(AppError::internal(
            "emptying the trash",
            "the trash changed while it was being emptied",
        ));
    }
    txn.commit().await?;
    for (_, key) in &doomed {
        discard_files(library, key).await;
    }
    Ok(doomed.len())
}

/// One page (1-based) of the user's trash, most recently trashed first.
pub async fn list(
    db: &DatabaseConnection,
    user_id: i32,
    page: u64,
    keep: Duration,
) -> Result<TrashPage, AppError> {
    let select = image::Entity::find()
        .filter(image::Column::UserId.eq(user_id))
        .filter(image::Column::DeletedAt.is_not_null())
        .order_by_desc(image::Column::DeletedAt)
        .order_by_desc(image::Column::Id);
    let (rows, total) = page_and_total(db, select, page.max(1)).await?;
    let keep = chrono::Duration::from_std(keep).unwrap_or(chrono::Duration::MAX);
    Ok(TrashPage {
        images: rows
            .iter()
            .map(|row| TrashedImage {
                card: card(row),
                thumb_url: format!("/trash/{}/thumb/", row.id),
                purge_on: row
                    .deleted_at
                    .and_then(|at| at.checked_add_signed(keep))
                    .map(|at| at.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
            })
            .collect(),
        page: page.max(1),
        pages: total.div_ceil(PAGE_SIZE).max(1),
        total,
        keep_days: keep.num_days().max(0) as u64,
    })
}
