//! Who is logged in, as the UI sees it. Read on the server from the request
//! and sent to the browser inside the page, so both render the same navbar.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    pub username: String,
}

#[derive(Clone, Debug)]
struct CurrentUserContext(Option<UserInfo>);

/// Call once, at the top of the app.
pub fn provide_current_user() {
    let user = SharedValue::new(from_request).into_inner();
    provide_context(CurrentUserContext(user));
}

pub fn use_current_user() -> Option<UserInfo> {
    use_context::<CurrentUserContext>().and_then(|c| c.0)
}

#[cfg(feature = "ssr")]
fn from_request() -> Option<UserInfo> {
    let parts = use_context::<http::request::Parts>()?;
    let user = parts
        .extensions
        .get::<crate::server::auth::session::CurrentUser>()?;
    Some(UserInfo {
        username: user.username.clone(),
    })
}

#[cfg(not(feature = "ssr"))]
fn from_request() -> Option<UserInfo> {
    None
}
