//! Between Rust and JavaScript, for the extension's two WebAssembly modules
//! (`cohort-worker`, `cohort-host`): errors become `Error` objects with the
//! [`WebError`]'s `code` (the page code), `reason` and message; structured
//! results and arguments are plain JavaScript objects, read and written as
//! JSON on the Rust side.

use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;

use crate::error::{PageCode, WebError};

/// A JavaScript `Error` carrying the page code and reason, and the
/// program's `line` and `column` (from 1) or the `party` (from 0) when the
/// error names one.
pub fn js_error(e: &WebError) -> JsValue {
    let error = js_sys::Error::new(&e.message);
    let _ = js_sys::Reflect::set(&error, &"code".into(), &e.code.number().into());
    let _ = js_sys::Reflect::set(&error, &"reason".into(), &e.reason.into());
    if let Some((line, column)) = e.position {
        let _ = js_sys::Reflect::set(&error, &"line".into(), &line.into());
        let _ = js_sys::Reflect::set(&error, &"column".into(), &column.into());
    }
    if let Some(party) = e.party {
        let _ = js_sys::Reflect::set(&error, &"party".into(), &(party as u32).into());
    }
    error.into()
}

/// A result with its error as a JavaScript `Error` ([`js_error`]).
pub fn js<T>(result: Result<T, WebError>) -> Result<T, JsValue> {
    result.map_err(|e| js_error(&e))
}

/// A JSON value as a JavaScript value.
pub fn to_js(value: &serde_json::Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap_or(JsValue::NULL)
}

/// A result of [`crate::api`] (JSON text) as a JavaScript object.
pub fn object_of(result: Result<String, WebError>) -> Result<JsValue, JsValue> {
    let json = js(result)?;
    js_sys::JSON::parse(&json).map_err(|_| js_error(&WebError::new(PageCode::SessionFailed, "internal", "unreadable JSON")))
}

/// A JavaScript value as JSON text for [`crate::api`] (`undefined` as `null`).
pub fn json_of(value: &JsValue) -> Result<String, JsValue> {
    if value.is_undefined() {
        return Ok("null".into());
    }
    js_sys::JSON::stringify(value)
        .map(String::from)
        .map_err(|_| js_error(&WebError::params("not_json", "a value that is not JSON (a cycle, or a BigInt)")))
}

/// What a thrown JavaScript value says: its text, or an `Error`'s message.
pub fn describe(e: &JsValue) -> String {
    match e.as_string() {
        Some(text) => text,
        None => match e.dyn_ref::<js_sys::Error>() {
            Some(error) => String::from(error.message()),
            None => format!("{e:?}"),
        },
    }
}
