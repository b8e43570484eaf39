//! Invites: one URL-safe line naming a session and admitting its parties.
//!
//! ```text
//! cohort-invite:v2?session=ID&program=HASH&parties=M&signal=URL&token=TOKEN
//!     [&creator=KEY&roster=FP[:NAME],FP[:NAME],…&signature=SIG]
//! ```
//!
//! An invite names everything a party needs to find the session and to
//! check it is the one it was asked to join: the session id (the signal
//! server's room), the program's hash (a page that supplies another program
//! is refused), the number of parties, and the signal server.
//!
//! **Admission token.** Every invite carries 32 random bytes, the token
//! (64 hex digits). The session id is derived from it —
//! `hex(SHA-256("cohort-invite-v2 session" ‖ token)[..16])` — so the signal
//! server, given a token with a join, can check that the client holds the
//! token behind the room's id: knowing a session id (shown on pages, in
//! logs) is not enough to take a seat in its room, or to create the room
//! first. The token is the invite's one secret: whoever holds the invite
//! holds it.
//!
//! **Roster** (optional). The session's expected parties, in party order:
//! each a fingerprint with an optional display name (site-supplied, at most
//! [`MAX_NAME_BYTES`] bytes of UTF-8, percent-encoded in the invite, without
//! control, bidirectional-override or invisible formatting characters),
//! signed by the creator's identity key, which must be one of them. The
//! signature covers [`ROSTER_CONTEXT`] and, each length-prefixed (u32, big
//! endian), the session id, the program hash, the party count, the signal
//! URL, the token, the creator's key and every entry (fingerprint, then a
//! byte 0 for no name or 1 and the name). A party reading a rostered invite
//! knows, before it meets anyone, exactly who it computes with; the signal
//! server seats only the roster's identities. An invite without a roster is
//! *open*: anyone holding it can take a seat, so every party must see and
//! confirm the final list of parties before its inputs leave its machine.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::error::InviteError;
use crate::identity::{Fingerprint, Identity, PublicKey, hex, unhex};
use crate::signal_auth;

const PREFIX: &str = "cohort-invite:";
const VERSION: &str = "v2";
/// The longest invite read, bytes.
pub const MAX_INVITE: usize = 16 * 1024;
/// The longest display name, bytes of UTF-8.
pub const MAX_NAME_BYTES: usize = 64;
/// The context of the session id's derivation from the token.
const SESSION_CONTEXT: &[u8] = b"cohort-invite-v2 session";
/// The context string of the roster signature.
pub const ROSTER_CONTEXT: &[u8] = b"cohort-invite-v2 roster";
/// The longest signal server URL, bytes.
const MAX_SIGNAL: usize = 512;

/// The secret that admits a party to an invite's room: 32 bytes. The room
/// (session) id is derived from it ([`AdmissionToken::session`]).
#[derive(Clone, PartialEq, Eq)]
pub struct AdmissionToken([u8; 32]);

impl fmt::Debug for AdmissionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AdmissionToken(for session {})", self.session())
    }
}

impl AdmissionToken {
    /// A fresh token from the operating system's randomness.
    pub fn generate() -> Result<Self, InviteError> {
        let mut token = [0u8; 32];
        getrandom::fill(&mut token).map_err(|e| InviteError::Randomness(e.to_string()))?;
        Ok(AdmissionToken(token))
    }

    /// A token anyone who knows `label` can compute: for rooms whose
    /// admission needs no secret (the extension's benchmark, which computes
    /// on made-up numbers).
    pub fn public(label: &str) -> Self {
        let digest = Sha256::new().chain_update(b"cohort-public-room-v1").chain_update(label.as_bytes()).finalize();
        AdmissionToken(digest.into())
    }

    /// Parses 64 lowercase hex digits.
    pub fn from_hex(text: &str) -> Result<Self, InviteError> {
        if !is_lower_hex(text, 64) {
            return Err(InviteError::BadToken);
        }
        unhex::<32>(text).map(AdmissionToken).ok_or(InviteError::BadToken)
    }

    /// The token as 64 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// The session (room) id this token admits to: 32 lowercase hex digits.
    pub fn session(&self) -> String {
        let digest = Sha256::new().chain_update(SESSION_CONTEXT).chain_update(self.0).finalize();
        hex(&digest[..16])
    }
}

/// One expected party of a rostered session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterEntry {
    /// The party's fingerprint.
    pub fingerprint: Fingerprint,
    /// A display name supplied by whoever created the session (a site);
    /// shown next to the fingerprint, never trusted on its own.
    pub name: Option<String>,
}

