//! One module per route. Pages call the server functions in `crate::api`;
//! no page imports another's internals (only the shared 404 page).

pub mod account;
pub mod activity;
pub mod admin;
pub mod admin_delete;
pub mod albums;
pub mod gallery;
pub mod home;
pub mod image_detail;
pub mod login;
pub mod login_code;
pub mod logout;
pub mod not_found;
pub mod register;
pub mod shared;
pub mod shares;
pub mod trash;
pub mod two_factor;
pub mod upload;
