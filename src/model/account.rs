//! The account page (`/account/`) and two-factor login as the UI sees
//! them.

use serde::{Deserialize, Serialize};

/// What the account page shows about two-factor login.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorStatus {
    pub enabled: bool,
    /// Unused recovery codes left.
    pub recovery_codes_left: u32,
    /// The server requires it (`REQUIRE_2FA`).
    pub required: bool,
}

/// The setup page: the key to add to an authenticator app, unless two-
/// factor login is on already.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TwoFactorSetup {
    AlreadyOn,
    Pending {
        /// The secret, base32, in groups of four for reading.
        secret: String,
        /// The `otpauth://` link as a QR code: an `<svg>` made here.
        qr_svg: String,
        required: bool,
    },
}

/// What the code field takes: 6 digits from the app, or a recovery code
/// (two groups of five letters and digits, e.g. `K7QMP-3WXRT`).
pub const CODE_HELP: &str =
    "The 6-digit code your authenticator app shows, or one of your recovery codes.";

/// The setup page, where `REQUIRE_2FA` sends a user without it.
pub const TWO_FACTOR_SETUP_PATH: &str = "/account/two-factor/";
