//! What can go wrong with identities, handshakes and frames.

use cohort_transport::{PartyId, TransportError};

use crate::Fingerprint;

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
    /// A signal server URL that names no server (see [`crate::signal_auth::origin`]).
    #[error("{0}")]
    BadServerUrl(String),
}

impl ChannelError {
    /// A stable, machine-readable name for the cause.
    pub fn code(&self) -> &'static str {
        match self {
            ChannelError::WrongIdentity { .. } => "wrong_identity",
            ChannelError::TranscriptMismatch => "transcript_mismatch",
            ChannelError::BadSignature => "bad_signature",
            ChannelError::MalformedHandshake(_) => "malformed_handshake",
            ChannelError::Tampered { .. } => "tampered",
            ChannelError::Replayed { .. } => "replayed",
            ChannelError::Reordered { .. } => "reordered",
            ChannelError::Reflected { .. } => "reflected",
            ChannelError::Truncated(_) => "truncated",
            ChannelError::Oversized(_) => "oversized",
            ChannelError::Closed(_) => "closed",
            ChannelError::Randomness(_) => "randomness",
            ChannelError::BadKey(_) => "bad_key",
            ChannelError::BadIdentityFile(_) => "bad_identity",
            ChannelError::BadExport(_) => "bad_export",
            ChannelError::WrongPassphrase => "wrong_passphrase",
            ChannelError::BadServerUrl(_) => "bad_url",
        }
    }
}

/// Why an invite cannot be made or read. [`InviteError::code`] names each
/// cause with a stable string, for programs (the extension) to match.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InviteError {
    /// The text does not start with `cohort-invite:`.
    #[error("not a Cohort invite: it looks like cohort-invite:v2?session=…&program=…&parties=…&signal=…&token=…")]
    NotAnInvite,
    /// An invite of another version (v1 invites carried no admission token).
    #[error("an invite of another version ({0}): this Cohort reads cohort-invite:v2 invites; ask for a new invite")]
    OtherVersion(String),
    /// Longer than any invite.
    #[error("the invite is {len} bytes long, more than the {max} an invite may have")]
    TooLong {
        /// Its length.
        len: usize,
        /// The most allowed.
        max: usize,
    },
    /// A field without `=`, or one with an empty name.
    #[error("a malformed invite field `{0}` (fields are NAME=VALUE, joined by &)")]
    MalformedField(String),
    /// A field this version does not know.
    #[error("the invite has an unknown field `{0}`")]
    UnknownField(String),
    /// A field given twice.
    #[error("the invite gives `{0}` twice")]
    DuplicateField(String),
    /// A required field is absent.
    #[error("the invite has no `{0}`")]
    MissingField(&'static str),
    /// The session id is not 32 lowercase hex digits.
    #[error("an invite's session id is 32 lowercase hex digits")]
    BadSession,
    /// The program hash is not 64 lowercase hex digits.
    #[error("an invite's program hash is 64 lowercase hex digits")]
    BadProgram,
    /// The party count is not a number from 2 to 62.
    #[error("an invite's session has 2 to 62 parties, not `{0}`")]
    BadParties(String),
    /// The signal server is not a ws:// or wss:// URL.
    #[error("the invite's signal server: {0}")]
    BadSignal(String),
    /// The admission token is not 64 lowercase hex digits.
    #[error("an invite's admission token is 64 lowercase hex digits")]
    BadToken,
    /// The session id is not the one derived from the admission token.
    #[error("the invite's session id does not belong to its admission token (a changed or mixed-up invite)")]
    SessionMismatch,
    /// Some of `creator`, `roster` and `signature` without the others.
    #[error("the invite's roster is incomplete: `creator`, `roster` and `signature` go together")]
    IncompleteRoster,
    /// A roster entry that is not a fingerprint (with an optional name).
    #[error("roster entry {index} is malformed: {why}")]
    BadRosterEntry {
        /// The entry's position.
        index: usize,
        /// What is wrong.
        why: String,
    },
    /// A display name that is too long, empty, or has characters that could mislead.
    #[error("the name of roster entry {index} is refused: {why}")]
    BadName {
        /// The entry's position.
        index: usize,
        /// What is wrong.
        why: String,
    },
    /// A roster with another number of entries than the session has parties.
    #[error("the roster lists {entries} parties, but the session has {parties}")]
    RosterSize {
        /// The session's parties.
        parties: usize,
        /// The roster's entries.
        entries: usize,
    },
    /// The same fingerprint twice in the roster.
    #[error("the roster lists {0} twice")]
    DuplicateParty(String),
    /// The creator's key is not an ed25519 public key in hex.
    #[error("the invite's creator is not an ed25519 public key in hex")]
    BadCreator,
    /// The creator who signed the roster is not one of its parties.
    #[error("the roster's creator ({0}) is not one of its parties")]
    CreatorNotInRoster(String),
    /// The roster's signature does not verify under the creator's key.
    #[error("the roster's signature does not verify: the invite was changed, or not signed by its creator")]
    BadSignature,
    /// No randomness for a token.
    #[error("no system randomness for an admission token: {0}")]
    Randomness(String),
}

