//! Server-only code (the `ssr` feature). Nothing here is compiled into the
//! WASM bundle.
//!
//! - [`http`]: the router, its layers, and the handlers that are not server
//!   functions (plain form posts, uploads, media, health).
//! - [`accounts`], [`users`], [`library`]: the services (rules and queries) that the
//!   server functions in `crate::api` and the handlers call.
//! - [`auth`]: sessions, passwords, client address, CSRF, throttling.
//! - [`startup`]: building the state and the background jobs.

pub mod accounts;
pub mod activity;
pub mod auth;
pub mod config;
pub mod db;
pub mod http;
pub mod import;
pub mod invitations;
pub mod library;
pub mod request;
pub mod secret;
pub mod shares;
pub mod startup;
pub mod state;
pub mod token;
pub mod two_factor;
pub mod users;

pub use startup::StartError;
