//! The activity log: who logged in (or failed to) from where, password and
//! two-factor changes, shares made and revoked, deletions, admin actions.
//! Kept for `AUDIT_DAYS`; each user reads their own, admins everyone's.
//!
//! Writing an entry never fails the action it records: a failed insert is
//! logged, and the action goes on.

use std::{net::IpAddr, time::Duration};

use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};

use super::accounts::username_key;
use crate::{
    entities::{activity, user},
    error::AppError,
    model::activity::{ActivityEntry, ActivityView, ACTIVITY_PAGE_SIZE},
};

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Login,
    LoginFailed,
    PasswordChanged,
    TwoFactorOn,
    TwoFactorOff,
    RecoveryCodeUsed,
    ShareCreated,
    ShareRevoked,
    ImagesTrashed,
    TrashEmptied,
    TrashPurged,
    UserDisabled,
    UserEnabled,
    UserDeleted,
    QuotaSet,
    InvitationCreated,
    InvitationWithdrawn,
}

impl Kind {
    pub const ALL: [Kind; 17] = [
        Kind::Login,
        Kind::LoginFailed,
        Kind::PasswordChanged,
        Kind::TwoFactorOn,
        Kind::TwoFactorOff,
        Kind::RecoveryCodeUsed,
        Kind::ShareCreated,
        Kind::ShareRevoked,
        Kind::ImagesTrashed,
        Kind::TrashEmptied,
        Kind::TrashPurged,
        Kind::UserDisabled,
        Kind::UserEnabled,
        Kind::UserDeleted,
        Kind::QuotaSet,
        Kind::InvitationCreated,
        Kind::InvitationWithdrawn,
    ];

