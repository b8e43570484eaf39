//! `cohort check | run | party`: programs in the language of
//! `cohort-program`, checked, run by local parties, or run as one party of
//! a session across machines.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use cohort_channel::{Fingerprint, Identity, Invite, RosterEntry};
use cohort_mpc::PartyId;
use cohort_net::MeshConfig;
use cohort_party::{PartyError, Session};
use cohort_program::{CheckedProgram, Outputs};
use cohort_signal::Endpoint;
use cohort_signal::native::RelayTransport;
use serde_json::Value as Json;

use crate::{Failure, launch};

/// Reads and checks a program file (text, or JSON if it starts with `{`).
pub(crate) fn load(path: &Path) -> Result<CheckedProgram, Failure> {
    let src = std::fs::read_to_string(path).map_err(|e| Failure(format!("cannot read {}: {e}", path.display())))?;
    CheckedProgram::load(&src).map_err(|e| Failure(format!("{}: {e}", path.display())))
}

/// `cohort check`: the canonical form, the hash and the approval rendering
/// (or, with `json`, the program's JSON syntax).
pub(crate) fn check(path: &Path, json: bool, disclosure: bool, parties: Option<usize>) -> Result<String, Failure> {
    let program = load(path)?;
    if json {
        return Ok(format!("{}\n", program.to_json()));
    }
    let m = parties.unwrap_or_else(|| program.default_parties());
    let fail = |e: cohort_program::Error| Failure(format!("{}: {e}", path.display()));
    if disclosure {
        return Ok(format!("{}\n", program.disclosure(m).map_err(fail)?.to_json()));
    }
    let rendering = program.render_for(m, cohort_mpc::default_threshold(m)).map_err(fail)?;
    Ok(format!("{}\nHash: {}\n\n{rendering}", program.canonical(), program.hash_hex()))
}

/// Parses an inputs file: a JSON array with one object per party, mapping
/// input names to numbers (or arrays of numbers for vector inputs). Numbers
/// are read exactly, whatever their length ([`cohort_program::read_exact_json`]).
pub(crate) fn read_inputs(path: &Path) -> Result<Vec<BTreeMap<String, Json>>, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| Failure(format!("cannot read {}: {e}", path.display())))?;
    cohort_program::read_exact_json(&text).and_then(serde_json::from_value).map_err(|e| {
        Failure(format!(
            "{}: not an inputs file ({e}); expected one object per party, as [{{\"salary\": 52000}}, {{\"salary\": 61000}}]",
            path.display()
        ))
    })
}

/// `cohort run`: every party on this machine over TCP loopback, each
/// through the same party runner as `cohort party`.
pub(crate) fn run(
    path: &Path,
    parties: Option<usize>,
    threshold: Option<usize>,
    no_privacy: bool,
    inputs: &Path,
    json: bool,
) -> Result<String, Failure> {
    let program = load(path)?;
    let given = read_inputs(inputs)?;
    let m = parties.unwrap_or(given.len());
    if given.len() != m {
        return Err(Failure(format!("{} gives inputs for {} parties, but --parties is {m}", inputs.display(), given.len())));
    }
    let in_file = |e: PartyError| Failure(format!("{}: {e}", path.display()));
    let session = Session::open("local", program, m, threshold, no_privacy).map_err(|e| match e {
        e @ PartyError::NoPrivacy { .. } => Failure::from(e),
        e => in_file(e),
    })?;
    for (i, party_inputs) in given.iter().enumerate() {
        session.check_seat_inputs(i, party_inputs).map_err(in_file)?;
    }
    let (session, given) = (Arc::new(session), Arc::new(given));
    let outputs = launch::local_parties(m, move |local| {
        let party = session.seat(local.parties.to_vec(), &local.identity.fingerprint(), &given[local.id])?;
        let mesh = local.secure_mesh(&party.transcript())?;
        cohort_party::run_secured(party, mesh, |_| {}).map_err(|e| Failure(format!("{}: {e}", path_text(&session))))
    })?;
    Ok(outputs.iter().enumerate().map(|(i, o)| show(i, o, json)).collect())
}

/// How a local run names its program in errors.
fn path_text(session: &Session) -> String {
    format!("\"{}\"", session.program().name())
}

/// One party's outputs: a JSON line, or `party I: name = value, …` (a
/// value beyond 2^53, which the JSON gives as a string of digits, without
/// the quotes).
fn show(party: PartyId, outputs: &Outputs, json: bool) -> String {
    if json {
        return format!("{{\"party\": {party}, \"outputs\": {}}}\n", serde_json::json!(outputs));
    }
    let items: Vec<String> = outputs.iter().map(|(k, v)| format!("{k} = {}", plain(v))).collect();
    format!("party {party}: {}\n", if items.is_empty() { "(learns nothing)".to_string() } else { items.join(", ") })
}

