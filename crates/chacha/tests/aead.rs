//! RustCrypto's ChaCha20-Poly1305 over `FourBlockChaCha20` seals and opens
//! exactly as over `chacha20::ChaCha20`.

use chacha20poly1305::aead::{AeadInOut, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, ChaChaPoly1305};
use cohort_chacha::FourBlockChaCha20;
use proptest::prelude::*;

use crate::hex;

type Ours = ChaChaPoly1305<FourBlockChaCha20>;

proptest! {
    #[test]
    fn the_same_seal(key: [u8; 32], nonce: [u8; 12], ad in prop::collection::vec(any::<u8>(), 0..40), message in prop::collection::vec(any::<u8>(), 0..2000)) {
        let (mut a, mut b) = (message.clone(), message);
        let ta = Ours::new(&key.into()).encrypt_inout_detached(&nonce.into(), &ad, a.as_mut_slice().into()).unwrap();
        let tb = ChaCha20Poly1305::new(&key.into()).encrypt_inout_detached(&nonce.into(), &ad, b.as_mut_slice().into()).unwrap();
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(ta, tb);
        Ours::new(&key.into()).decrypt_inout_detached(&nonce.into(), &ad, a.as_mut_slice().into(), &tb).unwrap();
        let mut flipped = b.clone();
        if let Some(byte) = flipped.first_mut() {
            *byte ^= 1;
            prop_assert!(Ours::new(&key.into()).decrypt_inout_detached(&nonce.into(), &ad, flipped.as_mut_slice().into(), &tb).is_err());
        }
    }
}

/// RFC 8439, section 2.8.2.
#[test]
fn rfc_8439_aead() {
    let key: [u8; 32] = std::array::from_fn(|i| 0x80 + i as u8);
    let nonce = [0x07, 0, 0, 0, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47];
    let ad = [0x50, 0x51, 0x52, 0x53, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7];
    let mut text = *b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
    let tag = Ours::new(&key.into()).encrypt_inout_detached(&nonce.into(), &ad, text.as_mut_slice().into()).unwrap();
    assert_eq!(
        hex(&text),
        "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116"
    );
    assert_eq!(hex(&tag), "1ae10b594f09e26a7e902ecbd0600691");
}
