//! Long-term identities: ed25519 key pairs, their fingerprints, and their
//! storage — in the clear for a local file, or encrypted under a passphrase
//! for export.
//!
//! An export derives a key from the passphrase with Argon2id (memory-hard,
//! RFC 9106; 64 MiB, 3 passes) and seals the secret key with
//! XChaCha20-Poly1305 under a random 24-byte nonce, the header (format,
//! parameters, salt) as associated data.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::ChannelError;

/// Bytes of SHA-256 a fingerprint keeps: 120 bits, 24 base32 characters.
const FINGERPRINT_BYTES: usize = 15;

/// A party's long-term identity: an ed25519 signing key.
pub struct Identity {
    key: SigningKey,
}

impl core::fmt::Debug for Identity {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Identity({})", self.fingerprint())
    }
}

/// The public half of an identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

/// A short, readable digest of a public key: the first 120 bits of
/// SHA-256(`cohort-fingerprint-v1` ‖ key) in lowercase base32, in six groups
/// of four (`k3vq-…`). People compare fingerprints; parties accept a peer
/// whose key has the expected fingerprint.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint(String);

impl Identity {
    /// A new identity from the operating system's randomness.
    pub fn generate() -> Result<Self, ChannelError> {
        let mut secret = Zeroizing::new([0u8; 32]);
        getrandom::fill(&mut secret[..]).map_err(|e| ChannelError::Randomness(e.to_string()))?;
        Ok(Identity { key: SigningKey::from_bytes(&secret) })
    }

    /// The identity with this 32-byte secret key.
    pub fn from_secret(secret: &[u8; 32]) -> Self {
        Identity { key: SigningKey::from_bytes(secret) }
    }

    /// The public key.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.key.verifying_key())
    }

    /// The public key's fingerprint.
    pub fn fingerprint(&self) -> Fingerprint {
        self.public().fingerprint()
    }

    /// Signs `msg` with the identity key (ed25519). Callers prefix a context
    /// string naming the purpose, so signatures cannot be replayed elsewhere.
    pub fn sign(&self, msg: &[u8]) -> [u8; 64] {
        self.key.sign(msg).to_bytes()
    }

    /// The identity as a local file: JSON with the secret key in hex. Keep
    /// the file readable by its owner only.
    pub fn to_file(&self) -> String {
        let secret = Zeroizing::new(hex(&self.key.to_bytes()));
        format!("{{\"cohort_identity\": 1, \"secret_key\": \"{}\"}}\n", secret.as_str())
    }

    /// Reads [`Identity::to_file`]'s format: exactly its two fields.
    pub fn from_file(text: &str) -> Result<Self, ChannelError> {
        let bad = ChannelError::BadIdentityFile;
        let value = parse(text).map_err(|e| bad(e.to_string()))?;
        let file = Fields::of(&value).and_then(|f| f.only(&["cohort_identity", "secret_key"])).map_err(bad)?;
        let (version, secret_key) = (file.u32("cohort_identity").map_err(bad)?, file.string("secret_key").map_err(bad)?);
        if version != 1 {
            return Err(bad("unknown version".into()));
        }
        let secret = Zeroizing::new(unhex::<32>(secret_key).ok_or_else(|| bad("the secret key is not 64 hex digits".into()))?);
        Ok(Identity::from_secret(&secret))
    }

    /// The identity encrypted under `passphrase` (see the module docs).
    pub fn export(&self, passphrase: &str) -> Result<String, ChannelError> {
        let mut salt = [0u8; 16];
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut salt).map_err(|e| ChannelError::Randomness(e.to_string()))?;
        getrandom::fill(&mut nonce).map_err(|e| ChannelError::Randomness(e.to_string()))?;
        let header = ExportHeader {
            cohort_identity_export: 1,
            kdf: KdfParams::recommended(salt),
            cipher: "xchacha20poly1305".into(),
            nonce: hex(&nonce),
        };
        let aad = serde_json::to_string(&header).expect("a header serialises");
        let key = header.kdf.derive(passphrase)?;
        let cipher = XChaCha20Poly1305::new_from_slice(&key[..]).expect("a 32-byte key");
        let secret = Zeroizing::new(self.key.to_bytes());
        let sealed = cipher
            .encrypt(&XNonce::from(nonce), Payload { msg: &secret[..], aad: aad.as_bytes() })
            .map_err(|_| ChannelError::BadExport("encryption failed".into()))?;
        let export = Export { header, ciphertext: hex(&sealed) };
        Ok(format!("{}\n", serde_json::to_string_pretty(&export).expect("an export serialises")))
    }

    /// Decrypts an [`Identity::export`] with `passphrase`.
    pub fn import(text: &str, passphrase: &str) -> Result<Self, ChannelError> {
        let bad = |why: String| ChannelError::BadExport(why);
        let export = Export::read(text).map_err(|e| bad(format!("not an identity export: {e}")))?;
        let h = &export.header;
        if h.cohort_identity_export != 1 || h.cipher != "xchacha20poly1305" || h.kdf.alg != "argon2id" {
            return Err(bad("an unknown export format".into()));
        }
        let nonce = unhex::<24>(&h.nonce).ok_or_else(|| bad("a malformed nonce".into()))?;
        let sealed = unhex_vec(&export.ciphertext).ok_or_else(|| bad("a malformed ciphertext".into()))?;
        let aad = serde_json::to_string(h).expect("a header serialises");
        let key = h.kdf.derive(passphrase)?;
        let cipher = XChaCha20Poly1305::new_from_slice(&key[..]).expect("a 32-byte key");
        let secret = Zeroizing::new(
            cipher
                .decrypt(&XNonce::from(nonce), Payload { msg: &sealed, aad: aad.as_bytes() })
                .map_err(|_| ChannelError::WrongPassphrase)?,
        );
        let secret: &[u8; 32] = secret.as_slice().try_into().map_err(|_| bad("a secret key of the wrong length".into()))?;
        Ok(Identity::from_secret(secret))
    }
}

