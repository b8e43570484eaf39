//! `cohort`: check and run MPC programs natively, and benchmark the engine.
//!
//! ```text
//! cohort check FILE                   validate; print the canonical form, hash and approval rendering
//! cohort run FILE --inputs IN.json    every party on this machine over TCP loopback
//! cohort party FILE --id I --peers A,B,C --input NAME=VALUE …   one party of a session across machines
//! cohort sum 10 20 12                 three local parties; everyone learns the sum
//! cohort bench --parties 3 --json     the engine workloads and the example programs, one JSON line each
//! ```

mod bench;
mod examples;
mod identity;
mod launch;
mod playground;
mod programs;

use std::process::ExitCode;

/// Protocol rounds allocate and free large vectors; mimalloc reuses them
/// where the system allocator maps and unmaps fresh pages every time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};
use cohort_mpc::{Receivers, SecType, Value};

/// A failure with the message the user sees.
#[derive(Debug)]
pub(crate) struct Failure(pub(crate) String);

/// Errors whose own words are the whole message.
macro_rules! failure_from {
    ($($error:ty),*) => {$(
        impl From<$error> for Failure {
            fn from(e: $error) -> Self {
                Failure(e.to_string())
            }
        }
    )*};
}

failure_from!(cohort_mpc::Error, cohort_mpc::TransportError, cohort_channel::MeshError, cohort_signal::client::SignalError);

impl From<cohort_party::PartyError> for Failure {
    fn from(e: cohort_party::PartyError) -> Self {
        match e {
            cohort_party::PartyError::NoPrivacy { .. } => {
                Failure(format!("{e}, or pass --no-privacy if everyone agrees to share their inputs"))
            }
            e => Failure(e.to_string()),
        }
    }
}

type Result<T = ()> = core::result::Result<T, Failure>;

