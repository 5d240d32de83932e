//! Share links as the owner's pages and a visitor's page see them, and the
//! rules of the share form.

use serde::{Deserialize, Serialize};

use super::image::ImageCard;
use crate::error::FieldErrors;

/// Longest title, in characters.
pub const TITLE_MAX: usize = 255;
/// Longest message, in characters.
pub const MESSAGE_MAX: usize = 2_000;
/// Most images one link may list (an album link follows its album).
pub const SHARE_MAX_IMAGES: usize = 1_000;
/// The longest expiry in days (100 years).
pub const EXPIRY_DAYS_MAX: u32 = 36_500;
/// The password of a link: at least this long.
pub const SHARE_PASSWORD_MIN: usize = 4;
pub const SHARE_PASSWORD_MAX: usize = 1_024;

/// What a link shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShareTarget {
    Album(i32),
    /// One image or a chosen set.
    Images(Vec<i32>),
}

impl ShareTarget {
    /// From the share form's hidden fields: `album` (0: none) or `images`
    /// (ids separated by commas).
    pub fn from_form(album: i32, images: &str) -> Option<Self> {
        if album > 0 {
            return Some(ShareTarget::Album(album));
        }
        let ids: Option<Vec<i32>> = images
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().ok())
            .collect();
        ids.filter(|ids| !ids.is_empty() && ids.len() <= SHARE_MAX_IMAGES)
            .map(ShareTarget::Images)
    }

    /// The page that makes a link to this.
    pub fn new_share_url(&self) -> String {
        match self {
            ShareTarget::Album(id) => format!("/shares/new/?album={id}"),
            ShareTarget::Images(ids) => {
                let ids: Vec<String> = ids.iter().map(i32::to_string).collect();
                format!("/shares/new/?images={}", ids.join(","))
            }
        }
    }
}

/// When a link stops working, as the form offers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expiry {
    Never,
    Days(u32),
    /// The end of this day (UTC), `YYYY-MM-DD`.
    Date(String),
}

impl Expiry {
    /// The form's `expires` choice (`never`, a number of days, `date`) and
    /// its `expires_on` date.
    pub fn from_form(expires: &str, expires_on: &str) -> Result<Self, FieldErrors> {
        match expires {
            "never" => Ok(Expiry::Never),
            "date" if is_date(expires_on.trim()) => Ok(Expiry::Date(expires_on.trim().to_owned())),
            "date" => {
                Err(FieldErrors::default()
                    .field("expires_on", "Please give the date as YYYY-MM-DD."))
            }
            days => days
                .parse::<u32>()
                .ok()
                .filter(|d| (1..=EXPIRY_DAYS_MAX).contains(d))
                .map(Expiry::Days)
                .ok_or_else(|| {
                    FieldErrors::default().field("expires", "Please choose when the link expires.")
                }),
        }
    }
}

fn is_date(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
}

/// What the owner fills in, checked before anything is stored.
pub fn validate_share(title: &str, message: &str, password: &str) -> FieldErrors {
    let mut errors = FieldErrors::default();
    let title_chars = title.trim().chars().count();
    if title_chars > TITLE_MAX {
        errors.add(
            "title",
            format!("Ensure the title has at most {TITLE_MAX} characters (it has {title_chars})."),
        );
    }
    let message_chars = message.trim().chars().count();
    if message_chars > MESSAGE_MAX {
        errors.add(
            "message",
            format!(
                "Ensure the message has at most {MESSAGE_MAX} characters (it has {message_chars})."
            ),
        );
    }
    let password_chars = password.chars().count();
    if password_chars > 0 && password_chars < SHARE_PASSWORD_MIN {
        errors.add(
            "password",
            format!("Ensure the password has at least {SHARE_PASSWORD_MIN} characters."),
        );
    } else if password_chars > SHARE_PASSWORD_MAX {
        errors.add(
            "password",
            format!("Ensure the password has at most {SHARE_PASSWORD_MAX} characters."),
        );
    }
    errors
}

/// What the share form offers: the expiry choices the server allows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareOptions {
    /// `(value, label)`, e.g. `("7", "7 days")`; `never` only without a
    /// maximum.
    pub expiries: Vec<(String, String)>,
    /// The choice selected at first.
    pub default_expiry: String,
    /// "Links last at most N days.", when there is a maximum.
    pub limit: Option<String>,
    /// What is being shared, in words ("Album “Trip”", "3 images").
    pub what: String,
}

/// One of the owner's links, on `/shares/`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareCard {
    pub id: i32,
    pub what: String,
    pub title: String,
    pub message: String,
    /// The whole link; `None` when the server's key changed since it was
    /// made (the link still works, but cannot be shown again).
    pub url: Option<String>,
    pub created: String,
    /// `None`: never.
    pub expires: Option<String>,
    /// `YYYY-MM-DD` of the expiry, for the edit form.
    pub expires_on: Option<String>,
    pub expired: bool,
    pub has_password: bool,
    pub allow_download: bool,
    pub views: i64,
    pub downloads: i64,
    pub last_opened: Option<String>,
}

impl ShareCard {
    pub fn edit_url(&self) -> String {
        format!("/shares/{}/", self.id)
    }
}

/// What `/s/<token>` shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SharedView {
    /// The link has a password the visitor has not given yet.
    Locked,
    Open(SharedGallery),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedGallery {
    /// `/s/<token>`: every URL of the page starts with it.
    pub base: String,
    pub title: String,
    pub message: String,
    /// Each card's URLs are the link's own (`<base>/media/<id>/<variant>`).
    pub images: Vec<ImageCard>,
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    pub allow_download: bool,
    /// "Download all" is offered: downloads are allowed and the images fit
    /// in one ZIP.
    pub zip_all: bool,
}

impl SharedGallery {
    pub fn download_url(&self, image_id: i32) -> String {
        format!("{}/download/{image_id}", self.base)
    }

    pub fn zip_url(&self) -> String {
        format!("{}/zip", self.base)
    }

    pub fn page_url(&self, page: u64) -> String {
        if page <= 1 {
            self.base.clone()
        } else {
            format!("{}?page={page}", self.base)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_and_expiries_from_the_form() {
        assert_eq!(ShareTarget::from_form(4, ""), Some(ShareTarget::Album(4)));
        assert_eq!(
            ShareTarget::from_form(0, "3, 5,7"),
            Some(ShareTarget::Images(vec![3, 5, 7]))
        );
        assert_eq!(ShareTarget::from_form(0, "3,x"), None);
        assert_eq!(ShareTarget::from_form(0, ""), None);
        assert_eq!(
            ShareTarget::Images(vec![3, 5]).new_share_url(),
            "/shares/new/?images=3,5"
        );
        assert_eq!(Expiry::from_form("never", ""), Ok(Expiry::Never));
        assert_eq!(Expiry::from_form("7", ""), Ok(Expiry::Days(7)));
        assert_eq!(
            Expiry::from_form("date", "2027-01-31"),
            Ok(Expiry::Date("2027-01-31".into()))
        );
        assert!(Expiry::from_form("date", "31/01/2027").is_err());
        assert!(Expiry::from_form("0", "").is_err());
        assert!(Expiry::from_form("4000000000", "").is_err());
        assert!(Expiry::from_form("soon", "").is_err());
    }

    #[test]
    fn form_limits() {
        assert!(validate_share("", "", "").is_empty());
        assert!(!validate_share(&"t".repeat(TITLE_MAX + 1), "", "").is_empty());
        assert!(!validate_share("", "", "abc").is_empty());
        assert!(validate_share("", "", "abcd").is_empty());
    }
}
