use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "images")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// Server-generated name of the stored files (never the upload's name).
    #[sea_orm(unique)]
    pub file_key: String,
    pub created_at: DateTimeWithTimeZone,
    /// Size of the display copy, in pixels.
    pub width: i32,
    pub height: i32,
    /// `jpeg`, or `png` for images with transparency.
    pub format: String,
    /// File extension of the kept original, when originals are kept.
    pub original_ext: Option<String>,
    /// Id of the row in an imported Django database.
    pub legacy_id: Option<i64>,
    pub favourite: bool,
    /// When the image was moved to the trash; `None` while in the gallery.
    pub deleted_at: Option<DateTimeWithTimeZone>,
    /// The last change of name or description; `None` until the first.
    pub edited_at: Option<DateTimeWithTimeZone>,
    /// Bytes of all its stored files (copies and original), counted
    /// against the owner's quota; `None` until measured (older rows).
    pub stored_bytes: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id",
        on_delete = "Cascade"
    )]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
