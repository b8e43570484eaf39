//! Invites: `cohort-invite:v1?session=ID&program=HASH&parties=M&signal=URL`.
//!
//! An invite names everything a party needs to find the session and to
//! check it is the one it was asked to join: the session id (the signal
//! server's room), the program's hash (a page that supplies another program
//! is refused), the number of parties, and the signal server. It carries no
//! secret.

use std::fmt;

const PREFIX: &str = "cohort-invite:v1?";

/// A session invite.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invite {
    /// The session id: 32 hex digits (128 random bits).
    pub session: String,
    /// The program's hash, 64 hex digits.
    pub program: String,
    /// How many parties the session has.
    pub parties: usize,
    /// The signal server, `ws://…` or `wss://…`.
    pub signal: String,
}

impl Invite {
    /// A new session of `parties` parties running the program with hash
    /// `program` (hex), meeting at `signal`, with a fresh random id.
    pub fn new(program: &str, parties: usize, signal: &str) -> Result<Invite, String> {
        let mut id = [0u8; 16];
        getrandom::fill(&mut id).map_err(|e| format!("no randomness for a session id: {e}"))?;
        let invite = Invite { session: crate::hex(&id), program: program.to_string(), parties, signal: signal.to_string() };
        invite.check()?;
        Ok(invite)
    }

    /// Reads an invite (surrounding whitespace is ignored).
    pub fn parse(text: &str) -> Result<Invite, String> {
        let bad = |why: &str| format!("not a Cohort invite ({why}): it looks like cohort-invite:v1?session=…&program=…&parties=…&signal=…");
        let query = text.trim().strip_prefix(PREFIX).ok_or_else(|| bad("wrong prefix"))?;
        let (mut session, mut program, mut parties, mut signal) = (None, None, None, None);
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').ok_or_else(|| bad("a field without a value"))?;
            let slot = match key {
                "session" => &mut session,
                "program" => &mut program,
                "parties" => &mut parties,
                "signal" => &mut signal,
                _ => return Err(bad(&format!("unknown field `{key}`"))),
            };
            if slot.replace(value.to_string()).is_some() {
                return Err(bad(&format!("`{key}` given twice")));
            }
        }
        let invite = Invite {
            session: session.ok_or_else(|| bad("no session"))?,
            program: program.ok_or_else(|| bad("no program"))?,
            parties: parties.ok_or_else(|| bad("no parties"))?.parse().map_err(|_| bad("parties is not a number"))?,
            signal: signal.ok_or_else(|| bad("no signal server"))?,
        };
        invite.check()?;
        Ok(invite)
    }

    fn check(&self) -> Result<(), String> {
        let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !hex(&self.session, 32) {
            return Err("an invite's session id is 32 lowercase hex digits".into());
        }
        if !hex(&self.program, 64) {
            return Err("an invite's program hash is 64 lowercase hex digits".into());
        }
        if !(2..=62).contains(&self.parties) {
            return Err(format!("an invite's session has 2 to 62 parties, not {}", self.parties));
        }
        let lower = self.signal.to_ascii_lowercase();
        let valid = (lower.starts_with("ws://") || lower.starts_with("wss://"))
            && !self.signal.contains(['&', '#', ' ', '"', '<', '>'])
            && self.signal.len() <= 512;
        if !valid {
            return Err(format!("`{}` is not a signal server URL (ws://… or wss://…)", self.signal));
        }
        Ok(())
    }
}

impl fmt::Display for Invite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PREFIX}session={}&program={}&parties={}&signal={}", self.session, self.program, self.parties, self.signal)
    }
}