impl InviteError {
    /// A stable name for the cause, such as `bad_signature`.
    pub fn code(&self) -> &'static str {
        match self {
            InviteError::NotAnInvite => "not_an_invite",
            InviteError::OtherVersion(_) => "other_version",
            InviteError::TooLong { .. } => "too_long",
            InviteError::MalformedField(_) => "malformed_field",
            InviteError::UnknownField(_) => "unknown_field",
            InviteError::DuplicateField(_) => "duplicate_field",
            InviteError::MissingField(_) => "missing_field",
            InviteError::BadSession => "bad_session",
            InviteError::BadProgram => "bad_program",
            InviteError::BadParties(_) => "bad_parties",
            InviteError::BadSignal(_) => "bad_signal",
            InviteError::BadToken => "bad_token",
            InviteError::SessionMismatch => "session_mismatch",
            InviteError::IncompleteRoster => "incomplete_roster",
            InviteError::BadRosterEntry { .. } => "bad_roster_entry",
            InviteError::BadName { .. } => "bad_name",
            InviteError::RosterSize { .. } => "roster_size",
            InviteError::DuplicateParty(_) => "duplicate_party",
            InviteError::BadCreator => "bad_creator",
            InviteError::CreatorNotInRoster(_) => "creator_not_in_roster",
            InviteError::BadSignature => "bad_signature",
            InviteError::Randomness(_) => "randomness",
        }
    }
}

/// Why a [`crate::SecureMesh`] could not be established.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MeshError {
    /// This party's index is not a seat of the session.
    #[error("party {me} is not among the session's {parties} parties")]
    NoSeat {
        /// The index given.
        me: PartyId,
        /// How many parties the session has.
        parties: usize,
    },
    /// The identity is not the one the session lists for this party.
    #[error("this identity ({identity}) is not party {me}'s: the session lists {listed}")]
    NotThisParty {
        /// This party's index.
        me: PartyId,
        /// The identity's fingerprint.
        identity: Fingerprint,
        /// The fingerprint the session lists for `me`.
        listed: Fingerprint,
    },
    /// The handshake with a peer failed (wrong key, another session, tampering).
    #[error("the secure channel with party {party} could not be opened: {source}")]
    Handshake {
        /// The peer.
        party: PartyId,
        /// What failed.
        source: ChannelError,
    },
    /// No channel was given for a peer ([`crate::SecureMesh::from_channels`]).
    #[error("no secure channel to party {party} was opened")]
    NoChannel {
        /// The peer without a channel.
        party: PartyId,
    },
    /// The transport under the channels failed.
    #[error(transparent)]
    Transport(#[from] TransportError),
}

impl MeshError {
    /// A stable, machine-readable name for the cause.
    pub fn code(&self) -> &'static str {
        match self {
            MeshError::NoSeat { .. } => "no_seat",
            MeshError::NotThisParty { .. } => "not_this_party",
            MeshError::Handshake { .. } => "handshake_failed",
            MeshError::NoChannel { .. } => "no_channel",
            MeshError::Transport(e) => e.code(),
        }
    }
}
