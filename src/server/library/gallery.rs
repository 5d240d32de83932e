//! Listing a user's gallery: filtered (search words, favourites), ordered,
//! one page at a time, and the total from the same statement.
//!
//! Search uses each backend's full-text index (see the migration
//! `organise_images`): words match as prefixes, ignoring case and accents,
//! best match first (a word in the name counts more than in the
//! description). The words reach SQL only as bound values, and only as
//! letters and digits ([`search_words`]), so no input is query syntax.

use sea_orm::{
    sea_query::{Alias, Expr, JoinType, Order, Query},
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait,
    FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select,
};

use super::card;
use crate::{
    entities::{album_image, image},
    error::AppError,
    model::{
        gallery::{search_words, GalleryPage, GalleryQuery, Sort, PAGE_SIZE},
        image::ImageCard,
    },
};

/// One page of the user's gallery for `query`. A page past the end shows
/// the last one.
pub async fn list(
    db: &DatabaseConnection,
    user_id: i32,
    query: &GalleryQuery,
) -> Result<GalleryPage, AppError> {
    page_of(
        db,
        || gallery_select(db.get_database_backend(), user_id, query),
        query.page,
        card,
    )
    .await
}

/// Page `page` of `select`'s images, each shown by `to_card`. A page past
/// the end shows the last one.
pub async fn page_of(
    db: &DatabaseConnection,
    select: impl Fn() -> Select<image::Entity>,
    page: u64,
    to_card: impl Fn(&image::Model) -> ImageCard,
) -> Result<GalleryPage, AppError> {
    // Far past any real library, and (page - 1) * PAGE_SIZE stays an i64.
    let page = page.clamp(1, u64::from(u32::MAX));
    let (mut rows, mut total) = page_and_total(db, select(), page).await?;
    let mut pages = total.div_ceil(PAGE_SIZE).max(1);
    let mut page = page;
    if rows.is_empty() && page > 1 {
        // Past the end (the window count comes with rows only): count, and
        // show the last page.
        total = select().count(db).await?;
        pages = total.div_ceil(PAGE_SIZE).max(1);
        page = pages;
        (rows, _) = page_and_total(db, select(), page).await?;
    }
    Ok(GalleryPage {
        images: rows.iter().map(to_card).collect(),
        page,
        pages,
        total,
    })
}

/// The user's images in the gallery (not the trash) that `query` asks
/// for, in its order.
fn gallery_select(
    backend: DatabaseBackend,
    user_id: i32,
    query: &GalleryQuery,
) -> Select<image::Entity> {
    let mut select = image::Entity::find()
        .filter(image::Column::UserId.eq(user_id))
        .filter(image::Column::DeletedAt.is_null());
    if query.favourites {
        select = select.filter(image::Column::Favourite.eq(true));
    }
    if let Some(album_id) = query.album {
        select = select.filter(
            image::Column::Id.in_subquery(
                Query::select()
                    .column(album_image::Column::ImageId)
                    .from(album_image::Entity)
                    .and_where(album_image::Column::AlbumId.eq(album_id))
                    .to_owned(),
            ),
        );
    }
    let words = search_words(&query.q);
    if words.is_empty() {
        return sorted(select, query.sort);
    }
    select = match backend {
        DatabaseBackend::Postgres => {
            // sea-query's placeholder for Postgres is `$n`, counted within
            // each expression.
            let terms = words
                .iter()
                .map(|w| format!("{w}:*"))
                .collect::<Vec<_>>()
                .join(" & ");
            select
                .filter(Expr::cust_with_values(
                    "images_search_vector(images.name, images.description) @@ images_search_query($1)",
                    [terms.clone()],
                ))
                .order_by(
                    Expr::cust_with_values(
                        "ts_rank(images_search_vector(images.name, images.description), images_search_query($1))",
                        [terms],
                    ),
                    Order::Desc,
                )
        }
        _ => {
            // FTS5: each word a quoted prefix; words together mean AND.
            let terms = words
                .iter()
                .map(|w| format!("\"{w}\"*"))
                .collect::<Vec<_>>()
                .join(" ");
            // bm25() cannot sit beside COUNT(*) OVER () in one query, so
            // the matches and their rank come from a subquery.
            let hits = Query::select()
                .expr_as(Expr::cust("rowid"), Alias::new("hit_id"))
                .expr_as(
                    Expr::cust("bm25(images_fts, 4.0, 1.0)"),
                    Alias::new("hit_rank"),
                )
                .from(Alias::new("images_fts"))
                .and_where(Expr::cust_with_values("images_fts MATCH ?", [terms]))
                .to_owned();
            let mut select = select;
            QueryTrait::query(&mut select).join_subquery(
                JoinType::InnerJoin,
                hits,
                Alias::new("hits"),
                Expr::cust("hits.hit_id = images.id"),
            );
            // bm25 is lower for better matches; a name counts 4×.
            select.order_by(Expr::cust("hits.hit_rank"), Order::Asc)
        }
    };
    select
        .order_by_desc(image::Column::CreatedAt)
        .order_by_desc(image::Column::Id)
}

fn sorted(select: Select<image::Entity>, sort: Sort) -> Select<image::Entity> {
    match sort {
        Sort::Newest => select
            .order_by_desc(image::Column::CreatedAt)
            .order_by_desc(image::Column::Id),
        Sort::Oldest => select
            .order_by_asc(image::Column::CreatedAt)
            .order_by_asc(image::Column::Id),
        Sort::Name => select
            .order_by(Expr::cust("LOWER(images.name)"), Order::Asc)
            .order_by_asc(image::Column::Id),
        Sort::Edited => select
            .order_by(
                Expr::cust("COALESCE(images.edited_at, images.created_at)"),
                Order::Desc,
            )
            .order_by_desc(image::Column::Id),
    }
}

/// One page (1-based) of `select` and, from the same statement
/// (`COUNT(*) OVER ()`), how many rows it has in all: one round trip.
pub(super) async fn page_and_total(
    db: &DatabaseConnection,
    select: Select<image::Entity>,
    page: u64,
) -> Result<(Vec<image::Model>, u64), sea_orm::DbErr> {
    let statement = select
        .expr_as(Expr::cust("COUNT(*) OVER ()"), "total")
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .build(db.get_database_backend());
    let rows = db.query_all(statement).await?;
    let total = match rows.first() {
        Some(row) => row.try_get::<i64>("", "total")?.max(0) as u64,
        None => 0,
    };
    let models = rows
        .iter()
        .map(|row| image::Model::from_query_result(row, ""))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((models, total))
}
