//! The request as server code sees it: the app's state, the session, the
//! client's address and the logged-in user. Built from the request parts,
//! by server functions and by the plain form posts alike.

use std::net::IpAddr;

use tower_sessions::Session;

use sea_orm::EntityTrait;

use super::{
    activity::{Entry, Kind},
    auth::{client_ip::ClientIp, session::KeptImages},
    state::AppState,
};
use crate::{entities::user, error::AppError, model::user::CurrentUser};

pub struct RequestCtx {
    pub state: AppState,
    pub session: Session,
    pub client_ip: IpAddr,
    pub user: Option<CurrentUser>,
    /// The user's gallery total, read with their row by the session layer.
    pub kept_images: Option<u64>,
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
            kept_images: parts.extensions.get::<KeptImages>().map(|k| k.0),
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

    /// The logged-in user's whole row, read now (the session keeps only
    /// what every request needs).
    pub async fn account(&self) -> Result<user::Model, AppError> {
        user::Entity::find_by_id(self.require_user()?.id)
            .one(&self.state.db)
            .await?
            .ok_or(AppError::Unauthenticated)
    }

    /// An activity-log entry about the logged-in user's own account, from
    /// this request's address.
    pub fn activity(&self, kind: Kind) -> Entry<'_> {
        let (id, name) = self
            .user
            .as_ref()
            .map_or((None, ""), |u| (Some(u.id), u.username.as_str()));
        Entry::new(kind, id, name).from(self.client_ip)
    }
}
