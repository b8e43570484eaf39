//! The handshake: Noise XX (`Noise_XX_25519_ChaChaPoly_SHA256`, Noise
//! Protocol Framework rev. 34) with identity signatures over the handshake
//! hash, as libp2p's Noise handshake authenticates its peers.
//!
//! ```text
//! initiator → responder   e
//! responder → initiator   e, ee, s, es, {identity key, signature}
//! initiator → responder   s, se, {identity key, signature}
//! ```
//!
//! Both sides' Noise static keys are fresh per channel; each side proves its
//! long-term ed25519 identity by signing the handshake hash `h` reached just
//! before its payload, which covers the prologue and both ephemeral keys. The
//! prologue is the session transcript (see [`crate::Transcript`]) together
//! with the two parties' indices, so a peer of another session, or the same
//! peer in another role, produces a different `h`: its encrypted static key
//! fails to decrypt, or its signature fails to verify. Ephemeral X25519 keys
//! give forward secrecy; XX hides both identities from passive observers.
//!
//! Why XX and not SIGMA-I: XX is a fully specified, analysed pattern with
//! mutual authentication and identity hiding, whose state machine fits in a
//! page, and libp2p's use of it with signed payloads is well reviewed.

use chacha20poly1305::Nonce;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use hkdf::Hkdf;
use sha2::{Digest, Sha256};
use x25519_dalek::{PublicKey as DhPublic, StaticSecret};
use zeroize::Zeroizing;

use crate::channel::{ChaCha20Poly1305, SecureChannel};
use crate::error::ChannelError;
use crate::identity::{Fingerprint, Identity, PublicKey};

const PROTOCOL_NAME: &[u8; 32] = b"Noise_XX_25519_ChaChaPoly_SHA256";
const SIGNATURE_CONTEXT: &[u8] = b"cohort-channel-v1 identity";
/// Identity key and signature, plus the AEAD tag.
const IDENTITY_PAYLOAD: usize = 32 + 64;
const TAG: usize = 16;

/// Message 1 (`e`).
pub const MESSAGE1_LEN: usize = 32;
/// Message 2 (`e, ee, s, es` and the responder's identity).
pub const MESSAGE2_LEN: usize = 32 + 32 + TAG + IDENTITY_PAYLOAD + TAG;
/// Message 3 (`s, se` and the initiator's identity).
pub const MESSAGE3_LEN: usize = 32 + TAG + IDENTITY_PAYLOAD + TAG;

/// Noise's CipherState: a key and a counter nonce.
struct CipherState {
    key: Option<Zeroizing<[u8; 32]>>,
    n: u64,
}

impl CipherState {
    fn nonce(n: u64) -> Nonce {
        let mut nonce = [0u8; 12];
        nonce[4..].copy_from_slice(&n.to_le_bytes());
        Nonce::from(nonce)
    }

    fn encrypt(&mut self, ad: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let Some(key) = &self.key else { return plaintext.to_vec() };
        let cipher = ChaCha20Poly1305::new_from_slice(&key[..]).expect("a 32-byte key");
        let out = cipher
            .encrypt(&Self::nonce(self.n), Payload { msg: plaintext, aad: ad })
            .expect("ChaCha20-Poly1305 encrypts any handshake message");
        self.n += 1;
        out
    }

    fn decrypt(&mut self, ad: &[u8], ciphertext: &[u8]) -> Result<Vec<u8>, ChannelError> {
        let Some(key) = &self.key else { return Ok(ciphertext.to_vec()) };
        let cipher = ChaCha20Poly1305::new_from_slice(&key[..]).expect("a 32-byte key");
        let out =
            cipher.decrypt(&Self::nonce(self.n), Payload { msg: ciphertext, aad: ad }).map_err(|_| ChannelError::TranscriptMismatch)?;
        self.n += 1;
        Ok(out)
    }
}

/// Noise's SymmetricState: chaining key, handshake hash and cipher.
struct SymmetricState {
    ck: Zeroizing<[u8; 32]>,
    h: [u8; 32],
    cipher: CipherState,
}

impl SymmetricState {
    fn new(prologue: &[u8]) -> Self {
        // The protocol name is exactly HASHLEN bytes, so h = name.
        let mut s = SymmetricState { ck: Zeroizing::new(*PROTOCOL_NAME), h: *PROTOCOL_NAME, cipher: CipherState { key: None, n: 0 } };
        s.mix_hash(prologue);
        s
    }

