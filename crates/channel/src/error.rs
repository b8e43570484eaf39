//! What can go wrong with identities, handshakes and frames.

/// An identity, handshake or channel failure. Any failure of a channel ends it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChannelError {
    /// The peer proved a key other than the one expected.
    #[error("wrong identity: expected the key with fingerprint {expected}, the peer proved {got}")]
    WrongIdentity {
        /// The expected fingerprint.
        expected: String,
        /// The fingerprint of the key the peer proved.
        got: String,
    },
    /// The peer's handshake does not match this session's transcript (program
    /// hash, parties, threshold, session id, or the two parties' roles), or a
    /// handshake message was changed on the way.
    #[error(
        "the handshake failed: the peer is in another session (program, parties, threshold, session id or roles differ) or a message was tampered with"
    )]
    TranscriptMismatch,
    /// The peer's identity signature does not verify.
    #[error("the peer's identity signature is invalid")]
    BadSignature,
    /// A handshake message of the wrong size or shape.
    #[error("malformed handshake message: {0}")]
    MalformedHandshake(String),
    /// A frame failed authentication: changed on the way, or not from this channel.
    #[error("tampered frame: frame {counter} failed authentication")]
    Tampered {
        /// The frame's counter.
        counter: u64,
    },
    /// A frame that was already received.
    #[error("replayed frame: frame {counter} was already received (expected frame {expected})")]
    Replayed {
        /// The frame's counter.
        counter: u64,
        /// The next counter expected.
        expected: u64,
    },
    /// A frame ahead of the next expected one: reordered, or frames were lost.
    #[error("reordered frame: frame {counter} arrived while frame {expected} was expected")]
    Reordered {
        /// The frame's counter.
        counter: u64,
        /// The next counter expected.
        expected: u64,
    },
    /// One of this side's own frames, sent back to it.
    #[error("reflected frame: frame {counter} is one this side sent")]
    Reflected {
        /// The frame's counter.
        counter: u64,
    },
    /// A frame too short to hold its header and tag, or a stream that ended inside a message.
    #[error("truncated: {0}")]
    Truncated(String),
    /// A frame or message larger than allowed.
    #[error("oversized: {0}")]
    Oversized(String),
    /// The channel failed earlier and is closed.
    #[error("the channel is closed after an earlier failure: {0}")]
    Closed(String),
    /// No randomness from the operating system.
    #[error("no system randomness: {0}")]
    Randomness(String),
    /// A malformed public key or fingerprint.
    #[error("bad key: {0}")]
    BadKey(String),
    /// An identity file that cannot be read.
    #[error("bad identity file: {0}")]
    BadIdentityFile(String),
    /// An identity export that cannot be read.
    #[error("bad identity export: {0}")]
    BadExport(String),
    /// The passphrase does not open the export.
    #[error("wrong passphrase (or a damaged export)")]
    WrongPassphrase,
}
