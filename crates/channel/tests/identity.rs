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
