// @ts-check
// The provider a page sees: `window.cohort`, also announced with the
// `cohort:announceProvider` event (answering `cohort:requestProvider`), so
// several providers can coexist, as in EIP-6963. Runs in the page's world;
// it holds nothing secret and talks to the extension only through the
// content script, with window messages on the page's own origin.
(() => {
  'use strict';
  const page = /** @type {Window & {cohort?: {isCohort?: boolean}}} */ (window);
  // error-codes.js, prepended by the build, leaves the codes on the page's global object: taken, and cleared away.
  const ERRORS = /** @type {Readonly<Record<string, number>>} */ (globalThis.COHORT_ERRORS);
  delete globalThis.COHORT_ERRORS;
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

  const provider = Object.freeze({
    isCohort: true,
    /** Sends a request; resolves with its result or rejects with a CohortError. */
    request(args) {
      if (!args || typeof args !== 'object' || typeof args.method !== 'string') {
        return Promise.reject(new CohortError(ERRORS.INVALID_PARAMS, 'request takes {method, params}'));
      }
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        try {
          window.postMessage({ channel: CHANNEL, dir: 'to-extension', id, method: args.method, params: args.params ?? {} }, target);
        } catch (e) {
          pending.delete(id);
          reject(new CohortError(ERRORS.INVALID_PARAMS, `the request cannot be sent: ${e.message}`));
        }
      });
    },
    /** Listens to an event: `session` ({session, stage, …}) or `disconnect`. */
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
  });

  try {
    Object.defineProperty(window, 'cohort', { value: provider, configurable: false, enumerable: true, writable: false });
  } catch {
    // Another script owns window.cohort; the announcement still reaches the page.
  }
  const info = Object.freeze({ uuid: crypto.randomUUID(), name: 'Cohort', rdns: 'org.cohort.extension' });
  const announce = () => window.dispatchEvent(new CustomEvent('cohort:announceProvider', { detail: Object.freeze({ info, provider }) }));
  window.addEventListener('cohort:requestProvider', announce);
  announce();
})();
