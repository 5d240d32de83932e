//! SeaORM entities, one module per table (see `migration/` for the schema).

pub mod activity;
pub mod album;
pub mod album_image;
pub mod image;
pub mod invitation;
pub mod recovery_code;
pub mod share;
pub mod share_image;
pub mod user;

pub mod prelude {
    pub use super::activity::Entity as Activity;
    pub use super::album::Entity as Album;
    pub use super::album_image::Entity as AlbumImage;
    pub use super::image::Entity as Image;
    pub use super::invitation::Entity as Invitation;
    pub use super::recovery_code::Entity as RecoveryCode;
    pub use super::share::Entity as Share;
    pub use super::share_image::Entity as ShareImage;
    pub use super::user::Entity as User;
}
