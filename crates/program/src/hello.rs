//! What parties tell each other before computing: the program hash, the
//! number of parties and the threshold. Any difference ends the session
//! before a single share is sent, with an error naming both sides' values.
//!
//! The hello is the first message inside each secure channel, so it travels
//! encrypted and authenticated: an observer of the network, or the relay,
//! does not learn which program the parties run. The channels for a program
//! are opened under `cohort_channel::Transcript::meeting`, which binds the
//! session id and the parties but not the program or the threshold, so
//! that a peer running another program still opens a channel and can be
//! told what differs (were they bound by the handshake, a mismatch would
//! show only as a failed handshake on one side and a silent peer on the
//! other). Agreeing here before the engine starts gives the same guarantee:
//! no share is sent to a peer that has not proved, over its authenticated
//! channel, the same program, party count and threshold.

use cohort_mpc::{AsyncTransport, PartyId};

use crate::PlannedProgram;

const TAG: &[u8; 8] = b"PROGRAM1";
/// The bytes of a hello: tag, program hash, party count and threshold.
pub const HELLO_LEN: usize = 8 + 32 + 4 + 4;
const LEN: usize = HELLO_LEN;

/// Why the parties did not agree on what to compute.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HelloError {
    /// The peer's first message is not a program hello.
    #[error("party {party} did not introduce its program: it runs another version of cohort, or something else")]
    NotAHello {
        /// The peer.
        party: PartyId,
    },
    /// The peer runs a program with another hash.
    #[error("party {party} runs a different program (hash {hash}); this party runs {ours} (hash {our_hash})")]
    OtherProgram {
        /// The peer.
        party: PartyId,
        /// The peer's program hash, in hexadecimal.
        hash: String,
        /// This party's program name.
        ours: String,
        /// This party's program hash, in hexadecimal.
        our_hash: String,
    },
    /// The peer runs the same program with another party count or threshold.
    #[error("party {party} expects {m} parties with threshold {t}; this party expects {our_m} with threshold {our_t}")]
    OtherShape {
        /// The peer.
        party: PartyId,
        /// The peer's party count.
        m: u32,
        /// The peer's threshold.
        t: u32,
        /// This party's party count.
        our_m: usize,
        /// This party's threshold.
        our_t: usize,
    },
    /// Sending or receiving a hello failed.
    #[error(transparent)]
    Transport(#[from] cohort_mpc::TransportError),
}

/// Sends this party's hello to every peer and checks every peer's hello
/// against it: the same program (hash), `m` parties and threshold `t`.
/// Run it over the secure channels, before the engine.
pub async fn agree(
    transport: &mut impl AsyncTransport,
    program: &PlannedProgram,
    me: PartyId,
    m: usize,
    t: usize,
) -> Result<(), HelloError> {
    let mut hello = TAG.to_vec();
    hello.extend_from_slice(&program.hash());
    hello.extend_from_slice(&(m as u32).to_le_bytes());
    hello.extend_from_slice(&(t as u32).to_le_bytes());
    for j in (0..m).filter(|&j| j != me) {
        transport.send(j, hello.clone())?;
    }
    for j in (0..m).filter(|&j| j != me) {
        let theirs = transport.recv(j).await?;
        if theirs.len() != LEN || &theirs[..8] != TAG {
            return Err(HelloError::NotAHello { party: j });
        }
        if theirs[8..40] != hello[8..40] {
            return Err(HelloError::OtherProgram {
                party: j,
                hash: theirs[8..40].iter().map(|b| format!("{b:02x}")).collect(),
                ours: program.name().to_string(),
                our_hash: program.hash_hex(),
            });
        }
        if theirs[40..] != hello[40..] {
            let field = |b: &[u8]| u32::from_le_bytes(b.try_into().unwrap_or_default());
            return Err(HelloError::OtherShape { party: j, m: field(&theirs[40..44]), t: field(&theirs[44..48]), our_m: m, our_t: t });
        }
    }
    Ok(())
}
