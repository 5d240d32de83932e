use sea_orm::entity::prelude::*;

/// One image of a share link that is not an album link.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "share_images")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub share_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub image_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::image::Entity",
        from = "Column::ImageId",
        to = "super::image::Column::Id"
    )]
    Image,
}

impl Related<super::image::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Image.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
