//! The client's address: the TCP peer, or, when the peer is a trusted proxy
//! (TRUSTED_PROXIES, addresses or CIDR ranges: the nginx in front, a TLS
//! terminator before it), the last address in `X-Forwarded-For` that is not
//! itself a trusted proxy. An untrusted peer's `X-Forwarded-For` is ignored:
//! anyone can send that header.

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
};

use ipnet::IpNet;

use axum::{
    extract::{ConnectInfo, Request, State},
    middleware::Next,
    response::Response,
};

use crate::server::config::Config;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

pub fn resolve(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpNet]) -> IpAddr {
    // An IPv4 peer on a dual-stack socket shows as ::ffff:a.b.c.d.
    let peer = peer.to_canonical();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    forwarded_for
        .into_iter()
        .flat_map(|v| v.rsplit(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .map(|ip| ip.to_canonical())
        .find(|ip| !is_trusted(ip))
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

    fn net(s: &str) -> IpNet {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let nginx = ip("10.0.0.2");
        let trusted = [IpNet::from(nginx)];
        assert_eq!(
            resolve(ip("203.0.113.9"), Some("1.2.3.4"), &trusted),
            ip("203.0.113.9")
        );
        assert_eq!(resolve(nginx, Some("1.2.3.4"), &trusted), ip("1.2.3.4"));
        // A client-sent entry before the real one is skipped: nginx appends.
        assert_eq!(
            resolve(nginx, Some("6.6.6.6, 198.51.100.7"), &trusted),
            ip("198.51.100.7")
        );
        assert_eq!(resolve(nginx, None, &trusted), nginx);
        assert_eq!(resolve(nginx, Some("garbage"), &trusted), nginx);
    }

    #[test]
    fn ranges_let_a_terminator_in_front_of_nginx_be_skipped_too() {
        // nginx at 172.28.0.10, a TLS terminator somewhere in 10.1.0.0/16:
        // the client is the address before both.
        let trusted = [net("172.28.0.10/32"), net("10.1.0.0/16")];
        let nginx = ip("172.28.0.10");
        assert_eq!(
            resolve(nginx, Some("198.51.100.7, 10.1.4.2"), &trusted),
            ip("198.51.100.7")
        );
        // Outside the range: that address is the client.
        assert_eq!(
            resolve(nginx, Some("198.51.100.7, 10.2.4.2"), &trusted),
            ip("10.2.4.2")
        );
        // A mapped IPv4 peer is its IPv4 address.
        assert_eq!(
            resolve(ip("::ffff:172.28.0.10"), Some("198.51.100.7"), &trusted),
            ip("198.51.100.7")
        );
        let v6 = [net("fd00::/8")];
        assert_eq!(
            resolve(ip("fd00::1"), Some("2001:db8::5"), &v6),
            ip("2001:db8::5")
        );
    }
}
