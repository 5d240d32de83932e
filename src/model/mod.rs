//! Domain types shared by the server and the browser: what a page shows and
//! what a form may hold. Limits live here once, so the server's checks and
//! the inputs' `maxlength` cannot disagree.

pub mod account;
pub mod activity;
pub mod admin;
pub mod album;
pub mod gallery;
pub mod image;
pub mod share;
pub mod signup;
pub mod trash;
pub mod user;
