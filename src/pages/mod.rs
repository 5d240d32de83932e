//! One module per route; form pages keep their server function beside them.

pub mod home;
pub mod image_detail;
pub mod images;
pub mod login;
pub mod logout;
pub mod not_found;
pub mod password;
pub mod register;
pub mod upload;
