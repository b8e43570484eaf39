// Generated from crates/web/src/error.rs (PageCode) by
// `COHORT_BLESS=1 cargo test -p cohort-web --test all page_codes`: do not edit.
// The page API's error codes: a failed request rejects with a CohortError whose `code` is one of these.
export const ERRORS = Object.freeze({
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
