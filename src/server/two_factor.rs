//! Two-factor login with TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30-second
//! steps, one step of clock drift either way), which every authenticator
//! app speaks.
//!
//! - Setup: a new secret waits in the session until the user confirms it
//!   with a code; only then is it stored, with 10 recovery codes (shown
//!   once, stored as SHA-256: they are 50 random bits each, so a fast hash
//!   is enough).
//! - A code is accepted once: the step it was made for is stored, and a
//!   code of that step or an earlier one is refused, in one conditional
//!   `UPDATE`, so two replicas cannot both accept the same code.
//! - A recovery code is spent in one conditional `UPDATE` too.

use qrcode::{render::svg, EcLevel, QrCode};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, Set,
};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, Secret, TOTP};

use super::{
    activity::{self, Kind},
    auth::{
        session,
        throttle::{self, Subject},
    },
    db::begin_write,
    request::RequestCtx,
    secret::random_bytes,
};
use crate::{
    entities::{recovery_code, user},
    error::{AppError, FieldErrors},
    model::account::{TwoFactorSetup, TwoFactorStatus},
};

const ISSUER: &str = "Cloudtalents";
const STEP_SECONDS: u64 = 30;
const RECOVERY_CODES: usize = 10;
/// Recovery code letters: no 0/O or 1/I to confuse.
const CODE_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// The session keeps the secret being set up here until it is confirmed.
const SETUP_KEY: &str = "two_factor_setup";
/// And the new recovery codes, until the page that shows them once.
const FRESH_CODES_KEY: &str = "fresh_recovery_codes";

pub const WRONG_CODE: &str =
    "That code is not right. Enter the code your app shows now, or an unused recovery code.";

fn totp(secret: Vec<u8>, username: &str) -> Result<TOTP, AppError> {
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP_SECONDS,
        secret,
        Some(ISSUER.to_owned()),
        username.to_owned(),
    )
    .map_err(|e| AppError::internal("a two-factor secret", format!("{e:?}")))
}

fn decode(base32: &str) -> Result<Vec<u8>, AppError> {
    Secret::Encoded(base32.to_owned())
        .to_bytes()
        .map_err(|e| AppError::internal("a stored two-factor secret", format!("{e:?}")))
}

fn now_seconds() -> u64 {
    chrono::Utc::now().timestamp().max(0) as u64
}

/// The time step `code` was made for, if it is right within a step of
/// `now` (compared in constant time).
fn matching_step(totp: &TOTP, code: &str, now: u64) -> Option<i64> {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let current = now / STEP_SECONDS;
    (current.saturating_sub(1)..=current + 1).find_map(|step| {
        let expected = totp.generate(step * STEP_SECONDS);
        bool::from(expected.as_bytes().ct_eq(code.as_bytes())).then_some(step as i64)
    })
}

/// A code as typed, without spaces or dashes, in capitals.
fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

fn hash_code(normalised: &str) -> String {
    Sha256::digest(normalised.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let letters: String = random_bytes::<10>()
                .iter()
                .map(|b| CODE_ALPHABET[(b & 31) as usize] as char)
                .collect();
            format!("{}-{}", &letters[..5], &letters[5..])
        })
        .collect()
}

/// The `otpauth://` link as an inline SVG QR code, labelled for screen
/// readers.
fn qr_svg(url: &str) -> Result<String, AppError> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .map_err(|e| AppError::internal("the QR code", e))?;
    let svg = code
        .render::<svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    let svg = svg.find("<svg").map_or(svg.as_str(), |at| &svg[at..]);
    Ok(svg.replacen(
        "<svg ",
        r#"<svg role="img" aria-label="QR code to scan with your authenticator app" "#,
        1,
    ))
}

/// How a code was right.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeUsed {
    Totp,
    Recovery,
}

