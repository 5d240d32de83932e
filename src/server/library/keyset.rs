//! Keyset paging of one user's images: a page is the rows after (or
//! before) the image next to it, in the order's key and then id, so any
//! page is found through an index at the cost of the first. Each order's
//! index is in the migration `keep_gallery_counts`.

use sea_orm::{
    sea_query::{Expr, Order},
    ConnectionTrait, DatabaseBackend, DatabaseConnection, QueryFilter, QueryOrder, QuerySelect,
    Select,
};

use super::card_row::{CardRow, CARD_COLUMNS};
use crate::{
    entities::image,
    error::AppError,
    model::gallery::{PageAt, Sort, PAGE_SIZE},
};

/// A page found by keyset, before its rows become cards; only the
/// columns a card shows are read ([`CardRow`]).
pub(super) struct KeysetPage {
    pub rows: Vec<CardRow>,
    pub at: PageAt,
    pub number: u64,
    pub prev: Option<PageAt>,
    pub next: Option<PageAt>,
}

/// Keyset paging of one user's images in one order.
pub(super) struct Keyset {
    pub order: Sort,
    pub user_id: i32,
}

impl Keyset {
    /// The order's key, an SQL expression over the table named `{t}`,
    /// and whether it runs descending. Each has an index (migration
    /// `keep_gallery_counts`); the id breaks ties, in the same direction.
    fn key(&self) -> (&'static str, bool) {
        match self.order {
            Sort::Newest => ("{t}.created_at", true),
            Sort::Oldest => ("{t}.created_at", false),
            Sort::Name => ("LOWER({t}.name)", false),
            Sort::Edited => ("COALESCE({t}.edited_at, {t}.created_at)", true),
        }
    }

    /// Up to `limit` rows of `select`, `forward` in the order or against
    /// it, after the image `from` (if any) and `skip` rows; the rows come
    /// back in the order's direction. Also whether more rows follow.
    async fn fetch(
        &self,
        db: &DatabaseConnection,
        mut select: Select<image::Entity>,
        from: Option<i32>,
        forward: bool,
        skip: u64,
        limit: u64,
    ) -> Result<(Vec<CardRow>, bool), AppError> {
        let (key, descending) = self.key();
        let descending = descending == forward;
        if let Some(from) = from {
            // Row values: `(key, id) < (that image's key, id)`; the image
            // must be the user's own (anyone else's finds nothing).
            // sea-query's placeholders: `$n` on Postgres, `?` on SQLite.
            let (id, user) = match db.get_database_backend() {
                DatabaseBackend::Postgres => ("$1", "$2"),
                _ => ("?", "?"),
            };
            let sql = format!(
                "({}, images.id) {} (SELECT {}, cursor.id FROM images cursor \
                 WHERE cursor.id = {id} AND cursor.user_id = {user})",
                key.replace("{t}", "images"),
                if descending { "<" } else { ">" },
                key.replace("{t}", "cursor"),
            );
            select = select.filter(Expr::cust_with_values(sql, [from, self.user_id]));
        }
        let direction = if descending { Order::Desc } else { Order::Asc };
        let mut rows = select
            .select_only()
            .columns(CARD_COLUMNS)
            .order_by(Expr::cust(key.replace("{t}", "images")), direction.clone())
            .order_by(image::Column::Id, direction)
            .offset(skip)
            .limit(limit + 1)
            .into_model::<CardRow>()
            .all(db)
            .await?;
        let more = rows.len() as u64 > limit;
        rows.truncate(limit as usize);
        if !forward {
            rows.reverse();
        }
        Ok((rows, more))
    }

    /// The first page.
    pub async fn first(
        &self,
        db: &DatabaseConnection,
        select: Select<image::Entity>,
    ) -> Result<KeysetPage, AppError> {
        let (rows, more) = self.fetch(db, select, None, true, 0, PAGE_SIZE).await?;
        Ok(KeysetPage {
            next: more.then(|| after(&rows)).flatten(),
            rows,
            at: PageAt::Start,
            number: 1,
            prev: None,
        })
    }