#[derive(Parser)]
#[command(name = "cohort", version, about = "Secure multiparty computation: run parties natively and benchmark the engine")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a program: print its canonical form, its hash and what the
    /// approval window shows; exit non-zero with the error otherwise.
    Check {
        /// The program (text, or JSON if it starts with `{`).
        file: PathBuf,
        /// Print the program's JSON syntax instead.
        #[arg(long, conflicts_with = "disclosure")]
        json: bool,
        /// Print what each reveal discloses, as one JSON array.
        #[arg(long)]
        disclosure: bool,
        /// Describe a session of this many parties (default: the fewest the
        /// program allows, but 3 when it allows 2 and more).
        #[arg(long)]
        parties: Option<usize>,
    },
    /// Run every party of a program on this machine over TCP loopback and
    /// print what each party learns.
    Run {
        /// The program.
        file: PathBuf,
        /// The inputs: a JSON array with one object per party, mapping input
        /// names to numbers or lists of numbers, as [{"salary": 52000}, …].
        #[arg(long)]
        inputs: PathBuf,
        /// Number of parties (default: one per object in the inputs file).
        #[arg(long)]
        parties: Option<usize>,
        /// Shamir threshold (default (m-1)/2).
        #[arg(long)]
        threshold: Option<usize>,
        /// Run even with threshold 0, which gives no privacy: every party's
        /// input reaches the others in the clear.
        #[arg(long)]
        no_privacy: bool,
        /// One JSON line per party: {"party": I, "outputs": {NAME: VALUE, …}}.
        #[arg(long)]
        json: bool,
    },
    /// Run one party of a program, with the other parties on other machines
    /// (or other terminals). Every party lists the same addresses in the
    /// same order; party I listens on the I-th.
    Party {
        /// The program; every party must run the same one (same hash).
        file: PathBuf,
        /// This party's number, from 0.
        #[arg(long, required_unless_present = "invite")]
        id: Option<usize>,
        /// Join by invite (`cohort-invite:v2?…`, from `cohort session new`
        /// or a page's createSession): meet the other parties, browsers
        /// included, in the invite's room on its signal server. A rostered
        /// invite names its parties (signed by its creator; party order is
        /// the roster's); an open one seats anyone holding it (party order
        /// is that of the fingerprints), so the parties are shown for
        /// confirmation before any input leaves: answer the question, or
        /// give --yes or --keys.
        #[arg(long, conflicts_with_all = ["id", "peers", "signal", "peers_file", "session"])]
        invite: Option<String>,
        /// With --invite: compute with whoever takes the open room's seats,
        /// without asking (the parties are still printed).
        #[arg(long, requires = "invite")]
        yes: bool,
        /// Every party's HOST:PORT, in party order, this party's included.
        #[arg(long, value_delimiter = ',', required_unless_present_any = ["peers_file", "signal", "invite"], conflicts_with_all = ["peers_file", "signal"])]
        peers: Vec<String>,
        /// Meet the other parties through this signal server (ws://HOST:PORT/
        /// or wss://HOST:PORT/) and relay through it, instead of connecting
        /// directly; give --keys.
        #[arg(long)]
        signal: Option<String>,
        /// Also trust the CA (or self-signed) certificates in this PEM file
        /// for a wss:// signal server.
        #[arg(long)]
        signal_ca: Option<PathBuf>,
        /// Every party's public key (64 hex digits) or fingerprint, in party
        /// order, this party's included; a peer proving another key is refused.
        /// With --invite: the session's parties must be exactly these (in any
        /// order), else this party refuses to compute.
        #[arg(long, value_delimiter = ',', required_unless_present_any = ["peers_file", "invite"], conflicts_with = "peers_file")]
        keys: Vec<String>,
        /// A file with a line `HOST:PORT KEY` per party, in party order,
        /// instead of --peers and --keys.
        #[arg(long)]
        peers_file: Option<PathBuf>,
        /// This party's identity file (default $COHORT_IDENTITY or ~/.cohort/identity.json).
        #[arg(long)]
        identity: Option<PathBuf>,
        /// The session's id: every party must give the same one.
        #[arg(long, default_value = "cohort")]
        session: String,
        /// This party's inputs, as NAME=VALUE (VALUE a number or a list such as `[1,2,3]`).
        #[arg(long = "input")]
        inputs: Vec<String>,
        /// Shamir threshold (default (m-1)/2).
        #[arg(long)]
        threshold: Option<usize>,
        /// Run even with threshold 0, which gives no privacy: every party's
        /// input reaches the others in the clear.
        #[arg(long)]
        no_privacy: bool,
        /// Seconds to wait for a peer to connect or to answer before giving up.
        #[arg(long, default_value_t = 60.0)]
        timeout: f64,
        /// Print the outputs as a JSON line.
        #[arg(long)]
        json: bool,
    },
    /// Sessions: `cohort session new FILE` prints a fresh session id and an invite.
    Session {
        #[command(subcommand)]
        action: SessionAction,
    },
    /// Run a signal server: rendezvous, WebRTC signaling and an encrypted relay
    /// for parties that cannot connect directly (see docs/signal.md), and the
    /// playground at `/` (see docs/playground.md).
    Signal {
        /// Address to listen on (default $COHORT_SIGNAL_LISTEN or 127.0.0.1:8787).
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
        /// Largest message, bytes ($COHORT_SIGNAL_MAX_MESSAGE).
        #[arg(long)]
        max_message: Option<usize>,
        /// Messages queued per client before it is dropped as too slow ($COHORT_SIGNAL_MAX_QUEUE).
        #[arg(long)]
        max_queue: Option<usize>,
        /// Messages per second per client ($COHORT_SIGNAL_MAX_RATE).
        #[arg(long)]
        max_rate: Option<u32>,
        /// Parties per room ($COHORT_SIGNAL_MAX_PARTIES).
        #[arg(long)]
        max_parties: Option<usize>,
        /// Rooms one identity may be in ($COHORT_SIGNAL_MAX_ROOMS).
        #[arg(long)]
        max_rooms: Option<usize>,
        /// Seconds without a message before a client is dropped ($COHORT_SIGNAL_IDLE_TIMEOUT).
        #[arg(long)]
        idle_timeout: Option<u64>,
        /// Seconds between pings ($COHORT_SIGNAL_HEARTBEAT).
        #[arg(long)]
        heartbeat: Option<u64>,
        /// Seconds a room may live ($COHORT_SIGNAL_ROOM_LIFETIME).
        #[arg(long)]
        room_lifetime: Option<u64>,
        /// Connections at once ($COHORT_SIGNAL_MAX_CLIENTS).
        #[arg(long)]
        max_clients: Option<usize>,
        /// Connections at once from one IP address, 0 for no limit ($COHORT_SIGNAL_MAX_CLIENTS_PER_ADDRESS).
        #[arg(long)]
        max_clients_per_address: Option<usize>,
        /// Seconds a connection may take to authenticate; pongs do not count ($COHORT_SIGNAL_AUTH_TIMEOUT).
        #[arg(long)]
        auth_timeout: Option<u64>,
        /// Authentications per second from one IP address, 0 for no limit ($COHORT_SIGNAL_AUTH_RATE).
        #[arg(long)]
        auth_rate: Option<u32>,
        /// Bytes queued per client before it is dropped as too slow ($COHORT_SIGNAL_MAX_QUEUE_BYTES).
        #[arg(long)]
        max_queue_bytes: Option<usize>,
        /// Bytes queued for all clients together; past 3/4 of it no new rooms open ($COHORT_SIGNAL_MEMORY_BUDGET).
        #[arg(long)]
        memory_budget: Option<usize>,
        /// Bytes per second read from one client, 0 for no limit; past it reading slows ($COHORT_SIGNAL_MAX_READ_RATE).
        #[arg(long)]
        max_read_rate: Option<usize>,
        /// A STUN or TURN URL handed to clients; repeat for several
        /// ($COHORT_SIGNAL_ICE_SERVERS also takes a JSON array with credentials).
        #[arg(long = "ice-server")]
        ice_servers: Vec<String>,
        /// Serve wss:// with this PEM certificate chain, leaf first ($COHORT_SIGNAL_TLS_CERT).
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The certificate's PEM private key ($COHORT_SIGNAL_TLS_KEY).
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// A URL clients reach this server at (wss://signal.example/); repeat
        /// for several ($COHORT_SIGNAL_PUBLIC_URL, comma-separated). Clients
        /// sign the server's name; without this, only the loopback names for
        /// the port (and the listen address, if specific) are accepted.
        #[arg(long = "public-url")]
        public_urls: Vec<String>,
        /// No log lines on standard error.
        #[arg(long)]
        quiet: bool,
        /// Do not serve the playground (the page at `/` where anyone with the
        /// extension can create a session and share its invite).
        #[arg(long)]
        no_playground: bool,
    },
    /// This machine's long-term identity: an ed25519 key pair.
    Identity {
        #[command(subcommand)]
        action: IdentityAction,
        /// The identity file (default $COHORT_IDENTITY or ~/.cohort/identity.json).
        #[arg(long, global = true)]
        identity: Option<PathBuf>,
    },
    /// Run one local party per value over TCP loopback; each inputs its value
    /// secretly and all learn only the sum.
    Sum {
        /// One private input per party (at least one).
        #[arg(required = true, allow_negative_numbers = true)]
        values: Vec<i64>,
        /// Shamir threshold (default (m-1)/2).
        #[arg(long)]
        threshold: Option<usize>,
        /// Run even with threshold 0, which gives no privacy: every party's
        /// input reaches the others in the clear.
        #[arg(long)]
        no_privacy: bool,
        /// Bit length of the secure integers.
        #[arg(long, default_value_t = 32)]
        bits: u32,
    },
    /// Benchmark the engine: parties on this machine over TCP loopback.
    Bench {
        /// Number of parties.
        #[arg(long, default_value_t = 3)]
        parties: usize,
        /// Shamir threshold (default (m-1)/2).
        #[arg(long)]
        threshold: Option<usize>,
        /// Run even with threshold 0, which gives no privacy: every party's
        /// input reaches the others in the clear.
        #[arg(long)]
        no_privacy: bool,
        /// Runs per workload; the fastest is reported.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Only these workloads (comma-separated: mul, mul_latency, lt, eq, sort,
        /// and `program` for the example programs).
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
        /// Print one JSON object per line.
        #[arg(long)]
        json: bool,
        /// Run the engine workloads over plain TCP instead of secure channels,
        /// to compare the engine with MPyC (which runs without TLS by default).
        #[arg(long)]
        plaintext: bool,
        /// Run every party of the engine workloads in this one thread over an
        /// in-memory network: the engine's computation alone (no sockets,
        /// threads or channel crypto), to compare with the same in
        /// WebAssembly (`scripts/bench-browser`).
        #[arg(long, conflicts_with = "plaintext")]
        in_process: bool,
    },
}

