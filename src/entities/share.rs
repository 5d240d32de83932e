use sea_orm::entity::prelude::*;

/// A share link (see the migration `create_shares`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shares")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    /// SHA-256 of the token, hex: what a visitor's token is looked up by.
    #[sea_orm(unique)]
    pub token_hash: String,
    /// Random, hex: the server derives the token from it and its key.
    pub token_nonce: String,
    /// An album link; `None`: the images in `share_images`.
    pub album_id: Option<i32>,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub message: String,
    pub expires_at: Option<DateTimeWithTimeZone>,
    /// Argon2 PHC string; `None`: no password.
    pub password_hash: Option<String>,
    pub allow_download: bool,
    pub views: i64,
    pub downloads: i64,
    pub last_opened_at: Option<DateTimeWithTimeZone>,
    pub created_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
