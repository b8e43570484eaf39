//! Which addresses only this computer, or its local network, can reach —
//! and the rule built on it: a public site's invite must not carry such a
//! signal server, since the other parties, elsewhere, could not reach it
//! (and a site could use the participant's browser to probe their network).
//!
//! ```text
//!  local     loopback (127.0.0.0/8, ::1), private (10/8, 172.16/12, 192.168/16,
//!            100.64/10, fc00::/7), link-local (169.254/16, fe80::/10), unspecified
//!            (0.0.0.0/8, ::), and names: localhost, *.localhost, *.local,
//!            *.home.arpa, *.internal, and names without a dot
//!  public    every other address and name
//! ```
//!
//! A name is classified by its spelling only: nothing is resolved.

use std::net::{IpAddr, Ipv4Addr};

use crate::error::WebError;

/// Whether `host` (a name, an IPv4 address, or an IPv6 address with or
/// without its brackets) is one only this computer or its local network
/// can reach: loopback, private, link-local or unspecified addresses, and
/// the names reserved for them (see the module's table).
pub fn is_local_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(&host);
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return is_local_ip(ip);
    }
    const SUFFIXES: [&str; 4] = [".localhost", ".local", ".home.arpa", ".internal"];
    host == "localhost" || SUFFIXES.iter().any(|s| host.ends_with(s)) || !host.contains('.')
}

/// Whether an address is loopback, private, shared (carrier-grade NAT),
/// link-local or unspecified, IPv4 in IPv6 included.
pub fn is_local_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_local_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_local_v4(v4);
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                // fc00::/7, unique local addresses.
                || first & 0xfe00 == 0xfc00
                // fe80::/10, link-local.
                || first & 0xffc0 == 0xfe80
        }
    }
}

fn is_local_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        // 0.0.0.0/8, "this network" (0.0.0.0 reaches this computer).
        || a == 0
        // 100.64.0.0/10, shared address space (carrier-grade NAT).
        || (a == 100 && (64..128).contains(&b))
}

/// The host of a URL (`scheme://host[:port]/…`): a name, an IPv4 address,
/// or an IPv6 address in brackets; None if it has no authority.
fn host_of(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    if authority.starts_with('[') {
        return authority.find(']').map(|end| &authority[..=end]);
    }
    let host = authority.split(':').next()?;
    (!host.is_empty()).then_some(host)
}

/// Checks that the page of `origin` may have its invites carry the signal
/// server `signal`: a page of a public origin may not name a local one
/// (`INVALID_PARAMS`, reason `private_signal`), since the other parties
/// could reach it only from this computer or its network. A page itself
/// served from a local address (a playground at `http://127.0.0.1:8787/`)
/// may name any.
pub fn check_signal_for_page(origin: &str, signal: &str) -> Result<(), WebError> {
    let page_is_local = host_of(origin).is_some_and(is_local_host);
    let Some(host) = host_of(signal) else { return Ok(()) };
    if page_is_local || !is_local_host(host) {
        return Ok(());
    }
    let shown: String = signal.chars().take(80).collect();
    Err(WebError::params(
        "private_signal",
        format!(
            "the signal server {shown} is an address only this computer or its local network can reach, and the invite would \
             carry it to the other parties: a public site must pass `signal` with a public signal server (wss://…)"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_loopback_private_and_link_local_are_local() {
        for host in [
            "127.0.0.1",
            "127.255.0.9",
            "10.0.0.1",
            "10.255.255.255",
            "172.16.0.1",
            "172.31.255.254",
            "192.168.1.20",
            "169.254.10.1",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
        ] {
            assert!(is_local_host(host), "{host} is local");
        }
        for host in ["8.8.8.8", "172.15.255.255", "172.32.0.1", "192.169.0.1", "169.253.0.1", "100.63.255.255", "100.128.0.1", "11.0.0.1"] {
            assert!(!is_local_host(host), "{host} is public");
        }
    }

    #[test]
    fn ipv6_loopback_unique_local_and_link_local_are_local() {
        for host in
            ["[::1]", "::1", "[::]", "[fc00::1]", "[fd12:3456::9]", "[fe80::1]", "[febf::1]", "[::ffff:192.168.0.1]", "[::ffff:127.0.0.1]"]
        {
            assert!(is_local_host(host), "{host} is local");
        }
        for host in ["[2001:db8::1]", "[2606:4700::1111]", "[fec0::1]", "[fbff::1]", "[::ffff:8.8.8.8]"] {
            assert!(!is_local_host(host), "{host} is public");
        }
    }

    #[test]
    fn local_names_are_local_and_others_public() {
        for host in ["localhost", "LOCALHOST", "localhost.", "app.localhost", "printer.local", "nas.home.arpa", "db.internal", "signal"] {
            assert!(is_local_host(host), "{host} is local");
        }
        for host in ["example.org", "signal.example.org", "localhost.example.org", "local.example.com", "xn--bcher-kva.example"] {
            assert!(!is_local_host(host), "{host} is public");
        }
    }

    #[test]
    fn a_public_page_may_not_name_a_local_signal_server() {
        for signal in ["ws://127.0.0.1:8787/", "ws://localhost:8787", "wss://[::1]:9000/", "ws://192.168.1.2/", "ws://box.local:8787"] {
            let e = check_signal_for_page("https://example.org", signal).unwrap_err();
            assert_eq!((e.code, e.reason), (crate::error::PageCode::InvalidParams, "private_signal"), "{signal}");
            assert!(e.message.contains("only this computer or its local network can reach"), "{}", e.message);
            assert!(e.message.contains("must pass `signal`"), "{}", e.message);
        }
        assert!(check_signal_for_page("https://example.org", "wss://signal.example.org/").is_ok());
        assert!(check_signal_for_page("http://example.org:8080", "ws://203.0.113.5:8787/").is_ok());
    }

    #[test]
    fn a_local_page_may_name_a_local_signal_server() {
        assert!(check_signal_for_page("http://127.0.0.1:8787", "ws://127.0.0.1:8787/").is_ok());
        assert!(check_signal_for_page("http://localhost:3000", "ws://[::1]:8787/").is_ok());
        assert!(check_signal_for_page("http://[::1]:8080", "ws://10.0.0.2/").is_ok());
        assert!(check_signal_for_page("http://127.0.0.1:8787", "wss://signal.example.org").is_ok());
    }
}
