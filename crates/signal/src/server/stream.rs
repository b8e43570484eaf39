//! The byte stream a connection is served over: plain TCP or TLS, with the
//! request head the server has already read put back in front.
//!
//! TLS is rustls (on aws-lc-rs) with its safe defaults: TLS 1.3 and 1.2,
//! forward-secret AEAD suites only. The server reads the certificate chain
//! and private key from PEM files once, at start.

use std::io;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_rustls::TlsAcceptor;

/// A connection's transport: a TCP stream or a TLS stream over one.
pub(super) trait Io: AsyncRead + AsyncWrite + Unpin + Send + 'static {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Io for T {}

/// A stream whose first bytes (`head`, already read from `inner`) are read
/// again before the rest, so the WebSocket handshake sees the request the
/// server examined.
pub(super) struct Rewind {
    head: Vec<u8>,
    read: usize,
    inner: Box<dyn Io>,
}

impl Rewind {
    pub(super) fn new(head: Vec<u8>, inner: Box<dyn Io>) -> Rewind {
        Rewind { head, read: 0, inner }
    }
}

impl AsyncRead for Rewind {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.read < this.head.len() {
            let n = buf.remaining().min(this.head.len() - this.read);
            buf.put_slice(&this.head[this.read..this.read + n]);
            this.read += n;
            if this.read == this.head.len() {
                this.head = Vec::new();
                this.read = 0;
            }
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Rewind {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// Reads a PEM certificate chain (leaf first) and a PEM private key
/// (PKCS#8, PKCS#1 or SEC1) into a TLS acceptor.
pub(super) fn acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor, String> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect())
        .map_err(|e| format!("TLS certificate file {}: {e}", cert.display()))?;
    if chain.is_empty() {
        return Err(format!("TLS certificate file {}: no PEM certificate in it", cert.display()));
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| format!("TLS key file {}: {e}", key.display()))?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("TLS certificate and key do not make a server identity: {e}"))?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}
