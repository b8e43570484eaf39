// @ts-check
// The error codes a page's requests fail with: defined in Rust
// (crates/web/src/error.rs) and generated into ../error-codes.js, which
// inpage.js also exposes to pages as `window.cohort.errors`.

import '../error-codes.js';

export const ERR = /** @type {Readonly<Record<string, number>>} */ (globalThis.COHORT_ERRORS);

/** An error a page receives as `{code, message}`. */
export class PageError extends Error {
  /**
   * @param {number} code one of ERR
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.code = code;
    /** @type {string | undefined} the cause, stable, when the WebAssembly named it */
    this.reason = undefined;
  }
}

/**
 * A page error from an error the WebAssembly threw (which carries its page
 * `code` and `reason`), or from any other error with the `fallback` code.
 * @param {any} e
 * @param {number} fallback one of ERR
 * @returns {PageError}
 */
export function pageError(e, fallback) {
  if (e instanceof PageError) return e;
  const error = new PageError(Number.isSafeInteger(e?.code) ? e.code : fallback, e?.message || String(e));
  if (typeof e?.reason === 'string') error.reason = e.reason;
  return error;
}
