//! The signal server's WebSocket protocol, shared by the server and the
//! clients. (`docs/signal.md` documents it for other clients.)
//!
//! Text frames carry JSON objects tagged by `"type"`; binary frames carry
//! relayed channel frames. A session goes:
//!
//! ```text
//! server → client  {"type":"challenge","nonce":HEX32,"server":"cohort-signal/2"}
//! client → server  {"type":"auth","key":HEX32,"signature":HEX64,"server":ORIGIN}   signs AUTH_CONTEXT ‖ nonce ‖ ORIGIN
//! server → client  {"type":"welcome","fingerprint":FP,"ice_servers":[…],"limits":{…}}
//! client → server  {"type":"join","room":ID,"token":HEX32,"size":N}          an open room, by invite
//!                  {"type":"join","room":ID,"token":HEX32,"parties":[FP,…]}  a rostered room, by invite
//!                  {"type":"join","room":ID,"parties":[FP,…]}                parties that know each other's keys
//! server → client  {"type":"joined","room":ID,"present":[FP,…]}     then {"type":"presence",…} on every change
//! client → server  {"type":"signal","room":ID,"to":FP,"data":JSON}  WebRTC offer, answer or ICE candidate
//! server → client  {"type":"signal","room":ID,"from":FP,"data":JSON}
//! client → server  {"type":"leave","room":ID}
//! server → client  {"type":"error","code":CODE,"message":TEXT}     fatal ones are followed by a close
//! relay (binary, both ways): u8 room length ‖ room ‖ u8 fingerprint length ‖ fingerprint ‖ payload
//!                  (to the server: the recipient's fingerprint; from the server: the sender's)
//! ```
//!
//! The relayed payloads are the secure channel's frames: the server sees
//! only ciphertext, and cannot impersonate a party, whose channel
//! handshake proves its identity key end to end.

use serde::{Deserialize, Serialize};

/// What a client signs to authenticate: this context, the 32-byte nonce,
/// then the server's origin ([`cohort_channel::signal_auth::message`]).
pub use cohort_channel::signal_auth::CONTEXT as AUTH_CONTEXT;
/// The server's protocol name, sent in the challenge.
pub const SERVER_NAME: &str = "cohort-signal/2";

/// An ICE server handed to clients (a STUN or TURN URL and credentials).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IceServer {
    /// `stun:host:port` or `turn:host:port?transport=udp` URLs.
    pub urls: Vec<String>,
    /// TURN user name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// TURN credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

/// The limits a server enforces, sent to clients in the welcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Largest message (text or binary), bytes.
    pub max_message: usize,
    /// Messages queued for one client before it is disconnected as too slow.
    pub max_queue: usize,
    /// Messages per second one client may send (a burst of this many is allowed).
    pub max_rate: u32,
    /// Parties in one room.
    pub max_parties: usize,
    /// Rooms one identity may be in at once.
    pub max_rooms_per_identity: usize,
    /// Seconds without any message (pongs included) before a client is dropped.
    pub idle_timeout_secs: u64,
    /// Seconds between the server's pings.
    pub heartbeat_secs: u64,
    /// Seconds a room may live, however active.
    pub room_lifetime_secs: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message: 1 << 20,
            max_queue: 1024,
            max_rate: 10_000,
            max_parties: 62,
            max_rooms_per_identity: 8,
            idle_timeout_secs: 60,
            heartbeat_secs: 15,
            room_lifetime_secs: 24 * 3600,
        }
    }
}

/// A message from the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// Sign this nonce to authenticate.
    Challenge {
        /// 32 random bytes in hex.
        nonce: String,
        /// [`SERVER_NAME`].
        server: String,
    },
    /// Authenticated.
    Welcome {
        /// The client's fingerprint, as the server knows it.
        fingerprint: String,
        /// ICE servers for WebRTC.
        ice_servers: Vec<IceServer>,
        /// The server's limits.
        limits: Limits,
    },
    /// Joined a room; who is present.
    Joined {
        /// The room (session id).
        room: String,
        /// Fingerprints of the parties present, this one included.
        present: Vec<String>,
    },
    /// Who is present now.
    Presence {
        /// The room.
        room: String,
        /// Fingerprints of the parties present.
        present: Vec<String>,
    },
    /// A signaling message from another party.
    Signal {
        /// The room.
        room: String,
        /// The sender's fingerprint.
        from: String,
        /// What it sent.
        data: serde_json::Value,
    },
    /// Something went wrong.
    Error {
        /// A stable code (see [`ErrorCode`]).
        code: ErrorCode,
        /// A plain explanation.
        message: String,
    },
}

