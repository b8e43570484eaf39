//! The four-block ChaCha against RustCrypto's `chacha20` and
//! `chacha20poly1305`, natively (with the lanes as four `u32`s).

mod aead;
mod blocks;
mod cipher;
