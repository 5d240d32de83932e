//! The activity log as the UI sees it (`/account/activity/`, and
//! `/admin/activity/` for everyone's).

use serde::{Deserialize, Serialize};

/// Entries per page.
pub const ACTIVITY_PAGE_SIZE: u64 = 50;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityEntry {
    /// `YYYY-MM-DD HH:MM:SS` UTC.
    pub at: String,
    /// Whose account.
    pub username: String,
    /// What happened, in words ("Logged in").
    pub what: String,
    pub detail: String,
    /// An admin's name when an admin did it, else empty.
    pub by: String,
    /// The client's address, or empty.
    pub address: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityView {
    pub entries: Vec<ActivityEntry>,
    /// 1-based.
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    /// The filters applied (admin view): a username and a kind (empty: any).
    pub user: String,
    pub kind: String,
    /// Every kind, as (value, words), for the filter.
    pub kinds: Vec<(String, String)>,
    /// How many days entries are kept.
    pub kept_days: u64,
}
