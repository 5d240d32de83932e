//! Images as the UI sees them: shared by the server and the browser.

use serde::{Deserialize, Serialize};

use crate::error::FieldErrors;

/// Longest name, in characters.
pub const NAME_MAX: usize = 255;
/// Longest description, in characters.
pub const DESCRIPTION_MAX: usize = 5_000;

/// The copies the pipeline stores of every image, largest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Display,
    Thumb800,
    Thumb400,
}

impl Variant {
    /// Each copy is made from the one before it, so this order matters.
    pub const ALL: [Variant; 3] = [Variant::Display, Variant::Thumb800, Variant::Thumb400];

    /// The longest side, in pixels (a smaller image is never enlarged).
    pub fn side(self) -> u32 {
        match self {
            Variant::Display => 1600,
            Variant::Thumb800 => 800,
            Variant::Thumb400 => 400,
        }
    }

    pub fn stem(self) -> &'static str {
        match self {
            Variant::Display => "display",
            Variant::Thumb800 => "thumb-800",
            Variant::Thumb400 => "thumb-400",
        }
    }

    /// The stored file's name, e.g. `thumb-400.jpg`.
    pub fn file_name(self, format: StoredFormat) -> String {
        format!("{}.{}", self.stem(), format.extension())
    }
}

/// What the copies are encoded as: JPEG, or PNG when the image has
/// transparency. Stored in the `images.format` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoredFormat {
    Jpeg,
    Png,
}

impl StoredFormat {
    /// The value of the `format` column; anything unknown is JPEG, the
    /// format of every image without transparency.
    pub fn from_column(value: &str) -> Self {
        if value == "png" {
            StoredFormat::Png
        } else {
            StoredFormat::Jpeg
        }
    }

    pub fn column(self) -> &'static str {
        match self {
            StoredFormat::Jpeg => "jpeg",
            StoredFormat::Png => "png",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            StoredFormat::Jpeg => "jpg",
            StoredFormat::Png => "png",
        }
    }
}

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
    pub favourite: bool,
}

impl ImageCard {
    /// The image's own page.
    pub fn page_url(&self) -> String {
        format!("/images/{}/", self.id)
    }

    /// Its file to keep: the original when one was kept, else the display
    /// copy (`Content-Disposition: attachment`).
    pub fn download_url(&self) -> String {
        format!("/images/{}/download/", self.id)
    }

    /// `srcset` with each thumbnail's real width (a small image's
    /// thumbnails are not upscaled, so they may be narrower than their
    /// names say).
    pub fn srcset(&self) -> String {
        let small = fitted_width(self.width, self.height, Variant::Thumb400.side() as i32);
        let large = fitted_width(self.width, self.height, Variant::Thumb800.side() as i32);
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

/// Name: required, at most 255 characters. Description: required, at most
/// 5 000. Both are plain text; they are escaped wherever they are shown.
pub fn validate_fields(name: &str, description: &str) -> FieldErrors {
    let mut errors = FieldErrors::default();
    errors.check_required(
        "name",
        name.trim().chars().count(),
        NAME_MAX,
        "Please give the image a name.",
        "the name",
    );
    errors.check_required(
        "description",
        description.trim().chars().count(),
        DESCRIPTION_MAX,
        "Please write a description.",
        "the description",
    );
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
            favourite: false,
        };
        assert_eq!(card(1600, 800).srcset(), "s 400w, l 800w");
        assert_eq!(card(800, 1600).srcset(), "s 200w, l 400w");
        assert_eq!(card(320, 240).srcset(), "s 320w");
        assert_eq!(card(600, 300).srcset(), "s 400w, l 600w");
    }

    #[test]
    fn variant_file_names() {
        assert_eq!(
            Variant::Display.file_name(StoredFormat::Jpeg),
            "display.jpg"
        );
        assert_eq!(
            Variant::Thumb400.file_name(StoredFormat::Png),
            "thumb-400.png"
        );
        assert_eq!(StoredFormat::from_column("png"), StoredFormat::Png);
        assert_eq!(StoredFormat::from_column("jpeg"), StoredFormat::Jpeg);
    }
}
