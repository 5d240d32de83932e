//! The gallery: list, show, edit, star and trash the user's own images.
//! (Uploads are a multipart post, `crate::server::http::upload`; downloads
//! a plain GET, `crate::server::http::media`.)

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    api::with_user,
    model::gallery::{clean_search, GalleryQuery},
    server::library,
};
use crate::{
    error::AppError,
    model::{
        gallery::{BulkAction, GalleryPage, PageAt, Sort},
        image::ImageCard,
    },
};

/// One page of the current user's gallery: `q` searches names and
/// descriptions (best match first, `sort` then ignored), `favourites`
/// keeps starred images only, `album` the images of that album. `at`
/// says where the page starts (a page's `prev`/`next`); without it `page`
/// is a page number.
#[server(prefix = "/api", endpoint = "list_images")]
pub async fn list_images(
    page: u64,
    #[server(default)] q: String,
    #[server(default)] sort: Sort,
    #[server(default)] favourites: bool,
    #[server(default)] album: Option<i32>,
    #[server(default)] at: PageAt,
) -> Result<GalleryPage, AppError> {
    let query = GalleryQuery {
        q: clean_search(&q),
        sort,
        favourites,
        at: match at {
            PageAt::Start if page > 1 => PageAt::Number(page),
            at => at,
        },
        page: page.max(1),
        album,
    };
    with_user(|ctx, user| async move {
        if let Some(album) = album {
            // Someone else's album: not found, rather than an empty page.
            library::albums::find_own(&ctx.state.db, user.id, album).await?;
        }
        library::gallery::list(&ctx.state.db, user.id, &query, ctx.kept_images).await
    })
    .await
}

/// One of the current user's images; anyone else's is "not found".
#[server(prefix = "/api", endpoint = "get_image")]
pub async fn get_image(id: i32) -> Result<ImageCard, AppError> {
    with_user(|ctx, user| async move {
        Ok(library::card(
            &library::find_own(&ctx.state.db, user.id, id).await?,
        ))
    })
    .await
}

/// Renames or re-describes one of the user's images; answers it as saved.
#[server(prefix = "/api", endpoint = "update_image")]
pub async fn update_image(
    id: i32,
    name: String,
    description: String,
) -> Result<ImageCard, AppError> {
    with_user(|ctx, user| async move {
        let model = library::update(&ctx.state.db, user.id, id, &name, &description).await?;
        Ok(library::card(&model))
    })
    .await
}

/// Stars or unstars one of the user's images. Answers `back` (the page the
/// star was pressed on, when it is one of ours) for the plain form post.
#[server(prefix = "/api", endpoint = "set_favourite", input = leptos::server_fn::codec::Json)]
pub async fn set_favourite(
    id: i32,
    favourite: bool,
    #[server(default)] back: String,
) -> Result<String, AppError> {
    with_user(|ctx, user| async move {
        library::set_favourite(&ctx.state.db, user.id, id, favourite).await?;
        Ok(local_path_or(&back, "/images/"))
    })
    .await
}

/// Moves one of the user's images to the trash; answers the gallery.
#[server(prefix = "/api", endpoint = "trash_image")]
pub async fn trash_image(id: i32) -> Result<String, AppError> {
    with_user(|ctx, user| async move {
        library::trash::trash(&ctx.state.db, user.id, &[id]).await?;
        Ok("/images/".to_owned())
    })
    .await
}

/// Trashes the selected images, adds them to or removes them from an
/// album, or makes a new album of them: all or none, in one transaction.
/// Answers the page to go to when it is not this one (a new album's). JSON
/// in, for the list of ids.
#[server(prefix = "/api", endpoint = "bulk_images", input = leptos::server_fn::codec::Json)]
pub async fn bulk_images(action: BulkAction, ids: Vec<i32>) -> Result<Option<String>, AppError> {
    with_user(|ctx, user| async move {
        library::bulk::apply(&ctx.state.db, &user, ctx.client_ip, action, &ids).await
    })
    .await
}

/// `path` when it is a path on this site, else `fallback`: a form's `back`
/// field must not send anyone elsewhere.
pub fn local_path_or(path: &str, fallback: &str) -> String {
    let local = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control);
    if local { path } else { fallback }.to_owned()
}

/// The upload form (`POST /upload/`, multipart, not a server function):
/// named here so the page and the handler find its feedback by this type.
pub struct UploadImage;

#[cfg(test)]
mod tests {
    #[test]
    fn back_links_stay_on_the_site() {
        use super::local_path_or;
        assert_eq!(local_path_or("/images/?q=a", "/x/"), "/images/?q=a");
        for bad in [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil",
            "",
            "images/",
        ] {
            assert_eq!(local_path_or(bad, "/x/"), "/x/", "{bad}");
        }
    }
}
