//! Invites: open and rostered invites round-trip; a changed roster, name,
//! signature, token or session id is refused with its own error; hostile
//! text (overlong, control characters, duplicate fields, old versions) is
//! refused; and mutated invites never panic the parser.

use cohort_channel::{AdmissionToken, Identity, Invite, InviteError, MAX_INVITE, RosterEntry};
use proptest::prelude::*;

const PROGRAM: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const SIGNAL: &str = "wss://signal.example:8443/";

fn ids(n: usize) -> Vec<Identity> {
    (0..n).map(|_| Identity::generate().unwrap()).collect()
}

fn named(ids: &[Identity], names: &[Option<&str>]) -> Vec<RosterEntry> {
    ids.iter().zip(names).map(|(id, name)| RosterEntry { fingerprint: id.fingerprint(), name: name.map(str::to_string) }).collect()
}

fn rostered() -> (Vec<Identity>, Invite) {
    let people = ids(3);
    let entries = named(&people, &[Some("Alice (HR)"), None, Some("Zoë & Ünal")]);
    let invite = Invite::rostered(PROGRAM, 3, SIGNAL, entries, &people[1]).unwrap();
    (people, invite)
}

fn code(text: &str) -> &'static str {
    Invite::parse(text).unwrap_err().code()
}

#[test]
fn an_open_invite_round_trips() {
    let invite = Invite::open(PROGRAM, 3, SIGNAL).unwrap();
    let text = invite.to_string();
    assert!(text.starts_with("cohort-invite:v2?session="), "{text}");
    assert!(!text.contains(char::is_whitespace));
    assert_eq!(Invite::parse(&format!("  {text}\n")).unwrap(), invite);
    assert!(invite.is_open() && invite.roster().is_none());
    assert_eq!(invite.session(), invite.token().session());
    assert_eq!(invite.token().to_hex().len(), 64);
    assert_ne!(Invite::open(PROGRAM, 3, SIGNAL).unwrap().token(), invite.token(), "tokens are random");
    // The token does not show in debug output.
    assert!(!format!("{:?}", invite.token()).contains(&invite.token().to_hex()));
}

#[test]
fn a_rostered_invite_round_trips_with_its_names() {
    let (people, invite) = rostered();
    let text = invite.to_string();
    assert!(text.contains("Zo%C3%AB%20%26%20%C3%9Cnal"), "{text}");
    let read = Invite::parse(&text).unwrap();
    assert_eq!(read, invite);
    let roster = read.roster().unwrap();
    assert_eq!(roster.creator(), &people[1].public());
    assert_eq!(roster.fingerprints(), people.iter().map(Identity::fingerprint).collect::<Vec<_>>());
    assert_eq!(roster.entries()[2].name.as_deref(), Some("Zoë & Ünal"));
    assert_eq!(read.seat_of(&people[2].fingerprint()), Some(2));
    assert_eq!(read.seat_of(&Identity::generate().unwrap().fingerprint()), None);
    assert!(!read.is_open());
}

#[test]
fn a_changed_roster_name_or_signature_is_refused() {
    let (people, invite) = rostered();
    let text = invite.to_string();
    let outsider = Identity::generate().unwrap();
    // Another party swapped in.
    let swapped = text.replace(people[2].fingerprint().as_str(), outsider.fingerprint().as_str());
    assert_eq!(code(&swapped), "bad_signature");
    // Parties reordered.
    let (a, c) = (people[0].fingerprint().to_string(), people[2].fingerprint().to_string());
    let reordered = text.replace(&a, "@").replace(&c, &a).replace('@', &c);
    assert_eq!(code(&reordered), "bad_signature");
    // A name changed, added or removed.
    assert_eq!(code(&text.replace("Alice", "Mallory")), "bad_signature");
    assert_eq!(code(&text.replace(&format!("{}:Alice%20%28HR%29", a), &a)), "bad_signature");
    let b = people[1].fingerprint().to_string();
    assert_eq!(code(&text.replace(&format!("{b},"), &format!("{b}:Bob,"))), "bad_signature");
    // The signature itself, the creator, the program, the signal server.
    let signature = text.rsplit_once("&signature=").unwrap().1;
    let flipped = format!("{}{}", if signature.starts_with('0') { '1' } else { '0' }, &signature[1..]);
    assert_eq!(code(&text.replace(signature, &flipped)), "bad_signature");
    assert_eq!(code(&text.replace(signature, "00")), "bad_signature");
    let creator = people[1].public().to_hex();
    assert_eq!(code(&text.replace(&creator, &people[0].public().to_hex())), "bad_signature");
    assert_eq!(code(&text.replace(&creator, "zz")), "bad_creator");
    assert_eq!(code(&text.replace(PROGRAM, &"f".repeat(64))), "bad_signature");
    assert_eq!(code(&text.replace("signal.example", "evil.example")), "bad_signature");
    // A roster dropped in part is refused; dropped as a whole, the invite is open (and says so).
    let (head, _) = text.split_once("&creator=").unwrap();
    assert_eq!(code(&format!("{head}&roster={a}")), "incomplete_roster");
    assert!(Invite::parse(head).unwrap().is_open());
}

#[test]
fn the_creator_must_be_in_a_roster_of_exactly_the_parties() {
    let people = ids(3);
    let two = named(&people[..2], &[None, None]);
    assert_eq!(Invite::rostered(PROGRAM, 2, SIGNAL, two.clone(), &people[2]).unwrap_err().code(), "creator_not_in_roster");
    assert_eq!(
        Invite::rostered(PROGRAM, 3, SIGNAL, two.clone(), &people[0]).unwrap_err(),
        InviteError::RosterSize { parties: 3, entries: 2 }
    );
    let twice = vec![two[0].clone(), two[1].clone(), two[0].clone()];
    assert_eq!(Invite::rostered(PROGRAM, 3, SIGNAL, twice, &people[0]).unwrap_err().code(), "duplicate_party");
}