    /// As stored (and as the filter takes it).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Login => "login",
            Kind::LoginFailed => "login-failed",
            Kind::PasswordChanged => "password-changed",
            Kind::TwoFactorOn => "two-factor-on",
            Kind::TwoFactorOff => "two-factor-off",
            Kind::RecoveryCodeUsed => "recovery-code-used",
            Kind::ShareCreated => "share-created",
            Kind::ShareRevoked => "share-revoked",
            Kind::ImagesTrashed => "images-trashed",
            Kind::TrashEmptied => "trash-emptied",
            Kind::TrashPurged => "trash-purged",
            Kind::UserDisabled => "user-disabled",
            Kind::UserEnabled => "user-enabled",
            Kind::UserDeleted => "user-deleted",
            Kind::QuotaSet => "quota-set",
            Kind::InvitationCreated => "invitation-created",
            Kind::InvitationWithdrawn => "invitation-withdrawn",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Kind::Login => "Logged in",
            Kind::LoginFailed => "Failed login",
            Kind::PasswordChanged => "Password changed",
            Kind::TwoFactorOn => "Two-factor login turned on",
            Kind::TwoFactorOff => "Two-factor login turned off",
            Kind::RecoveryCodeUsed => "Recovery code used",
            Kind::ShareCreated => "Share link made",
            Kind::ShareRevoked => "Share link revoked",
            Kind::ImagesTrashed => "Images moved to the trash",
            Kind::TrashEmptied => "Deleted from the trash",
            Kind::TrashPurged => "Trash purged (kept too long)",
            Kind::UserDisabled => "Account disabled",
            Kind::UserEnabled => "Account enabled",
            Kind::UserDeleted => "Account deleted",
            Kind::QuotaSet => "Quota set",
            Kind::InvitationCreated => "Invitation made",
            Kind::InvitationWithdrawn => "Invitation withdrawn",
        }
    }

    fn parse(raw: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

/// One entry to write.
pub struct Entry<'a> {
    pub kind: Kind,
    /// Whose account: id (`None` for a login of no such user) and name.
    pub user: (Option<i32>, &'a str),
    /// An admin acting on someone else's account.
    pub actor: Option<i32>,
    pub address: Option<IpAddr>,
    pub detail: String,
}

impl<'a> Entry<'a> {
    pub fn new(kind: Kind, user_id: Option<i32>, username: &'a str) -> Self {
        Self {
            kind,
            user: (user_id, username),
            actor: None,
            address: None,
            detail: String::new(),
        }
    }

    pub fn from(mut self, address: IpAddr) -> Self {
        self.address = Some(address);
        self
    }

    pub fn by(mut self, actor: i32) -> Self {
        self.actor = Some(actor);
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
}

/// Writes `entry`; a failure is logged, never returned.
pub async fn record(db: &impl ConnectionTrait, entry: Entry<'_>) {
    let (user_id, username) = entry.user;
    let row = activity::ActiveModel {
        user_id: Set(user_id),
        actor_id: Set(entry.actor),
        username: Set(username.chars().take(150).collect()),
        kind: Set(entry.kind.as_str().to_owned()),
        detail: Set(entry.detail.chars().take(300).collect()),
        address: Set(entry.address.map(|a| a.to_string())),
        created_at: Set(chrono::Utc::now().fixed_offset()),
        ..Default::default()
    };
    if let Err(err) = row.insert(db).await {
        tracing::warn!(%err, kind = entry.kind.as_str(), "could not write the activity log");
    }
}

/// Which entries to show.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// One account's entries (a user's own page).
    pub user_id: Option<i32>,
    /// Entries whose username is this (the admin's filter, any case).
    pub username: String,
    /// One kind (`Kind::as_str`), or empty for all.
    pub kind: String,
}

/// One page (1-based) of entries, newest first.
pub async fn list(
    db: &DatabaseConnection,
    filter: &Filter,
    page: u64,
    kept_days: u64,
) -> Result<ActivityView, AppError> {
    let mut condition = Condition::all();
    if let Some(id) = filter.user_id {
        condition = condition.add(activity::Column::UserId.eq(id));
    }
    let username = filter.username.trim();
    if !username.is_empty() {
        // Names are compared as they are stored: lowercase via their key.
        condition = condition.add(
            sea_orm::sea_query::Expr::expr(sea_orm::sea_query::Func::lower(
                sea_orm::sea_query::Expr::col(activity::Column::Username),
            ))
            .eq(username_key(username)),
        );
    }
    let kind = Kind::parse(filter.kind.trim());
    if let Some(kind) = kind {
        condition = condition.add(activity::Column::Kind.eq(kind.as_str()));
    }
    let paginator = activity::Entity::find()
        .filter(condition)
        .order_by_desc(activity::Column::CreatedAt)
        .order_by_desc(activity::Column::Id)
        .paginate(db, ACTIVITY_PAGE_SIZE);
    let total = paginator.num_items().await?;
    let page = page.max(1);
    let rows = paginator.fetch_page(page - 1).await?;
    // The admins who acted, by name, in one query.
    let actor_ids: Vec<i32> = rows.iter().filter_map(|r| r.actor_id).collect();
    let actors: std::collections::HashMap<i32, String> = if actor_ids.is_empty() {
        Default::default()
    } else {
        user::Entity::find()
            .filter(user::Column::Id.is_in(actor_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.username))
            .collect()
    };
    let entries = rows
        .into_iter()
        .map(|row| ActivityEntry {
            at: row.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            what: Kind::parse(&row.kind)
                .map(Kind::describe)
                .unwrap_or("Other")
                .to_owned(),
            by: row
                .actor_id
                .filter(|actor| Some(*actor) != row.user_id)
                .map(|actor| {
                    actors
                        .get(&actor)
                        .cloned()
                        .unwrap_or_else(|| "(deleted)".into())
                })
                .unwrap_or_default(),
            username: row.username,
            detail: row.detail,
            address: row.address.unwrap_or_default(),
        })
        .collect();
    Ok(ActivityView {
        entries,
        page,
        pages: total.div_ceil(ACTIVITY_PAGE_SIZE).max(1),
        total,
        user: username.to_owned(),
        kind: kind.map(|k| k.as_str().to_owned()).unwrap_or_default(),
        kinds: Kind::ALL
            .into_iter()
            .map(|k| (k.as_str().to_owned(), k.describe().to_owned()))
            .collect(),
        kept_days,
    })
}

/// Deletes entries older than `keep`; answers how many.
pub async fn prune(db: &DatabaseConnection, keep: Duration) -> Result<u64, AppError> {
    let keep =
        chrono::Duration::from_std(keep).map_err(|e| AppError::internal("audit retention", e))?;
    let cutoff = chrono::Utc::now().fixed_offset() - keep;
    let result = activity::Entity::delete_many()
        .filter(activity::Column::CreatedAt.lt(cutoff))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(Kind::parse("nonsense"), None);
    }
}
