//! Who is asking: sessions, passwords, the client's address, cross-site
//! checks and login throttling. The account rules that use them are in
//! [`super::accounts`].

pub mod client_ip;
pub mod csrf;
pub mod password;
pub mod session;
mod session_store;
pub mod throttle;
