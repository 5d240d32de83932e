//! Who is logged in. The session layer on the server puts a [`CurrentUser`]
//! into the request; the app hands it to the browser inside the page, so
//! both render the same navbar.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Longest username, in characters (as the old app).
pub const USERNAME_MAX: usize = 150;
/// The rule, as the sign-up form states it (a test keeps it in step).
pub const USERNAME_HELP: &str = "Up to 150 characters: letters, digits and @ . + - _ only.";

/// The password rules, as the forms state them (`server::auth::password`
/// enforces them).
pub const PASSWORD_HELP: &str =
    "At least 8 characters, not entirely numeric, not a common password, not like your username.";

/// The logged-in user of a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i32,
    pub username: String,
}

#[derive(Clone, Debug)]
struct CurrentUserContext(Option<CurrentUser>);

/// Call once, at the top of the app.
pub fn provide_current_user() {
    let user = SharedValue::new(from_request).into_inner();
    provide_context(CurrentUserContext(user));
}

pub fn use_current_user() -> Option<CurrentUser> {
    use_context::<CurrentUserContext>().and_then(|c| c.0)
}

/// The logged-in user, except under a share link (`/s/…`): that page is
/// the same for everyone, so it carries no one's name in its data.
#[cfg(feature = "ssr")]
fn from_request() -> Option<CurrentUser> {
    let parts = use_context::<http::request::Parts>()?;
    if parts.uri.path().starts_with("/s/") {
        return None;
    }
    parts.extensions.get::<CurrentUser>().cloned()
}

#[cfg(not(feature = "ssr"))]
fn from_request() -> Option<CurrentUser> {
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_help_states_the_limit() {
        assert!(super::USERNAME_HELP.contains(&super::USERNAME_MAX.to_string()));
    }
}
