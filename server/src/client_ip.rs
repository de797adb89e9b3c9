//! The client's address: the socket peer, unless that peer is a trusted reverse proxy, in
//! which case `X-Forwarded-For` is read from the right, skipping our own proxies.

use std::net::IpAddr;

use axum::http::HeaderMap;

pub fn resolve(peer: IpAddr, headers: &HeaderMap, trusted_proxies: &[IpAddr]) -> IpAddr {
    if !trusted_proxies.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|entry| entry.trim().parse().ok())
        .collect();
    // Entries are appended by each hop: the rightmost one not ours is the real client.
    forwarded
        .into_iter()
        .rev()
        .find(|ip| !trusted_proxies.contains(ip))
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", xff.parse().unwrap());
        headers
    }

    #[test]
    fn forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy() {
        let client: IpAddr = "203.0.113.7".parse().unwrap();
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let spoofed = headers("198.51.100.1");

        assert_eq!(resolve(client, &spoofed, &[]), client);
        assert_eq!(resolve(client, &spoofed, &[proxy]), client);
        assert_eq!(
            resolve(proxy, &headers("198.51.100.1, 203.0.113.7"), &[proxy]),
            client
        );
        assert_eq!(resolve(proxy, &HeaderMap::new(), &[proxy]), proxy);
    }
}