#[test]
fn misleading_names_are_refused() {
    let people = ids(2);
    let long = "x".repeat(65);
    for name in ["", " Alice", "Alice\n", "Al\u{7}ice", "Alice\u{202E}moc.evil", "Ali\u{200B}ce", "\u{2066}Bob\u{2069}", long.as_str()] {
        let entries = named(&people, &[Some(name), None]);
        let err = Invite::rostered(PROGRAM, 2, SIGNAL, entries, &people[0]).unwrap_err();
        assert_eq!(err.code(), "bad_name", "{name:?}: {err}");
    }
    // The same names, percent-encoded into an invite by hand, are refused when read.
    let good = Invite::rostered(PROGRAM, 2, SIGNAL, named(&people, &[Some("Alice"), None]), &people[0]).unwrap().to_string();
    for encoded in ["%E2%80%AEAlice", "Al%0Aice", "%20Alice", "Al%C3", "Al%ZZ", "Al%", "Al&ce", "Al ice", "Al%2"] {
        let text = good.replace(":Alice", &format!(":{encoded}"));
        assert!(matches!(code(&text), "bad_name" | "malformed_field" | "unknown_field"), "{encoded}: {}", code(&text));
    }
}

#[test]
fn a_token_that_does_not_match_the_session_is_refused() {
    let invite = Invite::open(PROGRAM, 3, SIGNAL).unwrap();
    let text = invite.to_string();
    let other = AdmissionToken::generate().unwrap();
    assert_eq!(code(&text.replace(&invite.token().to_hex(), &other.to_hex())), "session_mismatch");
    assert_eq!(code(&text.replace(invite.session(), &other.session())), "session_mismatch");
    assert_eq!(code(&text.replace(&invite.token().to_hex(), &invite.token().to_hex().to_uppercase())), "bad_token");
    assert_eq!(code(&text.replace(&invite.token().to_hex(), "abc")), "bad_token");
    assert_eq!(code(&text.replace(invite.session(), "x")), "bad_session");
    // A public token (for benchmark rooms) is the same for everyone who knows its label.
    assert_eq!(AdmissionToken::public("lab").session(), AdmissionToken::public("lab").session());
    assert_ne!(AdmissionToken::public("lab").session(), AdmissionToken::public("lab2").session());
}

#[test]
fn hostile_invites_are_refused_with_the_reason() {
    let good = Invite::open(PROGRAM, 3, SIGNAL).unwrap().to_string();
    let cases: Vec<(String, &str)> = vec![
        ("https://example.com".into(), "not_an_invite"),
        (good.replace(":v2?", ":v1?"), "other_version"),
        ("cohort-invite:v2".into(), "malformed_field"),
        (format!("{good}&"), "malformed_field"),
        (format!("{good}&=1"), "malformed_field"),
        (format!("{good}&evil=1"), "unknown_field"),
        (format!("{good}&token=00"), "duplicate_field"),
        (format!("{good}&parties=3"), "duplicate_field"),
        (good.replace("&program=", "&programme="), "unknown_field"),
        (good.replace("parties=3", "parties=three"), "bad_parties"),
        (good.replace("parties=3", "parties=+3"), "bad_parties"),
        (good.replace("parties=3", "parties=1"), "bad_parties"),
        (good.replace("parties=3", "parties=63"), "bad_parties"),
        (good.replace("parties=3", "parties=0000000000000000003"), "bad_parties"),
        (good.replace(SIGNAL, "javascript:alert(1)"), "bad_signal"),
        (good.replace(SIGNAL, "ws://user@host/"), "bad_signal"),
        (good.replace(SIGNAL, "ws://host/\u{1}"), "bad_signal"),
        (good.replace(SIGNAL, &format!("ws://host/{}", "a".repeat(600))), "bad_signal"),
        (format!("{good}&x={}", "a".repeat(MAX_INVITE)), "too_long"),
    ];
    for (text, want) in cases {
        let err = Invite::parse(&text).unwrap_err();
        assert_eq!(err.code(), want, "{}: {err}", &text[..text.len().min(120)]);
    }
    let (head, query) = good.split_once('?').unwrap();
    for field in ["session", "program", "parties", "signal", "token"] {
        let kept: Vec<&str> = query.split('&').filter(|f| !f.starts_with(&format!("{field}="))).collect();
        let err = Invite::parse(&format!("{head}?{}", kept.join("&"))).unwrap_err();
        assert_eq!(err, InviteError::MissingField(field));
    }
    // Error messages never echo much of a hostile invite.
    let err = Invite::parse(&format!("{good}&{}=1", "\u{202E}x".repeat(1000))).unwrap_err().to_string();
    assert!(err.len() < 300 && !err.contains('\u{202E}'), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_invites_never_panic(at in 0usize..4000, byte in any::<u8>(), cut in 0usize..4000, insert in any::<bool>()) {
        let (_, invite) = rostered();
        let mut bytes = invite.to_string().into_bytes();
        let i = at % bytes.len();
        if insert { bytes.insert(i, byte) } else { bytes[i] = byte }
        bytes.truncate(bytes.len() - cut % 8);
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(read) = Invite::parse(&text) {
            // Whatever still parses reads back the same.
            prop_assert_eq!(Invite::parse(&read.to_string()).unwrap(), read);
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,300}", fields in proptest::collection::vec("[a-z]{0,9}=[ -~]{0,40}", 0..10)) {
        let _ = Invite::parse(&text);
        let _ = Invite::parse(&format!("cohort-invite:v2?{}", fields.join("&")));
    }
}
