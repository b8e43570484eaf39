// @ts-check
// Cohort's provider library for sites: finds the Cohort extension in the
// page, wraps its page API in typed calls, and makes and reads invite links.
// An ES module with no dependencies; types in cohort.d.ts. See README.md.

import { ERRORS } from './errors.js';

export { ERRORS };

/** The fragment key an invite link carries its invite under. */
export const INVITE_KEY = 'cohort-invite';
/** The fragment key an invite link may carry the program under (deflated, base64url). */
export const PROGRAM_KEY = 'program';

/** An error of the page API: `code` is one of ERRORS, `data.reason` (when given) names the cause. */
export class CohortError extends Error {
  /**
   * @param {number} code
   * @param {string} message
   * @param {unknown} [data]
   */
  constructor(code, message, data) {
    super(message);
    this.name = 'CohortError';
    this.code = code;
    this.data = data;
  }
}

/**
 * Finds the Cohort provider: the `cohort:announceProvider` event (asked for
 * with `cohort:requestProvider`), else `window.cohort`. Resolves to a
 * `Cohort`, or to null when no provider answered within `timeout` ms (the
 * extension is not installed or not enabled for this page, or the page is
 * in an iframe, where the extension does not run).
 * @param {{timeout?: number, window?: Window}} [options]
 * @returns {Promise<Cohort | null>}
 */
export function discover({ timeout = 1000, window: w = globalThis.window } = {}) {
  return new Promise((resolve) => {
    /** @param {any} provider */
    const found = (provider) => {
      if (!provider || typeof provider.request !== 'function') return;
      w.removeEventListener('cohort:announceProvider', onAnnounce);
      clearTimeout(timer);
      resolve(new Cohort(provider));
    };
    /** @param {Event} e */
    const onAnnounce = (e) => {
      const detail = /** @type {CustomEvent} */ (e).detail;
      if (detail?.provider && detail.info) providerInfo.set(detail.provider, detail.info);
      found(detail?.provider);
    };
    const timer = setTimeout(() => {
      w.removeEventListener('cohort:announceProvider', onAnnounce);
      const global = /** @type {any} */ (w).cohort;
      resolve(global && global.isCohort ? new Cohort(global) : null);
    }, timeout);
    w.addEventListener('cohort:announceProvider', onAnnounce);
    w.dispatchEvent(new Event('cohort:requestProvider'));
  });
}

/** The info each provider announced with itself. @type {WeakMap<object, any>} */
const providerInfo = new WeakMap();

/**
 * A provider's error as a CohortError (any other error is passed on as it is).
 * @param {any} e
 */
function asCohortError(e) {
  if (e instanceof CohortError) return e;
  if (e && Number.isSafeInteger(e.code)) return new CohortError(e.code, e.message, e.data);
  return e;
}

/** The page API of one provider, with a method per request. */
export class Cohort {
  /** @param {any} provider `window.cohort`, or a provider an announcement carried */
  constructor(provider) {
    /** The provider itself, for anything this library does not wrap. */
    this.provider = provider;
  }

  /** What the provider announced: name, rdns, uuid, and (where the extension gives them) icon, version, methods. */
  get info() {
    return providerInfo.get(this.provider) ?? this.provider.info ?? null;
  }

  /**
   * Sends one request.
   * @param {string} method
   * @param {object} [params]
   */
  async request(method, params) {
    try {
      return await this.provider.request(params === undefined ? { method } : { method, params });
    } catch (e) {
      throw asCohortError(e);
    }
  }

  /** Asks the participant to connect this site (the first time); resolves to their public identity. */
  connect() { return this.request('connect'); }

  /** The participant's public identity (the site must be connected). */
  identity() { return this.request('identity'); }

  /** @param {{program: string, parties?: number}} params */
  checkProgram(params) { return this.request('checkProgram', params); }

  /** @param {{program: string, parties: number, signal?: string, roster?: {party: string, name?: string}[]}} params */
  createSession(params) { return this.request('createSession', params); }

  /** @param {{invite: string, program: string, inputs?: Record<string, unknown>, timeout?: number}} params */
  joinSession(params) { return this.request('joinSession', params); }

  /** @param {string} session */
  status(session) { return this.request('status', { session }); }

  /** @param {string} session */
  result(session) { return this.request('result', { session }); }