/// A message from a client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMessage {
    /// The answer to the challenge.
    Auth {
        /// The ed25519 public key, hex.
        key: String,
        /// The signature of [`AUTH_CONTEXT`] ‖ nonce ‖ `server`, hex.
        signature: String,
        /// The origin of the URL the client connected to
        /// ([`cohort_channel::signal_auth::origin`]): the server's name as
        /// the client knows it, which the server must answer to.
        server: String,
    },
    /// Join (or create) a room.
    Join {
        /// The session id.
        room: String,
        /// The invite's admission token (64 hex digits), whose derived
        /// session id must be `room`. Required for an open room, and for a
        /// room whose id has the form of an invite's session id (32
        /// lowercase hex digits).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token: Option<String>,
        /// The session's parties' fingerprints, in party order; the room
        /// admits only them, and every joiner must give the same list.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        parties: Vec<String>,
        /// Instead of `parties`: an open room, admitting the first `size`
        /// distinct identities to join, in the order of their fingerprints.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        size: Option<usize>,
    },
    /// Send a signaling message to another party of the room.
    Signal {
        /// The room.
        room: String,
        /// The recipient's fingerprint.
        to: String,
        /// Anything (an SDP offer or answer, an ICE candidate).
        data: serde_json::Value,
    },
    /// Leave a room.
    Leave {
        /// The room.
        room: String,
    },
}

/// Error codes of [`ServerMessage::Error`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Not a message of this protocol, or out of order. Fatal.
    BadMessage,
    /// A message over the size limit. Fatal.
    TooLarge,
    /// Too many messages per second. Fatal.
    RateLimited,
    /// The client did not read its messages fast enough. Fatal.
    QueueFull,
    /// The signature does not verify, or the challenge was not answered. Fatal.
    AuthFailed,
    /// The room has as many parties as allowed (an open room that is full, or over `max_parties`).
    RoomFull,
    /// This identity is not among the room's parties (its roster, or the listed parties).
    NotInRoster,
    /// The admission token is missing, malformed, or does not admit to this room.
    BadToken,
    /// The room exists with another list of parties.
    RoomMismatch,
    /// This identity is in too many rooms.
    TooManyRooms,
    /// The recipient is not present in the room.
    NotInRoom,
    /// No such room (or this client is not in it).
    UnknownRoom,
    /// No message within the idle timeout. Fatal.
    IdleTimeout,
    /// The server is shutting down. Fatal.
    ShuttingDown,
    /// The server is short of memory and opens no new rooms for now; rooms
    /// that exist carry on. Try again later.
    ServerBusy,
}

