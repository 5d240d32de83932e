//! Per-user storage quotas: what each user's stored files take (every
//! copy and the kept original, trash included) against their own quota or
//! the server's `DEFAULT_QUOTA`.

use sea_orm::{
    sea_query::Expr, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};

use super::Library;
use crate::{
    entities::{image, user},
    error::AppError,
    model::user::{format_bytes, StorageUsage},
    server::users::QuotaSetting,
};

/// The bytes `user_id` stores, and their quota (`default` unless the
/// user has their own).
pub async fn usage(
    db: &DatabaseConnection,
    user_id: i32,
    default: Option<u64>,
) -> Result<StorageUsage, AppError> {
    let own_quota: Option<Option<i64>> = user::Entity::find_by_id(user_id)
        .select_only()
        .column(user::Column::QuotaBytes)
        .into_tuple()
        .one(db)
        .await?;
    let own_quota = own_quota.ok_or(AppError::Unauthenticated)?;
    let used: Option<i64> = image::Entity::find()
        .select_only()
        .column_as(stored_bytes_sum(), "used")
        .filter(image::Column::UserId.eq(user_id))
        .into_tuple()
        .one(db)
        .await?;
    Ok(StorageUsage {
        used_bytes: used.unwrap_or(0).max(0) as u64,
        quota_bytes: QuotaSetting::from_column(own_quota).limit(default),
    })
}

/// `SUM(stored_bytes)` of the selected images as a 64-bit integer on both
/// databases, 0 for none (SUM over nothing is NULL).
pub(crate) fn stored_bytes_sum() -> sea_orm::sea_query::SimpleExpr {
    Expr::cust("CAST(COALESCE(SUM(stored_bytes), 0) AS BIGINT)")
}

/// 413 when `adding` bytes do not fit in `usage`'s quota, or, for 0,
/// when the quota is used up.
pub fn check(usage: &StorageUsage, adding: u64) -> Result<(), AppError> {
    let full = usage.quota_bytes.is_some_and(|q| usage.used_bytes >= q);
    let refused = if adding == 0 {
        full
    } else {
        usage.would_exceed(adding)
    };
    if !refused {
        return Ok(());
    }
    let used = usage.summary();
    let message = if adding == 0 {
        format!("Your storage is full: you have used {used}. Delete images and empty the trash to make room.")
    } else {
        format!(
            "This image needs {} and does not fit: you have used {used}. Delete images and empty the trash to make room.",
            format_bytes(adding)
        )
    };
    Err(AppError::field(413, "image", message))
}

/// Measures the stored files of images whose size is not known yet (rows
/// from before sizes were recorded), so that they count against quotas.
/// Answers how many were measured.
pub async fn measure_unsized(
    db: &DatabaseConnection,
    library: &Library,
) -> Result<usize, AppError> {
    let unmeasured: Vec<(i32, String)> = image::Entity::find()
        .select_only()
        .columns([image::Column::Id, image::Column::FileKey])
        .filter(image::Column::StoredBytes.is_null())
        .into_tuple()
        .all(db)
        .await?;
    for (id, key) in &unmeasured {
        let size = library
            .storage
            .stored_size(key)
            .await
            .map_err(|e| AppError::internal("measuring stored media", e))?;
        image::Entity::update_many()
            .col_expr(image::Column::StoredBytes, Expr::value(size as i64))
            .filter(image::Column::Id.eq(*id))
            .filter(image::Column::StoredBytes.is_null())
            .exec(db)
            .await?;
    }
    Ok(unmeasured.len())
}
