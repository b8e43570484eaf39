//! What a session's channels are bound to.

use sha2::{Digest, Sha256};

use crate::identity::Fingerprint;

/// A session as every party sees it: its id, the program's hash, the
/// threshold and the parties' identities in party order. Every channel's
/// handshake commits to it (and to the two parties' indices), so a channel
/// only opens between parties that agree on all of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transcript {
    session_id: String,
    program_hash: [u8; 32],
    threshold: usize,
    parties: Vec<Fingerprint>,
}

impl Transcript {
    /// The transcript of a session.
    pub fn new(session_id: &str, program_hash: [u8; 32], threshold: usize, parties: Vec<Fingerprint>) -> Self {
        Transcript { session_id: session_id.to_string(), program_hash, threshold, parties }
    }

    /// The parties' fingerprints, in party order.
    pub fn parties(&self) -> &[Fingerprint] {
        &self.parties
    }

    /// SHA-256 of the canonical encoding: each field length-prefixed.
    pub fn digest(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        let mut field = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        field(b"cohort-session-v1");
        field(self.session_id.as_bytes());
        field(&self.program_hash);
        field(&(self.threshold as u64).to_le_bytes());
        field(&(self.parties.len() as u64).to_le_bytes());
        for p in &self.parties {
            field(p.as_str().as_bytes());
        }
        h.finalize().into()
    }

    /// The Noise prologue of the channel between `initiator` and `responder`.
    pub(crate) fn prologue(&self, initiator: usize, responder: usize) -> Vec<u8> {
        let mut p = b"cohort-channel-v1".to_vec();
        p.extend_from_slice(&self.digest());
        p.extend_from_slice(&(initiator as u64).to_le_bytes());
        p.extend_from_slice(&(responder as u64).to_le_bytes());
        p
    }
}
