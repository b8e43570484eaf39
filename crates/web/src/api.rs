//! The operations the extension calls, as plain Rust over JSON text, so
//! they are tested natively; `bindings` exports them to JavaScript. Errors
//! are [`WebError`]s: a page code, a stable reason and a message.

use std::collections::BTreeMap;

use base64ct::{Base64, Encoding};
use cohort_channel::{AdmissionToken, Fingerprint, Identity, Invite, PublicKey, RosterEntry};
use cohort_program::{CheckedProgram, MAX_PLAN_BYTES, PlannedProgram, class_words, describe_input, privacy_words};
use serde_json::{Map, Value as Json, json};

use cohort_party::{Meeting, Party, Session};

use crate::error::{PageCode, WebError};

/// A fresh identity, in its storage form (secret: kept in extension storage).
pub fn generate_identity() -> Result<String, WebError> {
    Ok(Identity::generate()?.to_file())
}

fn identity(secret: &str) -> Result<Identity, WebError> {
    Identity::from_file(secret)
        .map_err(|e| WebError::new(PageCode::SessionFailed, "bad_identity", format!("the stored identity is unreadable: {e}")))
}

/// `{"key": HEX, "fingerprint": FP}` of a stored identity.
pub fn identity_info(secret: &str) -> Result<String, WebError> {
    let id = identity(secret)?;
    Ok(json!({"key": id.public().to_hex(), "fingerprint": id.fingerprint().to_string()}).to_string())
}

/// A fingerprint from a public key (64 hex digits) or a fingerprint.
pub fn parse_peer(text: &str) -> Result<String, WebError> {
    let text = text.trim();
    if let Ok(key) = PublicKey::from_hex(text) {
        return Ok(key.fingerprint().to_string());
    }
    Fingerprint::parse(text)
        .map(|f| f.to_string())
        .map_err(|e| WebError::params("bad_key", format!("`{text}` is neither a public key nor a fingerprint: {e}")))
}

/// Parses and checks a program (text or JSON form): its name, hash, party
/// counts, canonical text and the rendering shown for approval.
pub fn check_program(source: &str) -> Result<String, WebError> {
    let program = CheckedProgram::load(source)?;
    let parties = program.parties();
    Ok(json!({
        "name": program.name(),
        "hash": program.hash_hex(),
        "parties": {"min": parties.start(), "max": parties.end()},
        "canonical": program.canonical(),
        "rendering": program.render(),
    })
    .to_string())
}

/// A program's inputs for a session of `m` parties: `[{"name", "typed",
/// "role", "takes"}]` — typed by the participant in the approval window or
/// supplied by the page; `role` null for an input of every party, else its
/// role's name; `takes` what a value must be, in words.
fn inputs_of(program: &CheckedProgram, m: usize) -> Result<Json, WebError> {
    let plan = program.plan(m)?;
    let inputs = plan
        .inputs
        .iter()
        .map(|spec| {
            let role = match &spec.owner {
                cohort_program::Owner::Each => None,
                cohort_program::Owner::Role { role, .. } => Some(role.as_str()),
            };
            json!({"name": spec.name, "typed": spec.typed, "role": role, "takes": describe_input(spec)})
        })
        .collect();
    Ok(Json::Array(inputs))
}

/// What party `me` of a session of `m` parties with threshold `t` is asked
/// to approve, from the checked program (never from the page's words):
/// `{"privacy", "threshold", "reveals": [{"reveal", "to", "class",
/// "classWords", "what", "text", "pooled"}], "warnings": [SENTENCE]}`, where
/// a reveal's `pooled` says what the other parties could work out together
/// from it (or is null). With `me` unknown (`None`: an open session whose
/// seats are not taken yet), warnings and pooling speak of any party.
pub fn approval_view(source: &str, m: usize, t: usize, me: Option<usize>) -> Result<String, WebError> {
    Ok(approval_of(&CheckedProgram::load(source)?, m, t, me)?.to_string())
}

