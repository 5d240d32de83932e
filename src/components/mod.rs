//! UI pieces shared by several pages.

pub mod form;
pub mod navbar;
pub mod theme_toggle;