/// An output value for people: as its JSON, but a number written as a
/// string of digits without the quotes.
fn plain(value: &Json) -> String {
    match value {
        Json::String(digits) => digits.clone(),
        Json::Array(items) => format!("[{}]", items.iter().map(plain).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

/// Options of `cohort party`.
pub(crate) struct PartyOptions<'a> {
    pub(crate) path: &'a Path,
    pub(crate) id: PartyId,
    /// Every party's address and identity, in party order.
    pub(crate) peers: &'a [(String, Fingerprint)],
    pub(crate) identity: &'a Identity,
    pub(crate) session: &'a str,
    /// Meet and relay through this signal server instead of connecting directly.
    pub(crate) signal: Option<&'a cohort_signal::Endpoint>,
    pub(crate) threshold: Option<usize>,
    /// Run even with threshold 0 (`--no-privacy`).
    pub(crate) no_privacy: bool,
    pub(crate) inputs: &'a [String],
    pub(crate) timeout: Duration,
    pub(crate) json: bool,
}

/// `cohort party`: this machine's party of a session whose parties listen
/// at `peers` (in party order, this party's own address included).
pub(crate) fn party(o: &PartyOptions<'_>) -> Result<String, Failure> {
    let program = load(o.path)?;
    let m = o.peers.len();
    if o.id >= m {
        return Err(Failure(format!(
            "--id {} is not a party: the peers list has {m} parties, numbered 0 to {}",
            o.id,
            m.saturating_sub(1)
        )));
    }
    let given = parse_inputs(o.inputs)?;
    let fingerprints: Vec<Fingerprint> = o.peers.iter().map(|(_, f)| f.clone()).collect();
    if fingerprints[o.id] != o.identity.fingerprint() {
        return Err(Failure(format!(
            "this party's identity has fingerprint {}, but the peers list gives party {} the key {}",
            o.identity.fingerprint(),
            o.id,
            fingerprints[o.id]
        )));
    }
    let in_file = |e: PartyError| Failure(format!("{}: {e}", o.path.display()));
    let session = Session::with_parties(o.session, program, fingerprints.clone(), o.threshold, o.no_privacy).map_err(|e| match e {
        e @ PartyError::NoPrivacy { .. } => Failure::from(e),
        e => in_file(e),
    })?;
    let party = session.seat(fingerprints.clone(), &o.identity.fingerprint(), &given).map_err(in_file)?;
    let outputs = match o.signal {
        Some(server) => {
            let relay = RelayTransport::connect(server, o.identity, o.session, fingerprints, o.id, o.timeout)?;
            relay.limit_unread(party.unread_limit());
            cohort_party::run_blocking(party, o.identity, relay, |_| {})
        }
        None => {
            let addrs = o
                .peers
                .iter()
                .map(|(p, _)| {
                    p.to_socket_addrs()
                        .ok()
                        .and_then(|mut a| a.next())
                        .ok_or_else(|| Failure(format!("--peers: `{p}` is not a HOST:PORT address")))
                })
                .collect::<Result<Vec<SocketAddr>, _>>()?;
            let listener = TcpListener::bind(addrs[o.id]).map_err(|e| Failure(format!("cannot listen on {}: {e}", addrs[o.id])))?;
            let mesh_config = MeshConfig { connect_timeout: o.timeout, read_timeout: o.timeout, ..MeshConfig::default() };
            let mesh = launch::secure_mesh(o.id, &addrs, listener, &mesh_config, o.identity, &party.transcript())?;
            cohort_party::run_secured(party, mesh, |_| {})
        }
    };
    Ok(show(o.id, &outputs.map_err(in_file)?, o.json))
}

/// `--input NAME=VALUE` arguments as a map of JSON values.
fn parse_inputs(inputs: &[String]) -> Result<BTreeMap<String, Json>, Failure> {
    inputs
        .iter()
        .map(|kv| {
            let (name, value) =
                kv.split_once('=').ok_or_else(|| Failure(format!("--input {kv}: write NAME=VALUE, as salary=52000 or set=[1,2,3]")))?;
            let value: Json = cohort_program::read_exact_json(value)
                .map_err(|_| Failure(format!("--input {kv}: the value must be a number or a list of numbers, as 52000 or [1,2,3]")))?;
            Ok((name.to_string(), value))
        })
        .collect()
}

/// How a party joining by invite agrees to its co-parties.
pub(crate) enum Confirm {
    /// Print the parties and ask on the terminal.
    Ask,
    /// Print the parties and go on (`--yes`).
    Yes,
    /// The parties must be exactly these (`--keys`), in any order.
    Keys(Vec<Fingerprint>),
}

/// What `cohort party FILE --invite …` joins, and how.
pub(crate) struct InviteOptions<'a> {
    pub(crate) path: &'a Path,
    pub(crate) invite: &'a Invite,
    /// The invite's signal server, with any extra trusted roots.
    pub(crate) server: &'a Endpoint,
    pub(crate) identity: &'a Identity,
    pub(crate) confirm: Confirm,
}

/// `cohort party FILE --invite …`: this machine's party of a session joined
/// by invite, meeting the others (browsers included) in the invite's room
/// and relaying through its signal server. A rostered invite fixes the
/// parties and their order; for an open one the parties are known only once
/// the room is full, and are confirmed ([`Confirm`]) before the program
/// hello, the channel handshakes or any input share leave this machine.
pub(crate) fn party_by_invite(
    o: &InviteOptions<'_>,
    threshold: Option<usize>,
    no_privacy: bool,
    inputs: &[String],
    timeout: Duration,
    json: bool,
) -> Result<String, Failure> {
    let (path, invite) = (o.path, o.invite);
    let program = load(path)?;
    let m = invite.parties();
    let in_file = |e: PartyError| Failure(format!("{}: {e}", path.display()));
    let session = Session::from_invite(invite, program, threshold, no_privacy).map_err(|e| match e {
        e @ PartyError::NoPrivacy { .. } => Failure::from(e),
        e @ PartyError::NotTheProgram { .. } => Failure(format!("{}: {e}", path.display())),
        e => in_file(e),
    })?;
    let given = parse_inputs(inputs)?;
    // Before meeting anyone: the inputs must suit this party's seat (or, in
    // an open room, every seat), and the parties must be confirmable.
    let me = o.identity.fingerprint();
    session.check_inputs(&me, &given).map_err(|e| match e {
        PartyError::NotAParty { .. } => {
            Failure(format!("--invite: this identity ({me}) is not in the invite's roster, so the signal server will not seat it"))
        }
        e => in_file(e),
    })?;
    match &o.confirm {
        Confirm::Keys(keys) if keys.len() != m => {
            return Err(Failure(format!("--keys lists {} parties, but the invite's session has {m}", keys.len())));
        }
        Confirm::Keys(keys) if !keys.contains(&me) => {
            return Err(Failure(format!("--keys does not list this party's own identity ({me})")));
        }
        Confirm::Ask if invite.is_open() && !std::io::stdin().is_terminal() => {
            return Err(Failure(
                "--invite: this is an open invite (anyone holding it can take a seat), and there is no terminal to confirm the \
                 parties on: pass --yes to compute with whoever joins, or --keys KEY,… to require exactly these parties"
                    .into(),
            ));
        }
        _ => {}
    }
    if let (Some(roster), Confirm::Keys(keys)) = (invite.roster(), &o.confirm) {
        same_parties(&roster.fingerprints(), keys)?;
    }
    let (relay, fingerprints, id) = RelayTransport::connect_invite(o.server, o.identity, invite, timeout)?;
    let party = session.seat(fingerprints.clone(), &me, &given).map_err(|e| match e {
        PartyError::SeatedWrongly => {
            Failure("the signal server seated other parties, or in another order, than the invite's roster lists; not computing".into())
        }
        e => in_file(e),
    })?;
    confirm(invite, &fingerprints, id, &o.confirm)?;
    relay.limit_unread(party.unread_limit());
    let outputs = cohort_party::run_blocking(party, o.identity, relay, |_| {}).map_err(in_file)?;
    Ok(show(id, &outputs, json))
}

/// Shows the session's parties on standard error and, for an open invite,
/// has them confirmed as `how` says. Runs once the room is full, before
/// anything of the computation is sent.
fn confirm(invite: &Invite, parties: &[Fingerprint], me: PartyId, how: &Confirm) -> Result<(), Failure> {
    use std::io::{BufRead, Write};
    let mut list = match invite.roster() {
        Some(roster) => format!("The session's parties (a roster signed by {}):\n", roster.creator().fingerprint()),
        None => "The session's parties (an open invite: anyone with the link could take a seat):\n".to_string(),
    };
    for (i, fp) in parties.iter().enumerate() {
        let name = invite.roster().and_then(|r| r.entries().get(i)).and_then(|e| e.name.as_deref());
        let name = name.map(|n| format!("  \"{n}\"")).unwrap_or_default();
        let you = if i == me { "  (you)" } else { "" };
        list.push_str(&format!("  {i}  {fp}{name}{you}\n"));
    }
    eprint!("{}", crate::terminal_safe(&list));
    if !invite.is_open() {
        // The roster was checked (and, with --keys, compared) before meeting anyone.
        return Ok(());
    }
    match how {
        Confirm::Yes => Ok(()),
        Confirm::Keys(keys) => same_parties(parties, keys),
        Confirm::Ask => {
            if !std::io::stdin().is_terminal() {
                return Err(Failure("no terminal to confirm the parties on: pass --yes or --keys".into()));
            }
            eprint!("Compute with these parties? [y/N] ");
            let _ = std::io::stderr().flush();
            let mut answer = String::new();
            std::io::stdin().lock().read_line(&mut answer).map_err(|e| Failure(format!("reading the answer: {e}")))?;
            match answer.trim().to_ascii_lowercase().as_str() {
                "y" | "yes" => Ok(()),
                _ => Err(Failure("not computing: the parties were not confirmed".into())),
            }
        }
    }
}

/// The session's parties are exactly `keys` (in any order).
fn same_parties(parties: &[Fingerprint], keys: &[Fingerprint]) -> Result<(), Failure> {
    let (mut a, mut b) = (parties.to_vec(), keys.to_vec());
    a.sort();
    b.sort();
    if a != b {
        let strangers: Vec<String> = a.iter().filter(|p| !b.contains(p)).map(|p| p.to_string()).collect();
        return Err(Failure(format!(
            "--keys: the session's parties are not the ones given (not listed: {}); not computing",
            if strangers.is_empty() { "none".to_string() } else { strangers.join(", ") }
        )));
    }
    Ok(())
}

/// `cohort session new`: a fresh invite naming the session (its id derived
/// from a random admission token), the program's hash, the number of
/// parties and the signal server; with a roster (fingerprints in party
/// order, display names, and the identity that signs it, which must be
/// among them), only those parties may take a seat.
pub(crate) fn new_session(
    path: &Path,
    signal: &str,
    parties: Option<usize>,
    roster: Option<(Vec<Fingerprint>, Vec<String>, Identity)>,
) -> Result<String, Failure> {
    let program = load(path)?;
    let allowed = program.parties();
    let m = parties.or(roster.as_ref().map(|(fps, _, _)| fps.len())).unwrap_or(*allowed.start());
    if !allowed.contains(&m) {
        return Err(Failure(format!("--parties {m}: {} runs with {} to {} parties", path.display(), allowed.start(), allowed.end())));
    }
    program.plan(m).map_err(|e| Failure(format!("{}: {e}", path.display())))?;
    let invite = match roster {
        None => Invite::open(&program.hash_hex(), m, signal).map_err(|e| Failure(format!("--signal: {e}")))?,
        Some((fingerprints, names, creator)) => {
            if !names.is_empty() && names.len() != fingerprints.len() {
                return Err(Failure(format!("--names gives {} names for the roster's {} parties", names.len(), fingerprints.len())));
            }
            if !fingerprints.contains(&creator.fingerprint()) {
                return Err(Failure(format!(
                    "--roster does not list this identity ({}), which signs it: the creator of a roster must be one of its parties",
                    creator.fingerprint()
                )));
            }
            let entries = fingerprints
                .into_iter()
                .enumerate()
                .map(|(i, fingerprint)| RosterEntry { fingerprint, name: names.get(i).cloned() })
                .collect();
            Invite::rostered(&program.hash_hex(), m, signal, entries, &creator).map_err(|e| Failure(format!("--roster: {e}")))?
        }
    };
    let id = invite.session();
    let who = match invite.roster() {
        Some(roster) => format!(
            "only these parties may take a seat, in this order: {}",
            roster.fingerprints().iter().map(|f| f.to_string()).collect::<Vec<_>>().join(", ")
        ),
        None => "an open invite: anyone holding it can take a seat; every party confirms the parties before computing".to_string(),
    };
    Ok(format!(
        "Session: {id}\nProgram: {} ({m} parties, hash {})\nParties: {who}\nInvite:  {invite}\n\
         Each party (a browser, or this CLI) joins by invite: cohort party {} --invite '{invite}' --input NAME=VALUE …\n\
         The invite admits to the session: give it only to its parties.\n",
        program.name(),
        program.hash_hex(),
        path.display(),
    ))
}
