//! The admin page as the UI sees it: users and invitations.

use serde::{Deserialize, Serialize};

/// One user, as an admin manages them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedUser {
    pub id: i32,
    pub username: String,
    pub is_admin: bool,
    /// `false`: disabled (cannot log in, sessions and share links stopped).
    pub is_active: bool,
    /// Images, the trash included.
    pub images: u64,
    pub stored_bytes: u64,
    /// Their own quota, as `set-quota` takes it (`2 GB`, `unlimited`), or
    /// empty for the server's default.
    pub own_quota: String,
    /// `YYYY-MM-DD HH:MM` UTC, or empty when never.
    pub last_login: String,
    /// Two-factor login is on.
    pub two_factor: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedInvitation {
    pub id: i32,
    /// `None` when the server's key changed since it was made.
    pub link: Option<String>,
    pub uses: u32,
    pub max_uses: u32,
    /// `YYYY-MM-DD` UTC, or empty when it does not expire.
    pub expires_on: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminView {
    pub users: Vec<ManagedUser>,
    /// The search the list was filtered by.
    pub query: String,
    /// 1-based.
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    pub invitations: Vec<ManagedInvitation>,
    /// The server's `DEFAULT_QUOTA` in words ("unlimited" when none).
    pub default_quota: String,
}
