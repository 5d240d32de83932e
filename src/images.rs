//! Images as the UI sees them: shared by the server and the browser.

use serde::{Deserialize, Serialize};

use crate::error::FieldErrors;

pub const PAGE_SIZE: u64 = 24;
pub const NAME_MAX: usize = 255;
pub const DESCRIPTION_MAX: usize = 5_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageCard {
    pub id: i32,
    pub name: String,
    pub description: String,
    /// Display copy size, for `width`/`height` attributes (no layout shift).
    pub width: i32,
    pub height: i32,
    pub display_url: String,
    pub thumb_400_url: String,
    pub thumb_800_url: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GalleryPage {
    pub images: Vec<ImageCard>,
    /// 1-based.
    pub page: u64,
    pub pages: u64,
    pub total: u64,
}

/// Name: required, at most 255 characters. Description: required, at most
/// 5 000. Both are plain text; they are escaped wherever they are shown.
pub fn validate_fields(name: &str, description: &str) -> FieldErrors {
    let mut errors = FieldErrors::default();
    let name_len = name.trim().chars().count();
    if name_len == 0 {
        errors.add("name", "Please give the image a name.");
    } else if name_len > NAME_MAX {
        errors.add(
            "name",
            format!("Ensure the name has at most {NAME_MAX} characters (it has {name_len})."),
        );
    }
    let description_len = description.trim().chars().count();
    if description_len == 0 {
        errors.add("description", "Please write a description.");
    } else if description_len > DESCRIPTION_MAX {
        errors.add(
            "description",
            format!("Ensure the description has at most {DESCRIPTION_MAX} characters (it has {description_len})."),
        );
    }
    errors
}
