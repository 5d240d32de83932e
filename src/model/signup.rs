//! Who may sign up, as the sign-up page tells it.

use serde::{Deserialize, Serialize};

/// Whether `/register/` takes a sign-up now (with the invitation in its
/// link, if any), and if not, why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignupStatus {
    Open,
    /// A valid invitation link.
    Invited,
    InvitationNeeded,
    /// Unknown, used up or expired.
    InvitationInvalid,
    Closed,
}

impl SignupStatus {
    pub fn allows_sign_up(self) -> bool {
        matches!(self, Self::Open | Self::Invited)
    }

    /// Why sign-up is refused (the page and the 403 say the same).
    pub fn refusal(self) -> Option<&'static str> {
        match self {
            Self::Open | Self::Invited => None,
            Self::InvitationNeeded => Some(
                "Sign-up is by invitation. Ask an admin of this site for an invitation link.",
            ),
            Self::InvitationInvalid => Some(
                "This invitation link is not valid: it has expired, has been used up or was withdrawn. Ask an admin for a new one.",
            ),
            Self::Closed => Some("Sign-up is closed. Ask an admin of this site for an account."),
        }
    }
}
