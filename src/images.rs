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

impl ImageCard {
    /// `srcset` with each thumbnail's real width (a small image's
    /// thumbnails are not upscaled, so they may be narrower than their
    /// names say).
    pub fn srcset(&self) -> String {
        let small = fitted_width(self.width, self.height, 400);
        let large = fitted_width(self.width, self.height, 800);
        if large > small {
            format!(
                "{} {small}w, {} {large}w",
                self.thumb_400_url, self.thumb_800_url
            )
        } else {
            format!("{} {small}w", self.thumb_400_url)
        }
    }
}

/// Width of a `width` × `height` image scaled to fit a `side` square
/// (never enlarged), as the pipeline makes its copies.
pub fn fitted_width(width: i32, height: i32, side: i32) -> i32 {
    let longest = width.max(height);
    if longest <= side {
        width
    } else {
        ((width as i64 * side as i64 + longest as i64 / 2) / longest as i64).max(1) as i32
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srcset_names_real_widths() {
        let card = |w, h| ImageCard {
            id: 1,
            name: String::new(),
            description: String::new(),
            width: w,
            height: h,
            display_url: "d".into(),
            thumb_400_url: "s".into(),
            thumb_800_url: "l".into(),
        };
        assert_eq!(card(1600, 800).srcset(), "s 400w, l 800w");
        assert_eq!(card(800, 1600).srcset(), "s 200w, l 400w");
        assert_eq!(card(320, 240).srcset(), "s 320w");
        assert_eq!(card(600, 300).srcset(), "s 400w, l 600w");
    }
}