/// [`approval_view`] of a program already checked.
fn approval_of(program: &CheckedProgram, m: usize, t: usize, me: Option<usize>) -> Result<Json, WebError> {
    let disclosure = program.disclosure(m)?;
    let reveals: Vec<Json> = disclosure
        .reveals
        .iter()
        .map(|r| {
            json!({
                "reveal": r.reveal, "to": r.to, "class": r.class.code(), "classWords": class_words(r.class),
                "what": r.what, "text": r.text, "pooled": disclosure.pooled_of(r, me),
            })
        })
        .collect();
    let warnings: Vec<String> = disclosure.reveals.iter().flat_map(|r| disclosure.warnings_of(r, me)).collect();
    Ok(json!({"privacy": privacy_words(m, t), "threshold": t, "reveals": reveals, "warnings": warnings}))
}

/// A page's `checkProgram`: the program (text or JSON form) checked as the
/// extension checks it, and what a participant would be asked to approve
/// for a session of `parties` (default: the program's fewest, but at least
/// 3), said of any party: `{"name", "hash", "parties": {"min", "max"},
/// "rendering", "inputs", "approval"}`, `inputs` as `inputs_of` lists them
/// (for the program's fewest parties), `approval` as [`approval_view`] gives it, or
/// null when the program runs with no number of parties that has privacy
/// (at most 2) and `parties` was not given. A program that does not parse
/// or check is `INVALID_PROGRAM` with its position; a `parties` the program
/// does not run with is `INVALID_PROGRAM` (`party_count`), as is one it
/// unrolls to too large a plan for (`plan_too_large`), and fewer than 3
/// `INVALID_PARAMS` (`no_privacy`), as `createSession` says. Reads nothing
/// of the participant and stores nothing.
pub fn page_check_program(source: &str, parties: Option<usize>) -> Result<String, WebError> {
    let program = CheckedProgram::load(source)?;
    let allowed = program.parties();
    let m = match parties {
        Some(m) => {
            cohort_party::threshold(m, None, false)?;
            allows(&program, m)?;
            Some(m)
        }
        None => Some((*allowed.start()).max(3)).filter(|m| allowed.contains(m)),
    };
    let approval = match m {
        Some(m) => {
            host_plan(&program.planned(m)?)?;
            approval_of(&program, m, cohort_party::threshold(m, None, false)?, None)?
        }
        None => Json::Null,
    };
    Ok(json!({
        "name": program.name(),
        "hash": program.hash_hex(),
        "parties": {"min": allowed.start(), "max": allowed.end()},
        "rendering": program.render(),
        "inputs": inputs_of(&program, *allowed.start())?,
        "approval": approval,
    })
    .to_string())
}

/// The exact decimal text of every fixed-point (`secfxp`) output among
/// `outputs` (JSON `{NAME: VALUE}` as a party of `m` learned them):
/// `{NAME: "1.5"}`, a list of such strings for a vector or matrix. A
/// fixed-point output reaches a page as a number while JavaScript holds it
/// exactly, but a number's text is its shortest form, not the value's
/// decimal expansion (`0.100006103515625`, not `0.1000061035`); integer
/// outputs are exact as they are and are not listed.
pub fn exact_outputs(source: &str, m: usize, outputs: &str) -> Result<String, WebError> {
    let program = CheckedProgram::load(source)?;
    let plan = program.plan(m)?;
    let outputs: Map<String, Json> =
        serde_json::from_str(outputs).map_err(|e| WebError::params("bad_outputs", format!("outputs are a JSON object: {e}")))?;
    fn exact(value: &Json, frac: u32) -> Json {
        match value {
            Json::Array(items) => Json::Array(items.iter().map(|v| exact(v, frac)).collect()),
            // Beyond 2^53 the engine gave the exact digits already.
            Json::String(digits) => Json::String(digits.clone()),
            Json::Number(n) => {
                // The value is a multiple of 2^-frac below 2^53 of them, so this is exact.
                let scaled = n.as_f64().map(|x| x * 2f64.powi(frac as i32)).filter(|s| s.fract() == 0.0 && s.abs() < 2f64.powi(53));
                scaled.map_or_else(|| Json::String(n.to_string()), |s| Json::String(cohort_program::decimal(s as i128, frac)))
            }
            other => other.clone(),
        }
    }
    let exact: Map<String, Json> = plan
        .outputs
        .iter()
        .filter(|spec| spec.ty.frac() > 0)
        .filter_map(|spec| Some((spec.name.clone(), exact(outputs.get(&spec.name)?, spec.ty.frac()))))
        .collect();
    Ok(Json::Object(exact).to_string())
}

