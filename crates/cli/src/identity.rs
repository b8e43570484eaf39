//! `cohort identity new | show | export | import`: this machine's long-term
//! identity, kept in a file readable by its owner only.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use cohort_channel::{Fingerprint, Identity, PublicKey};

use crate::Failure;

/// The identity file: `--identity`, else `$COHORT_IDENTITY`, else
/// `~/.cohort/identity.json`.
pub(crate) fn path(given: Option<PathBuf>) -> Result<PathBuf, Failure> {
    if let Some(p) = given.or_else(|| std::env::var_os("COHORT_IDENTITY").map(PathBuf::from)) {
        return Ok(p);
    }
    let home = std::env::var_os("HOME").ok_or_else(|| Failure("no HOME: give the identity file with --identity".into()))?;
    Ok(PathBuf::from(home).join(".cohort").join("identity.json"))
}

/// Reads the identity file.
pub(crate) fn load(path: &Path) -> Result<Identity, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure(format!("cannot read the identity {}: {e} (create one with `cohort identity new`)", path.display())))?;
    Identity::from_file(&text).map_err(|e| Failure(format!("{}: {e}", path.display())))
}

/// Writes `identity` to `path` (owner-only permissions), refusing to
/// replace an existing identity unless `force`.
fn save(identity: &Identity, path: &Path, force: bool) -> Result<(), Failure> {
    if path.exists() && !force {
        return Err(Failure(format!("{} already holds an identity; add --force to replace it (its key is lost)", path.display())));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Failure(format!("cannot create {}: {e}", dir.display())))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| Failure(format!("cannot write {}: {e}", path.display())))?;
    file.write_all(identity.to_file().as_bytes()).map_err(|e| Failure(format!("cannot write {}: {e}", path.display())))
}

fn describe(identity: &Identity) -> String {
    format!("Fingerprint: {}\nPublic key:  {}\n", identity.fingerprint(), identity.public().to_hex())
}

/// The passphrase: from `file`, else `$COHORT_PASSPHRASE`, else a line of standard input.
fn passphrase(file: Option<&Path>) -> Result<String, Failure> {
    let phrase = if let Some(f) = file {
        std::fs::read_to_string(f)
            .map_err(|e| Failure(format!("cannot read {}: {e}", f.display())))?
            .trim_end_matches(['\r', '\n'])
            .to_string()
    } else if let Ok(p) = std::env::var("COHORT_PASSPHRASE") {
        p
    } else {
        eprint!("Passphrase: ");
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| Failure(format!("reading the passphrase: {e}")))?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    if phrase.is_empty() {
        return Err(Failure("an empty passphrase: give one with --passphrase-file, $COHORT_PASSPHRASE or on standard input".into()));
    }
    Ok(phrase)
}

/// `cohort identity new`.
pub(crate) fn new(path: &Path, force: bool) -> Result<String, Failure> {
    let identity = Identity::generate().map_err(|e| Failure(e.to_string()))?;
    save(&identity, path, force)?;
    Ok(format!("Created {}\n{}", path.display(), describe(&identity)))
}

/// `cohort identity show`.
pub(crate) fn show(path: &Path) -> Result<String, Failure> {
    Ok(describe(&load(path)?))
}

/// `cohort identity export`: the identity encrypted under a passphrase.
pub(crate) fn export(path: &Path, out: Option<&Path>, passphrase_file: Option<&Path>) -> Result<String, Failure> {
    let identity = load(path)?;
    let sealed = identity.export(&passphrase(passphrase_file)?).map_err(|e| Failure(e.to_string()))?;
    match out {
        None => Ok(sealed),
        Some(out) => {
            std::fs::write(out, sealed).map_err(|e| Failure(format!("cannot write {}: {e}", out.display())))?;
            Ok(format!("Exported {} to {}\n", identity.fingerprint(), out.display()))
        }
    }
}

/// `cohort identity import`: decrypts an export into the identity file.
pub(crate) fn import(path: &Path, from: &Path, passphrase_file: Option<&Path>, force: bool) -> Result<String, Failure> {
    let text = std::fs::read_to_string(from).map_err(|e| Failure(format!("cannot read {}: {e}", from.display())))?;
    let identity = Identity::import(&text, &passphrase(passphrase_file)?).map_err(|e| Failure(format!("{}: {e}", from.display())))?;
    save(&identity, path, force)?;
    Ok(format!("Imported into {}\n{}", path.display(), describe(&identity)))
}

/// A peer's identity as given on the command line or in a peers file: a
/// public key (64 hex digits) or a fingerprint.
pub(crate) fn parse_peer(s: &str) -> Result<Fingerprint, Failure> {
    let s = s.trim();
    if s.len() == 64 {
        return PublicKey::from_hex(s).map(|k| k.fingerprint()).map_err(|e| Failure(e.to_string()));
    }
    Fingerprint::parse(s).map_err(|e| Failure(format!("{e}; give a public key (64 hex digits) or a fingerprint")))
}

/// Reads a peers file: one line per party, in party order, `HOST:PORT KEY`
/// where KEY is a public key or a fingerprint; `#` starts a comment.
pub(crate) fn read_peers_file(path: &Path) -> Result<Vec<(String, Fingerprint)>, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| Failure(format!("cannot read {}: {e}", path.display())))?;
    text.lines()
        .enumerate()
        .map(|(n, line)| (n, line.split('#').next().unwrap_or("").trim()))
        .filter(|(_, line)| !line.is_empty())
        .map(|(n, line)| {
            let mut parts = line.split_whitespace();
            let (Some(addr), Some(key)) = (parts.next(), parts.next()) else {
                return Err(Failure(format!("{}:{}: write `HOST:PORT KEY` (a public key or a fingerprint)", path.display(), n + 1)));
            };
            let key = key.to_string() + &parts.collect::<Vec<_>>().join("");
            Ok((addr.to_string(), parse_peer(&key).map_err(|e| Failure(format!("{}:{}: {}", path.display(), n + 1, e.0)))?))
        })
        .collect()
}
