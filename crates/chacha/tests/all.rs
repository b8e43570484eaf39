//! The four-block ChaCha against RustCrypto's `chacha20` and
//! `chacha20poly1305`, natively (with the lanes as four `u32`s).

mod aead;
mod blocks;
mod cipher;

/// Bytes as lowercase hexadecimal, as RFC 8439 prints its vectors.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