/// Checks one value party `me` would give for input `name` (JSON: a number,
/// a string holding a number's digits, or a list of them): its shape, type
/// and bounds, exactly; the error's reason is the program's input error
/// code (`input_out_of_range`, …) and its message says what the input takes.
pub fn check_input(source: &str, m: usize, me: usize, name: &str, value: &str) -> Result<(), WebError> {
    let program = CheckedProgram::load(source)?;
    let plan = program.plan(m)?;
    let spec = plan
        .inputs
        .iter()
        .find(|s| s.name == name && s.owner.includes(me))
        .ok_or_else(|| WebError::params("unknown_input", format!("party {me} provides no input `{name}`")))?;
    let value: Json =
        serde_json::from_str(value).map_err(|_| WebError::params("bad_inputs", format!("{name} takes {}", describe_input(spec))))?;
    spec.check_value(&value).map(|_| ()).map_err(|e| WebError::params(e.code.as_str(), e.message))
}

/// Fails unless `program` runs with `m` parties.
fn allows(program: &CheckedProgram, m: usize) -> Result<(), WebError> {
    let allowed = program.parties();
    if allowed.contains(&m) {
        return Ok(());
    }
    let message = format!("program `{}` runs with {} to {} parties, not {m}", program.name(), allowed.start(), allowed.end());
    Err(WebError::new(PageCode::InvalidProgram, "party_count", message))
}

/// A program planned for `parties` parties, for [`party_config`]: its
/// bytes ([`PlannedProgram::to_bytes`]) in base64. The background, which
/// checks and shows the program, plans it; the session host runs the plan,
/// so the host's module carries neither the parser nor the checker.
pub fn planned_program(source: &str, parties: usize) -> Result<String, WebError> {
    let program = CheckedProgram::load(source)?;
    allows(&program, parties)?;
    Ok(Base64::encode_string(&host_plan(&program.planned(parties)?)?))
}

/// The bytes of `program` for the session host, if it can be given them
/// ([`MAX_PLAN_BYTES`]): checked when a session is made or joined, before
/// anyone is asked to approve it.
fn host_plan(program: &PlannedProgram) -> Result<Vec<u8>, WebError> {
    let bytes = program.to_bytes();
    if bytes.len() <= MAX_PLAN_BYTES {
        return Ok(bytes);
    }
    let message = format!(
        "program `{}` unrolls, for {} parties, to a plan of {} MiB, more than the {} MiB a browser can run: use fewer or shorter constants and slices in loops",
        program.name(),
        program.parties(),
        bytes.len().div_ceil(1 << 20),
        MAX_PLAN_BYTES >> 20
    );
    Err(WebError::new(PageCode::InvalidProgram, "plan_too_large", message))
}