#[derive(Subcommand)]
enum SessionAction {
    /// Print a new session and its invite for a program: open (anyone
    /// holding the invite takes a seat), or with --roster, for exactly
    /// these parties, signed with this machine's identity.
    New {
        /// The program the session runs.
        file: PathBuf,
        /// The signal server the parties meet at (ws:// or wss://).
        #[arg(long, default_value = "ws://127.0.0.1:8787/")]
        signal: String,
        /// How many parties (default: the roster's length, else the fewest the program allows).
        #[arg(long)]
        parties: Option<usize>,
        /// The expected parties' public keys or fingerprints, in party order,
        /// this identity's included: only they may take a seat.
        #[arg(long, value_delimiter = ',')]
        roster: Vec<String>,
        /// Display names for the roster's parties, in the same order.
        #[arg(long, value_delimiter = ',', requires = "roster")]
        names: Vec<String>,
        /// The identity that signs the roster (default $COHORT_IDENTITY or ~/.cohort/identity.json).
        #[arg(long, requires = "roster")]
        identity: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum IdentityAction {
    /// Create a new identity and print its fingerprint and public key.
    New {
        /// Replace an existing identity (its key is lost).
        #[arg(long)]
        force: bool,
    },
    /// Print the identity's fingerprint and public key.
    Show,
    /// Write the identity encrypted under a passphrase (Argon2id, XChaCha20-Poly1305).
    Export {
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Read the passphrase from this file (else $COHORT_PASSPHRASE, else standard input).
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
    },
    /// Decrypt an exported identity into the identity file.
    Import {
        /// The export.
        file: PathBuf,
        /// Read the passphrase from this file (else $COHORT_PASSPHRASE, else standard input).
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
        /// Replace an existing identity.
        #[arg(long)]
        force: bool,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(e)) => {
            eprintln!("cohort: {}", terminal_safe(&e));
            ExitCode::FAILURE
        }
    }
}

/// The threshold of an `m`-party session: `given`, or
/// [`cohort_mpc::default_threshold`]. A threshold of 0 gives no privacy, so
/// it is refused unless `no_privacy` (`--no-privacy`) says everyone agrees.
fn threshold(m: usize, given: Option<usize>, no_privacy: bool) -> Result<usize> {
    Ok(cohort_party::threshold(m, given, no_privacy)?)
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Check { file, json, disclosure, parties } => print_out(&programs::check(&file, json, disclosure, parties)?),
        Command::Run { file, inputs, parties, threshold, no_privacy, json } => {
            print_out(&programs::run(&file, parties, threshold, no_privacy, &inputs, json)?)
        }
        Command::Party {
            file,
            id,
            invite,
            yes,
            peers,
            signal,
            signal_ca,
            keys,
            peers_file,
            identity,
            session,
            inputs,
            threshold,
            no_privacy,
            timeout,
            json,
        } => {
            if !(timeout > 0.0 && timeout <= 86_400.0) {
                return Err(Failure(format!("--timeout {timeout}: give a number of seconds from 0 to 86400")));
            }
            let timeout = Duration::from_secs_f64(timeout);
            let trust = |server: cohort_signal::Endpoint| match &signal_ca {
                Some(ca) => server.trust_pem_file(ca).map_err(|e| Failure(format!("--signal-ca: {e}"))),
                None => Ok(server),
            };
            if let Some(invite) = invite {
                let invite = cohort_channel::Invite::parse(&invite).map_err(|e| Failure(format!("--invite: {e}")))?;
                let server = trust(cohort_signal::Endpoint::new(invite.signal()).map_err(|e| Failure(format!("--invite: {e}")))?)?;
                let identity = identity::load(&identity::path(identity)?)?;
                let confirm = match (keys.is_empty(), yes) {
                    (false, _) => programs::Confirm::Keys(keys.iter().map(|k| identity::parse_peer(k)).collect::<Result<_>>()?),
                    (true, true) => programs::Confirm::Yes,
                    (true, false) => programs::Confirm::Ask,
                };
                let o = programs::InviteOptions { path: &file, invite: &invite, server: &server, identity: &identity, confirm };
                return print_out(&programs::party_by_invite(&o, threshold, no_privacy, &inputs, timeout, json)?);
            }
            let id = id.expect("clap requires --id without --invite");
            if signal.is_none() && signal_ca.is_some() {
                return Err(Failure("--signal-ca goes with --signal or --invite".into()));
            }
            let signal = match signal {
                None => None,
                Some(url) => {
                    let server = cohort_signal::Endpoint::new(&url).map_err(|e| Failure(format!("--signal: {e}")))?;
                    Some(trust(server)?)
                }
            };
            let peers = match peers_file {
                Some(f) => identity::read_peers_file(&f)?,
                None if signal.is_some() => {
                    keys.iter().map(|k| Ok((String::new(), identity::parse_peer(k)?))).collect::<Result<Vec<_>>>()?
                }
                None => {
                    if peers.len() != keys.len() {
                        return Err(Failure(format!(
                            "--peers lists {} parties but --keys {}: give one key per party, in the same order",
                            peers.len(),
                            keys.len()
                        )));
                    }
                    let keys = keys.iter().map(|k| identity::parse_peer(k)).collect::<Result<Vec<_>>>()?;
                    peers.into_iter().zip(keys).collect()
                }
            };
            let identity = identity::load(&identity::path(identity)?)?;
            print_out(&programs::party(&programs::PartyOptions {
                path: &file,
                id,
                peers: &peers,
                identity: &identity,
                session: &session,
                signal: signal.as_ref(),
                threshold,
                no_privacy,
                inputs: &inputs,
                timeout,
                json,
            })?)
        }
        Command::Session { action: SessionAction::New { file, signal, parties, roster, names, identity } } => {
            let roster = if roster.is_empty() {
                None
            } else {
                let fingerprints = roster.iter().map(|k| identity::parse_peer(k)).collect::<Result<Vec<_>>>()?;
                Some((fingerprints, names, identity::load(&identity::path(identity)?)?))
            };
            print_out(&programs::new_session(&file, &signal, parties, roster)?)
        }
        Command::Signal {
            listen,
            max_message,
            max_queue,
            max_rate,
            max_parties,
            max_rooms,
            idle_timeout,
            heartbeat,
            room_lifetime,
            max_clients,
            max_clients_per_address,
            auth_timeout,
            auth_rate,
            max_queue_bytes,
            memory_budget,
            max_read_rate,
            ice_servers,
            tls_cert,
            tls_key,
            public_urls,
            quiet,
            no_playground,
        } => {
            let mut config = cohort_signal::server::ServerConfig::from_env().map_err(Failure)?;
            let l = &mut config.limits;
            config.listen = listen.unwrap_or(config.listen);
            l.max_message = max_message.unwrap_or(l.max_message);
            l.max_queue = max_queue.unwrap_or(l.max_queue);
            l.max_rate = max_rate.unwrap_or(l.max_rate);
            l.max_parties = max_parties.unwrap_or(l.max_parties);
            l.max_rooms_per_identity = max_rooms.unwrap_or(l.max_rooms_per_identity);
            l.idle_timeout_secs = idle_timeout.unwrap_or(l.idle_timeout_secs);
            l.heartbeat_secs = heartbeat.unwrap_or(l.heartbeat_secs);
            l.room_lifetime_secs = room_lifetime.unwrap_or(l.room_lifetime_secs);
            config.max_clients = max_clients.unwrap_or(config.max_clients);
            config.auth_timeout_secs = auth_timeout.unwrap_or(config.auth_timeout_secs);
            config.max_clients_per_address = max_clients_per_address.unwrap_or(config.max_clients_per_address);
            config.auth_rate_per_address = auth_rate.unwrap_or(config.auth_rate_per_address);
            config.max_queue_bytes = max_queue_bytes.unwrap_or(config.max_queue_bytes);
            config.memory_budget = memory_budget.unwrap_or(config.memory_budget);
            config.max_read_rate = max_read_rate.unwrap_or(config.max_read_rate);
            if !ice_servers.is_empty() {
                config.ice_servers = vec![cohort_signal::protocol::IceServer { urls: ice_servers, username: None, credential: None }];
            }
            if let (Some(cert), Some(key)) = (tls_cert, tls_key) {
                config.tls = Some(cohort_signal::server::TlsFiles { cert, key });
            }
            if !public_urls.is_empty() {
                config.public_urls = public_urls;
            }
            config.log &= !quiet;
            if !no_playground {
                config.site = Some(std::sync::Arc::new(playground::site()));
            }
            config.validate().map_err(Failure)?;
            without_huge_pages();
            cohort_signal::server::run_until_signal(config).map_err(|e| Failure(format!("the signal server: {e}")))
        }
        Command::Identity { action, identity: file } => {
            let path = identity::path(file)?;
            print_out(&match action {
                IdentityAction::New { force } => identity::new(&path, force)?,
                IdentityAction::Show => identity::show(&path)?,
                IdentityAction::Export { out, passphrase_file } => identity::export(&path, out.as_deref(), passphrase_file.as_deref())?,
                IdentityAction::Import { file, passphrase_file, force } => {
                    identity::import(&path, &file, passphrase_file.as_deref(), force)?
                }
            })
        }
        Command::Sum { values, threshold, no_privacy, bits } => sum(values, threshold, no_privacy, bits),
        Command::Bench { parties, threshold, no_privacy, runs, only, json, plaintext, in_process } => {
            let channels = match (plaintext, in_process) {
                (_, true) => bench::Transport::InProcess,
                (true, _) => bench::Transport::Plaintext,
                _ => bench::Transport::Secure,
            };
            bench(parties, threshold, no_privacy, runs, only, json, channels)
        }
    }
}