impl PublicKey {
    /// The key from its 32 bytes.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, ChannelError> {
        VerifyingKey::from_bytes(bytes).map(PublicKey).map_err(|_| ChannelError::BadKey("not an ed25519 public key".into()))
    }

    /// The 32 bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The key in hex (64 digits), as `cohort identity show` prints it.
    pub fn to_hex(&self) -> String {
        hex(&self.to_bytes())
    }

    /// Parses [`PublicKey::to_hex`].
    pub fn from_hex(s: &str) -> Result<Self, ChannelError> {
        Self::from_bytes(&unhex::<32>(s.trim()).ok_or_else(|| ChannelError::BadKey(format!("`{s}` is not 64 hex digits")))?)
    }

    /// The fingerprint.
    pub fn fingerprint(&self) -> Fingerprint {
        let digest = Sha256::new().chain_update(b"cohort-fingerprint-v1").chain_update(self.0.as_bytes()).finalize();
        let b32 = base32(&digest[..FINGERPRINT_BYTES]);
        let groups: Vec<&str> = b32.as_bytes().chunks(4).map(|c| core::str::from_utf8(c).expect("ASCII")).collect();
        Fingerprint(groups.join("-"))
    }

    pub(crate) fn verify(&self, msg: &[u8], signature: &[u8; 64]) -> bool {
        self.0.verify(msg, &Signature::from_bytes(signature)).is_ok()
    }

    /// Whether `signature_hex` (128 hex digits) is this key's signature of `msg`.
    pub fn verify_signature(&self, msg: &[u8], signature_hex: &str) -> bool {
        unhex::<64>(signature_hex).is_some_and(|signature| self.verify(msg, &signature))
    }
}

impl Fingerprint {
    /// Parses a fingerprint as printed (groups separated by `-` or spaces, any case).
    pub fn parse(s: &str) -> Result<Self, ChannelError> {
        let clean: String = s.chars().filter(|c| !matches!(c, '-' | ' ')).flat_map(char::to_lowercase).collect();
        if clean.len() != 24 || !clean.chars().all(|c| matches!(c, 'a'..='z' | '2'..='7')) {
            return Err(ChannelError::BadKey(format!("`{s}` is not a fingerprint (24 base32 characters, as k3vq-…)")));
        }
        let groups: Vec<&str> = clean.as_bytes().chunks(4).map(|c| core::str::from_utf8(c).expect("ASCII")).collect();
        Ok(Fingerprint(groups.join("-")))
    }

    /// The fingerprint as printed.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl core::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An export: its header's fields and the ciphertext, in one object (which
/// may have other fields: a later version's, ignored).
#[derive(Serialize)]
struct Export {
    #[serde(flatten)]
    header: ExportHeader,
    ciphertext: String,
}

/// What the ciphertext is sealed with; its JSON text is the associated data.
#[derive(Serialize)]
struct ExportHeader {
    cohort_identity_export: u32,
    kdf: KdfParams,
    cipher: String,
    nonce: String,
}

#[derive(Serialize)]
struct KdfParams {
    alg: String,
    m_kib: u32,
    t: u32,
    p: u32,
    salt: String,
}

impl Export {
    /// Reads [`Identity::export`]'s JSON.
    fn read(text: &str) -> Result<Export, String> {
        let value = parse(text).map_err(|e| e.to_string())?;
        let export = Fields::of(&value)?;
        let kdf = KdfParams::read(export.field("kdf")?).map_err(|e| format!("kdf: {e}"))?;
        let text = |name| export.string(name).map(str::to_string);
        let header = ExportHeader {
            cohort_identity_export: export.u32("cohort_identity_export")?,
            kdf,
            cipher: text("cipher")?,
            nonce: text("nonce")?,
        };
        Ok(Export { header, ciphertext: text("ciphertext")? })
    }
}

impl KdfParams {
    /// Reads the parameters: exactly their fields.
    fn read(value: &Value) -> Result<KdfParams, String> {
        let kdf = Fields::of(value)?.only(&["alg", "m_kib", "t", "p", "salt"])?;
        let text = |name| kdf.string(name).map(str::to_string);
        Ok(KdfParams { alg: text("alg")?, m_kib: kdf.u32("m_kib")?, t: kdf.u32("t")?, p: kdf.u32("p")?, salt: text("salt")? })
    }
}

/// JSON text as a [`Value`], by serde_json's own parser (`Value`'s
/// `FromStr`) rather than `serde_json::from_str`, whose generic parser
/// would be compiled here: this crate is optimised for speed in the
/// browser's WebAssembly (for its ciphers), where a second, inlined copy of
/// the parser was 5 KB compressed.
fn parse(text: &str) -> Result<Value, serde_json::Error> {
    text.parse()
}

/// A JSON object's fields, read by hand: a derived `Deserialize` is bigger,
/// and its errors (which print an unexpected number, `1.5`) bring core's
/// float formatting into the browser's WebAssembly.
struct Fields<'a>(&'a Map<String, Value>);