    /// Page `n` by number (a URL from before keyset paging, typed, or a
    /// stale link's number): skips rows, so it costs more the deeper it
    /// is; its links go on by keyset. `None` past the end.
    pub async fn numbered(
        &self,
        db: &DatabaseConnection,
        select: Select<image::Entity>,
        n: u64,
        pages: u64,
    ) -> Result<Option<KeysetPage>, AppError> {
        if n <= 1 {
            return Ok(Some(self.first(db, select).await?));
        }
        if n > pages {
            return Ok(None);
        }
        let skip = (n - 1) * PAGE_SIZE;
        let (rows, more) = self.fetch(db, select, None, true, skip, PAGE_SIZE).await?;
        if rows.is_empty() {
            return Ok(None);
        }
        Ok(Some(KeysetPage {
            prev: (n > 1).then(|| before(&rows)).flatten(),
            next: more.then(|| after(&rows)).flatten(),
            rows,
            at: PageAt::Number(n),
            number: n,
        }))
    }

    /// The page after image `id`, numbered `number` by its link; `None`
    /// when nothing follows, or the image is not one of the user's (any
    /// more).
    pub async fn after(
        &self,
        db: &DatabaseConnection,
        select: Select<image::Entity>,
        id: i32,
        number: u64,
        pages: u64,
    ) -> Result<Option<KeysetPage>, AppError> {
        let (rows, more) = self.fetch(db, select, Some(id), true, 0, PAGE_SIZE).await?;
        if rows.is_empty() {
            return Ok(None);
        }
        Ok(Some(KeysetPage {
            prev: before(&rows),
            next: more.then(|| after(&rows)).flatten(),
            rows,
            at: PageAt::After(id),
            // Pages follow and precede it: neither the first nor the last.
            number: if more {
                number.clamp(2, pages.saturating_sub(1).max(2))
            } else {
                pages
            },
        }))
    }

    /// The page before image `id`, numbered `number` by its link. When
    /// nothing is before it, this is the first page (`prev` is `None`);
    /// `None` when the image is not one of the user's (any more).
    pub async fn before(
        &self,
        db: &DatabaseConnection,
        select: Select<image::Entity>,
        id: i32,
        number: u64,
    ) -> Result<Option<KeysetPage>, AppError> {
        let (rows, more) = self
            .fetch(db, select, Some(id), false, 0, PAGE_SIZE)
            .await?;
        if rows.is_empty() {
            return Ok(None);
        }
        Ok(Some(KeysetPage {
            prev: more.then(|| before(&rows)).flatten(),
            next: after(&rows),
            rows,
            at: PageAt::Before(id),
            number: if more { number.max(2) } else { 1 },
        }))
    }

    /// The last page: the end of the order, as many rows as numbered pages
    /// leave for it, so it lines up with the pages before it.
    pub async fn last(
        &self,
        db: &DatabaseConnection,
        select: Select<image::Entity>,
        total: u64,
        pages: u64,
    ) -> Result<KeysetPage, AppError> {
        let on_last = match total % PAGE_SIZE {
            0 => PAGE_SIZE,
            rest => rest,
        };
        let (rows, more) = self.fetch(db, select, None, false, 0, on_last).await?;
        Ok(KeysetPage {
            prev: more.then(|| before(&rows)).flatten(),
            next: None,
            rows,
            at: PageAt::Last,
            number: pages,
        })
    }
}

/// Where the page after `rows` starts.
fn after(rows: &[CardRow]) -> Option<PageAt> {
    rows.last().map(|row| PageAt::After(row.id))
}

/// Where the page before `rows` starts.
fn before(rows: &[CardRow]) -> Option<PageAt> {
    rows.first().map(|row| PageAt::Before(row.id))
}