    fn mix_hash(&mut self, data: &[u8]) {
        self.h = Sha256::new().chain_update(self.h).chain_update(data).finalize().into();
    }

    /// HKDF(ck, ikm) with two outputs, as Noise defines it (HMAC-SHA256
    /// extract with ck as salt, then expand with empty info).
    fn hkdf2(ck: &[u8; 32], ikm: &[u8]) -> (Zeroizing<[u8; 32]>, Zeroizing<[u8; 32]>) {
        let mut okm = Zeroizing::new([0u8; 64]);
        Hkdf::<Sha256>::new(Some(ck), ikm).expand(&[], &mut okm[..]).expect("64 bytes is a valid HKDF-SHA256 length");
        let (mut a, mut b) = (Zeroizing::new([0u8; 32]), Zeroizing::new([0u8; 32]));
        a.copy_from_slice(&okm[..32]);
        b.copy_from_slice(&okm[32..]);
        (a, b)
    }

    fn mix_key(&mut self, ikm: &[u8]) {
        let (ck, k) = Self::hkdf2(&self.ck, ikm);
        self.ck = ck;
        self.cipher = CipherState { key: Some(k), n: 0 };
    }

    fn encrypt_and_hash(&mut self, plaintext: &[u8]) -> Vec<u8> {
        let c = self.cipher.encrypt(&self.h, plaintext);
        self.mix_hash(&c);
        c
    }

    fn decrypt_and_hash(&mut self, ciphertext: &[u8]) -> Result<Vec<u8>, ChannelError> {
        let p = self.cipher.decrypt(&self.h, ciphertext)?;
        self.mix_hash(ciphertext);
        Ok(p)
    }

    /// The two transport keys: initiator → responder, responder → initiator.
    fn split(&self) -> (Zeroizing<[u8; 32]>, Zeroizing<[u8; 32]>) {
        Self::hkdf2(&self.ck, &[])
    }
}

fn random_secret() -> Result<StaticSecret, ChannelError> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    getrandom::fill(&mut bytes[..]).map_err(|e| ChannelError::Randomness(e.to_string()))?;
    Ok(StaticSecret::from(*bytes))
}

fn dh(secret: &StaticSecret, public: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    Zeroizing::new(secret.diffie_hellman(&DhPublic::from(*public)).to_bytes())
}

fn take<'a>(msg: &mut &'a [u8], n: usize) -> &'a [u8] {
    let (head, tail) = msg.split_at(n);
    *msg = tail;
    head
}

fn check_len(msg: &[u8], want: usize, which: &str) -> Result<(), ChannelError> {
    if msg.len() != want {
        return Err(ChannelError::MalformedHandshake(format!("{which} has {} bytes, not {want}", msg.len())));
    }
    Ok(())
}

/// The identity payload: this side's public key and its signature over `h`.
fn identity_payload(identity: &Identity, h: &[u8; 32]) -> Vec<u8> {
    let mut payload = identity.public().to_bytes().to_vec();
    payload.extend_from_slice(&identity.sign(&[SIGNATURE_CONTEXT, h].concat()));
    payload
}

/// Checks a peer's identity payload against `h` and the expected fingerprint.
fn check_identity(payload: &[u8], h: &[u8; 32], expected: &Fingerprint) -> Result<PublicKey, ChannelError> {
    let key_bytes: &[u8; 32] = payload[..32].try_into().expect("checked length");
    let signature: &[u8; 64] = payload[32..].try_into().expect("checked length");
    let key = PublicKey::from_bytes(key_bytes)?;
    if !key.verify(&[SIGNATURE_CONTEXT, h].concat(), signature) {
        return Err(ChannelError::BadSignature);
    }
    let got = key.fingerprint();
    if &got != expected {
        return Err(ChannelError::WrongIdentity { expected: expected.to_string(), got: got.to_string() });
    }
    Ok(key)
}

/// The initiator after sending message 1.
pub struct Initiator {
    state: SymmetricState,
    e: StaticSecret,
    s: StaticSecret,
    expected: Fingerprint,
}

