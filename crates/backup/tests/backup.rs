//! A backup restores the same identity with its passphrase, and nothing
//! with another.

use cohort_backup::{export, import};
use cohort_channel::{ChannelError, Identity};

#[test]
fn a_backup_restores_the_identity_with_its_passphrase_only() {
    let secret = Identity::generate().unwrap().to_file();
    let exported = export(&secret, "correct horse").unwrap();
    assert!(!exported.contains(&secret), "the backup is not the identity in the clear");
    assert_eq!(import(&exported, "correct horse").unwrap(), secret);
    let wrong = import(&exported, "wrong").unwrap_err();
    assert_eq!((wrong.clone(), wrong.code()), (ChannelError::WrongPassphrase, "wrong_passphrase"));
    assert_eq!(export("{}", "x").unwrap_err().code(), "bad_identity");
    assert_eq!(import("garbage", "x").unwrap_err().code(), "bad_export");
}
