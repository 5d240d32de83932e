//! Listing a user's gallery: filtered (search words, favourites, album),
//! ordered, one page at a time (by keyset, [`super::keyset`]), with its
//! total.
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

use super::{card, card_of_row, keyset::Keyset};
use crate::{
    entities::{album_image, image, user},
    error::AppError,
    model::{
        gallery::{search_words, GalleryPage, GalleryQuery, PageAt, PAGE_SIZE},
        image::ImageCard,
    },
};

/// One page of the user's gallery for `query`.
///
/// Pages follow one another by keyset: the next page is the images after
/// the last one shown, in the order's key and then id, found through an
/// index, so any page costs what the first does. The total of the plain
/// gallery is the count the database keeps on the user's row (triggers of
/// the migration `keep_gallery_counts`); a filtered view counts its rows.
/// Search results, ranked per query, are numbered pages ([`page_of`]).
/// `kept_images` is that count if the caller has it already (the session
/// layer reads the user's row on every request, before anything in the
/// request could change the images); `None` reads it.
pub async fn list(
    db: &DatabaseConnection,
    user_id: i32,
    query: &GalleryQuery,
    kept_images: Option<u64>,
) -> Result<GalleryPage, AppError> {
    let backend = db.get_database_backend();
    let select = || gallery_select(backend, user_id, query);
    if query.is_search() {
        let page = match query.at {
            PageAt::Number(n) => n,
            PageAt::Last => u64::MAX,
            _ => query.page,
        };
        return page_of(db, select, page, card).await;
    }
    let total = match (query.favourites, query.album) {
        (false, None) => match kept_images {
            Some(count) => count,
            None => kept_count(db, user_id).await?,
        },
        _ => select().count(db).await?,
    };
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let keyset = Keyset {
        order: query.sort,
        user_id,
    };
    let page = match query.at {
        PageAt::Start | PageAt::Number(0 | 1) => Some(keyset.first(db, select()).await?),
        PageAt::Number(n) => keyset.numbered(db, select(), n, pages).await?,
        PageAt::After(id) => match keyset.after(db, select(), id, query.page, pages).await? {
            Some(page) => Some(page),
            // Past the end, or an image since deleted: the link's number.
            None => keyset.numbered(db, select(), query.page, pages).await?,
        },
        PageAt::Before(id) => match keyset.before(db, select(), id, query.page).await? {
            Some(page) => Some(page),
            None => keyset.numbered(db, select(), query.page, pages).await?,
        },
        PageAt::Last => None,
    };
    let page = match page {
        Some(page) => page,
        None => keyset.last(db, select(), total, pages).await?,
    };
    // The first page by any path is the plain URL.
    let page = if page.prev.is_none() && page.at != PageAt::Start {
        keyset.first(db, select()).await?
    } else {
        page
    };
    Ok(GalleryPage {
        images: page.rows.into_iter().map(card_of_row).collect(),
        at: page.at,
        page: page.number.clamp(1, pages),
        pages,
        total,
        last: page.next.map(|_| PageAt::Last),
        prev: page.prev,
        next: page.next,
    })
}

/// The images the plain gallery holds, as the database keeps count.
async fn kept_count(db: &DatabaseConnection, user_id: i32) -> Result<u64, AppError> {
    let count = user::Entity::find_by_id(user_id)
        .select_only()
        .column(user::Column::ImageCount)
        .into_tuple::<i64>()
        .one(db)
        .await?;
    Ok(count.unwrap_or(0).max(0) as u64)
}

/// Page `page` of `select`'s images, each shown by `to_card`, by number
/// (search results, a share's page). A page past the end shows the last
/// one.
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
        at: PageAt::Number(page),
        page,
        pages,
        total,
        prev: (page > 1).then(|| PageAt::Number(page - 1)),
        next: (page < pages).then(|| PageAt::Number(page + 1)),
        last: (page < pages).then_some(PageAt::Number(pages)),
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
        // Ordered by the keyset paging.
        return select;
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