  /** @param {string} session */
  cancel(session) { return this.request('cancel', { session }); }

  disconnect() { return this.request('disconnect'); }

  /**
   * Listens to an event (`session`, `connect`, `identityChanged`,
   * `disconnect`); returns a function that stops listening. The provider
   * keeps the listener across the extension's restarts.
   * @param {string} event
   * @param {(data: any) => void} handler
   * @returns {() => void}
   */
  on(event, handler) {
    this.provider.on(event, handler);
    return () => this.provider.removeListener(event, handler);
  }

  /**
   * Follows one session: calls `handler` with its status now (so nothing is
   * missed between joining and listening) and on every change, until it
   * ends. Returns a function that stops following.
   * @param {string} session
   * @param {(status: any) => void} handler
   * @returns {() => void}
   */
  watch(session, handler) {
    let last = '';
    /** @param {any} status */
    const seen = (status) => {
      if (!status || status.session !== session) return;
      const text = JSON.stringify(status);
      if (text === last) return;
      last = text;
      handler(status);
    };
    const stop = this.on('session', seen);
    this.status(session).then(seen, () => {});
    return stop;
  }
}

/** @param {Uint8Array} bytes */
function base64url(bytes) {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** @param {string} text */
function fromBase64url(text) {
  const plain = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(plain, (c) => c.charCodeAt(0));
}

/**
 * @param {Uint8Array} bytes
 * @param {CompressionStream | DecompressionStream} stream
 */
async function through(bytes, stream) {
  const out = new Blob([/** @type {BlobPart} */ (bytes)]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

/** The most bytes a program in a link may inflate to (a link is no place for a big program). */
const PROGRAM_LIMIT = 1 << 20;

/**
 * A link to `base` (default: this page, without its fragment) that carries
 * `invite` in its fragment, which browsers never send to the site's server;
 * with `program`, the program's text too (deflated), so that a page that
 * knows no programs can join.
 * @param {string} invite
 * @param {{base?: string, program?: string}} [options]
 * @returns {Promise<string>}
 */
export async function inviteLink(invite, { base = globalThis.location?.href ?? '', program } = {}) {
  const fragment = new URLSearchParams({ [INVITE_KEY]: invite });
  if (program !== undefined) {
    const deflated = await through(new TextEncoder().encode(program), new CompressionStream('deflate-raw'));
    fragment.set(PROGRAM_KEY, base64url(deflated));
  }
  return `${base.split('#')[0]}#${fragment}`;
}

/**
 * The invite (and program, if any) a link carries, or null if it carries
 * none. Rejects with INVALID_PARAMS if the program in it is damaged.
 * @param {string} [link] default: this page's address
 * @returns {Promise<{invite: string, program: string | null} | null>}
 */
export async function readInviteLink(link = globalThis.location?.href ?? '') {
  const at = link.indexOf('#');
  if (at < 0) return null;
  const fragment = new URLSearchParams(link.slice(at + 1));
  const invite = fragment.get(INVITE_KEY);
  if (!invite) return null;
  const packed = fragment.get(PROGRAM_KEY);
  if (packed === null) return { invite, program: null };
  try {
    const bytes = await through(fromBase64url(packed), new DecompressionStream('deflate-raw'));
    if (bytes.length > PROGRAM_LIMIT) throw new Error('too long');
    return { invite, program: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    throw new CohortError(ERRORS.INVALID_PARAMS, 'the program in this invite link is damaged: ask for the link again', { reason: 'bad_link' });
  }
}

/**
 * Calls `handler` with the invite of this page's address now, if it
 * carries one, and whenever the fragment changes to one that does (a
 * link opened in a tab that already shows the page only changes its
 * fragment). Returns a function that stops listening.
 * @param {(found: {invite: string, program: string | null}) => void} handler
 * @param {{window?: Window, onError?: (error: CohortError) => void}} [options]
 * @returns {() => void}
 */
export function onInviteLink(handler, { window: w = globalThis.window, onError = () => {} } = {}) {
  let last = '';
  const check = () => {
    const href = w.location.href;
    if (href === last) return;
    last = href;
    readInviteLink(href).then((found) => { if (found) handler(found); }, onError);
  };
  w.addEventListener('hashchange', check);
  check();
  return () => w.removeEventListener('hashchange', check);
}