/// Turns transparent huge pages off for this process (the signal server).
/// The allocator asks for them, and a first touch of a fresh 2 MiB page was
/// measured stalling a worker for 50 to 90 ms while the kernel zeroed it:
/// every session on that worker waited, which was most of the relay
/// latency's tail under load (docs/signal.md, "Load benchmark"). With
/// 4 KiB pages the same work comes in small, spread-out pieces. Where the
/// kernel refuses, the server runs as before.
fn without_huge_pages() {
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

fn sum(values: Vec<i64>, threshold: Option<usize>, no_privacy: bool, bits: u32) -> Result<()> {
    let m = values.len();
    let ty = SecType::int(bits)?;
    for &v in &values {
        ty.encode(Value::Int(v.into()))?; // clear error before any party starts
    }
    let results = launch::run_parties(m, self::threshold(m, threshold, no_privacy)?, launch::label_hash("cohort sum"), move |id| {
        let mine = [Value::Int(values[id].into())];
        move |rt: std::rc::Rc<cohort_mpc::Runtime>| async move {
            let mut total = None;
            for owner in 0..rt.parties() {
                let x = rt.input(&ty, owner, (owner == rt.id()).then_some(&mine[..]), 1).await?;
                total = Some(match total {
                    None => x,
                    Some(t) => x.add(&t)?,
                });
            }
            let total = total.expect("at least one party");
            Ok((rt.reveal(&total, &Receivers::All).await?, rt.stats()))
        }
    })?;
    let mut out = String::new();
    for (id, (opened, stats)) in results.iter().enumerate() {
        let shown = opened.as_ref().and_then(|v| v.first()).map_or("-".to_string(), |v| format!("{}", v.as_f64()));
        out.push_str(&format!("party {id}: sum = {shown}  ({} rounds, {} bytes sent)\n", stats.rounds, stats.bytes_sent));
    }
    print_out(&out)
}

/// `text` with every character that could drive the terminal or make the
/// text display as something else escaped: control characters (escape
/// sequences, carriage returns, backspaces) as `\x1b`, bidirectional and
/// invisible formatting characters as `\u{202e}` — the characters
/// [`cohort_text::hidden_character`] names, except line ends and tabs.
/// Everything printed goes through it (see [`print_out`] and `main`): it
/// carries text from programs, input files, peers and servers.
pub(crate) fn terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            c if cohort_text::hidden_character(c).is_none() => out.push(c),
            c if u32::from(c) < 0x100 => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
        }
    }
    out
}

