//! The page error codes are defined once, in Rust: the extension's
//! `error-codes.js` and the provider library's `sdk/errors.js` are generated
//! from them and must be current.

use cohort_web::error::{PageCode, error_codes_script};

/// Checks that the generated file at `path` (from the repository's root) is
/// `content`; with `COHORT_BLESS` set, writes it first.
fn assert_generated(path: &str, content: &str) {
    let full = format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("COHORT_BLESS").is_some() {
        std::fs::write(&full, content).unwrap();
    }
    let on_disk = std::fs::read_to_string(&full).unwrap_or_default();
    assert!(on_disk == content, "{path} is stale: run `COHORT_BLESS=1 cargo test -p cohort-web --test all page_codes`");
}

#[test]
fn the_extensions_error_codes_are_generated_from_rust() {
    assert_generated("extension/error-codes.js", &error_codes_script());
}

/// The provider library's `errors.js`: the same codes, as an ES module.
fn sdk_errors_module() -> String {
    let mut js = String::from(
        "// Generated from crates/web/src/error.rs (PageCode) by\n\
         // `COHORT_BLESS=1 cargo test -p cohort-web --test all page_codes`: do not edit.\n\
         // The page API's error codes: a failed request rejects with a CohortError whose `code` is one of these.\n\
         export const ERRORS = Object.freeze({\n",
    );
    for code in PageCode::ALL {
        js.push_str(&format!("  {}: {},\n", code.name(), code.number()));
    }
    js.push_str("});\n");
    js
}

#[test]
fn the_sdks_error_codes_are_generated_from_rust() {
    assert_generated("extension/sdk/errors.js", &sdk_errors_module());
}

#[test]
fn the_codes_are_the_documented_numbers() {
    let numbers: Vec<(&str, i32)> = PageCode::ALL.iter().map(|c| (c.name(), c.number())).collect();
    assert_eq!(
        numbers,
        [
            ("USER_REJECTED", 4001),
            ("REQUEST_PENDING", 4002),
            ("UNAUTHORIZED", 4100),
            ("UNSUPPORTED_METHOD", 4200),
            ("INVALID_PROGRAM", 4300),
            ("PEER_UNREACHABLE", 4400),
            ("SESSION_FAILED", 4500),
            ("INTERRUPTED", 4600),
            ("INVALID_PARAMS", -32602),
        ]
    );
}

#[test]
fn every_announced_method_is_one_a_page_can_call() {
    use cohort_web::requests::{METHODS, page_request};
    for method in METHODS {
        let answer = page_request(method, "null");
        // Accepted, or refused only for a missing parameter: never an unsupported method.
        assert!(answer.as_ref().map_or_else(|e| e.reason == "bad_params", |_| true), "{method}: {answer:?}");
    }
    assert_eq!(page_request("transfer", "null").unwrap_err().code, PageCode::UnsupportedMethod);
}
