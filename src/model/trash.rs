//! The trash as the UI sees it.

use serde::{Deserialize, Serialize};

use super::image::ImageCard;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrashedImage {
    pub card: ImageCard,
    /// Its small thumbnail, served to its owner while it is in the trash
    /// (its `/media/` URLs answer 404 meanwhile).
    pub thumb_url: String,
    /// The day it will be deleted for good (`YYYY-MM-DD`, UTC).
    pub purge_on: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrashPage {
    pub images: Vec<TrashedImage>,
    /// 1-based.
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    /// `TRASH_DAYS`.
    pub keep_days: u64,
}
