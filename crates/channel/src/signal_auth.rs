//! What a client signs to prove its identity to a signal server, in one
//! place for the native client, the server's check and the browser.
//!
//! ```text
//! signed = CONTEXT ‖ nonce (32 bytes) ‖ origin (ASCII)
//! origin = "ws://" or "wss://", the host in lowercase, ":" port unless it is the scheme's default
//! ```
//!
//! The origin names the server the client meant to reach, as the client
//! reached it (the URL it connected to, normalised). A server accepts only
//! signatures over one of the names it is configured to answer to, so a
//! malicious server cannot pass another server's challenge on to a client
//! and use the answer to sign in there as that client. The context and the
//! nonce have fixed lengths, so the concatenation is unambiguous.

use std::net::Ipv6Addr;

use crate::error::ChannelError;

/// The context string that starts every signed challenge (version 2: the
/// signature covers the server's origin).
pub const CONTEXT: &[u8] = b"cohort-signal-v2 auth";

/// Longest host name accepted, bytes (as DNS allows).
const MAX_HOST: usize = 253;

/// The bytes a client signs to answer the challenge `nonce` of the server
/// reached at `origin` (as [`origin`] normalises it).
pub fn message(nonce: &[u8; 32], origin: &str) -> Vec<u8> {
    [CONTEXT, &nonce[..], origin.as_bytes()].concat()
}

/// A signal server URL's origin: `ws://host[:port]` or `wss://host[:port]`,
/// scheme and host in lowercase, the port left out when it is the scheme's
/// default (80, 443), the path, query and fragment dropped, IPv6 addresses
/// in their canonical form. URLs with credentials (`user@host`) are refused.
pub fn origin(url: &str) -> Result<String, ChannelError> {
    let shown: String = url.chars().take(80).collect();
    let bad = |why: &str| ChannelError::BadServerUrl(format!("`{shown}` is not a signal server URL: {why}"));
    let (scheme, rest) = url.split_once("://").ok_or_else(|| bad("it must start with ws:// or wss://"))?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "ws" => 80,
        "wss" => 443,
        _ => return Err(bad("it must start with ws:// or wss://")),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(bad("it must not carry a user name or password"));
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (addr, after) = v6.split_once(']').ok_or_else(|| bad("an IPv6 address without its closing `]`"))?;
        let addr: Ipv6Addr = addr.parse().map_err(|_| bad("a malformed IPv6 address"))?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':').ok_or_else(|| bad("junk after the IPv6 address"))?),
        };
        (format!("[{addr}]"), port)
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        let host_ok = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_');
        if host.is_empty() || host.len() > MAX_HOST || !host.bytes().all(host_ok) {
            return Err(bad("the host must be a name or an address (letters, digits, `-`, `.`, `_`)"));
        }
        (host.to_ascii_lowercase(), port)
    };
    let port = match port {
        None => None,
        Some(p) => {
            let n: u16 = p.parse().ok().filter(|_| p.bytes().all(|b| b.is_ascii_digit())).ok_or_else(|| bad("a malformed port"))?;
            if n == 0 {
                return Err(bad("port 0"));
            }
            (n != default_port).then_some(n)
        }
    };
    Ok(match port {
        Some(port) => format!("{scheme}://{host}:{port}"),
        None => format!("{scheme}://{host}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised() {
        let cases = [
            ("ws://127.0.0.1:8787/", "ws://127.0.0.1:8787"),
            ("WSS://Signal.Example.ORG:443/path?x#y", "wss://signal.example.org"),
            ("wss://signal.example.org:8443", "wss://signal.example.org:8443"),
            ("ws://host:80/", "ws://host"),
            ("ws://host:443/", "ws://host:443"),
            ("ws://[0:0:0:0:0:0:0:1]:9000/", "ws://[::1]:9000"),
            ("wss://[::1]", "wss://[::1]"),
            ("ws://localhost:8787?room=x", "ws://localhost:8787"),
        ];
        for (url, want) in cases {
            assert_eq!(origin(url).unwrap(), want, "{url}");
        }
    }

    #[test]
    fn urls_that_name_no_server_are_refused() {
        for url in [
            "http://host/",
            "host:80",
            "ws://",
            "ws:///path",
            "ws://user:pw@host/",
            "ws://host:0/",
            "ws://host:65536/",
            "ws://host:+80/",
            "ws://host:80:80/",
            "ws://[::1/",
            "ws://[::1]x/",
            "ws://ho st/",
            "ws://hôst/",
        ] {
            assert!(matches!(origin(url), Err(ChannelError::BadServerUrl(_))), "{url}");
        }
    }

    #[test]
    fn the_message_is_context_nonce_origin() {
        let m = message(&[7; 32], "ws://a:1");
        assert_eq!(&m[..CONTEXT.len()], CONTEXT);
        assert_eq!(&m[CONTEXT.len()..CONTEXT.len() + 32], &[7; 32]);
        assert_eq!(&m[CONTEXT.len() + 32..], b"ws://a:1");
    }
}
