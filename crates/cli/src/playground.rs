//! The playground `cohort signal` serves at `/`: a page where anyone with
//! the extension writes or picks a program, sees what its participants
//! will be asked to approve, creates a session and shares the invite as a
//! link and a QR code, then follows it to the result. Its files are
//! compiled in (crates/cli/playground, the provider library of
//! extension/sdk, the example programs), so the binary is the whole site.

use cohort_signal::server::{Asset, Site};
use serde_json::json;

use crate::examples::EXAMPLES;

const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";

/// The playground's files.
pub(crate) fn site() -> Site {
    Site::new([
        Asset::embedded("/", HTML, include_bytes!("../playground/index.html")),
        Asset::embedded("/playground.js", JS, include_bytes!("../playground/playground.js")),
        Asset::embedded("/playground.css", "text/css; charset=utf-8", include_bytes!("../playground/playground.css")),
        // qrcode-generator 2.0.4 (MIT, Kazuhiko Arase), unchanged.
        Asset::embedded("/qrcode.mjs", JS, include_bytes!("../playground/qrcode.mjs")),
        Asset::embedded("/sdk/cohort.js", JS, include_bytes!("../../../extension/sdk/cohort.js")),
        Asset::embedded("/sdk/errors.js", JS, include_bytes!("../../../extension/sdk/errors.js")),
        Asset::embedded("/icon.png", "image/png", include_bytes!("../../../extension/icons/icon-48.png")),
        Asset { path: "/examples.json".into(), content_type: "application/json", body: examples_json().into_bytes().into() },
    ])
}

/// The example programs, with the inputs the page supplies for each party
/// in `examples/NAME.inputs.json` (typed inputs are the participant's).
fn examples_json() -> String {
    let list: Vec<serde_json::Value> = EXAMPLES
        .iter()
        .map(|e| {
            let title =
                cohort_program::CheckedProgram::load(e.program).map(|p| p.name().to_string()).unwrap_or_else(|_| e.name.to_string());
            let inputs: serde_json::Value = serde_json::from_str(e.inputs).unwrap_or(serde_json::Value::Null);
            json!({"name": e.name, "title": title, "program": e.program, "inputs": inputs})
        })
        .collect();
    serde_json::Value::Array(list).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_is_listed_with_its_title() {
        let list: Vec<serde_json::Value> = serde_json::from_str(&examples_json()).unwrap();
        assert_eq!(list.len(), EXAMPLES.len());
        assert_eq!(list[0]["name"], "average_salary");
        assert_eq!(list[0]["title"], "Average salary");
    }

    #[test]
    fn the_page_and_its_scripts_are_served() {
        let site = site();
        for path in ["/", "/playground.js", "/playground.css", "/qrcode.mjs", "/sdk/cohort.js", "/sdk/errors.js", "/examples.json"] {
            assert!(site.get(path).is_some_and(|f| !f.body.is_empty()), "{path}");
        }
    }
}
