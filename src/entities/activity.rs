use sea_orm::entity::prelude::*;

/// One entry of the activity log (see the migration `create_activity`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activity")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Whose account it is about; `None` once that user is deleted.
    pub user_id: Option<i32>,
    /// Who did it, when not the user themselves (an admin).
    pub actor_id: Option<i32>,
    /// The name of `user_id` when it was written (or the name tried, for a
    /// failed login of no such user).
    pub username: String,
    /// `server::activity::Kind` as text.
    pub kind: String,
    pub detail: String,
    /// The client's address, when it came through a request.
    pub address: Option<String>,
    pub created_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
