//! Albums as the UI sees them.

use serde::{Deserialize, Serialize};

use super::image::{DESCRIPTION_MAX, NAME_MAX};
use crate::error::FieldErrors;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlbumCard {
    pub id: i32,
    pub name: String,
    pub description: String,
    /// Images in it (the trash not counted).
    pub count: u64,
    /// The cover's small thumbnail: the chosen cover, else the newest image;
    /// `None` for an empty album.
    pub cover: Option<AlbumCover>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlbumCover {
    pub image_id: i32,
    pub url: String,
    pub width: i32,
    pub height: i32,
}

impl AlbumCard {
    pub fn page_url(&self) -> String {
        album_url(self.id)
    }
}

pub fn album_url(id: i32) -> String {
    format!("/albums/{id}/")
}

/// One of the user's albums, as a choice in a form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlbumChoice {
    pub id: i32,
    pub name: String,
    /// Whether the image in question is in it.
    pub contains: bool,
}

/// Name: required, at most 255 characters. Description: optional, at most
/// 5 000.
pub fn validate_album(name: &str, description: &str) -> FieldErrors {
    let mut errors = FieldErrors::default();
    errors.check_required(
        "name",
        name.trim().chars().count(),
        NAME_MAX,
        "Please give the album a name.",
        "the name",
    );
    let chars = description.trim().chars().count();
    if chars > DESCRIPTION_MAX {
        errors.add(
            "description",
            format!(
                "Ensure the description has at most {DESCRIPTION_MAX} characters (it has {chars})."
            ),
        );
    }
    errors
}