/// The responder after answering message 1.
pub struct Responder {
    state: SymmetricState,
    e: StaticSecret,
    expected: Fingerprint,
}

/// Starts a handshake as the initiator, expecting a peer whose key has
/// fingerprint `expected`; `prologue` binds the session. Returns message 1.
pub fn initiate(expected: &Fingerprint, prologue: &[u8]) -> Result<(Initiator, Vec<u8>), ChannelError> {
    let mut state = SymmetricState::new(prologue);
    let e = random_secret()?;
    let e_pub = DhPublic::from(&e).to_bytes();
    state.mix_hash(&e_pub);
    let mut msg = e_pub.to_vec();
    msg.extend(state.encrypt_and_hash(&[])); // empty payload, unencrypted
    Ok((Initiator { state, e, s: random_secret()?, expected: expected.clone() }, msg))
}

/// Answers message 1 as the responder with identity `identity`. Returns message 2.
pub fn respond(identity: &Identity, expected: &Fingerprint, prologue: &[u8], msg1: &[u8]) -> Result<(Responder, Vec<u8>), ChannelError> {
    check_len(msg1, MESSAGE1_LEN, "message 1")?;
    let mut state = SymmetricState::new(prologue);
    let re: [u8; 32] = msg1.try_into().expect("checked length");
    state.mix_hash(&re);
    state.decrypt_and_hash(&[])?;
    let e = random_secret()?;
    let s = random_secret()?;
    let e_pub = DhPublic::from(&e).to_bytes();
    state.mix_hash(&e_pub);
    let mut msg = e_pub.to_vec();
    state.mix_key(&dh(&e, &re)[..]); // ee
    msg.extend(state.encrypt_and_hash(DhPublic::from(&s).as_bytes())); // s
    state.mix_key(&dh(&s, &re)[..]); // es
    let payload = identity_payload(identity, &state.h);
    msg.extend(state.encrypt_and_hash(&payload));
    Ok((Responder { state, e, expected: expected.clone() }, msg))
}

impl Initiator {
    /// Reads message 2, checks the responder's identity and returns
    /// message 3 with the initiator's channel end.
    pub fn finish(mut self, identity: &Identity, msg2: &[u8]) -> Result<(Vec<u8>, SecureChannel, PublicKey), ChannelError> {
        check_len(msg2, MESSAGE2_LEN, "message 2")?;
        let mut rest = msg2;
        let re: [u8; 32] = take(&mut rest, 32).try_into().expect("32 bytes");
        self.state.mix_hash(&re);
        self.state.mix_key(&dh(&self.e, &re)[..]); // ee
        let rs: [u8; 32] = self.state.decrypt_and_hash(take(&mut rest, 32 + TAG))?.try_into().expect("32 bytes");
        self.state.mix_key(&dh(&self.e, &rs)[..]); // es
        let h = self.state.h;
        let payload = self.state.decrypt_and_hash(rest)?;
        let peer = check_identity(&payload, &h, &self.expected)?;
        let mut msg = self.state.encrypt_and_hash(DhPublic::from(&self.s).as_bytes()); // s
        self.state.mix_key(&dh(&self.s, &re)[..]); // se
        let payload = identity_payload(identity, &self.state.h);
        msg.extend(self.state.encrypt_and_hash(&payload));
        let (to_responder, to_initiator) = self.state.split();
        Ok((msg, SecureChannel::new(&to_responder, &to_initiator), peer))
    }
}

impl Responder {
    /// Reads message 3, checks the initiator's identity and returns the
    /// responder's channel end.
    pub fn finish(mut self, msg3: &[u8]) -> Result<(SecureChannel, PublicKey), ChannelError> {
        check_len(msg3, MESSAGE3_LEN, "message 3")?;
        let mut rest = msg3;
        let rs: [u8; 32] = self.state.decrypt_and_hash(take(&mut rest, 32 + TAG))?.try_into().expect("32 bytes");
        self.state.mix_key(&dh(&self.e, &rs)[..]); // se
        let h = self.state.h;
        let payload = self.state.decrypt_and_hash(rest)?;
        let peer = check_identity(&payload, &h, &self.expected)?;
        let (to_responder, to_initiator) = self.state.split();
        Ok((SecureChannel::new(&to_initiator, &to_responder), peer))
    }
}
