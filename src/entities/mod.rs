//! SeaORM entities, one module per table (see `migration/` for the schema).

pub mod image;
pub mod user;

pub mod prelude {
    pub use super::image::Entity as Image;
    pub use super::user::Entity as User;
}
