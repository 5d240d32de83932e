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
    /// May manage users (the admin page).
    pub is_admin: bool,
    /// `REQUIRE_2FA` is on and this user has not set it up: every page but
    /// the setup page sends them there.
    pub must_set_up_two_factor: bool,
}

/// How much a user stores, against their quota (`None`: no limit).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageUsage {
    pub used_bytes: u64,
    pub quota_bytes: Option<u64>,
}

impl StorageUsage {
    /// "1.9 GB of 2 GB", or "1.9 GB (no limit)".
    pub fn summary(&self) -> String {
        match self.quota_bytes {
            Some(quota) => format!(
                "{} of {}",
                format_bytes(self.used_bytes),
                format_bytes(quota)
            ),
            None => format!("{} (no limit)", format_bytes(self.used_bytes)),
        }
    }

    /// Whether `adding` more bytes would go over the quota.
    pub fn would_exceed(&self, adding: u64) -> bool {
        self.quota_bytes
            .is_some_and(|quota| self.used_bytes.saturating_add(adding) > quota)
    }
}

/// A byte count as people read it, in SI units with at most one decimal:
/// "512 bytes", "3.1 MB", "2 GB".
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if bytes < 1000 {
        return format!("{bytes} byte{}", if bytes == 1 { "" } else { "s" });
    }
    let mut value = bytes as f64;
    let mut unit = "";
    for next in UNITS {
        value /= 1000.0;
        unit = next;
        if value < 999.95 {
            break;
        }
    }
    let text = format!("{value:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text} {unit}")
}

#[derive(Clone, Debug)]
struct CurrentUserContext(Option<CurrentUser>);

/// Call once, at the top of the app.
pub fn provide_current_user() {
    provide_context(CurrentUserContext(from_request()));
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
    use super::*;

    #[test]
    fn byte_counts_read_like_people_write_them() {
        assert_eq!(format_bytes(0), "0 bytes");
        assert_eq!(format_bytes(1), "1 byte");
        assert_eq!(format_bytes(999), "999 bytes");
        assert_eq!(format_bytes(1000), "1 kB");
        assert_eq!(format_bytes(3_140_000), "3.1 MB");
        assert_eq!(format_bytes(1_900_000_000), "1.9 GB");
        assert_eq!(format_bytes(2_000_000_000), "2 GB");
        assert_eq!(format_bytes(999_990_000), "1 GB");
        assert_eq!(format_bytes(u64::MAX), "18446.7 PB");
        let usage = StorageUsage {
            used_bytes: 1_900_000_000,
            quota_bytes: Some(2_000_000_000),
        };
        assert_eq!(usage.summary(), "1.9 GB of 2 GB");
        assert!(!usage.would_exceed(100_000_000));
        assert!(usage.would_exceed(100_000_001));
        let unlimited = StorageUsage {
            used_bytes: 5,
            quota_bytes: None,
        };
        assert_eq!(unlimited.summary(), "5 bytes (no limit)");
        assert!(!unlimited.would_exceed(u64::MAX));
    }

    #[test]
    fn the_help_states_the_limit() {
        assert!(USERNAME_HELP.contains(&USERNAME_MAX.to_string()));
    }
}