/// A seated party from the extension's JSON: `{"plan", "session",
/// "parties": [FP…], "me", "threshold"?, "inputs": {…}}`, `me` being the
/// seat of the identity that will run it and `plan` the program planned for
/// the parties ([`planned_program`]).
pub fn party_config(json: &str) -> Result<Party, WebError> {
    struct Raw {
        plan: String,
        session: String,
        parties: Vec<String>,
        me: usize,
        threshold: Option<usize>,
        inputs: BTreeMap<String, Json>,
    }
    let raw = Fields::read_text(json, &["plan", "session", "parties", "me", "threshold", "inputs"], |f| {
        Ok(Raw {
            plan: f.required("plan", TEXT)?,
            session: f.required("session", TEXT)?,
            parties: f.required("parties", TEXTS)?,
            me: f.required("me", COUNT)?,
            threshold: f.optional("threshold", COUNT)?,
            inputs: f.get("inputs", OBJECT)?.unwrap_or_default(),
        })
    })
    .map_err(|e| WebError::params("bad_config", format!("a malformed session configuration: {e}")))?;
    let bytes = Base64::decode_vec(&raw.plan).map_err(|_| WebError::params("malformed_plan", "the session's plan is not base64"))?;
    let program = PlannedProgram::from_bytes(&bytes).map_err(|e| WebError::params(e.code(), e.to_string()))?;
    let parties = session_parties(&raw.parties, raw.me)?;
    let me = parties[raw.me].clone();
    let session = Session::with_planned(&raw.session, program, parties.clone(), raw.threshold, false)?;
    Ok(session.seat(parties, &me, &raw.inputs)?)
}

/// A new session for a program (text or JSON) of `parties` parties at the
/// signal server `signal`: `{"session", "invite", "hash", "name", "open"}`.
/// With `roster` — JSON `[{"party": KEY_OR_FINGERPRINT, "name"?: TEXT}, …]`,
/// the expected parties in party order — the invite admits only them, and
/// is signed by the identity `secret` (which must be among them); without,
/// it is open.
pub fn new_session(source: &str, parties: usize, signal: &str, roster: Option<&str>, secret: Option<&str>) -> Result<String, WebError> {
    let program = CheckedProgram::load(source)?;
    allows(&program, parties)?;
    host_plan(&program.planned(parties)?)?;
    let invite = match roster {
        None => Invite::open(&program.hash_hex(), parties, signal)?,
        Some(roster) => {
            let secret = secret
                .ok_or_else(|| WebError::params("no_identity", "a roster is signed with the stored identity, which was not given"))?;
            let creator = identity(secret)?;
            let entries = serde_json::from_str::<Json>(roster)
                .map_err(|e| e.to_string())
                .and_then(|roster| {
                    let entries = roster.as_array().ok_or("not an array")?.iter().enumerate();
                    let entry = |(i, e)| {
                        Fields::read(e, &["party", "name"], |f| Ok((f.required("party", TEXT)?, f.optional("name", TEXT)?)))
                            .map_err(|e| format!("entry {i}: {e}"))
                    };
                    entries.map(entry).collect::<Result<Vec<_>, String>>()
                })
                .map_err(|e| WebError::params("bad_roster", format!("a roster is a JSON array of {{\"party\", \"name\"?}}: {e}")))?;
            let entries = entries
                .into_iter()
                .map(|(party, name)| Ok(RosterEntry { fingerprint: Fingerprint::parse(&parse_peer(&party)?)?, name }))
                .collect::<Result<Vec<_>, WebError>>()?;
            Invite::rostered(&program.hash_hex(), parties, signal, entries, &creator)?
        }
    };
    Ok(json!({
        "session": invite.session(),
        "invite": invite.to_string(),
        "hash": program.hash_hex(),
        "name": program.name(),
        "open": invite.is_open(),
    })
    .to_string())
}

/// An invite's fields as JSON: `{"session", "program", "parties", "signal",
/// "token", "open", "roster"}`, `roster` being `null` for an open invite or
/// `{"creator": FP, "parties": [{"fingerprint", "name"}]}` (party order),
/// its signature checked. Errors carry the [`cohort_channel::InviteError`]
/// code as their reason.
pub fn parse_invite(text: &str) -> Result<String, WebError> {
    let invite = Invite::parse(text)?;
    let roster = invite.roster().map(|r| {
        let parties: Vec<Json> = r.entries().iter().map(|e| json!({"fingerprint": e.fingerprint.to_string(), "name": e.name})).collect();
        json!({"creator": r.creator().fingerprint().to_string(), "parties": parties})
    });
    Ok(json!({
        "session": invite.session(),
        "program": invite.program(),
        "parties": invite.parties(),
        "signal": invite.signal(),
        "token": invite.token().to_hex(),
        "open": invite.is_open(),
        "roster": roster,
    })
    .to_string())
}

