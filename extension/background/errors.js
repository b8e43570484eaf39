// @ts-check
// The error codes a page's requests fail with: defined in Rust
// (crates/web/src/error.rs) and generated into ../error-codes.js, which
// inpage.js also exposes to pages as `window.cohort.errors`.

import '../error-codes.js';

export const ERR = /** @type {Readonly<Record<string, number>>} */ (globalThis.COHORT_ERRORS);

/**
 * What a page error says beyond its code and message (the page sees it as
 * `error.data`): the stable `reason`, and where the error names them the
 * program's `line` and `column` (from 1) or the `party` (from 0).
 * @typedef {{reason?: string, line?: number, column?: number, party?: number}} ErrorData
 */

/** An error a page receives as `{code, message, data}`. */
export class PageError extends Error {
  /**
   * @param {number} code one of ERR
   * @param {string} message
   * @param {string} [reason] the cause, stable (see the table in docs/extension.md)
   */
  constructor(code, message, reason) {
    super(message);
    this.code = code;
    /** @type {string | undefined} the cause, stable */
    this.reason = reason;
    /** @type {{line?: number, column?: number, party?: number}} */
    this.detail = {};
  }

  /** What the page sees as `error.data`. @returns {ErrorData} */
  get data() {
    return { ...(this.reason === undefined ? {} : { reason: this.reason }), ...this.detail };
  }
}

/**
 * A page error from an error the WebAssembly threw (which carries its page
 * `code` and `reason`, and `line`, `column` or `party` when it names them),
 * or from any other error with the `fallback` code.
 * @param {any} e
 * @param {number} fallback one of ERR
 * @returns {PageError}
 */
export function pageError(e, fallback) {
  if (e instanceof PageError) return e;
  const error = new PageError(Number.isSafeInteger(e?.code) ? e.code : fallback, e?.message || String(e));
  if (typeof e?.reason === 'string') error.reason = e.reason;
  for (const key of /** @type {const} */ (['line', 'column', 'party'])) {
    if (Number.isSafeInteger(e?.[key])) error.detail[key] = e[key];
  }
  return error;
}
