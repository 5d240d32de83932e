//! Sign up, log in, log out and password change: the rules, in one place.
//! The server functions in `crate::api::accounts` call these (run by the
//! pages' plain form posts).

use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, Set, SqlErr,
};

use super::{
    activity::{self, Entry, Kind},
    auth::{
        password::{self, Hashing, Verified},
        session,
        throttle::{self, Subject},
    },
    config::SignupMode,
    db::begin_write,
    invitations,
    request::RequestCtx,
    two_factor::{self, CodeUsed},
    users,
};
use crate::{
    entities::user,
    error::{AppError, FieldErrors},
    model::{signup::SignupStatus, user::USERNAME_MAX},
};

pub const LOGIN_FAILED: &str =
    "Please enter a correct username and password. Note that both fields may be case-sensitive.";
pub const USERNAME_TAKEN: &str = "That username is taken.";

/// Usernames are unique ignoring case; this is the form compared.
pub fn username_key(username: &str) -> String {
    username.trim().to_lowercase()
}

/// 1–150 letters, digits and `@ . + - _`, like the old app.
pub fn validate_username(username: &str) -> FieldErrors {
    let mut errors = FieldErrors::default();
    let length_ok = errors.check_required(
        "username",
        username.chars().count(),
        USERNAME_MAX,
        "Please enter a username.",
        "this value",
    );
    if length_ok
        && !username
            .chars()
            .all(|c| c.is_alphanumeric() || "@.+-_".contains(c))
    {
        errors.add(
            "username",
            "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.",
        );
    }
    errors
}

/// Where to go after logging in: `next` if it is a path on this site, else
/// the gallery. Rejects `//host`, `/\host` and anything with a scheme.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.chars().any(|c| c.is_control() || c == '\\') =>
        {
            n.to_owned()
        }
        _ => "/images/".to_owned(),
    }
}

/// An account that passed the rules, with its password hashed, not yet
/// stored.
pub struct NewAccount {
    row: user::ActiveModel,
}

/// Checks the sign-up rules and hashes the password (slow: outside any
/// transaction).
pub async fn prepare_account(
    db: &DatabaseConnection,
    hashing: &Hashing,
    username: &str,
    password: &str,
    password_confirm: &str,
    admin: bool,
) -> Result<NewAccount, AppError> {
    let username = username.trim();
    let mut errors = validate_username(username);
    let password_errors = password::validate(password, username);
    errors.fields.extend(password_errors.fields);
    if password.is_empty() || password != password_confirm {
        if password_confirm.is_empty() {
            errors.add("password_confirm", "Please enter the password again.");
        } else if password != password_confirm {
            errors.add("password_confirm", "The two password fields didn't match.");
        }
    }
    errors.into_result()?;

    let key = username_key(username);
    // A cheap early answer; the unique index is what decides a race.
    if user::Entity::find()
        .filter(user::Column::UsernameKey.eq(&key))
        .one(db)
        .await?
        .is_some()
    {
        return Err(AppError::field(409, "username", USERNAME_TAKEN));
    }
    let hash = hashing.hash(password.to_owned()).await?;
    let row = user::ActiveModel {
        username: Set(username.to_owned()),
        username_key: Set(key),
        password_hash: Set(hash.into_stored()),
        is_active: Set(true),
        is_admin: Set(admin),
        created_at: Set(chrono::Utc::now().fixed_offset()),
        session_epoch: Set(0),
        legacy_id: Set(None),
        ..Default::default()
    };
    Ok(NewAccount { row })
}

/// Stores a prepared account; 409 when its name was taken meanwhile.
pub async fn insert_account(
    db: &impl ConnectionTrait,
    account: NewAccount,
) -> Result<user::Model, AppError> {
    match account.row.insert(db).await {
        Ok(model) => Ok(model),
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(AppError::field(409, "username", USERNAME_TAKEN))
        }
        Err(err) => Err(err.into()),
    }
}

/// Creates an account (no session, no sign-up mode): the `create-user`
/// command.
pub async fn create_user(
    db: &DatabaseConnection,
    hashing: &Hashing,
    username: &str,
    password: &str,
    password_confirm: &str,
    admin: bool,
) -> Result<user::Model, AppError> {
    let account = prepare_account(db, hashing, username, password, password_confirm, admin).await?;
    insert_account(db, account).await
}

