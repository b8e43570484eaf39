//! `cohort check | run | party`: programs in the language of
//! `cohort-program`, checked, run by local parties, or run as one party of
//! a session across machines.

use std::collections::BTreeMap;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use cohort_channel::{Fingerprint, Identity, Invite, SecureMesh, Transcript};
use cohort_mpc::{Blocking, Config, PartyId, Session, Transport, block_on, run_blocking};
use cohort_net::{MeshConfig, TcpMesh};
use cohort_program::{CheckedProgram, Outputs, PartyInputs, Plan};
use cohort_signal::Endpoint;
use cohort_signal::client::RelayTransport;
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
/// input names to numbers (or arrays of numbers for vector inputs).
pub(crate) fn read_inputs(path: &Path) -> Result<Vec<BTreeMap<String, Json>>, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| Failure(format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| {
        Failure(format!(
            "{}: not an inputs file ({e}); expected one object per party, as [{{\"salary\": 52000}}, {{\"salary\": 61000}}]",
            path.display()
        ))
    })
}

/// The plan for `m` parties and every party's checked inputs.
fn prepare(
    path: &Path,
    program: &CheckedProgram,
    m: usize,
    inputs: &[BTreeMap<String, Json>],
) -> Result<(Arc<Plan>, Vec<PartyInputs>), Failure> {
    let plan = program.plan(m).map_err(|e| Failure(format!("{}: {e}", path.display())))?;
    let prepared = inputs
        .iter()
        .enumerate()
        .map(|(i, given)| PartyInputs::new(&plan, i, given).map_err(|e| Failure(format!("{}: party {i}: {e}", path.display()))))
        .collect::<Result<_, _>>()?;
    Ok((Arc::new(plan), prepared))
}

/// `cohort run`: every party on this machine over TCP loopback.
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
    let (plan, prepared) = prepare(path, &program, m, &given)?;
    let prepared = Arc::new(prepared);
    let results = launch::run_parties(m, crate::threshold(m, threshold, no_privacy)?, program.hash(), move |id| {
        let (plan, prepared) = (plan.clone(), prepared.clone());
        move |rt: std::rc::Rc<cohort_mpc::Runtime>| async move { Ok(cohort_program::run(&plan, &rt, &prepared[id]).await) }
    })?;
    let outputs = results.into_iter().collect::<Result<Vec<_>, _>>().map_err(|e| Failure(format!("{}: {e}", path.display())))?;
    Ok(outputs.iter().enumerate().map(|(i, o)| show(i, o, json)).collect())
}

/// One party's outputs: a JSON line, or `party I: name = value, …`.
fn show(party: PartyId, outputs: &Outputs, json: bool) -> String {
    if json {
        return format!("{{\"party\": {party}, \"outputs\": {}}}\n", serde_json::json!(outputs));
    }
    let items: Vec<String> = outputs.iter().map(|(k, v)| format!("{k} = {v}")).collect();
    format!("party {party}: {}\n", if items.is_empty() { "(learns nothing)".to_string() } else { items.join(", ") })
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
    let plan = program.plan(m).map_err(|e| Failure(format!("{}: {e}", o.path.display())))?;
    let inputs = PartyInputs::new(&plan, o.id, &given).map_err(|e| Failure(format!("{}: {e}", o.path.display())))?;
    let t = crate::threshold(m, o.threshold, o.no_privacy)?;
    let config = Config { parties: m, threshold: t, id: o.id, seed: None, prss: true };
    config.validate()?;
    let fingerprints: Vec<Fingerprint> = o.peers.iter().map(|(_, f)| f.clone()).collect();
    if fingerprints[o.id] != o.identity.fingerprint() {
        return Err(Failure(format!(
            "this party's identity has fingerprint {}, but the peers list gives party {} the key {}",
            o.identity.fingerprint(),
            o.id,
            fingerprints[o.id]
        )));
    }
    // The program and threshold are agreed inside the channels (see `compute`).
    let transcript = Transcript::meeting(o.session, fingerprints.clone());
    let outputs = match o.signal {
        Some(server) => {
            let relay = RelayTransport::connect(server, o.identity, o.session, fingerprints, o.id, o.timeout)?;
            compute(relay, &program, o.path, o.identity, &config, &transcript, plan, inputs)?
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
            let mesh = TcpMesh::connect(o.id, &addrs, Some(listener), &mesh_config)?;
            compute(mesh, &program, o.path, o.identity, &config, &transcript, plan, inputs)?
        }
    };
    Ok(show(o.id, &outputs, o.json))
}

