//! Identities: fingerprints, the identity file, and the passphrase-encrypted
//! export with its errors.

use cohort_channel::{ChannelError, Fingerprint, Identity, PublicKey};

#[test]
fn fingerprints_are_short_readable_and_parse_back() {
    let id = Identity::generate().unwrap();
    let fp = id.fingerprint();
    assert_eq!(fp.as_str().len(), 29, "{fp}");
    assert_eq!(fp.as_str().split('-').count(), 6);
    assert!(fp.as_str().chars().all(|c| c == '-' || c.is_ascii_lowercase() || ('2'..='7').contains(&c)));
    assert_eq!(Fingerprint::parse(&fp.as_str().to_uppercase().replace('-', " ")).unwrap(), fp);
    assert_ne!(Identity::generate().unwrap().fingerprint(), fp);
    assert!(Fingerprint::parse("not-a-fingerprint").is_err());
}

#[test]
fn public_keys_round_trip_through_hex() {
    let id = Identity::generate().unwrap();
    let key = PublicKey::from_hex(&id.public().to_hex()).unwrap();
    assert_eq!(key, id.public());
    assert_eq!(key.fingerprint(), id.fingerprint());
    assert!(PublicKey::from_hex("abcd").is_err());
}

#[test]
fn the_identity_file_round_trips_and_rejects_garbage() {
    let id = Identity::generate().unwrap();
    let back = Identity::from_file(&id.to_file()).unwrap();
    assert_eq!(back.public(), id.public());
    for bad in ["", "{}", "{\"cohort_identity\": 2, \"secret_key\": \"00\"}", "{\"cohort_identity\": 1, \"secret_key\": \"zz\"}"] {
        assert!(matches!(Identity::from_file(bad), Err(ChannelError::BadIdentityFile(_))), "{bad}");
    }
}

#[test]
fn an_export_opens_with_its_passphrase_only() {
    let id = Identity::generate().unwrap();
    let export = id.export("correct horse battery staple").unwrap();
    assert!(!export.contains(&id.to_file()[30..60]), "the export does not contain the secret key in the clear");
    assert_eq!(Identity::import(&export, "correct horse battery staple").unwrap().public(), id.public());
    assert_eq!(Identity::import(&export, "wrong").unwrap_err(), ChannelError::WrongPassphrase);
    let tampered = export.replacen("\"t\": 3", "\"t\": 2", 1);
    assert_ne!(tampered, export);
    assert_eq!(Identity::import(&tampered, "correct horse battery staple").unwrap_err(), ChannelError::WrongPassphrase);
    let greedy = export.replacen("\"m_kib\": 65536", "\"m_kib\": 99999999", 1);
    assert!(matches!(Identity::import(&greedy, "x"), Err(ChannelError::BadExport(_))));
    assert!(matches!(Identity::import("garbage", "x"), Err(ChannelError::BadExport(_))));
}

/// An identity file and an export written before the readers were written
/// by hand (serde's derived ones), for the secret key 07…07: the formats
/// are unchanged.
const EARLIER_FILE: &str =
    "{\"cohort_identity\": 1, \"secret_key\": \"0707070707070707070707070707070707070707070707070707070707070707\"}\n";
const EARLIER_EXPORT: &str = r#"{
  "cohort_identity_export": 1,
  "kdf": {
    "alg": "argon2id",
    "m_kib": 65536,
    "t": 3,
    "p": 1,
    "salt": "534a37572655f168828cc878fb1d873e"
  },
  "cipher": "xchacha20poly1305",
  "nonce": "4f6c4601845a1c3353d2da22bf5368eb6a0fa5cc4a8080f3",
  "ciphertext": "3f068b45302e9b037d5bd940e2c87679099f58fbc591b038752ff2a3e28c5d05069e9691b7f08c77128d79a49e64f7d8"
}
"#;

#[test]
fn earlier_files_and_exports_still_read() {
    let id = Identity::from_secret(&[7; 32]);
    assert_eq!(id.to_file(), EARLIER_FILE);
    assert_eq!(Identity::from_file(EARLIER_FILE).unwrap().public(), id.public());
    assert_eq!(Identity::import(EARLIER_EXPORT, "fixture passphrase").unwrap().public(), id.public());
    // Fields an export does not have are ignored outside the key-derivation parameters.
    let commented = EARLIER_EXPORT.replacen('{', "{\"comment\": \"mine\",", 1);
    assert_eq!(Identity::import(&commented, "fixture passphrase").unwrap().public(), id.public());
}

