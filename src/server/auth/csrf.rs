//! Cross-site request forgery: a state-changing request (anything but GET,
//! HEAD, OPTIONS) must come from our own pages. Browsers say where a request
//! comes from in `Sec-Fetch-Site` and `Origin`, which pages cannot forge.

use std::sync::Arc;

use axum::{
    extract::{Request, State},
    http::{header, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::server::config::Config;

/// `our_origins`: the app's (`PUBLIC_URL`) and the share links' (`SHARE_URL`).
pub fn is_allowed(
    method: &Method,
    sec_fetch_site: Option<&str>,
    origin: Option<&str>,
    our_origins: &[&str],
) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    match (sec_fetch_site, origin) {
        // Modern browsers: only our own pages count.
        (Some(site), _) => site == "same-origin",
        // Older browsers and other clients: Origin must be ours.
        (None, Some(origin)) => our_origins.contains(&origin),
        // Nothing says where it comes from: refuse.
        (None, None) => false,
    }
}

pub async fn reject_cross_site(
    State(config): State<Arc<Config>>,
    req: Request,
    next: Next,
) -> Response {
    let headers = req.headers();
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    // The share host's origin only for what a share page posts.
    let path = req.uri().path();
    let share_post = path.starts_with("/s/") || path == "/api/unlock_share";
    let ours = [
        config.public_origin.as_str(),
        if share_post {
            config.shares.origin.as_str()
        } else {
            config.public_origin.as_str()
        },
    ];
    if is_allowed(req.method(), site, origin, &ours) {
        return next.run(req).await;
    }
    let path = crate::server::http::layers::loggable_path(req.uri().path());
    tracing::warn!(method = %req.method(), %path, ?site, ?origin, "refused a cross-site request");
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "403 Forbidden: this request came from another site, or without an Origin header, and was refused.\n",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "https://gallery.example";
    const OURS: &[&str] = &[ORIGIN, "https://photos.example"];

    #[test]
    fn safe_methods_always_pass() {
        assert!(is_allowed(
            &Method::GET,
            Some("cross-site"),
            Some("https://evil.example"),
            OURS
        ));
    }

    #[test]
    fn posts_must_come_from_our_pages() {
        let post = &Method::POST;
        assert!(is_allowed(post, Some("same-origin"), Some(ORIGIN), OURS));
        assert!(!is_allowed(post, Some("cross-site"), Some(ORIGIN), OURS));
        assert!(!is_allowed(post, Some("same-site"), None, OURS));
        assert!(!is_allowed(post, Some("none"), None, OURS));
        assert!(is_allowed(post, None, Some(ORIGIN), OURS));
        assert!(is_allowed(post, None, Some("https://photos.example"), OURS));
        assert!(!is_allowed(post, None, Some("https://evil.example"), OURS));
        assert!(!is_allowed(post, None, Some("null"), OURS));
        assert!(!is_allowed(post, None, None, OURS));
    }
}