/// What joining by `invite` with `program` means, checked before meeting
/// anyone (the party runner's rules: the invite's program, a party count
/// the program allows, a threshold with privacy): `{"session", "signal",
/// "token", "parties", "threshold", "open", "roster", "program": {"name",
/// "hash", "canonical"}}`, `roster` as [`parse_invite`] gives it.
pub fn plan_join(invite_text: &str, source: &str) -> Result<String, WebError> {
    let invite = Invite::parse(invite_text)?;
    let mut fields: Json = serde_json::from_str(&parse_invite(invite_text)?).map_err(|e| WebError::params("bad_invite", e.to_string()))?;
    cohort_party::threshold(invite.parties(), None, false)?;
    let program = CheckedProgram::load(source)?;
    fields["program"] = json!({"name": program.name(), "hash": program.hash_hex(), "canonical": program.canonical()});
    let session = Session::from_invite(&invite, program, None, false)?;
    host_plan(session.program())?;
    fields["threshold"] = json!(session.threshold());
    Ok(fields.to_string())
}

/// The room of the extension's benchmark named `label`: `{"session",
/// "token"}`, a public admission token (anyone who knows the label can
/// join; the benchmark computes on made-up numbers).
pub fn bench_room(label: &str) -> String {
    let token = AdmissionToken::public(label);
    json!({"session": token.session(), "token": token.to_hex()}).to_string()
}

/// Checks party `me`'s inputs (a JSON object) against the program for `m`
/// parties: every input present, of its type, within its bounds; the
/// error's reason is the program's input error code (`missing_input`, …).
pub fn check_inputs(source: &str, m: usize, me: usize, inputs: &str) -> Result<(), WebError> {
    let program = CheckedProgram::load(source)?;
    let plan = program.plan(m)?;
    let given = match serde_json::from_str(inputs) {
        Ok(Json::Object(given)) => Ok(given.into_iter().collect()),
        Ok(_) => Err("not an object".to_string()),
        Err(e) => Err(e.to_string()),
    }
    .map_err(|e| WebError::params("bad_inputs", format!("inputs are a JSON object of NAME: value: {e}")))?;
    cohort_program::PartyInputs::new(&plan, me, &given).map(drop).map_err(|e| WebError::params(e.code.as_str(), e.to_string()))
}

/// What a benchmark party runs: who meets whom, the workloads, runs of each.
#[derive(Debug)]
pub struct BenchJob {
    /// The session's parties and this one's seat.
    pub meeting: Meeting,
    /// The workloads, in order.
    pub workloads: Vec<cohort_mpc::bench::Workload>,
    /// Runs of each; the fastest counts.
    pub runs: usize,
}

/// A benchmark party's configuration from the extension's JSON:
/// `{"session", "parties": [FP…], "me", "only"?: [NAME…], "runs"?}`.
pub fn bench_config(json: &str) -> Result<BenchJob, WebError> {
    struct Raw {
        session: String,
        parties: Vec<String>,
        me: usize,
        only: Vec<String>,
        runs: Option<usize>,
    }
    let raw = Fields::read_text(json, &["session", "parties", "me", "only", "runs"], |f| {
        Ok(Raw {
            session: f.required("session", TEXT)?,
            parties: f.required("parties", TEXTS)?,
            me: f.required("me", COUNT)?,
            only: f.get("only", TEXTS)?.unwrap_or_default(),
            runs: f.optional("runs", COUNT)?,
        })
    })
    .map_err(|e| WebError::params("bad_config", format!("a malformed benchmark configuration: {e}")))?;
    let parties = session_parties(&raw.parties, raw.me)?;
    if let Some(unknown) = raw.only.iter().find(|o| !cohort_mpc::bench::WORKLOADS.iter().any(|w| w.name == o.as_str())) {
        return Err(WebError::params("bad_config", format!("unknown workload `{unknown}`")));
    }
    let workloads =
        cohort_mpc::bench::WORKLOADS.iter().copied().filter(|w| raw.only.is_empty() || raw.only.iter().any(|o| o == w.name)).collect();
    let runs = raw.runs.unwrap_or(3).clamp(1, 100);
    // The benchmark computes on made-up numbers, so it runs without privacy too (2 parties).
    let threshold = cohort_party::threshold(parties.len(), None, true)?;
    let meeting = Meeting { session: raw.session, parties, me: raw.me, threshold, chunk: None };
    Ok(BenchJob { meeting, workloads, runs })
}

