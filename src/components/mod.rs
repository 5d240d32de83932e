//! UI pieces shared by several pages.

pub mod album_membership;
pub mod confirm_form;
pub mod copy_link;
pub mod escape;
pub mod favourite;
pub mod form;
pub mod grid_state;
pub mod hydrated;
pub mod image_form;
pub mod image_grid;
pub mod lightbox;
pub mod navbar;
pub mod page;
pub mod pagination;
pub mod selection;
pub mod share_form;
pub mod shared_gallery;
pub mod theme_toggle;
pub mod upload_queue;
pub mod uploader;
pub mod usage_bar;