/// A session's expected parties, signed by its creator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Roster {
    creator: PublicKey,
    entries: Vec<RosterEntry>,
    signature: [u8; 64],
}

impl Roster {
    /// The creator's public key (its fingerprint is in the roster).
    pub fn creator(&self) -> &PublicKey {
        &self.creator
    }

    /// The expected parties, in party order.
    pub fn entries(&self) -> &[RosterEntry] {
        &self.entries
    }

    /// The expected parties' fingerprints, in party order.
    pub fn fingerprints(&self) -> Vec<Fingerprint> {
        self.entries.iter().map(|e| e.fingerprint.clone()).collect()
    }
}

/// A session invite, checked: every value well formed, the session id that
/// of the token, and a roster (if any) signed by a creator among its parties.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invite {
    session: String,
    program: String,
    parties: usize,
    signal: String,
    token: AdmissionToken,
    roster: Option<Roster>,
}

impl Invite {
    /// An open invite: a session of `parties` parties running the program
    /// with hash `program` (hex), meeting at `signal`, with a fresh token.
    pub fn open(program: &str, parties: usize, signal: &str) -> Result<Invite, InviteError> {
        let token = AdmissionToken::generate()?;
        let invite =
            Invite { session: token.session(), program: program.to_string(), parties, signal: signal.to_string(), token, roster: None };
        invite.check_fields()?;
        Ok(invite)
    }

    /// A rostered invite: as [`Invite::open`], but only `entries` (in party
    /// order, exactly `parties` of them, `creator` among them) may take a
    /// seat; the roster is signed with `creator`'s identity key.
    pub fn rostered(
        program: &str,
        parties: usize,
        signal: &str,
        entries: Vec<RosterEntry>,
        creator: &Identity,
    ) -> Result<Invite, InviteError> {
        let token = AdmissionToken::generate()?;
        let mut invite =
            Invite { session: token.session(), program: program.to_string(), parties, signal: signal.to_string(), token, roster: None };
        invite.check_fields()?;
        check_entries(&entries, parties, &creator.fingerprint())?;
        let signature = creator.sign(&invite.roster_message(&creator.public(), &entries));
        invite.roster = Some(Roster { creator: creator.public(), entries, signature });
        Ok(invite)
    }

    /// Reads an invite (surrounding whitespace is ignored), checking every
    /// field, the session id against the token, and the roster's signature.
    pub fn parse(text: &str) -> Result<Invite, InviteError> {
        let text = text.trim();
        if text.len() > MAX_INVITE {
            return Err(InviteError::TooLong { len: text.len(), max: MAX_INVITE });
        }
        let rest = text.strip_prefix(PREFIX).ok_or(InviteError::NotAnInvite)?;
        let (version, query) = rest.split_once('?').unwrap_or((rest, ""));
        if version != VERSION {
            return Err(InviteError::OtherVersion(shown(version)));
        }
        const NAMES: [&str; 8] = ["session", "program", "parties", "signal", "token", "creator", "roster", "signature"];
        let mut values: [Option<&str>; 8] = [None; 8];
        for pair in query.split('&') {
            let (key, value) =
                pair.split_once('=').filter(|(k, _)| !k.is_empty()).ok_or_else(|| InviteError::MalformedField(shown(pair)))?;
            let slot = NAMES.iter().position(|n| *n == key).ok_or_else(|| InviteError::UnknownField(shown(key)))?;
            if values[slot].replace(value).is_some() {
                return Err(InviteError::DuplicateField(key.to_string()));
            }
        }
        let [session, program, parties, signal, token, creator, roster, signature] = values;
        fn need<'a>(value: Option<&'a str>, name: &'static str) -> Result<&'a str, InviteError> {
            value.ok_or(InviteError::MissingField(name))
        }
        let parties_text = need(parties, "parties")?;
        let parties = Some(parties_text)
            .filter(|p| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| InviteError::BadParties(shown(parties_text)))?;
        let mut invite = Invite {
            session: need(session, "session")?.to_string(),
            program: need(program, "program")?.to_string(),
            parties,
            signal: need(signal, "signal")?.to_string(),
            token: AdmissionToken::from_hex(need(token, "token")?)?,
            roster: None,
        };
        invite.check_fields()?;
        invite.roster = match (creator, roster, signature) {
            (None, None, None) => None,
            (Some(creator), Some(roster), Some(signature)) => Some(invite.read_roster(creator, roster, signature)?),
            _ => return Err(InviteError::IncompleteRoster),
        };
        Ok(invite)
    }

    /// The session id: the signal server's room, 32 hex digits.
    pub fn session(&self) -> &str {
        &self.session
    }