/// A session's parties (fingerprints, in party order), with `me` among them.
fn session_parties(parties: &[String], me: usize) -> Result<Vec<Fingerprint>, WebError> {
    let parties = parties
        .iter()
        .map(|p| Fingerprint::parse(p).map_err(|e| WebError::params("bad_config", format!("party `{p}`: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    if me >= parties.len() {
        return Err(WebError::params("bad_config", format!("party {me} is not among the session's {} parties", parties.len())));
    }
    Ok(parties)
}

/// A JSON object's fields, read by hand rather than by a derived
/// `Deserialize`: the derived code is bigger, and its errors (which print an
/// unexpected number, `1.5`) bring core's float formatting into the
/// WebAssembly. As with `deny_unknown_fields`, every field must be known.
struct Fields<'a>(&'a Map<String, Json>);

/// How a field is read: its value if of the field's type, and the type's name.
type Read<T> = (fn(&Json) -> Option<T>, &'static str);

const TEXT: Read<String> = (|v| v.as_str().map(str::to_string), "a string");
const TEXTS: Read<Vec<String>> = (|v| v.as_array()?.iter().map(|s| s.as_str().map(str::to_string)).collect(), "an array of strings");
const COUNT: Read<usize> = (|v| usize::try_from(v.as_u64()?).ok(), "a non-negative integer");
const OBJECT: Read<BTreeMap<String, Json>> = (|v| Some(v.as_object()?.iter().map(|(k, v)| (k.clone(), v.clone())).collect()), "an object");

impl<'a> Fields<'a> {
    /// `read` of the fields of `value`, an object whose fields are all `known`.
    fn read<T>(value: &'a Json, known: &[&str], read: impl FnOnce(&Fields<'a>) -> Result<T, String>) -> Result<T, String> {
        let map = value.as_object().ok_or("not a JSON object")?;
        match map.keys().find(|k| !known.contains(&k.as_str())) {
            Some(k) => Err(format!("unknown field `{k}`, expected one of `{}`", known.join("`, `"))),
            None => read(&Fields(map)),
        }
    }

    /// [`Fields::read`] of the JSON text `json`.
    fn read_text<T>(json: &str, known: &[&str], read: impl FnOnce(&Fields<'_>) -> Result<T, String>) -> Result<T, String> {
        let value: Json = serde_json::from_str(json).map_err(|e| e.to_string())?;
        Fields::read(&value, known, read)
    }

    /// Field `name`, or `None` if absent.
    fn get<T>(&self, name: &str, (read, what): Read<T>) -> Result<Option<T>, String> {
        self.0.get(name).map(|v| read(v).ok_or_else(|| format!("`{name}` must be {what}"))).transpose()
    }

    /// Field `name`, which must be present.
    fn required<T>(&self, name: &str, read: Read<T>) -> Result<T, String> {
        self.get(name, read)?.ok_or_else(|| format!("missing field `{name}`"))
    }

    /// Field `name`, or `None` if absent or null.
    fn optional<T>(&self, name: &str, read: Read<T>) -> Result<Option<T>, String> {
        if self.0.get(name).is_some_and(Json::is_null) { Ok(None) } else { self.get(name, read) }
    }
}
