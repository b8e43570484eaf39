//! The extension's identity backup, as its own WebAssembly module.
//!
//! Exporting and importing an identity under a passphrase needs Argon2id
//! and XChaCha20-Poly1305 (`cohort_channel::Identity::export`), code a
//! participant uses rarely. So it is a separate module, which the
//! extension's background loads only when the participant backs up or
//! restores their identity; the background's own module (`cohort-worker`)
//! and the session host's (`cohort-host`) leave it out.

use cohort_channel::{ChannelError, Identity};

/// The identity (in its storage form) encrypted under `passphrase`.
pub fn export(secret: &str, passphrase: &str) -> Result<String, ChannelError> {
    Identity::from_file(secret)?.export(passphrase)
}

/// An exported identity, decrypted, in its storage form.
pub fn import(exported: &str, passphrase: &str) -> Result<String, ChannelError> {
    Ok(Identity::import(exported, passphrase)?.to_file())
}

/// The JavaScript interface (wasm-bindgen): errors are `Error`s with the cause's `reason`.
#[cfg(target_arch = "wasm32")]
pub mod bindings {
    use wasm_bindgen::prelude::*;

    /// A JavaScript `Error` with the cause's stable `reason`.
    fn js_error(e: &cohort_channel::ChannelError) -> JsValue {
        let error = js_sys::Error::new(&e.to_string());
        let _ = js_sys::Reflect::set(&error, &"reason".into(), &e.code().into());
        error.into()
    }

    /// The identity (storage form) encrypted under a passphrase.
    #[wasm_bindgen(js_name = exportIdentity)]
    pub fn export_identity(secret: &str, passphrase: &str) -> Result<String, JsValue> {
        super::export(secret, passphrase).map_err(|e| js_error(&e))
    }

    /// An exported identity, decrypted, in its storage form.
    #[wasm_bindgen(js_name = importIdentity)]
    pub fn import_identity(exported: &str, passphrase: &str) -> Result<String, JsValue> {
        super::import(exported, passphrase).map_err(|e| js_error(&e))
    }
}
