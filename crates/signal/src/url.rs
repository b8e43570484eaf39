//! Where a client's WebSocket for a room goes: the signal server's URL with
//! `r/ROOM` appended to its path.
//!
//! ```text
//! ws://127.0.0.1:8787          + room s1   →  ws://127.0.0.1:8787/r/s1
//! wss://host/signal/?v=1       + room a/b  →  wss://host/signal/r/a%2Fb?v=1
//! ```
//!
//! Rooms are independent, so several server instances can share the rooms
//! behind a load balancer that hashes the request path: every party of a
//! room opens the same path, and so reaches the same instance (see
//! docs/signal.md, "Running several instances"). A single server accepts a
//! WebSocket on any path, so the path changes nothing there. The room is
//! percent-encoded (everything but letters, digits and `-._~`), so it is
//! exactly one path segment, spelled the same way by every client; the
//! server URL's own path is kept (a server behind a proxy at
//! `wss://host/signal/`), its query string too, and a fragment dropped (a
//! WebSocket URL has none). The origin, which the client signs, is the
//! server URL's, whatever the path.

use cohort_channel::signal_auth;

use crate::client::SignalError;

/// The path segment before the room.
pub const ROOM_PREFIX: &str = "r/";

/// The URL of room `room`'s WebSocket at the signal server at `server`
/// (`ws://` or `wss://`): `server`'s path, with a `/` if it does not end
/// with one, then `r/` and the room, percent-encoded; then `server`'s query
/// string, if any. Fails with [`SignalError::BadUrl`] if `server` names no
/// server (as [`signal_auth::origin`] judges), or if the room is empty,
/// `.` or `..` (which URL parsers would take for a path step, not a name).
pub fn room_url(server: &str, room: &str) -> Result<String, SignalError> {
    signal_auth::origin(server).map_err(|e| SignalError::BadUrl(e.to_string()))?;
    if matches!(room, "" | "." | "..") {
        return Err(SignalError::BadUrl(format!("the session id `{room}` cannot be named in the signal server's URL")));
    }
    let without_fragment = server.split('#').next().unwrap_or_default();
    let (base, query) = match without_fragment.split_once('?') {
        Some((base, query)) => (base, query),
        None => (without_fragment, ""),
    };
    // origin() accepted it, so it has a scheme; the authority ends at the first `/`.
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let path_at = base[after_scheme..].find('/').map_or(base.len(), |i| after_scheme + i);
    let mut url = String::with_capacity(server.len() + ROOM_PREFIX.len() + 3 * room.len() + 1);
    url.push_str(base);
    if !base[path_at..].ends_with('/') {
        url.push('/');
    }
    url.push_str(ROOM_PREFIX);
    for &b in room.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            url.push(char::from(b));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            url.extend(['%', char::from(HEX[usize::from(b >> 4)]), char::from(HEX[usize::from(b & 15)])]);
        }
    }
    if !query.is_empty() {
        url.push('?');
        url.push_str(query);
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(server: &str, room: &str) -> String {
        room_url(server, room).unwrap()
    }

    #[test]
    fn the_room_follows_the_servers_path() {
        assert_eq!(url("ws://127.0.0.1:8787", "s1"), "ws://127.0.0.1:8787/r/s1");
        assert_eq!(url("ws://127.0.0.1:8787/", "s1"), "ws://127.0.0.1:8787/r/s1");
        assert_eq!(url("wss://signal.example/signal", "s1"), "wss://signal.example/signal/r/s1");
        assert_eq!(url("wss://signal.example/signal/", "s1"), "wss://signal.example/signal/r/s1");
        assert_eq!(url("wss://signal.example/a/b/", "s1"), "wss://signal.example/a/b/r/s1");
        assert_eq!(url("wss://signal.example//", "s1"), "wss://signal.example//r/s1");
        assert_eq!(url("ws://[::1]:9000", "s1"), "ws://[::1]:9000/r/s1");
        // As given otherwise: the scheme's and host's case, a default port.
        assert_eq!(url("WSS://Signal.Example:443/Base", "s1"), "WSS://Signal.Example:443/Base/r/s1");
        // An invite's session id needs no escaping.
        let session = "0123456789abcdef0123456789abcdef";
        assert_eq!(url("wss://signal.example/", session), format!("wss://signal.example/r/{session}"));
    }

    #[test]
    fn the_query_string_is_kept_after_the_room_and_a_fragment_dropped() {
        assert_eq!(url("ws://host:1?v=1", "s1"), "ws://host:1/r/s1?v=1");
        assert_eq!(url("ws://host:1/?v=1&w=2", "s1"), "ws://host:1/r/s1?v=1&w=2");
        assert_eq!(url("ws://host:1/base?v=/x/", "s1"), "ws://host:1/base/r/s1?v=/x/");
        assert_eq!(url("ws://host:1/base/?", "s1"), "ws://host:1/base/r/s1");
        assert_eq!(url("ws://host:1/base#part", "s1"), "ws://host:1/base/r/s1");
        assert_eq!(url("ws://host:1/base?v=1#part?x", "s1"), "ws://host:1/base/r/s1?v=1");
        assert_eq!(url("ws://host:1#part/x", "s1"), "ws://host:1/r/s1");
    }

    #[test]
    fn rooms_are_one_escaped_path_segment() {
        assert_eq!(url("ws://h/", "AZaz09-._~"), "ws://h/r/AZaz09-._~");
        assert_eq!(url("ws://h/", "a/b"), "ws://h/r/a%2Fb");
        assert_eq!(url("ws://h/", "../x"), "ws://h/r/..%2Fx");
        assert_eq!(url("ws://h/", "a?b#c"), "ws://h/r/a%3Fb%23c");
        assert_eq!(url("ws://h/", "100%"), "ws://h/r/100%25");
        assert_eq!(url("ws://h/", "%2F"), "ws://h/r/%252F");
        assert_eq!(url("ws://h/", "a b+c&d=e;f"), "ws://h/r/a%20b%2Bc%26d%3De%3Bf");
        assert_eq!(url("ws://h/", "\"<>\\^`{|}"), "ws://h/r/%22%3C%3E%5C%5E%60%7B%7C%7D");
        assert_eq!(url("ws://h/", "é"), "ws://h/r/%C3%A9");
        assert_eq!(url("ws://h/", "..."), "ws://h/r/...");
        // Every printable ASCII room (what the server accepts) decodes back to itself.
        let room: String = (0x21u8..0x7f).map(char::from).collect();
        let got = url("ws://h/", &room);
        let segment = got.strip_prefix("ws://h/r/").unwrap();
        assert!(!segment.contains(['/', '?', '#']), "{segment}");
        assert_eq!(decode(segment), room);
    }

    #[test]
    fn a_server_url_that_names_no_server_or_a_room_that_is_a_path_step_is_refused() {
        for server in ["http://h/", "h:80", "ws://", "ws:///r", "ws://user@h/", "ws://h:0/", "ws://ho st/"] {
            assert!(matches!(room_url(server, "s1"), Err(SignalError::BadUrl(_))), "{server}");
        }
        for room in ["", ".", ".."] {
            let err = room_url("ws://h/", room).unwrap_err();
            assert!(matches!(&err, SignalError::BadUrl(m) if m.contains(&format!("`{room}`"))), "{err:?}");
        }
    }

    fn decode(segment: &str) -> String {
        let bytes = segment.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&segment[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }
}
