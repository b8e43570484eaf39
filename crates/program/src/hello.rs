//! What parties tell each other before computing: the program hash, the
//! number of parties and the threshold. Any difference ends the session
//! before a single share is sent, with an error naming both sides' values.

use cohort_mpc::{AsyncTransport, PartyId};

use crate::CheckedProgram;

const TAG: &[u8; 8] = b"PROGRAM1";
const LEN: usize = 8 + 32 + 4 + 4;

/// Sends this party's hello to every peer and checks every peer's hello
/// against it: the same program (hash), `m` parties and threshold `t`.
pub async fn agree(transport: &mut impl AsyncTransport, program: &CheckedProgram, me: PartyId, m: usize, t: usize) -> Result<(), String> {
    let mut hello = TAG.to_vec();
    hello.extend_from_slice(&program.hash());
    hello.extend_from_slice(&(m as u32).to_le_bytes());
    hello.extend_from_slice(&(t as u32).to_le_bytes());
    for j in (0..m).filter(|&j| j != me) {
        transport.send(j, hello.clone()).map_err(|e| e.to_string())?;
    }
    for j in (0..m).filter(|&j| j != me) {
        let theirs = transport.recv(j).await.map_err(|e| e.to_string())?;
        if theirs.len() != LEN || &theirs[..8] != TAG {
            return Err(format!("party {j} did not introduce its program: it runs another version of cohort, or something else"));
        }
        if theirs[8..40] != hello[8..40] {
            let hex: String = theirs[8..40].iter().map(|b| format!("{b:02x}")).collect();
            return Err(format!(
                "party {j} runs a different program (hash {hex}); this party runs {} (hash {})",
                program.name(),
                program.hash_hex()
            ));
        }
        if theirs[40..] != hello[40..] {
            let field = |b: &[u8]| u32::from_le_bytes(b.try_into().unwrap_or_default());
            return Err(format!(
                "party {j} expects {} parties with threshold {}; this party expects {m} with threshold {t}",
                field(&theirs[40..44]),
                field(&theirs[44..48])
            ));
        }
    }
    Ok(())
}
