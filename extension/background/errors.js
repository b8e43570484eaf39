// @ts-check
// The error codes a page's requests fail with (inpage.js exposes the same
// table to pages as `window.cohort.errors`).

export const ERR = Object.freeze({
  USER_REJECTED: 4001, REQUEST_PENDING: 4002, UNAUTHORIZED: 4100, UNSUPPORTED_METHOD: 4200,
  INVALID_PROGRAM: 4300, PEER_UNREACHABLE: 4400, SESSION_FAILED: 4500, INVALID_PARAMS: -32602,
});

/** An error a page receives as `{code, message}`. */
export class PageError extends Error {
  /**
   * @param {number} code one of ERR
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}
