use sea_orm::entity::prelude::*;

/// An invitation to sign up (see the migration `create_invitations`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invitations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// SHA-256 of the token, hex: what a sign-up's token is looked up by.
    #[sea_orm(unique)]
    pub token_hash: String,
    /// Random, hex: the admin page makes the link again from it and the
    /// server's key.
    pub token_nonce: String,
    /// The admin who made it; `None` for the command line (or a deleted
    /// admin).
    pub created_by: Option<i32>,
    pub created_at: DateTimeWithTimeZone,
    pub expires_at: Option<DateTimeWithTimeZone>,
    pub max_uses: i32,
    pub uses: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
