//! UI pieces shared by several pages.

pub mod navbar;
pub mod theme_toggle;
