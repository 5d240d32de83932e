//! The columns an image's card shows, read from a row by position.
//!
//! A derived SeaORM model reads each column by name, and builds that name
//! with `format!` for every column of every row: a tenth of a gallery
//! request's instructions under callgrind (`make profile`) went there. The
//! gallery selects only these columns, in [`CARD_COLUMNS`]' order, and
//! reads them by index.

use sea_orm::{DbErr, FromQueryResult, QueryResult};

use crate::entities::image;

/// What [`CardRow`] reads, in its fields' order.
pub const CARD_COLUMNS: [image::Column; 8] = [
    image::Column::Id,
    image::Column::Name,
    image::Column::Description,
    image::Column::FileKey,
    image::Column::Width,
    image::Column::Height,
    image::Column::Format,
    image::Column::Favourite,
];

/// An image's row as far as its card needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardRow {
    pub id: i32,
    pub name: String,
    pub description: String,
    pub file_key: String,
    pub width: i32,
    pub height: i32,
    pub format: String,
    pub favourite: bool,
}

impl FromQueryResult for CardRow {
    /// The row of a query selecting [`CARD_COLUMNS`] first.
    fn from_query_result(row: &QueryResult, _pre: &str) -> Result<Self, DbErr> {
        Ok(Self {
            id: row.try_get_by_index(0)?,
            name: row.try_get_by_index(1)?,
            description: row.try_get_by_index(2)?,
            file_key: row.try_get_by_index(3)?,
            width: row.try_get_by_index(4)?,
            height: row.try_get_by_index(5)?,
            format: row.try_get_by_index(6)?,
            favourite: row.try_get_by_index(7)?,
        })
    }
}

impl From<&image::Model> for CardRow {
    fn from(model: &image::Model) -> Self {
        Self {
            id: model.id,
            name: model.name.clone(),
            description: model.description.clone(),
            file_key: model.file_key.clone(),
            width: model.width,
            height: model.height,
            format: model.format.clone(),
            favourite: model.favourite,
        }
    }
}