impl<'a> Fields<'a> {
    fn of(value: &'a Value) -> Result<Self, String> {
        value.as_object().map(Fields).ok_or_else(|| "not a JSON object".into())
    }

    /// The same fields, refused if any is not one of `known`.
    fn only(self, known: &[&str]) -> Result<Self, String> {
        match self.0.keys().find(|k| !known.contains(&k.as_str())) {
            Some(unknown) => Err(format!("unknown field `{unknown}`")),
            None => Ok(self),
        }
    }

    fn field(&self, name: &str) -> Result<&'a Value, String> {
        self.0.get(name).ok_or_else(|| format!("missing field `{name}`"))
    }

    fn string(&self, name: &str) -> Result<&'a str, String> {
        self.field(name)?.as_str().ok_or_else(|| format!("`{name}` is not a string"))
    }

    fn u32(&self, name: &str) -> Result<u32, String> {
        let value = self.field(name)?;
        value.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(|| format!("`{name}` is not a whole number from 0 to {}", u32::MAX))
    }
}

/// The Argon2id cost an export is written with: 64 MiB, 3 passes, 1 lane.
const EXPORT_M_KIB: u32 = 64 * 1024;
const EXPORT_T: u32 = 3;
const EXPORT_P: u32 = 1;

/// The most an import accepts: what export writes, with a margin of two
/// (four lanes), so that a crafted file cannot make importing it take
/// gigabytes or minutes.
pub const IMPORT_MAX_M_KIB: u32 = 2 * EXPORT_M_KIB;
/// See [`IMPORT_MAX_M_KIB`].
pub const IMPORT_MAX_PASSES: u32 = 2 * EXPORT_T;
/// See [`IMPORT_MAX_M_KIB`].
pub const IMPORT_MAX_LANES: u32 = 4;

impl KdfParams {
    fn recommended(salt: [u8; 16]) -> Self {
        KdfParams { alg: "argon2id".into(), m_kib: EXPORT_M_KIB, t: EXPORT_T, p: EXPORT_P, salt: hex(&salt) }
    }

    fn derive(&self, passphrase: &str) -> Result<Zeroizing<[u8; 32]>, ChannelError> {
        let bad = |why: String| ChannelError::BadExport(why);
        if self.m_kib > IMPORT_MAX_M_KIB || self.t > IMPORT_MAX_PASSES || self.p > IMPORT_MAX_LANES {
            return Err(bad(format!(
                "its key derivation asks for {} MiB, {} passes and {} lanes; an export of Cohort uses at most {} MiB, {} passes and {} lanes",
                self.m_kib / 1024,
                self.t,
                self.p,
                IMPORT_MAX_M_KIB / 1024,
                IMPORT_MAX_PASSES,
                IMPORT_MAX_LANES
            )));
        }
        let salt = unhex_vec(&self.salt).filter(|s| s.len() >= 8).ok_or_else(|| bad("a malformed salt".into()))?;
        let params = Params::new(self.m_kib, self.t, self.p, Some(32)).map_err(|e| bad(format!("key-derivation parameters: {e}")))?;
        let mut key = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(passphrase.as_bytes(), &salt, &mut key[..])
            .map_err(|e| bad(format!("key derivation: {e}")))?;
        Ok(key)
    }
}

/// Bytes in lowercase hexadecimal, as keys, nonces and signatures travel in JSON.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex_vec(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

/// Exactly `N` bytes from hexadecimal (either case); `None` for anything else.
pub fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    unhex_vec(s)?.try_into().ok()
}

/// RFC 4648 base32, lowercase, without padding.
fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut out = String::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((acc >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((acc << (5 - bits)) & 31) as usize] as char);
    }
    out
}