/// Writes to standard output, through [`terminal_safe`]; a reader that
/// stopped early (`| head`) is not an error.
fn print_out(text: &str) -> Result<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(terminal_safe(text).as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure(format!("writing the output: {e}"))),
        _ => Ok(()),
    }
}

fn bench(
    parties: usize,
    threshold: Option<usize>,
    no_privacy: bool,
    runs: usize,
    only: Vec<String>,
    json: bool,
    transport: bench::Transport,
) -> Result<()> {
    if let Some(unknown) = only.iter().find(|o| o.as_str() != "program" && !bench::WORKLOADS.iter().any(|w| w.name == o.as_str())) {
        return Err(Failure(format!("unknown workload {unknown}")));
    }
    let wanted = |name: &str| only.is_empty() || only.iter().any(|o| o == name);
    let workloads: Vec<bench::Workload> = bench::WORKLOADS.iter().copied().filter(|w| wanted(w.name)).collect();
    let t = self::threshold(parties, threshold, no_privacy)?;
    let mut out = String::new();
    if !workloads.is_empty() {
        // Party 0's clock, as MPyC reports.
        let measured = match transport {
            bench::Transport::InProcess => {
                cohort_mpc::bench::run_in_one_thread(parties, t, workloads, runs, bench::Meter::clock(bench::clock_ms))?
            }
            _ => {
                let channels =
                    if transport == bench::Transport::Plaintext { launch::Channels::Plaintext } else { launch::Channels::Secure };
                let results = launch::run_parties_over(channels, parties, t, launch::label_hash("cohort bench"), move |_| {
                    let workloads = workloads.clone();
                    move |rt| bench::run(rt, workloads, runs, bench::Meter::clock(bench::clock_ms))
                })?;
                results.into_iter().next().unwrap_or_default()
            }
        };
        for m in &measured {
            if json {
                let line = serde_json::json!({
                    "workload": m.workload.name, "n": m.workload.n, "ms": (m.ms * 1000.0).round() / 1000.0,
                    "rounds": m.rounds, "bytes_sent": m.bytes_sent, "parties": parties, "threshold": t,
                    "channels": transport.as_str(),
                });
                out.push_str(&format!("{line}\n"));
            } else {
                out.push_str(&format!(
                    "{:<24} n={:<6} {:>10.3} ms  {:>4} rounds  {:>9} bytes sent\n",
                    m.workload.name, m.workload.n, m.ms, m.rounds, m.bytes_sent
                ));
            }
        }
    }
    if wanted("program") {
        for example in &examples::EXAMPLES {
            let m = bench::run_example(example, runs, no_privacy)?;
            if json {
                let line = serde_json::json!({
                    "workload": "program", "name": m.name, "ms": (m.ms * 1000.0).round() / 1000.0,
                    "rounds": m.rounds, "bytes_sent": m.bytes_sent, "parties": m.parties, "threshold": m.threshold,
                });
                out.push_str(&format!("{line}\n"));
            } else {
                out.push_str(&format!(
                    "{:<24} m={:<6} {:>10.3} ms  {:>4} rounds  {:>9} bytes sent\n",
                    format!("program:{}", m.name),
                    m.parties,
                    m.ms,
                    m.rounds,
                    m.bytes_sent
                ));
            }
        }
    }
    print_out(&out)
}
