//! The client's address: the TCP peer, or, when the peer is a trusted proxy
//! (TRUSTED_PROXIES, e.g. the nginx in front), the last address in
//! `X-Forwarded-For` that is not itself a trusted proxy. An untrusted peer's
//! `X-Forwarded-For` is ignored: anyone can send that header.

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
};

use axum::{
    extract::{ConnectInfo, Request, State},
    middleware::Next,
    response::Response,
};

use crate::server::config::Config;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

pub fn resolve(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    forwarded_for
        .into_iter()
        .flat_map(|v| v.rsplit(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
}

pub async fn add_client_ip(
    State(config): State<Arc<Config>>,
    mut req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    let ip = resolve(peer, forwarded, &config.trusted_proxies);
    req.extensions_mut().insert(ClientIp(ip));
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let nginx = ip("10.0.0.2");
        assert_eq!(
            resolve(ip("203.0.113.9"), Some("1.2.3.4"), &[nginx]),
            ip("203.0.113.9")
        );
        assert_eq!(resolve(nginx, Some("1.2.3.4"), &[nginx]), ip("1.2.3.4"));
        // A client-sent entry before the real one is skipped: nginx appends.
        assert_eq!(
            resolve(nginx, Some("6.6.6.6, 198.51.100.7"), &[nginx]),
            ip("198.51.100.7")
        );
        assert_eq!(resolve(nginx, None, &[nginx]), nginx);
        assert_eq!(resolve(nginx, Some("garbage"), &[nginx]), nginx);
    }
}
