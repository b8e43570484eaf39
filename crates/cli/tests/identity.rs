//! `cohort identity`: creating, showing, exporting and importing an identity,
//! with clear errors for a missing file, an existing identity, a wrong
//! passphrase and a damaged export.

use std::process::{Command, Output, Stdio};

fn cohort(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cohort")).args(args).envs(env.iter().copied()).stdin(Stdio::null()).output().expect("cohort runs")
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn fails_with(out: &Output, expected: &str) {
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(expected), "expected {expected:?} in: {stderr}");
}

/// A path under this run's own directory, which starts empty: process ids
/// are reused, and an identity left by an earlier run would make `identity
/// new` refuse.
fn temp(name: &str) -> String {
    static DIR: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("cohort-identity-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    });
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("a directory")).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn new_show_export_import() {
    let path = temp("a/identity.json");
    let created = ok(&cohort(&["identity", "new", "--identity", &path], &[]));
    let fp = created.lines().find_map(|l| l.strip_prefix("Fingerprint: ")).unwrap().to_string();
    let shown = ok(&cohort(&["identity", "show", "--identity", &path], &[]));
    assert!(shown.contains(&fp) && shown.contains("Public key:  "), "{shown}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600, "owner-only");
    }
    fails_with(&cohort(&["identity", "new", "--identity", &path], &[]), "already holds an identity");

    let export = temp("export.json");
    let pass = [("COHORT_PASSPHRASE", "a long passphrase")];
    ok(&cohort(&["identity", "export", "--identity", &path, "--out", &export], &pass));
    let imported = temp("b/identity.json");
    fails_with(&cohort(&["identity", "import", &export, "--identity", &imported], &[("COHORT_PASSPHRASE", "wrong")]), "wrong passphrase");
    let pass_file = temp("pass.txt");
    std::fs::write(&pass_file, "a long passphrase\n").unwrap();
    let out = ok(&cohort(&["identity", "import", &export, "--identity", &imported, "--passphrase-file", &pass_file], &[]));
    assert!(out.contains(&fp), "{out}");
    assert_eq!(ok(&cohort(&["identity", "show", "--identity", &imported], &[])), shown);
}

#[test]
fn identity_errors() {
    fails_with(&cohort(&["identity", "show", "--identity", "/nonexistent/identity.json"], &[]), "cohort identity new");
    let garbage = temp("garbage.json");
    std::fs::write(&garbage, "not an identity").unwrap();
    fails_with(&cohort(&["identity", "show", "--identity", &garbage], &[]), "bad identity file");
    fails_with(
        &cohort(&["identity", "import", &garbage, "--identity", &temp("c.json")], &[("COHORT_PASSPHRASE", "x")]),
        "not an identity export",
    );
    let path = temp("d.json");
    ok(&cohort(&["identity", "new", "--identity", &path], &[]));
    fails_with(&cohort(&["identity", "export", "--identity", &path], &[]), "empty passphrase");
}
