//! Where a webhook may go: http(s) URLs whose addresses are public, unless configuration allows
//! private targets. Checked when an endpoint is registered and again at every delivery, after
//! DNS resolution, by the HTTP client's own resolver ([`GuardedResolver`]): the client connects
//! only to the addresses that were checked, so a name that resolves differently the second time
//! (DNS rebinding) gains nothing.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use crate::error::{AppError, AppResult};

/// Longest URL accepted.
const MAX_URL_LEN: usize = 2000;
/// How long registering waits for DNS.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);

/// Why `ip` may not receive webhooks, or `None` when it is a public address.
pub fn forbidden(ip: IpAddr) -> Option<&'static str> {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    };
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            if v4.is_unspecified() || a == 0 {
                Some("an unspecified address")
            } else if v4.is_loopback() {
                Some("a loopback address")
            } else if v4.is_link_local() {
                Some("a link-local address")
            } else if v4.is_private() || (a == 100 && (64..128).contains(&b)) {
                Some("a private address")
            } else if v4.is_broadcast() || v4.is_multicast() {
                Some("a broadcast or multicast address")
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            if v6.is_unspecified() {
                Some("an unspecified address")
            } else if v6.is_loopback() {
                Some("a loopback address")
            } else if first & 0xffc0 == 0xfe80 {
                Some("a link-local address")
            } else if first & 0xfe00 == 0xfc00 {
                Some("a private address")
            } else if v6.is_multicast() {
                Some("a broadcast or multicast address")
            } else {
                None
            }
        }
    }
}

/// Checks an endpoint URL as it is registered: http or https, a host, and (unless `allow_private`)
/// only public addresses, an IP literal as it is and a name after resolving it. Returns the
/// normalised URL.
pub async fn check_url(raw: &str, allow_private: bool) -> AppResult<String> {
    let raw = raw.trim();
    if raw.len() > MAX_URL_LEN {
        return Err(AppError::validation(format!(
            "url: at most {MAX_URL_LEN} characters"
        )));
    }
    let url = url::Url::parse(raw)
        .map_err(|e| AppError::validation(format!("url: not a valid URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(AppError::validation(format!(
            "url: only http and https URLs can receive webhooks, not `{}`",
            url.scheme()
        )));
    }
    let host = url
        .host()
        .ok_or_else(|| AppError::validation("url: the URL has no host"))?;
    if allow_private {
        return Ok(url.to_string());
    }
    let addresses: Vec<IpAddr> = match host {
        url::Host::Ipv4(ip) => vec![IpAddr::V4(ip)],
        url::Host::Ipv6(ip) => vec![IpAddr::V6(ip)],
        url::Host::Domain(name) => {
            let port = url.port_or_known_default().unwrap_or(443);
            let lookup = tokio::net::lookup_host((name, port));
            match tokio::time::timeout(LOOKUP_TIMEOUT, lookup).await {
                Ok(Ok(found)) => found.map(|a| a.ip()).collect(),
                _ => {
                    return Err(AppError::validation(format!(
                        "url: the host `{name}` does not resolve"
                    )));
                }
            }
        }
    };
    for ip in addresses {
        if let Some(why) = forbidden(ip) {
            return Err(AppError::validation(format!(
                "url: {ip} is {why}; webhooks go to public addresses only \
                 (webhooks.allow_private_targets allows others)"
            )));
        }
    }
    Ok(url.to_string())
}

/// The delivery-time check of a URL whose host is an IP literal (the client resolves names
/// through [`GuardedResolver`], but connects to literals directly).
pub fn check_literal(url: &url::Url, allow_private: bool) -> Result<(), String> {
    let ip = match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
        _ => return Ok(()),
    };
    match forbidden(ip).filter(|_| !allow_private) {
        Some(why) => Err(format!("refused to connect to {ip}: {why}")),
        None => Ok(()),
    }
}

/// The webhook client's DNS resolver: resolves with the system's resolver and refuses a name
/// when any of its addresses is forbidden.
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver {
    /// Whether private addresses are allowed.
    pub allow_private: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if !allow_private
                && let Some((ip, why)) = found
                    .iter()
                    .find_map(|a| forbidden(a.ip()).map(|why| (a.ip(), why)))
            {
                return Err(
                    format!("refused to connect to {host}: it resolves to {ip}, {why}").into(),
                );
            }
            let addrs: reqwest::dns::Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn private_loopback_link_local_and_unspecified_addresses_are_forbidden() {
        for bad in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
        ] {
            assert!(forbidden(bad.parse().unwrap()).is_some(), "{bad}");
        }
        for good in ["1.1.1.1", "172.32.0.1", "2606:4700::1111", "93.184.216.34"] {
            assert!(forbidden(good.parse().unwrap()).is_none(), "{good}");
        }
    }
}
