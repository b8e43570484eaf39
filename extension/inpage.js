// @ts-check
// The provider a page sees: `window.cohort`, also announced with the
// `cohort:announceProvider` event (answering `cohort:requestProvider`), so
// several providers can coexist, as in EIP-6963. Runs in the page's world;
// it holds nothing secret and talks to the extension only through the
// content script, with window messages on the page's own origin.
(() => {
  'use strict';
  const page = /** @type {Window & {cohort?: {isCohort?: boolean}}} */ (window);
  // error-codes.js and the provider's info, prepended by the build, leave the codes, the methods, the
  // version and the icon on the page's global object: taken, and cleared away.
  const ERRORS = /** @type {Readonly<Record<string, number>>} */ (globalThis.COHORT_ERRORS);
  const METHODS = /** @type {readonly string[]} */ (globalThis.COHORT_METHODS ?? []);
  const BUILT = globalThis.COHORT_PROVIDER ?? { version: '', icon: '' };
  delete globalThis.COHORT_ERRORS;
  delete globalThis.COHORT_METHODS;
  delete globalThis.COHORT_PROVIDER;
  if (page.cohort && page.cohort.isCohort) return;
  const CHANNEL = 'cohort-provider-v1';
  const target = window.origin === 'null' ? '*' : window.origin;
  const pending = new Map();
  const listeners = new Map();
  let nextId = 1;

  class CohortError extends Error {
    constructor(code, message, data) {
      super(message);
      this.name = 'CohortError';
      this.code = code;
      if (data !== undefined) this.data = data;
    }
  }

  window.addEventListener('message', (event) => {
    const msg = event.data;
    if (event.source !== window || !msg || msg.channel !== CHANNEL || msg.dir !== 'to-page') return;
    if (msg.kind === 'reply') {
      const waiter = pending.get(msg.id);
      if (!waiter) return;
      pending.delete(msg.id);
      if (msg.error) waiter.reject(new CohortError(msg.error.code, msg.error.message, msg.error.data));
      else waiter.resolve(msg.result);
    } else if (msg.kind === 'event' && typeof msg.event === 'string') {
      for (const handler of listeners.get(msg.event) || []) {
        try { handler(msg.data); } catch (e) { setTimeout(() => { throw e; }); }
      }
    }
  });

  /**
   * A random (version 4) UUID. crypto.randomUUID exists only in secure
   * contexts, and a plain http:// page of a public host is not one: the
   * provider must not fail there.
   */
  function uuid() {
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** What the provider announces: EIP-6963's fields, the extension's version and the methods it answers. */
  const info = Object.freeze({
    uuid: uuid(), name: 'Cohort', rdns: 'org.cohort.extension', icon: BUILT.icon, version: BUILT.version,
    methods: Object.freeze([...METHODS]),
  });

  const provider = Object.freeze({
    isCohort: true,
    /** Sends a request; resolves with its result or rejects with a CohortError. */
    request(args) {
      if (!args || typeof args !== 'object' || typeof args.method !== 'string') {
        return Promise.reject(new CohortError(ERRORS.INVALID_PARAMS, 'request takes {method, params}', { reason: 'bad_params' }));
      }
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        try {
          window.postMessage({ channel: CHANNEL, dir: 'to-extension', id, method: args.method, params: args.params ?? {} }, target);
        } catch (e) {
          pending.delete(id);
          reject(new CohortError(ERRORS.INVALID_PARAMS, `the request cannot be sent: ${e.message}`, { reason: 'bad_params' }));
        }
      });
    },
    /** Listens to an event: `session` ({session, stage, …}), `connect`, `identityChanged` ({key, fingerprint}) or `disconnect`. */
    on(event, handler) {
      if (typeof handler !== 'function') throw new TypeError('handler must be a function');
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(handler);
      return provider;
    },
    removeListener(event, handler) {
      listeners.get(event)?.delete(handler);
      return provider;
    },
    errors: ERRORS,
    info,
  });

  try {
    Object.defineProperty(window, 'cohort', { value: provider, configurable: false, enumerable: true, writable: false });
  } catch {
    // Another script owns window.cohort; the announcement still reaches the page.
  }
  const announce = () => window.dispatchEvent(new CustomEvent('cohort:announceProvider', { detail: Object.freeze({ info, provider }) }));
  window.addEventListener('cohort:requestProvider', announce);
  announce();
})();