/// Sign-up at `/register/`, as `SIGNUP` allows (with `invite`, the token
/// of an invitation link, or empty), then logged in. The first user of a
/// new server becomes its admin.
pub async fn register(
    ctx: &RequestCtx,
    username: &str,
    password: &str,
    password_confirm: &str,
    invite: &str,
) -> Result<(), AppError> {
    let db = &ctx.state.db;
    let mode = invitations::mode(db, ctx.state.config.signup).await?;
    let status = invitations::status_in(db, mode, invite.trim()).await?;
    if !status.allows_sign_up() {
        tracing::info!(ip = %ctx.client_ip, ?status, "sign-up refused");
        return Err(invitations::refused(status));
    }
    // An invitation vouches for its sign-up; others count against the
    // address (before the hash: each costs 19 MiB and a core).
    if let (false, Some(limit)) = (
        status == SignupStatus::Invited,
        ctx.state.config.signup_limit,
    ) {
        if let Err(wait) = throttle::sign_up_attempt(db, ctx.client_ip, limit).await? {
            tracing::info!(ip = %ctx.client_ip, "sign-up throttled");
            let lead = "Too many sign-ups from your address.";
            return Err(throttle::refused(wait, lead, None));
        }
    }
    let account = prepare_account(
        db,
        &ctx.state.hashing,
        username,
        password,
        password_confirm,
        false,
    )
    .await?;
    // The invitation's use and the row together: a sign-up that fails
    // (a name taken meanwhile) gives the use back.
    let txn = begin_write(db).await?;
    // Used up by a racing sign-up meanwhile: refused, unless sign-up is
    // open to all anyway.
    if status == SignupStatus::Invited
        && !invitations::use_one(&txn, invite.trim()).await?
        && mode != SignupMode::Open
    {
        return Err(invitations::refused(SignupStatus::InvitationInvalid));
    }
    let mut user = insert_account(&txn, account).await?;
    txn.commit().await?;
    if users::promote_if_first(db, user.id).await? {
        tracing::info!(user_id = user.id, "the first user is an admin");
        user.is_admin = true;
    }
    session::log_in(&ctx.session, &user)
        .await
        .map_err(|e| AppError::internal("starting a session", e))?;
    tracing::info!(
        user_id = user.id,
        invited = status == SignupStatus::Invited,
        "signed up"
    );
    Ok(())
}

/// Where a right password leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginStep {
    LoggedIn,
    /// Logged in, but `REQUIRE_2FA` wants two-factor login set up first.
    MustSetUpTwoFactor,
    /// Two-factor login is on: the code step comes next.
    NeedsCode,
}

pub async fn log_in(
    ctx: &RequestCtx,
    username: &str,
    password: &str,
) -> Result<LoginStep, AppError> {
    let mut errors = FieldErrors::default();
    if username.trim().is_empty() {
        errors.add("username", "Please enter your username.");
    }
    if password.is_empty() {
        errors.add("password", "Please enter your password.");
    }
    errors.into_result()?;

    let key = username_key(username);
    // No such user can exist: refused before the throttle's write and the
    // dummy hash (19 MiB and a blocking thread each), so a flood of huge
    // names costs next to nothing.
    if key.chars().count() > USERNAME_MAX {
        tracing::info!(ip = %ctx.client_ip, "failed login: username too long");
        return Err(AppError::form(401, LOGIN_FAILED));
    }
    let db = &ctx.state.db;
    if let Err(wait) = throttle::attempt(db, Subject::User(&key), ctx.client_ip).await? {
        return Err(throttle::refused(
            wait,
            "Too many failed login attempts.",
            None,
        ));
    }

    let found = user::Entity::find()
        .filter(user::Column::UsernameKey.eq(&key))
        .one(&ctx.state.db)
        .await?;
    let active_hash = found
        .as_ref()
        .filter(|u| u.is_active)
        .map(|u| u.password_hash.as_str());
    let verified = ctx.state.hashing.check(password, active_hash).await?;
    let (Some(user), Some(verified)) = (found.as_ref(), verified) else {
        tracing::info!(ip = %ctx.client_ip, "failed login");
        let (id, name) = found.as_ref().map_or((None, username.trim()), |u| {
            (Some(u.id), u.username.as_str())
        });
        let entry = Entry::new(Kind::LoginFailed, id, name).from(ctx.client_ip);
        activity::record(db, entry.detail("wrong password")).await;
        return Err(AppError::form(401, LOGIN_FAILED));
    };
    throttle::forgive(db, Subject::User(&key), ctx.client_ip).await?;
    if verified == Verified::NeedsRehash {
        let rehashed = ctx.state.hashing.hash(password.to_owned()).await?;
        user::Entity::update_many()
            .col_expr(
                user::Column::PasswordHash,
                Expr::value(rehashed.into_stored()),
            )
            .filter(user::Column::Id.eq(user.id))
            .exec(db)
            .await?;
    }
    if user.totp_secret.is_some() {
        session::begin_second_step(&ctx.session, user)
            .await
            .map_err(|e| AppError::internal("starting a login", e))?;
        return Ok(LoginStep::NeedsCode);
    }
    finish_login(ctx, user, "").await?;
    Ok(if ctx.state.config.require_two_factor {
        LoginStep::MustSetUpTwoFactor
    } else {
        LoginStep::LoggedIn
    })
}