    /// The program's hash, 64 hex digits.
    pub fn program(&self) -> &str {
        &self.program
    }

    /// How many parties the session has.
    pub fn parties(&self) -> usize {
        self.parties
    }

    /// The signal server, `ws://…` or `wss://…`.
    pub fn signal(&self) -> &str {
        &self.signal
    }

    /// The admission token (the invite's secret).
    pub fn token(&self) -> &AdmissionToken {
        &self.token
    }

    /// The signed roster, or `None` for an open invite.
    pub fn roster(&self) -> Option<&Roster> {
        self.roster.as_ref()
    }

    /// Whether anyone holding the invite may take a seat (no roster).
    pub fn is_open(&self) -> bool {
        self.roster.is_none()
    }

    /// The party number of `fingerprint` in the roster (`None` when it is
    /// not in it, or the invite is open).
    pub fn seat_of(&self, fingerprint: &Fingerprint) -> Option<usize> {
        self.roster.as_ref()?.entries.iter().position(|e| e.fingerprint == *fingerprint)
    }

    fn check_fields(&self) -> Result<(), InviteError> {
        if !is_lower_hex(&self.session, 32) {
            return Err(InviteError::BadSession);
        }
        if !is_lower_hex(&self.program, 64) {
            return Err(InviteError::BadProgram);
        }
        if !(2..=62).contains(&self.parties) {
            return Err(InviteError::BadParties(self.parties.to_string()));
        }
        let s = &self.signal;
        if s.len() > MAX_SIGNAL {
            return Err(InviteError::BadSignal(format!("longer than {MAX_SIGNAL} bytes")));
        }
        if !s.bytes().all(|b| b.is_ascii_graphic()) || s.contains(['&', '#', '"', '<', '>', '\'', '\\']) {
            return Err(InviteError::BadSignal(format!("`{}` has characters a URL in an invite may not have", shown(s))));
        }
        signal_auth::origin(s).map_err(|e| InviteError::BadSignal(e.to_string()))?;
        if self.token.session() != self.session {
            return Err(InviteError::SessionMismatch);
        }
        Ok(())
    }

    fn read_roster(&self, creator: &str, roster: &str, signature: &str) -> Result<Roster, InviteError> {
        let creator = PublicKey::from_hex(creator).ok().filter(|_| is_lower_hex(creator, 64)).ok_or(InviteError::BadCreator)?;
        let entries = roster
            .split(',')
            .enumerate()
            .map(|(index, text)| {
                let bad = |why: &str| InviteError::BadRosterEntry { index, why: why.to_string() };
                let (fp, name) = match text.split_once(':') {
                    Some((fp, name)) => (fp, Some(decode_name(name).map_err(|why| InviteError::BadName { index, why })?)),
                    None => (text, None),
                };
                let fingerprint = Fingerprint::parse(fp)
                    .ok()
                    .filter(|f| f.as_str() == fp)
                    .ok_or_else(|| bad("not a fingerprint as printed (`k3vq-…`, 6 lowercase groups of 4)"))?;
                Ok(RosterEntry { fingerprint, name })
            })
            .collect::<Result<Vec<_>, _>>()?;
        check_entries(&entries, self.parties, &creator.fingerprint())?;
        let signature = unhex::<64>(signature).filter(|_| is_lower_hex(signature, 128)).ok_or(InviteError::BadSignature)?;
        if !creator.verify(&self.roster_message(&creator, &entries), &signature) {
            return Err(InviteError::BadSignature);
        }
        Ok(Roster { creator, entries, signature })
    }

    /// The bytes the creator signs (see the module docs).
    fn roster_message(&self, creator: &PublicKey, entries: &[RosterEntry]) -> Vec<u8> {
        fn field(m: &mut Vec<u8>, bytes: &[u8]) {
            m.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
            m.extend_from_slice(bytes);
        }
        let mut m = ROSTER_CONTEXT.to_vec();
        field(&mut m, self.session.as_bytes());
        field(&mut m, self.program.as_bytes());
        field(&mut m, &(self.parties as u32).to_be_bytes());
        field(&mut m, self.signal.as_bytes());
        field(&mut m, &self.token.0);
        field(&mut m, &creator.to_bytes());
        field(&mut m, &(entries.len() as u32).to_be_bytes());
        for entry in entries {
            field(&mut m, entry.fingerprint.as_str().as_bytes());
            match &entry.name {
                None => m.push(0),
                Some(name) => {
                    m.push(1);
                    field(&mut m, name.as_bytes());
                }
            }
        }
        m
    }
}