#[test]
fn the_readers_say_what_is_wrong() {
    let key = "\"secret_key\": \"0707070707070707070707070707070707070707070707070707070707070707\"";
    for (bad, why) in [
        ("", "EOF while parsing a value at line 1 column 0"),
        ("[1]", "not a JSON object"),
        (&format!("{{\"cohort_identity\": 1, {key}, \"extra\": 1}}"), "unknown field `extra`"),
        (&format!("{{{key}}}"), "missing field `cohort_identity`"),
        (&format!("{{\"cohort_identity\": 1.0, {key}}}"), "`cohort_identity` is not a whole number from 0 to 4294967295"),
        (&format!("{{\"cohort_identity\": -1, {key}}}"), "`cohort_identity` is not a whole number"),
        (&format!("{{\"cohort_identity\": 4294967297, {key}}}"), "`cohort_identity` is not a whole number"),
        ("{\"cohort_identity\": 1, \"secret_key\": 7}", "`secret_key` is not a string"),
        (&format!("{{\"cohort_identity\": 2, {key}}}"), "unknown version"),
    ] {
        match Identity::from_file(bad) {
            Err(ChannelError::BadIdentityFile(message)) => assert!(message.contains(why), "{bad}: {message}"),
            other => panic!("{bad}: {other:?}"),
        }
    }
    for (from, to, why) in [
        ("\"t\": 3", "\"t\": 3, \"q\": 1", "not an identity export: kdf: unknown field `q`"),
        ("\"t\": 3", "\"t\": 3.5", "not an identity export: kdf: `t` is not a whole number"),
        ("\"cipher\": \"xchacha20poly1305\",", "", "not an identity export: missing field `cipher`"),
        (
            "\"nonce\": \"4f6c4601845a1c3353d2da22bf5368eb6a0fa5cc4a8080f3\"",
            "\"nonce\": 7",
            "not an identity export: `nonce` is not a string",
        ),
        ("\"cipher\": \"xchacha20poly1305\"", "\"cipher\": \"aes\"", "an unknown export format"),
    ] {
        let bad = EARLIER_EXPORT.replacen(from, to, 1);
        assert_ne!(bad, EARLIER_EXPORT);
        match Identity::import(&bad, "fixture passphrase") {
            Err(ChannelError::BadExport(message)) => assert!(message.contains(why), "{bad}: {message}"),
            other => panic!("{bad}: {other:?}"),
        }
    }
}

#[test]
fn an_import_may_cost_at_most_twice_what_an_export_costs() {
    use cohort_channel::{IMPORT_MAX_LANES, IMPORT_MAX_M_KIB, IMPORT_MAX_PASSES};
    let export = Identity::generate().unwrap().export("correct horse battery staple").unwrap();
    assert!(export.contains("\"m_kib\": 65536") && export.contains("\"t\": 3") && export.contains("\"p\": 1"), "{export}");
    let with =
        |field: &str, written: u32, value: u32| export.replacen(&format!("\"{field}\": {written}"), &format!("\"{field}\": {value}"), 1);
    for costly in [with("m_kib", 65536, IMPORT_MAX_M_KIB + 1), with("t", 3, IMPORT_MAX_PASSES + 1), with("p", 1, IMPORT_MAX_LANES + 1)] {
        match Identity::import(&costly, "correct horse battery staple") {
            Err(ChannelError::BadExport(why)) => {
                assert!(why.contains("an export of Cohort uses at most 128 MiB, 6 passes and 4 lanes"), "{why}")
            }
            other => panic!("a costly import was not refused: {other:?}"),
        }
    }
    // At the bounds the derivation runs (and, the parameters being part of
    // what the ciphertext authenticates, the passphrase no longer opens it).
    let at_bounds = with("p", 1, IMPORT_MAX_LANES).replacen("\"t\": 3", &format!("\"t\": {IMPORT_MAX_PASSES}"), 1);
    assert_eq!(Identity::import(&at_bounds, "correct horse battery staple").unwrap_err(), ChannelError::WrongPassphrase);
}
