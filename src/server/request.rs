//! The request as server code sees it: the app's state, the session, the
//! client's address and the logged-in user. Built from the request parts,
//! by server functions and by the plain form posts alike.

use std::net::IpAddr;

use tower_sessions::Session;

use super::{auth::client_ip::ClientIp, state::AppState};
use crate::{error::AppError, model::user::CurrentUser};

pub struct RequestCtx {
    pub state: AppState,
    pub session: Session,
    pub client_ip: IpAddr,
    pub user: Option<CurrentUser>,
    /// The request's headers (a share link's access cookie).
    pub headers: http::HeaderMap,
}

impl RequestCtx {
    pub fn from_parts(state: &AppState, parts: &http::request::Parts) -> Result<Self, AppError> {
        let session = parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or_else(|| AppError::internal("request context", "no session layer"))?;
        let client_ip = parts
            .extensions
            .get::<ClientIp>()
            .map(|c| c.0)
            .unwrap_or(IpAddr::from([127, 0, 0, 1]));
        Ok(Self {
            state: state.clone(),
            session,
            client_ip,
            user: parts.extensions.get::<CurrentUser>().cloned(),
            headers: parts.headers.clone(),
        })
    }

    /// The context of the server function being run (leptos_axum provides
    /// the state and the request parts).
    pub fn current() -> Result<Self, AppError> {
        let state = leptos::prelude::use_context::<AppState>()
            .ok_or_else(|| AppError::internal("request context", "no AppState"))?;
        let parts = leptos::prelude::use_context::<http::request::Parts>()
            .ok_or_else(|| AppError::internal("request context", "no request parts"))?;
        Self::from_parts(&state, &parts)
    }

    pub fn require_user(&self) -> Result<&CurrentUser, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthenticated)
    }
}