/// Opens the secure channels of the session `transcript` (a
/// [`Transcript::meeting`]), agrees on the program, party count and
/// threshold with every peer inside them, and runs this party's session.
#[allow(clippy::too_many_arguments)]
fn compute<T: Transport>(
    transport: T,
    program: &CheckedProgram,
    path: &Path,
    identity: &Identity,
    config: &Config,
    transcript: &Transcript,
    plan: Plan,
    inputs: PartyInputs,
) -> Result<Outputs, Failure> {
    let mut mesh = SecureMesh::establish(transport, config.id, identity, transcript)?;
    block_on(cohort_program::agree(&mut Blocking(&mut mesh), program, config.id, config.parties, config.threshold))
        .map_err(|e| Failure(e.to_string()))?;
    let mut session = Session::new(config, move |rt| async move { Ok(cohort_program::run(&plan, &rt, &inputs).await) })?;
    run_blocking(&mut session, &mut mesh)?.map_err(|e| Failure(format!("{}: {e}", path.display())))
}

/// `--input NAME=VALUE` arguments as a map of JSON values.
fn parse_inputs(inputs: &[String]) -> Result<BTreeMap<String, Json>, Failure> {
    inputs
        .iter()
        .map(|kv| {
            let (name, value) =
                kv.split_once('=').ok_or_else(|| Failure(format!("--input {kv}: write NAME=VALUE, as salary=52000 or set=[1,2,3]")))?;
            let value: Json = serde_json::from_str(value)
                .map_err(|_| Failure(format!("--input {kv}: the value must be a number or a list of numbers, as 52000 or [1,2,3]")))?;
            Ok((name.to_string(), value))
        })
        .collect()
}

/// `cohort party FILE --invite …`: this machine's party of a session joined
/// by invite, meeting the others (browsers included) in the invite's open
/// room and relaying through its signal server. Party numbers follow the
/// parties' fingerprints.
#[allow(clippy::too_many_arguments)]
pub(crate) fn party_by_invite(
    path: &Path,
    invite: &Invite,
    server: &Endpoint,
    identity: &Identity,
    threshold: Option<usize>,
    no_privacy: bool,
    inputs: &[String],
    timeout: Duration,
    json: bool,
) -> Result<String, Failure> {
    let program = load(path)?;
    if program.hash_hex() != invite.program {
        return Err(Failure(format!(
            "{} is not the invite's program: its hash is {}, the invite's {}",
            path.display(),
            program.hash_hex(),
            invite.program
        )));
    }
    let m = invite.parties;
    let plan = program.plan(m).map_err(|e| Failure(format!("{}: {e}", path.display())))?;
    let given = parse_inputs(inputs)?;
    // Before meeting anyone: the inputs must suit some party of the session.
    let unsuitable: Option<Vec<_>> = (0..m).map(|i| PartyInputs::new(&plan, i, &given).err()).collect();
    if let Some(errors) = unsuitable {
        return Err(Failure(format!("{}: {}", path.display(), errors[0])));
    }
    let t = crate::threshold(m, threshold, no_privacy)?;
    let (relay, fingerprints, id) = RelayTransport::connect_open(server, identity, &invite.session, m, timeout)?;
    let inputs = PartyInputs::new(&plan, id, &given).map_err(|e| Failure(format!("{} (as party {id}): {e}", path.display())))?;
    let config = Config { parties: m, threshold: t, id, seed: None, prss: true };
    config.validate()?;
    let transcript = Transcript::meeting(&invite.session, fingerprints);
    let outputs = compute(relay, &program, path, identity, &config, &transcript, plan, inputs)?;
    Ok(show(id, &outputs, json))
}

/// `cohort session new`: a fresh session id (128 random bits) and the
/// invite naming the session, the program's hash, the number of parties
/// and the signal server.
pub(crate) fn new_session(path: &Path, signal: &str, parties: Option<usize>) -> Result<String, Failure> {
    let program = load(path)?;
    let allowed = program.parties();
    let m = parties.unwrap_or(*allowed.start());
    if !allowed.contains(&m) {
        return Err(Failure(format!("--parties {m}: {} runs with {} to {} parties", path.display(), allowed.start(), allowed.end())));
    }
    program.plan(m).map_err(|e| Failure(format!("{}: {e}", path.display())))?;
    let invite = Invite::new(&program.hash_hex(), m, signal).map_err(|e| Failure(format!("--signal: {e}")))?;
    let id = &invite.session;
    Ok(format!(
        "Session: {id}\nProgram: {} ({m} parties, hash {})\nInvite:  {invite}\n\
         Each party (a browser, or this CLI) joins by invite: cohort party {} --invite '{invite}' --input NAME=VALUE …\n\
         Parties that know each other's keys can instead run: cohort party {} --session {id} --signal {signal} --keys KEY0,KEY1,… --id I …\n",
        program.name(),
        program.hash_hex(),
        path.display(),
        path.display(),
    ))
}
