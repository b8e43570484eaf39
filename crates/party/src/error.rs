//! Why a party did not compute.

use cohort_channel::{Fingerprint, MeshError};
use cohort_program::HelloError;
use cohort_transport::{PartyId, TransportError};

/// Everything that ends a party before its outputs, one variant per cause,
/// each with a stable [`code`](PartyError::code).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PartyError {
    /// The program given is not the one the invite names.
    #[error("this is not the invite's program: \"{program}\" has hash {hash}, the invite's is {invite}")]
    NotTheProgram {
        /// The given program's name.
        program: String,
        /// Its hash.
        hash: String,
        /// The hash the invite names.
        invite: String,
    },
    /// The program does not run with this many parties.
    #[error("\"{program}\" runs with {} parties, not {parties}", cohort_program::describe_range(*min, *max))]
    PartyCount {
        /// The program's name.
        program: String,
        /// The number asked for.
        parties: usize,
        /// The fewest it allows.
        min: usize,
        /// The most it allows.
        max: usize,
    },
    /// The threshold would be 0: every input would reach the others in the clear.
    #[error(
        "with threshold 0 every party's input is sent to the others in the clear; {}",
        if *parties < 3 { "run with 3 or more parties" } else { "give a threshold of 1 or more" }
    )]
    NoPrivacy {
        /// The number of parties.
        parties: usize,
    },
    /// A threshold the engine cannot use for this many parties.
    #[error("{0}")]
    BadThreshold(cohort_mpc::Error),
    /// The program does not check for this many parties.
    #[error("{0}")]
    Program(cohort_program::Error),
    /// The inputs do not suit the party's seat.
    #[error("as party {party}: {source}")]
    Inputs {
        /// The seat they were checked for.
        party: PartyId,
        /// What is wrong with them.
        source: cohort_program::Error,
    },
    /// This identity is not among the session's parties.
    #[error("this identity ({fingerprint}) is not one of the session's parties")]
    NotAParty {
        /// This identity's fingerprint.
        fingerprint: Fingerprint,
    },
    /// The signal server seated other parties, or in another order, than the session lists.
    #[error("the signal server seated other parties, or in another order, than the invite lists")]
    SeatedWrongly,
    /// The secure channels could not be opened.
    #[error(transparent)]
    Mesh(MeshError),
    /// A peer runs another program, party count or threshold.
    #[error(transparent)]
    Disagree(HelloError),
    /// The computation failed (a peer left or misbehaved, or the network closed).
    #[error(transparent)]
    Engine(cohort_mpc::Error),
}

impl PartyError {
    /// A stable, machine-readable name for the cause.
    pub fn code(&self) -> &'static str {
        match self {
            PartyError::NotTheProgram { .. } => "not_the_program",
            PartyError::PartyCount { .. } => "party_count",
            PartyError::NoPrivacy { .. } => "no_privacy",
            PartyError::BadThreshold(_) => "bad_threshold",
            PartyError::Program(_) => "invalid_program",
            PartyError::Inputs { .. } => "bad_inputs",
            PartyError::NotAParty { .. } => "not_a_party",
            PartyError::SeatedWrongly => "seated_wrongly",
            PartyError::Mesh(e) => e.code(),
            PartyError::Disagree(HelloError::Transport(e)) => e.code(),
            PartyError::Disagree(_) => "disagree",
            PartyError::Engine(cohort_mpc::Error::Transport(e)) => e.code(),
            PartyError::Engine(cohort_mpc::Error::PeerMisbehaved { .. }) => "misbehaved",
            PartyError::Engine(cohort_mpc::Error::Inconsistent(_)) => "inconsistent",
            PartyError::Engine(_) => "engine",
        }
    }

    /// The transport failure behind this error, if that is what it is.
    pub fn transport(&self) -> Option<&TransportError> {
        match self {
            PartyError::Mesh(MeshError::Transport(e))
            | PartyError::Disagree(HelloError::Transport(e))
            | PartyError::Engine(cohort_mpc::Error::Transport(e)) => Some(e),
            _ => None,
        }
    }

    /// Whether a peer or the network went away (rather than a refusal or a fault).
    pub fn is_unreachable(&self) -> bool {
        self.transport().is_some_and(TransportError::is_unreachable)
    }
}
