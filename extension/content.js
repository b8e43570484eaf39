// @ts-check
// The bridge between a page's provider (inpage.js, in the page's world)
// and the extension's background. It accepts only well-formed requests
// posted by this very window, forwards them (their params as JSON) over a
// port (the background learns the page's origin from the port, never from
// the page), and posts replies and events back. The background confirms
// each request as it arrives: one whose port closed before that (Firefox
// stops an idle background page even as a message reaches it) never
// started, and is sent again on a new port, which wakes the background. A
// background that stopped after receiving a request fails it (INTERRUPTED:
// it left nothing behind, so it can be sent again) rather than leaving it
// hanging, and while a session of this page has not ended the port is
// opened again, so the page keeps hearing its events.
(() => {
  'use strict';
  // From error-codes.js, prepended by the build.
  const ERRORS = /** @type {Readonly<Record<string, number>>} */ (globalThis.COHORT_ERRORS);
  const CHANNEL = 'cohort-provider-v1';
  const MAX_REQUEST = 1 << 20;
  const target = window.origin === 'null' ? '*' : window.origin;
  /** Sends of a request before it is failed as lost: the first and two more. */
  const MAX_SENDS = 3;
  /**
   * The requests sent and not yet answered, by id: what was sent, how many
   * times, and whether the background confirmed it.
   * @type {Map<number, {message: object, sends: number, received: boolean}>}
   */
  const inFlight = new Map();
  /** @type {chrome.runtime.Port | null} */
  let port = null;
  /** @type {ReturnType<typeof setInterval> | null} */
  let keepAlive = null;
  /** The last stage heard of each of this page's sessions. */
  const stages = new Map();
  const ENDED = new Set(['done', 'failed', 'cancelled']);
  let reconnects = 0;

  const toPage = (msg) => window.postMessage({ channel: CHANNEL, dir: 'to-page', ...msg }, target);
  /** A reply failing request `id`, with its stable reason in `data` as the background's replies have it. */
  const fail = (id, code, message, reason) => toPage({ kind: 'reply', id, error: { code, message, data: { reason } } });

  function connect() {
    if (port) return port;
    port = chrome.runtime.connect({ name: 'cohort-page' });
    port.onMessage.addListener((msg) => {
      if (!msg || typeof msg !== 'object') return;
      if (msg.kind === 'received') {
        const request = inFlight.get(msg.id);
        if (request) request.received = true;
      } else if (msg.kind === 'reply') {
        inFlight.delete(msg.id);
        toPage({ kind: 'reply', id: msg.id, result: msg.result, error: msg.error });
      } else if (msg.kind === 'event') {
        if (msg.event === 'session' && typeof msg.data?.session === 'string') stages.set(msg.data.session, msg.data.stage);
        toPage({ kind: 'event', event: msg.event, data: msg.data });
      }
      reconnects = 0;
      idle();
    });
    port.onDisconnect.addListener(() => {
      port = null;
      const unreceived = [];
      for (const [id, request] of inFlight) {
        if (request.received) {
          fail(id, ERRORS.INTERRUPTED, 'the Cohort extension restarted while the request waited; send it again', 'interrupted');
        } else if (request.sends < MAX_SENDS) {
          unreceived.push([id, request]);
        } else {
          fail(id, ERRORS.SESSION_FAILED, `the Cohort extension did not receive the request in ${MAX_SENDS} tries`, 'unavailable');
        }
      }
      inFlight.clear();
      for (const [id, request] of unreceived) send(id, request.message, request.sends);
      idle();
      // A session still going on: listen again (the background restores its sessions), a few times at most.
      const live = [...stages.values()].some((stage) => !ENDED.has(stage));
      if (live && reconnects < 5) {
        reconnects += 1;
        setTimeout(() => { try { connect(); } catch { /* the extension is gone */ } }, 500 * reconnects);
      }
    });
    return port;
  }

  // While a request waits (for the user, or for other parties), ping the
  // background so it is not stopped for being idle.
  function idle() {
    if (inFlight.size && !keepAlive) {
      keepAlive = setInterval(() => port?.postMessage({ kind: 'ping' }), 20_000);
    } else if (!inFlight.size && keepAlive) {
      clearInterval(keepAlive);
      keepAlive = null;
    }
  }

  // Firefox shows a content script the page's objects through Xray vision,
  // which hides what it cannot see through: a String or Number wrapper reads
  // as undefined (so `params: new String('x')` looked like no params at all)
  // and a `__proto__` key is missing. A request is read as the page wrote
  // it, as Chrome's content scripts see it, and only its JSON is kept.
  /* global XPCNativeWrapper -- Firefox's, declared in globals.d.ts */
  const xray = typeof XPCNativeWrapper === 'function' ? XPCNativeWrapper : null;
  /** @type {(data: any) => any} */
  const asWritten = xray ? (data) => xray.unwrap(data) : (data) => data;

  window.addEventListener('message', (event) => {
    const msg = event.data && typeof event.data === 'object' ? asWritten(event.data) : event.data;
    if (event.source !== window || !msg || msg.channel !== CHANNEL || msg.dir !== 'to-extension') return;
    const { id, method, params } = msg;
    if (!Number.isSafeInteger(id) || id <= 0) return;
    if (typeof method !== 'string' || method.length > 64) return fail(id, ERRORS.INVALID_PARAMS, 'method must be a short string', 'bad_params');
    let json;
    try {
      json = JSON.stringify(params ?? {});
    } catch {
      return fail(id, ERRORS.INVALID_PARAMS, 'params must be JSON: plain objects, arrays, strings, numbers, booleans', 'bad_params');
    }
    if (json.length > MAX_REQUEST) return fail(id, ERRORS.INVALID_PARAMS, `params are ${json.length} characters of JSON; at most ${MAX_REQUEST}`, 'too_large');
    // The params' JSON, what was checked, never the page's own objects
    // (Firefox's port would clone those, String wrappers and all).
    send(id, { kind: 'request', id, method, params: JSON.parse(json) }, 0);
  });

  /**
   * Sends request `id` (`message`), sent `sends` times before, over the port.
   * @param {number} id
   * @param {object} message
   * @param {number} sends
   */
  function send(id, message, sends) {
    try {
      connect().postMessage(message);
      inFlight.set(id, { message, sends: sends + 1, received: false });
      idle();
    } catch (e) {
      port = null;
      fail(id, ERRORS.SESSION_FAILED, `the Cohort extension is unavailable: ${e.message}`, 'unavailable');
    }
  }
})();
