//! The server over TLS (`wss://`): the relay and the health endpoint work
//! for a client that trusts the certificate; an untrusted certificate, a
//! plain client and bad certificate files each fail with a clear error.

use crate::common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cohort_channel::Identity;
use cohort_mpc::Transport;
use cohort_signal::Endpoint;
use cohort_signal::native::RelayTransport;
use cohort_signal::server::{ServerConfig, ServerHandle, TlsFiles};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};

/// A fresh directory holding a self-signed certificate for `localhost`
/// and 127.0.0.1 (`cert.pem`) and its key (`key.pem`).
struct Certificate {
    dir: PathBuf,
}

impl Certificate {
    fn new() -> Certificate {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!("cohort-tls-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed)));
        std::fs::create_dir_all(&dir).unwrap();
        let issued = rcgen::generate_simple_self_signed(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
        std::fs::write(dir.join("cert.pem"), issued.cert.pem()).unwrap();
        std::fs::write(dir.join("key.pem"), issued.signing_key.serialize_pem()).unwrap();
        Certificate { dir }
    }

    fn cert(&self) -> PathBuf {
        self.dir.join("cert.pem")
    }

    fn key(&self) -> PathBuf {
        self.dir.join("key.pem")
    }

    fn files(&self) -> TlsFiles {
        TlsFiles { cert: self.cert(), key: self.key() }
    }
}

impl Drop for Certificate {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn tls_server(files: TlsFiles) -> std::io::Result<ServerHandle> {
    ServerHandle::spawn(ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        log: std::env::var_os("COHORT_TEST_LOG").is_some(),
        tls: Some(files),
        ..ServerConfig::default()
    })
}

/// Two parties of a fresh room, connected at once (each waits for the other).
fn pair(server: &Endpoint) -> [Result<RelayTransport, cohort_signal::client::SignalError>; 2] {
    let ids = [Identity::generate().unwrap(), Identity::generate().unwrap()];
    let fps: Vec<_> = ids.iter().map(Identity::fingerprint).collect();
    std::thread::scope(|s| {
        let joins: Vec<_> = ids
            .iter()
            .enumerate()
            .map(|(me, id)| {
                let fps = fps.clone();
                s.spawn(move || RelayTransport::connect(server, id, "tls-room", fps, me, Duration::from_secs(5)))
            })
            .collect();
        let mut done = joins.into_iter().map(|j| j.join().unwrap());
        [done.next().unwrap(), done.next().unwrap()]
    })
}

#[test]
fn parties_relay_through_a_tls_server_they_trust() {
    let cert = Certificate::new();
    let server = tls_server(cert.files()).unwrap();
    let endpoint = Endpoint::new(&format!("wss://localhost:{}/", server.addr().port())).unwrap().trust_pem_file(&cert.cert()).unwrap();
    assert!(endpoint.is_tls());
    let [a, b] = pair(&endpoint);
    let (mut a, mut b) = (a.unwrap(), b.unwrap());
    a.send(1, b"to party 1".to_vec()).unwrap();
    b.send(0, vec![7; 100_000]).unwrap();
    assert_eq!(b.recv(0).unwrap(), b"to party 1");
    assert_eq!(a.recv(1).unwrap(), vec![7; 100_000]);
}

#[test]
fn an_untrusted_certificate_is_refused() {
    let cert = Certificate::new();
    let server = tls_server(cert.files()).unwrap();
    let endpoint = Endpoint::new(&format!("wss://localhost:{}/", server.addr().port())).unwrap();
    let started = Instant::now();
    let [a, _] = pair(&endpoint);
    let err = a.err().expect("the certificate is not trusted").to_string();
    assert!(err.contains("certificate"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5), "refused only after {:?}", started.elapsed());
    // Trusting a different certificate does not help.
    let other = Certificate::new();
    let [a, _] = pair(&endpoint.trust_pem_file(&other.cert()).unwrap());
    assert!(a.err().expect("the wrong certificate is trusted").to_string().contains("certificate"));
}

#[test]
fn a_plain_client_gets_an_error_and_the_server_serves_on() {
    let cert = Certificate::new();
    let server = tls_server(cert.files()).unwrap();
    let port = server.addr().port();
    let [a, _] = pair(&Endpoint::new(&format!("ws://127.0.0.1:{port}/")).unwrap());
    assert!(a.is_err(), "a plain WebSocket client was admitted by a TLS server");
    let mut garbage = TcpStream::connect(server.addr()).unwrap();
    garbage.write_all(&[0x16, 3, 1, 0xff, 0xff, 0, 0, 0]).unwrap();
    let endpoint = Endpoint::new(&format!("wss://127.0.0.1:{port}/")).unwrap().trust_pem_file(&cert.cert()).unwrap();
    let [a, b] = pair(&endpoint);
    let (mut a, mut b) = (a.unwrap(), b.unwrap());
    a.send(1, b"still serving".to_vec()).unwrap();
    assert_eq!(b.recv(0).unwrap(), b"still serving");
}

#[test]
fn health_answers_over_tls() {
    let cert = Certificate::new();
    let server = tls_server(cert.files()).unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from_pem_file(cert.cert()).unwrap()).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let conn = rustls::ClientConnection::new(Arc::new(config), ServerName::try_from("localhost").unwrap()).unwrap();
    let tcp = TcpStream::connect(server.addr()).unwrap();
    tcp.set_read_timeout(Some(common::PATIENCE)).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    tls.write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut response = Vec::new();
    // The server closes after answering; TLS then ends with close_notify.
    tls.read_to_end(&mut response).unwrap();
    let response = String::from_utf8(response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    let body: serde_json::Value = serde_json::from_str(response.split("\r\n\r\n").nth(1).unwrap_or_default()).unwrap();
    assert_eq!(body, serde_json::json!({"status": "ok", "rooms": 0, "clients": 0}), "{response}");
}

#[test]
fn bad_certificate_files_stop_the_server_from_starting() {
    let cert = Certificate::new();
    let other = Certificate::new();
    let missing = TlsFiles { cert: cert.dir.join("absent.pem"), key: cert.key() };
    let not_pem = TlsFiles { cert: cert.cert(), key: cert.cert() };
    let no_cert = TlsFiles { cert: cert.key(), key: cert.key() };
    let mismatched = TlsFiles { cert: cert.cert(), key: other.key() };
    for (files, expected) in
        [(missing, "absent.pem"), (not_pem, "TLS key file"), (no_cert, "no PEM certificate"), (mismatched, "do not make a server identity")]
    {
        let err = tls_server(files).expect_err("the server started with bad TLS files");
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains(expected), "expected `{expected}` in: {err}");
    }
}

#[test]
fn endpoints_are_ws_or_wss_urls() {
    assert!(!Endpoint::new("ws://127.0.0.1:8787/").unwrap().is_tls());
    assert!(Endpoint::new("WSS://signal.example/room").unwrap().is_tls());
    for bad in ["http://127.0.0.1:8787/", "127.0.0.1:8787", "ws://", "wss:///x", ""] {
        let err = Endpoint::new(bad).expect_err(bad);
        assert!(err.contains("ws:// or wss://"), "{err}");
    }
    let cert = Certificate::new();
    let err = Endpoint::new("wss://localhost/").unwrap().trust_pem_file(&cert.key()).unwrap_err();
    assert!(err.contains("no PEM certificate"), "{err}");
}
