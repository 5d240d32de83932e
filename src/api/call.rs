//! A light browser-side caller for the server functions the gallery's grid
//! calls at once on its first load (a star, the selection's actions).
//!
//! Why not Leptos's own client: its request and response layers, URL-encoded
//! arguments and error codecs weigh about 22 KB of brotli WASM on the
//! gallery's first load (#13), and these calls need none of it: JSON in,
//! JSON out, and on a 4xx or 5xx our `AppError` as JSON, which is what the
//! server function answers (`server_fn`'s `Http` protocol, Json input). The
//! server side is the same server function at the same URL; the lightbox,
//! fetched later, still uses Leptos's client for its edit form.

use leptos::server_fn::ServerFn;
use serde::{de::DeserializeOwned, Serialize};

use crate::error::AppError;

/// Runs the server function `S` (whose input codec must be Json) with
/// `args`: in the browser as its generated client would; on the server
/// (where event handlers never run) as its generated function would.
pub async fn call<S>(args: S) -> Result<S::Output, AppError>
where
    S: ServerFn<Error = AppError> + Serialize,
    S::Output: DeserializeOwned,
{
    #[cfg(feature = "hydrate")]
    return browser::call(args).await;
    #[cfg(not(feature = "hydrate"))]
    return args.run_body().await;
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::server_fn::ServerFn;
    use serde::{de::DeserializeOwned, Serialize};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    use crate::error::AppError;

    pub async fn call<S>(args: S) -> Result<S::Output, AppError>
    where
        S: ServerFn<Error = AppError> + Serialize,
        S::Output: DeserializeOwned,
    {
        let body =
            serde_json::to_string(&args).map_err(|err| AppError::BadRequest(err.to_string()))?;
        let (ok, status, text) = post_json(S::url(), &body)
            .await
            .map_err(|_| AppError::Network("the request failed".to_owned()))?;
        if ok {
            serde_json::from_str(&text).map_err(|_| AppError::Internal)
        } else {
            // Not our JSON (a proxy's page, say): say what the status means.
            Err(serde_json::from_str(&text).unwrap_or(match status {
                502..=504 => AppError::Network(format!("HTTP {status}")),
                _ => AppError::Internal,
            }))
        }
    }

    /// POSTs `body` as JSON to `path`: whether the status was 2xx, the status
    /// and the response's text.
    async fn post_json(path: &str, body: &str) -> Result<(bool, u16, String), JsValue> {
        let headers = web_sys::Headers::new()?;
        headers.set("Content-Type", "application/json")?;
        headers.set("Accept", "application/json")?;
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_headers(&headers);
        init.set_body(&JsValue::from_str(body));
        let response: web_sys::Response =
            JsFuture::from(leptos::prelude::window().fetch_with_str_and_init(path, &init))
                .await?
                .dyn_into()?;
        let text = JsFuture::from(response.text()?).await?;
        Ok((
            response.ok(),
            response.status(),
            text.as_string().unwrap_or_default(),
        ))
    }
}