/// Checks `code` (a TOTP code or a recovery code) for `user` and spends it:
/// `None` when it is wrong, replayed or already used.
pub async fn spend_code(
    db: &impl ConnectionTrait,
    user: &user::Model,
    code: &str,
) -> Result<Option<CodeUsed>, AppError> {
    let Some(secret) = &user.totp_secret else {
        return Ok(None);
    };
    let code = normalise(code);
    if code.len() == 6 {
        let totp = totp(decode(secret)?, &user.username)?;
        let Some(step) = matching_step(&totp, &code, now_seconds()) else {
            return Ok(None);
        };
        // Only a step later than the last one accepted: no replay.
        let taken = user::Entity::update_many()
            .col_expr(user::Column::TotpLastStep, Expr::value(step))
            .filter(user::Column::Id.eq(user.id))
            .filter(user::Column::TotpSecret.is_not_null())
            .filter(
                user::Column::TotpLastStep
                    .is_null()
                    .or(user::Column::TotpLastStep.lt(step)),
            )
            .exec(db)
            .await?;
        return Ok((taken.rows_affected == 1).then_some(CodeUsed::Totp));
    }
    if code.len() != 10 {
        return Ok(None);
    }
    let spent = recovery_code::Entity::update_many()
        .col_expr(
            recovery_code::Column::UsedAt,
            Expr::value(chrono::Utc::now().fixed_offset()),
        )
        .filter(recovery_code::Column::UserId.eq(user.id))
        .filter(recovery_code::Column::CodeHash.eq(hash_code(&code)))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok((spent.rows_affected == 1).then_some(CodeUsed::Recovery))
}

fn session_error(doing: &'static str) -> impl FnOnce(tower_sessions::session::Error) -> AppError {
    move |e| AppError::internal(doing, e)
}