/// The code step of a two-factor login: a TOTP code or a recovery code.
pub async fn log_in_with_code(ctx: &RequestCtx, code: &str) -> Result<(), AppError> {
    let db = &ctx.state.db;
    let expired = || {
        AppError::form(
            401,
            "Your login timed out. Please log in again with your username and password.",
        )
    };
    let Some((user_id, epoch)) = session::pending_second_step(&ctx.session)
        .await
        .map_err(|e| AppError::internal("reading the session", e))?
    else {
        return Err(expired());
    };
    let user = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .filter(|u| u.is_active && u.session_epoch == epoch)
        .ok_or_else(expired)?;
    if code.trim().is_empty() {
        return Err(AppError::field(400, "code", "Please enter a code."));
    }
    let subject = Subject::User(&user.username_key);
    if let Err(wait) = throttle::attempt(db, subject, ctx.client_ip).await? {
        return Err(throttle::refused(
            wait,
            "Too many wrong codes.",
            Some("code"),
        ));
    }
    let Some(used) = two_factor::spend_code(db, &user, code).await? else {
        tracing::info!(ip = %ctx.client_ip, user_id = user.id, "wrong two-factor code");
        let entry = Entry::new(Kind::LoginFailed, Some(user.id), &user.username);
        activity::record(
            db,
            entry.from(ctx.client_ip).detail("wrong two-factor code"),
        )
        .await;
        return Err(AppError::field(401, "code", two_factor::WRONG_CODE));
    };
    throttle::forgive(db, subject, ctx.client_ip).await?;
    if used == CodeUsed::Recovery {
        let entry = Entry::new(Kind::RecoveryCodeUsed, Some(user.id), &user.username);
        activity::record(db, entry.from(ctx.client_ip)).await;
    }
    finish_login(ctx, &user, "with a two-factor code").await
}

/// Logs `user` in on this session and records it.
async fn finish_login(ctx: &RequestCtx, user: &user::Model, how: &str) -> Result<(), AppError> {
    let db = &ctx.state.db;
    user::Entity::update_many()
        .col_expr(
            user::Column::LastLoginAt,
            Expr::value(chrono::Utc::now().fixed_offset()),
        )
        .filter(user::Column::Id.eq(user.id))
        .exec(db)
        .await?;
    session::log_in(&ctx.session, user)
        .await
        .map_err(|e| AppError::internal("starting a session", e))?;
    let entry = Entry::new(Kind::Login, Some(user.id), &user.username).from(ctx.client_ip);
    activity::record(db, entry.detail(how)).await;
    tracing::info!(user_id = user.id, "logged in");
    Ok(())
}

pub async fn log_out(ctx: &RequestCtx) -> Result<(), AppError> {
    session::log_out(&ctx.session)
        .await
        .map_err(|e| AppError::internal("ending a session", e))
}

/// Checks the old password, stores the new one, ends the user's other
/// sessions and keeps this one.
pub async fn change_password(
    ctx: &RequestCtx,
    old_password: &str,
    new_password: &str,
    new_password_confirm: &str,
) -> Result<(), AppError> {
    let user = ctx.account().await?;

    // Guessing the old password (with a stolen session) counts against the
    // same bucket as guessing at the login page.
    let subject = Subject::User(&user.username_key);
    if let Err(wait) = throttle::attempt(&ctx.state.db, subject, ctx.client_ip).await? {
        let lead = "Too many wrong passwords.";
        return Err(throttle::refused(wait, lead, Some("old_password")));
    }
    let mut errors = FieldErrors::default();
    let old_ok = ctx
        .state
        .hashing
        .check(old_password, Some(&user.password_hash))
        .await?
        .is_some();
    if old_ok {
        throttle::forgive(&ctx.state.db, subject, ctx.client_ip).await?;
    } else {
        errors.add(
            "old_password",
            "Your old password was entered incorrectly. Please enter it again.",
        );
    }
    for (_, message) in password::validate(new_password, &user.username).fields {
        errors.add("new_password", message);
    }
    if new_password != new_password_confirm {
        errors.add(
            "new_password_confirm",
            "The two password fields didn't match.",
        );
    }
    errors.into_result()?;

    let hash = ctx.state.hashing.hash(new_password.to_owned()).await?;
    // Bump the epoch in the same statement, so two changes racing each
    // still end every other session.
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash.into_stored()))
        .col_expr(
            user::Column::SessionEpoch,
            Expr::col(user::Column::SessionEpoch).add(1),
        )
        .filter(user::Column::Id.eq(user.id))
        .exec(&ctx.state.db)
        .await?;
    let user = ctx.account().await?;
    session::refresh_epoch(&ctx.session, &user)
        .await
        .map_err(|e| AppError::internal("refreshing the session", e))?;
    activity::record(&ctx.state.db, ctx.activity(Kind::PasswordChanged)).await;
    tracing::info!(user_id = user.id, "password changed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(validate_username("ada.lovelace+art@example-1_x").is_empty());
        assert!(validate_username("Zoë").is_empty());
        assert!(!validate_username("").is_empty());
        assert!(!validate_username("has space").is_empty());
        assert!(!validate_username("<script>").is_empty());
        assert!(!validate_username(&"a".repeat(151)).is_empty());
        assert!(validate_username(&"a".repeat(150)).is_empty());
        assert_eq!(username_key(" Ada "), "ada");
    }

    #[test]
    fn next_must_stay_on_this_site() {
        assert_eq!(safe_next(Some("/upload/")), "/upload/");
        assert_eq!(safe_next(Some("/images/?page=2")), "/images/?page=2");
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "",
            "/a\\b",
            "/a\nb",
        ] {
            assert_eq!(safe_next(Some(bad)), "/images/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/images/");
    }
}
