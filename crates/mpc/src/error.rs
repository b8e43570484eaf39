//! The engine's error type.

use cohort_transport::TransportError;

use crate::PartyId;

/// Everything that can go wrong in the engine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The caller passed parameters that cannot work (bad threshold, unsupported
    /// bit length, mismatched vector lengths, …).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// A public value does not fit the secure type it is given for.
    #[error("value out of range: {0}")]
    OutOfRange(String),
    /// Operands of different secure types, or an operation the type lacks.
    #[error("type error: {0}")]
    Type(String),
    /// A peer sent something the protocol does not allow.
    #[error("party {party} misbehaved: {reason}")]
    PeerMisbehaved {
        /// The offending party.
        party: PartyId,
        /// What it did.
        reason: String,
    },
    /// An opened value is one honest shares never open (a comparison's
    /// result that is neither 0 nor 1, a random square that is not a
    /// square), or a random draw failed its public test too often: the
    /// parties' shares do not agree, so some party misbehaved or computed
    /// with other randomness; which one cannot be told.
    #[error("the parties' shares do not agree: {0}")]
    Inconsistent(String),
    /// The transport failed (a peer left or timed out, the network closed, …).
    #[error(transparent)]
    Transport(TransportError),
    /// A bug in the engine or in how a protocol was composed.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Shorthand for results with [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;

impl From<TransportError> for Error {
    /// A peer whose frames do not authenticate misbehaved; every other
    /// transport failure stays one.
    fn from(e: TransportError) -> Error {
        match e {
            TransportError::Misbehaved { party, reason } => Error::PeerMisbehaved { party, reason },
            other => Error::Transport(other),
        }
    }
}