impl ServerMessage {
    /// Reads a server message from its JSON text, as `serde` would, but
    /// through `serde_json::Value` rather than derived code: the browser's
    /// WebAssembly carries this small reader instead of the derived one.
    pub fn from_json(text: &str) -> Result<ServerMessage, String> {
        use serde_json::Value;
        let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let field = |name: &str| value.get(name).ok_or_else(|| format!("missing field `{name}`"));
        let string = |name: &str| field(name)?.as_str().map(str::to_string).ok_or_else(|| format!("`{name}` is not a string"));
        let strings = |name: &str| {
            field(name)?
                .as_array()
                .and_then(|a| a.iter().map(|v| v.as_str().map(str::to_string)).collect::<Option<Vec<_>>>())
                .ok_or_else(|| format!("`{name}` is not a list of strings"))
        };
        Ok(match value.get("type").and_then(Value::as_str) {
            Some("challenge") => ServerMessage::Challenge { nonce: string("nonce")?, server: string("server")? },
            Some("welcome") => {
                let ice = field("ice_servers")?.as_array().ok_or("`ice_servers` is not a list")?;
                let ice_servers = ice
                    .iter()
                    .map(|s| {
                        let text = |k: &str| s.get(k).and_then(Value::as_str).map(str::to_string);
                        let urls = s.get("urls").and_then(Value::as_array).ok_or("an ICE server without `urls`")?;
                        let urls = urls.iter().map(|u| u.as_str().map(str::to_string)).collect::<Option<Vec<_>>>().ok_or("bad `urls`")?;
                        Ok(IceServer { urls, username: text("username"), credential: text("credential") })
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                let l = field("limits")?;
                let number = |k: &str| l.get(k).and_then(Value::as_u64).ok_or_else(|| format!("limit `{k}` is not a number"));
                let limits = Limits {
                    max_message: number("max_message")? as usize,
                    max_queue: number("max_queue")? as usize,
                    max_rate: u32::try_from(number("max_rate")?).map_err(|e| e.to_string())?,
                    max_parties: number("max_parties")? as usize,
                    max_rooms_per_identity: number("max_rooms_per_identity")? as usize,
                    idle_timeout_secs: number("idle_timeout_secs")?,
                    heartbeat_secs: number("heartbeat_secs")?,
                    room_lifetime_secs: number("room_lifetime_secs")?,
                };
                ServerMessage::Welcome { fingerprint: string("fingerprint")?, ice_servers, limits }
            }
            Some("joined") => ServerMessage::Joined { room: string("room")?, present: strings("present")? },
            Some("presence") => ServerMessage::Presence { room: string("room")?, present: strings("present")? },
            Some("signal") => ServerMessage::Signal { room: string("room")?, from: string("from")?, data: field("data")?.clone() },
            Some("error") => {
                let code = string("code")?;
                let code = ErrorCode::ALL.into_iter().find(|c| c.as_str() == code).ok_or_else(|| format!("unknown error code `{code}`"))?;
                ServerMessage::Error { code, message: string("message")? }
            }
            Some(other) => return Err(format!("unknown message type `{other}`")),
            None => return Err("a message without a `type`".into()),
        })
    }
}

impl ErrorCode {
    /// Every code.
    pub const ALL: [ErrorCode; 15] = [
        ErrorCode::BadMessage,
        ErrorCode::TooLarge,
        ErrorCode::RateLimited,
        ErrorCode::QueueFull,
        ErrorCode::AuthFailed,
        ErrorCode::RoomFull,
        ErrorCode::NotInRoster,
        ErrorCode::BadToken,
        ErrorCode::RoomMismatch,
        ErrorCode::TooManyRooms,
        ErrorCode::NotInRoom,
        ErrorCode::UnknownRoom,
        ErrorCode::IdleTimeout,
        ErrorCode::ShuttingDown,
        ErrorCode::ServerBusy,
    ];

    /// The code as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadMessage => "bad_message",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::QueueFull => "queue_full",
            ErrorCode::AuthFailed => "auth_failed",
            ErrorCode::RoomFull => "room_full",
            ErrorCode::NotInRoster => "not_in_roster",
            ErrorCode::BadToken => "bad_token",
            ErrorCode::RoomMismatch => "room_mismatch",
            ErrorCode::TooManyRooms => "too_many_rooms",
            ErrorCode::NotInRoom => "not_in_room",
            ErrorCode::UnknownRoom => "unknown_room",
            ErrorCode::IdleTimeout => "idle_timeout",
            ErrorCode::ShuttingDown => "shutting_down",
            ErrorCode::ServerBusy => "server_busy",
        }
    }

    /// Whether the server closes the connection after this error (every
    /// other error ends only the request, or the room, it answers).
    pub fn is_fatal(self) -> bool {
        use ErrorCode::*;
        match self {
            BadMessage | TooLarge | RateLimited | QueueFull | AuthFailed | IdleTimeout | ShuttingDown => true,
            RoomFull | NotInRoster | BadToken | RoomMismatch | TooManyRooms | NotInRoom | UnknownRoom | ServerBusy => false,
        }
    }
}

impl core::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Encodes a relay frame: room, a fingerprint (recipient or sender), payload.
pub fn encode_relay(room: &str, fingerprint: &str, payload: &[u8]) -> Option<Vec<u8>> {
    let (r, f) = (room.as_bytes(), fingerprint.as_bytes());
    if r.len() > 255 || f.len() > 255 {
        return None;
    }
    let mut out = Vec::with_capacity(2 + r.len() + f.len() + payload.len());
    out.push(r.len() as u8);
    out.extend_from_slice(r);
    out.push(f.len() as u8);
    out.extend_from_slice(f);
    out.extend_from_slice(payload);
    Some(out)
}

/// Decodes a relay frame into (room, fingerprint, payload).
pub fn decode_relay(frame: &[u8]) -> Option<(&str, &str, &[u8])> {
    let (&rl, rest) = frame.split_first()?;
    let room = rest.get(..rl as usize)?;
    let rest = &rest[rl as usize..];
    let (&fl, rest) = rest.split_first()?;
    let fp = rest.get(..fl as usize)?;
    Some((core::str::from_utf8(room).ok()?, core::str::from_utf8(fp).ok()?, &rest[fl as usize..]))
}