pub async fn status(ctx: &RequestCtx) -> Result<TwoFactorStatus, AppError> {
    let user = ctx.account().await?;
    let left = recovery_code::Entity::find()
        .filter(recovery_code::Column::UserId.eq(user.id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .count(&ctx.state.db)
        .await?;
    Ok(TwoFactorStatus {
        enabled: user.totp_secret.is_some(),
        recovery_codes_left: if user.totp_secret.is_some() {
            left as u32
        } else {
            0
        },
        required: ctx.state.config.require_two_factor,
    })
}

/// The key to set up, kept in the session until confirmed (the same one on
/// every visit of the page, until then).
pub async fn setup(ctx: &RequestCtx) -> Result<TwoFactorSetup, AppError> {
    let user = ctx.account().await?;
    if user.totp_secret.is_some() {
        return Ok(TwoFactorSetup::AlreadyOn);
    }
    let pending = ctx
        .session
        .get::<String>(SETUP_KEY)
        .await
        .map_err(session_error("reading the session"))?;
    let totp = match pending {
        Some(secret) => totp(decode(&secret)?, &user.username)?,
        None => {
            let totp = totp(random_bytes::<20>().to_vec(), &user.username)?;
            ctx.session
                .insert(SETUP_KEY, totp.get_secret_base32())
                .await
                .map_err(session_error("keeping the new key"))?;
            totp
        }
    };
    let secret = totp.get_secret_base32();
    let grouped: Vec<String> = secret
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect();
    Ok(TwoFactorSetup::Pending {
        secret: grouped.join(" "),
        qr_svg: qr_svg(&totp.get_url())?,
        required: ctx.state.config.require_two_factor,
    })
}

/// Turns two-factor login on with the key being set up, once `code` proves
/// the app has it. Makes new recovery codes (for [`take_fresh_codes`]) and
/// ends the user's other sessions.
pub async fn enable(ctx: &RequestCtx, code: &str) -> Result<(), AppError> {
    let db = &ctx.state.db;
    let user = ctx.account().await?;
    if user.totp_secret.is_some() {
        return Err(AppError::form(409, "Two-factor login is already on."));
    }
    let Some(secret) = ctx
        .session
        .get::<String>(SETUP_KEY)
        .await
        .map_err(session_error("reading the session"))?
    else {
        return Err(AppError::form(
            400,
            "The key expired. Load this page again to get a new one.",
        ));
    };
    let totp = totp(decode(&secret)?, &user.username)?;
    let Some(step) = matching_step(&totp, &normalise(code), now_seconds()) else {
        return Err(AppError::field(
            400,
            "code",
            "That code is not right. Check that your device's clock is right and enter the code it shows now.",
        ));
    };
    let codes = new_recovery_codes();
    let txn = begin_write(db).await?;
    let stored = user::Entity::update_many()
        .col_expr(user::Column::TotpSecret, Expr::value(secret))
        .col_expr(user::Column::TotpLastStep, Expr::value(step))
        .col_expr(
            user::Column::SessionEpoch,
            Expr::col(user::Column::SessionEpoch).add(1),
        )
        .filter(user::Column::Id.eq(user.id))
        .filter(user::Column::TotpSecret.is_null())
        .exec(&txn)
        .await?;
    if stored.rows_affected != 1 {
        txn.rollback().await?;
        return Err(AppError::form(409, "Two-factor login is already on."));
    }
    store_recovery_codes(&txn, user.id, &codes).await?;
    txn.commit().await?;

    let user = ctx.account().await?;
    session::refresh_epoch(&ctx.session, &user)
        .await
        .map_err(session_error("refreshing the session"))?;
    ctx.session
        .remove::<String>(SETUP_KEY)
        .await
        .map_err(session_error("forgetting the key"))?;
    ctx.session
        .insert(FRESH_CODES_KEY, codes)
        .await
        .map_err(session_error("keeping the recovery codes"))?;
    activity::record(db, ctx.activity(Kind::TwoFactorOn)).await;
    tracing::info!(user_id = user.id, "two-factor login turned on");
    Ok(())
}

async fn store_recovery_codes(
    db: &impl ConnectionTrait,
    user_id: i32,
    codes: &[String],
) -> Result<(), AppError> {
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    for code in codes {
        recovery_code::ActiveModel {
            user_id: Set(user_id),
            code_hash: Set(hash_code(&normalise(code))),
            used_at: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// The recovery codes made by [`enable`], once: the session forgets them
/// as they are read.
pub async fn take_fresh_codes(ctx: &RequestCtx) -> Result<Vec<String>, AppError> {
    ctx.require_user()?;
    Ok(ctx
        .session
        .remove::<Vec<String>>(FRESH_CODES_KEY)
        .await
        .map_err(session_error("reading the recovery codes"))?
        .unwrap_or_default())
}

/// Turns two-factor login off: needs the password and a code (guesses count
/// against the login throttle).
pub async fn disable(ctx: &RequestCtx, password: &str, code: &str) -> Result<(), AppError> {
    let db = &ctx.state.db;
    let user = ctx.account().await?;
    if user.totp_secret.is_none() {
        return Err(AppError::form(409, "Two-factor login is already off."));
    }
    if ctx.state.config.require_two_factor {
        return Err(AppError::form(
            403,
            "This server requires two-factor login: it cannot be turned off.",
        ));
    }
    let subject = Subject::User(&user.username_key);
    if let Err(wait) = throttle::attempt(db, subject, ctx.client_ip).await? {
        return Err(throttle::refused(
            wait,
            "Too many wrong attempts.",
            Some("code"),
        ));
    }
    let password_ok = ctx
        .state
        .hashing
        .check(password, Some(&user.password_hash))
        .await?
        .is_some();
    // The code is only spent when the password is right.
    let code_ok = password_ok && spend_code(db, &user, code).await?.is_some();
    if !(password_ok && code_ok) {
        let mut errors = FieldErrors::default();
        if !password_ok {
            errors.add("password", "Your password was entered incorrectly.");
        } else {
            errors.add("code", WRONG_CODE);
        }
        return Err(AppError::Form {
            status: 400,
            errors,
        });
    }
    throttle::forgive(db, subject, ctx.client_ip).await?;
    let txn = begin_write(db).await?;
    user::Entity::update_many()
        .col_expr(
            user::Column::TotpSecret,
            Expr::value(Option::<String>::None),
        )
        .col_expr(user::Column::TotpLastStep, Expr::value(Option::<i64>::None))
        .filter(user::Column::Id.eq(user.id))
        .exec(&txn)
        .await?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(user.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    activity::record(db, ctx.activity(Kind::TwoFactorOff)).await;
    tracing::info!(user_id = user.id, "two-factor login turned off");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_vector_and_drift() {
        // RFC 6238 appendix B, SHA-1: at 59 s the 8-digit code is 94287082,
        // so the 6-digit one is its last six digits.
        let totp = totp(b"12345678901234567890".to_vec(), "ada").unwrap();
        assert_eq!(totp.generate(59), "287082");
        assert_eq!(matching_step(&totp, "287082", 59), Some(1));
        assert_eq!(matching_step(&totp, "287082", 59 + 30), Some(1));
        assert_eq!(matching_step(&totp, "287082", 59 + 60), None);
        assert_eq!(matching_step(&totp, "28708", 59), None);
        assert_eq!(matching_step(&totp, "abcdef", 59), None);
    }

    #[test]
    fn recovery_codes_are_read_forgivingly() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        let first = &codes[0];
        assert_eq!(first.len(), 11);
        assert_eq!(
            normalise(&first.to_lowercase().replace('-', " ")),
            first.replace('-', "")
        );
        assert_ne!(codes[0], codes[1]);
    }

    #[test]
    fn the_qr_code_is_inline_svg_with_a_name() {
        let svg = qr_svg("otpauth://totp/Cloudtalents:ada?secret=ABC&issuer=Cloudtalents").unwrap();
        assert!(
            svg.starts_with("<svg role=\"img\" aria-label="),
            "{}",
            &svg[..60]
        );
        assert!(svg.ends_with("</svg>"));
    }
}
