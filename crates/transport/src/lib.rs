//! What every layer of Cohort shares about moving messages between the
//! parties of a session: a party's index, the transport traits and the
//! typed error a transport fails with.
//!
//! ```text
//!  cohort-mpc       the engine: runs a session over a Transport / AsyncTransport
//!  cohort-channel   secure channels: a SecureMesh is a transport over another transport
//!  cohort-net       TCP between native parties
//!  cohort-signal    the signal server's relay, natively and in the browser
//! ```
//!
//! None of those depends on another for its I/O: they all depend on this
//! crate, which depends on nothing of Cohort's.

use core::future::Future;
use core::time::Duration;

/// A party's index in a session, `0..m`.
pub type PartyId = usize;

/// Bytes of one peer's frames a transport holds while this party has not
/// read them, unless the party sets a limit from its plan
/// (`cohort_party::Party::unread_limit`). An honest peer runs only a few
/// rounds ahead (it waits for this party's messages every eighth round at
/// least: `cohort_mpc::UNREAD_ROUNDS`); more is a flood
/// ([`TransportError::Flooded`]), which ends the session rather than
/// filling memory.
pub const UNREAD_LIMIT: usize = 64 << 20;

/// Why a message could not be sent or received. Each variant is one cause,
/// with a stable [`code`](TransportError::code).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The peer left: it closed its connection, or the signal server
    /// reports it gone from the room.
    #[error("party {party} left the session")]
    PeerGone {
        /// The party that left.
        party: PartyId,
    },
    /// The peer sent nothing for too long while this party waited for it.
    #[error("party {party} sent nothing for {} s", cohort_text::display_f64(after.as_secs_f64().round()))]
    Timeout {
        /// The silent party.
        party: PartyId,
        /// How long this party waited.
        after: Duration,
    },
    /// The peer never connected.
    #[error("party {party} did not connect within {after:?}")]
    NotConnected {
        /// The party that did not connect.
        party: PartyId,
        /// How long this party waited.
        after: Duration,
    },
    /// The network under the session closed (the signal server closed the
    /// connection or refused the session, or the session was cancelled).
    #[error("{reason}")]
    Closed {
        /// What closed it, in words.
        reason: String,
    },
    /// An operating-system or browser I/O error.
    #[error("{context}: {detail}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error's text.
        detail: String,
    },
    /// A peer sent a frame that does not authenticate or parse.
    #[error("party {party} misbehaved: {reason}")]
    Misbehaved {
        /// The offending party.
        party: PartyId,
        /// What was wrong.
        reason: String,
    },
    /// A peer sent more than the session allows (one message over the size
    /// limit, or more queued than the largest round needs).
    #[error("party {party} sent {size} bytes, more than the {limit} this session allows")]
    Flooded {
        /// The flooding party.
        party: PartyId,
        /// How much it sent (or had queued).
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// There is no such party in this session.
    #[error("there is no party {party} in this session")]
    NoSuchParty {
        /// The index asked for.
        party: PartyId,
    },
}

impl TransportError {
    /// A stable, machine-readable name for the cause.
    pub fn code(&self) -> &'static str {
        match self {
            TransportError::PeerGone { .. } => "peer_gone",
            TransportError::Timeout { .. } => "timeout",
            TransportError::NotConnected { .. } => "not_connected",
            TransportError::Closed { .. } => "closed",
            TransportError::Io { .. } => "io",
            TransportError::Misbehaved { .. } => "misbehaved",
            TransportError::Flooded { .. } => "flooded",
            TransportError::NoSuchParty { .. } => "no_such_party",
        }
    }

    /// Whether the session ended because a peer (or the network to it) went
    /// away, rather than from something this party or a peer did wrong.
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            TransportError::PeerGone { .. }
                | TransportError::Timeout { .. }
                | TransportError::NotConnected { .. }
                | TransportError::Closed { .. }
        )
    }

    /// An [`Io`](TransportError::Io) error while doing `context`.
    pub fn io(context: impl Into<String>, detail: impl core::fmt::Display) -> TransportError {
        TransportError::Io { context: context.into(), detail: detail.to_string() }
    }

    /// A [`Closed`](TransportError::Closed) error.
    pub fn closed(reason: impl Into<String>) -> TransportError {
        TransportError::Closed { reason: reason.into() }
    }
}

/// Shorthand for a transport's results.
pub type Result<T, E = TransportError> = core::result::Result<T, E>;

/// A blocking, ordered, reliable message transport to every peer.
pub trait Transport {
    /// Sends one message to party `to`. Must not block until `to` reads it.
    fn send(&mut self, to: PartyId, msg: Vec<u8>) -> Result<()>;
    /// Receives the next message from party `from`.
    fn recv(&mut self, from: PartyId) -> Result<Vec<u8>>;
}

/// An ordered, reliable message transport whose receives may wait (a
/// browser's data channels, where messages arrive as events).
pub trait AsyncTransport {
    /// Sends one message to party `to`, without waiting for `to` to read it.
    fn send(&mut self, to: PartyId, msg: Vec<u8>) -> Result<()>;
    /// Receives the next message from party `from`.
    fn recv(&mut self, from: PartyId) -> impl Future<Output = Result<Vec<u8>>>;
}

/// A blocking [`Transport`] seen as an [`AsyncTransport`] whose receives
/// are ready at once, so one async protocol serves both.
pub struct Blocking<'a, T>(pub &'a mut T);

impl<T: Transport> AsyncTransport for Blocking<'_, T> {
    fn send(&mut self, to: PartyId, msg: Vec<u8>) -> Result<()> {
        self.0.send(to, msg)
    }

    fn recv(&mut self, from: PartyId) -> impl Future<Output = Result<Vec<u8>>> {
        core::future::ready(self.0.recv(from))
    }
}

/// Runs a future that never waits on anything but a [`Blocking`]
/// transport (so every poll makes progress) on this thread.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = core::pin::pin!(future);
    loop {
        if let core::task::Poll::Ready(out) = future.as_mut().poll(&mut core::task::Context::from_waker(core::task::Waker::noop())) {
            return out;
        }
    }
}
