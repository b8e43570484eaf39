// Generated from crates/web/src/error.rs (PageCode) by
// `COHORT_BLESS=1 cargo test -p cohort-web --test all page_codes`: do not edit.
// The page API's error codes, one table for every context of the extension.
globalThis.COHORT_ERRORS = Object.freeze({
  USER_REJECTED: 4001,
  REQUEST_PENDING: 4002,
  UNAUTHORIZED: 4100,
  UNSUPPORTED_METHOD: 4200,
  INVALID_PROGRAM: 4300,
  PEER_UNREACHABLE: 4400,
  SESSION_FAILED: 4500,
  INTERRUPTED: 4600,
  INVALID_PARAMS: -32602,
});
// The page API's methods (crates/web/src/requests.rs, METHODS), announced as the provider's info.methods.
globalThis.COHORT_METHODS = Object.freeze(['connect', 'identity', 'checkProgram', 'createSession', 'joinSession', 'status', 'result', 'cancel', 'disconnect']);
