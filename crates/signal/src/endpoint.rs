//! Where a signal server is and how a native client trusts it.
//!
//! `ws://` is plain TCP; `wss://` is TLS (rustls on aws-lc-rs, TLS 1.3 and
//! 1.2), with the server's certificate checked against the Mozilla root
//! store (webpki-roots) plus any certificate authorities added with
//! [`Endpoint::trust_pem_file`] (a private CA, or a self-signed server).
//! TLS protects who is talking to whom from onlookers; the session's
//! secrecy does not depend on it, because relayed frames are secure-channel
//! ciphertext either way.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use tokio_tungstenite::Connector;

/// A signal server's URL and the roots its TLS certificate is checked against.
#[derive(Clone, Debug)]
pub struct Endpoint {
    url: String,
    extra_roots: Vec<CertificateDer<'static>>,
}

impl Endpoint {
    /// A server at `url`: `ws://HOST:PORT/…` or `wss://HOST:PORT/…`.
    pub fn new(url: &str) -> Result<Endpoint, String> {
        let lower = url.to_ascii_lowercase();
        let rest = lower.strip_prefix("wss://").or_else(|| lower.strip_prefix("ws://"));
        match rest {
            Some(rest) if !rest.is_empty() && !rest.starts_with('/') => Ok(Endpoint { url: url.to_string(), extra_roots: Vec::new() }),
            _ => Err(format!("`{url}` is not a signal server URL: it must start with ws:// or wss:// and name a host")),
        }
    }

    /// Also trusts the certificate authorities (or self-signed server
    /// certificates) in the PEM file at `path`.
    pub fn trust_pem_file(mut self, path: &Path) -> Result<Endpoint, String> {
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
            .and_then(|certs| certs.collect())
            .map_err(|e| format!("CA file {}: {e}", path.display()))?;
        if certs.is_empty() {
            return Err(format!("CA file {}: no PEM certificate in it", path.display()));
        }
        self.extra_roots.extend(certs);
        Ok(self)
    }

    /// The URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Whether the connection is TLS (`wss://`).
    pub fn is_tls(&self) -> bool {
        self.url.get(..6).is_some_and(|scheme| scheme.eq_ignore_ascii_case("wss://"))
    }

    /// How tokio-tungstenite should connect: plain, or TLS with these roots.
    pub(crate) fn connector(&self) -> Result<Connector, String> {
        if !self.is_tls() {
            return Ok(Connector::Plain);
        }
        let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        for cert in &self.extra_roots {
            roots.add(cert.clone()).map_err(|e| format!("a trusted CA certificate is unusable: {e}"))?;
        }
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS: {e}"))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Connector::Rustls(Arc::new(config)))
    }
}
