//! Accounts and sessions (server side).

pub mod accounts;
pub mod client_ip;
pub mod csrf;
pub mod password;
pub mod session;
pub mod throttle;
