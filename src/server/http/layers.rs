//! The layers of the router that are ours: who may see which page, the
//! status of server function errors, trailing slashes and caching.

use std::{collections::HashSet, sync::Arc};

use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderValue, Method, Response, StatusCode},
    middleware::Next,
    response::{IntoResponse, Redirect},
};

use crate::{
    error::AppError,
    model::{account::TWO_FACTOR_SETUP_PATH, user::CurrentUser},
};

/// Pages only a logged-in user may see; others are sent to log in first.
pub const PROTECTED_PATHS: &[&str] = &[
    "/images/",
    "/upload/",
    "/password/",
    "/account/",
    "/trash/",
    "/albums/",
    "/shares/",
    "/admin/",
];
/// Pages a logged-in user has no use for; they go to their gallery.
const LOGGED_OUT_ONLY: &[&str] = &["/", "/login/", "/register/"];

/// Logged-out visitors of a protected page go to `/login/?next=<page>`;
/// logged-in visitors of `/`, `/login/` or `/register/` go to `/images/`.
pub async fn guard_pages(req: Request, next: Next) -> Response<Body> {
    let path = req.uri().path();
    let logged_in = req.extensions().get::<CurrentUser>().is_some();
    let is_page_request = matches!(*req.method(), Method::GET | Method::HEAD | Method::POST);
    if is_page_request && !logged_in && PROTECTED_PATHS.iter().any(|p| path.starts_with(p)) {
        let here = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or(path);
        let target = format!("/login/?next={}", url_encode(here));
        return Redirect::to(&target).into_response();
    }
    if logged_in && req.method() == Method::GET && LOGGED_OUT_ONLY.contains(&path) {
        return Redirect::to("/images/").into_response();
    }
    let must_set_up = req
        .extensions()
        .get::<CurrentUser>()
        .is_some_and(|u| u.must_set_up_two_factor);
    if must_set_up && is_page_request && !allowed_before_two_factor(path) {
        return Redirect::to(TWO_FACTOR_SETUP_PATH).into_response();
    }
    // The account page grew out of the password page.
    if path == "/password/" && req.method() == Method::GET {
        return Redirect::permanent("/account/").into_response();
    }
    next.run(req).await
}

/// What a user `REQUIRE_2FA` holds may still reach: the setup pages, the
/// account page, logging out, the server functions (which refuse on their
/// own), and files.
fn allowed_before_two_factor(path: &str) -> bool {
    path.starts_with("/account/")
        || path.starts_with("/api/")
        || path.starts_with("/pkg/")
        || path == "/logout/"
        || path == "/favicon.svg"
}

/// server_fn answers every error it meets before our code runs (a missing
/// or malformed argument) with 500. Our errors carry their own status, so
/// restore it: a bad request is the client's fault, not ours.
pub async fn server_fn_error_status(req: Request, next: Next) -> Response<Body> {
    let is_server_fn = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if !is_server_fn || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = err.status();
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Everything under a share link `/s/…`: sent nowhere as a referrer (the
/// URL is the secret), kept out of search engines, and never stored by a
/// cache, so that revoking the link ends it at the next request.
pub async fn share_link_headers(req: Request, next: Next) -> Response<Body> {
    let is_share = req.uri().path().starts_with("/s/");
    let mut res = next.run(req).await;
    if is_share {
        let headers = res.headers_mut();
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        headers.insert(
            "x-robots-tag",
            HeaderValue::from_static("noindex, nofollow"),
        );
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    res
}

/// `/register` → 308 `/register/`, as the old app did for its URLs.
pub async fn add_trailing_slash(
    State(page_paths): State<Arc<HashSet<String>>>,
    req: Request,
    next: Next,
) -> Response<Body> {
    let path = req.uri().path();
    if matches!(*req.method(), Method::GET | Method::HEAD) && !path.ends_with('/') {
        let with_slash = format!("{path}/");
        if page_paths.contains(&with_slash) {
            let query = req
                .uri()
                .query()
                .map(|q| format!("?{q}"))
                .unwrap_or_default();
            return (
                StatusCode::PERMANENT_REDIRECT,
                [(header::LOCATION, format!("{with_slash}{query}"))],
            )
                .into_response();
        }
    }
    next.run(req).await
}

/// `path` as it may be logged: a share link's token is the secret of its
/// URL, so `/s/<token>/…` is logged as `/s/[token]/…`.
pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    match path.strip_prefix("/s/") {
        Some(rest) => {
            let after = rest.find('/').map_or("", |i| &rest[i..]);
            format!("/s/[token]{after}").into()
        }
        None => path.into(),
    }
}

/// `s` as one query-string value.
pub fn url_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Pages are per-user and must not be stored by shared caches; server
/// functions' answers are not stored at all. Build output
/// under /pkg/ is immutable when its names carry content hashes; otherwise
/// browsers revalidate it (cheap: ServeDir answers 304 from Last-Modified).
pub async fn cache_control(
    State(hashed_assets): State<bool>,
    req: Request,
    next: Next,
) -> Response<Body> {
    let is_asset = req.uri().path().starts_with("/pkg/");
    let is_api = req.uri().path().starts_with("/api/");
    let mut res = next.run(req).await;
    if res.headers().contains_key(header::CACHE_CONTROL) {
        return res;
    }
    if is_api {
        // A server function's answer is one user's data (a share link's
        // list holds working links): never stored.
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
        return res;
    }
    if is_asset && hashed_assets && res.status().is_success() {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
        return res;
    }
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let value = if is_html {
        "private, no-cache"
    } else {
        "public, no-cache"
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    res
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn share_tokens_are_not_logged() {
        assert_eq!(loggable_path("/images/"), "/images/");
        assert_eq!(loggable_path("/s/abcDEF_-1"), "/s/[token]");
        assert_eq!(
            loggable_path("/s/abc/media/3/display"),
            "/s/[token]/media/3/display"
        );
    }
}
