//! What a session's channels are bound to.

use sha2::{Digest, Sha256};

use crate::identity::Fingerprint;

/// A session as every party sees it: its id, the program's hash, the
/// threshold and the parties' identities in party order. Every channel's
/// handshake commits to it (and to the two parties' indices), so a channel
/// only opens between parties that agree on all of it.
///
/// A [`Transcript::meeting`] leaves the program and the threshold out: its
/// parties agree on them inside the channels instead (the program hello of
/// `cohort-program`), where a peer that differs can be told how, encrypted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transcript {
    session_id: String,
    /// The program hash and the threshold, unless agreed inside the channels.
    program: Option<([u8; 32], usize)>,
    parties: Vec<Fingerprint>,
}

impl Transcript {
    /// The transcript of a session.
    pub fn new(session_id: &str, program_hash: [u8; 32], threshold: usize, parties: Vec<Fingerprint>) -> Self {
        Transcript { session_id: session_id.to_string(), program: Some((program_hash, threshold)), parties }
    }

    /// The transcript of a session whose parties agree on the program and
    /// the threshold as the first thing inside the channels: the handshakes
    /// commit to the session id, the parties and their roles only. Use it
    /// only with such an agreement before anything else is sent (as `cohort
    /// party` and the browser do with `cohort_program::agree`): a peer
    /// running another program then still opens a channel, and learns
    /// through it — encrypted, unlike a hello sent before the handshake —
    /// that the programs differ, as this party does.
    pub fn meeting(session_id: &str, parties: Vec<Fingerprint>) -> Self {
        Transcript { session_id: session_id.to_string(), program: None, parties }
    }

    /// The parties' fingerprints, in party order.
    pub fn parties(&self) -> &[Fingerprint] {
        &self.parties
    }

    /// SHA-256 of the canonical encoding: each field length-prefixed, a
    /// meeting's under its own domain.
    pub fn digest(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        let mut field = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        match &self.program {
            Some((program_hash, threshold)) => {
                field(b"cohort-session-v1");
                field(self.session_id.as_bytes());
                field(program_hash);
                field(&(*threshold as u64).to_le_bytes());
            }
            None => {
                field(b"cohort-meeting-v1");
                field(self.session_id.as_bytes());
            }
        }
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