impl fmt::Display for Invite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{PREFIX}{VERSION}?session={}&program={}&parties={}&signal={}&token={}",
            self.session,
            self.program,
            self.parties,
            self.signal,
            self.token.to_hex()
        )?;
        if let Some(roster) = &self.roster {
            let entries: Vec<String> = roster
                .entries
                .iter()
                .map(|e| match &e.name {
                    None => e.fingerprint.to_string(),
                    Some(name) => format!("{}:{}", e.fingerprint, encode_name(name)),
                })
                .collect();
            write!(f, "&creator={}&roster={}&signature={}", roster.creator.to_hex(), entries.join(","), hex(&roster.signature))?;
        }
        Ok(())
    }
}

/// The roster has exactly `parties` distinct entries with acceptable
/// names, and `creator` is one of them.
fn check_entries(entries: &[RosterEntry], parties: usize, creator: &Fingerprint) -> Result<(), InviteError> {
    if entries.len() != parties {
        return Err(InviteError::RosterSize { parties, entries: entries.len() });
    }
    for (index, entry) in entries.iter().enumerate() {
        if entries[..index].iter().any(|e| e.fingerprint == entry.fingerprint) {
            return Err(InviteError::DuplicateParty(entry.fingerprint.to_string()));
        }
        if let Some(name) = &entry.name {
            check_name(name).map_err(|why| InviteError::BadName { index, why })?;
        }
    }
    if !entries.iter().any(|e| e.fingerprint == *creator) {
        return Err(InviteError::CreatorNotInRoster(creator.to_string()));
    }
    Ok(())
}

/// A display name: 1 to [`MAX_NAME_BYTES`] bytes, no surrounding spaces, no
/// control, bidirectional or invisible formatting characters.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("it is empty".into());
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(format!("it is {} bytes long, more than {MAX_NAME_BYTES}", name.len()));
    }
    if name.trim() != name {
        return Err("it starts or ends with a space".into());
    }
    if let Some(hidden) = name.chars().find_map(cohort_text::hidden_character) {
        return Err(format!("it has {hidden}, which would make it display as something else"));
    }
    Ok(())
}

fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn encode_name(name: &str) -> String {
    name.bytes().map(|b| if unreserved(b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// Reverses [`encode_name`] (either case of hex digits), then checks the name.
fn decode_name(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let pair = text.get(i + 1..i + 3).ok_or("a `%` without two hex digits")?;
                out.push(unhex::<1>(pair).ok_or("a `%` without two hex digits")?[0]);
                i += 3;
            }
            b if unreserved(b) => {
                out.push(b);
                i += 1;
            }
            _ => return Err("a character that should be percent-encoded".into()),
        }
        if out.len() > MAX_NAME_BYTES {
            return Err(format!("it is more than {MAX_NAME_BYTES} bytes long"));
        }
    }
    let name = String::from_utf8(out).map_err(|_| "it is not UTF-8")?;
    check_name(&name)?;
    Ok(name)
}

fn is_lower_hex(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Untrusted text for an error message: at most 40 characters, escaped.
fn shown(s: &str) -> String {
    s.chars().take(40).flat_map(char::escape_debug).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROGRAM: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn entries(ids: &[&Identity]) -> Vec<RosterEntry> {
        ids.iter().map(|id| RosterEntry { fingerprint: id.fingerprint(), name: None }).collect()
    }

    #[test]
    fn a_roster_signed_by_someone_outside_it_is_refused() {
        let (a, b, outsider) = (Identity::generate().unwrap(), Identity::generate().unwrap(), Identity::generate().unwrap());
        let mut invite = Invite::rostered(PROGRAM, 2, "ws://127.0.0.1:8787/", entries(&[&a, &b]), &a).unwrap();
        // Re-signed, validly, by an identity that is not among the parties.
        let roster = invite.roster.take().unwrap();
        let signature = outsider.sign(&invite.roster_message(&outsider.public(), &roster.entries));
        invite.roster = Some(Roster { creator: outsider.public(), entries: roster.entries, signature });
        let err = Invite::parse(&invite.to_string()).unwrap_err();
        assert_eq!(err, InviteError::CreatorNotInRoster(outsider.fingerprint().to_string()));
        assert_eq!(err.code(), "creator_not_in_roster");
    }

    #[test]
    fn names_round_trip_through_percent_encoding() {
        for name in ["Alice", "Zoë & Ünal, \"HR\"", "a:b,c=d%e/f?g#h", "李雷"] {
            assert_eq!(decode_name(&encode_name(name)).unwrap(), name);
            assert!(encode_name(name).bytes().all(unreserved_or_percent));
        }
    }

    fn unreserved_or_percent(b: u8) -> bool {
        unreserved(b) || b == b'%'
    }
}
