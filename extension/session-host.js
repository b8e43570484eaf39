// @ts-check
// The session host: loads the WebAssembly and runs its SessionHost (Rust
// on web-sys, crates/host/src/lib.rs, the cohort_host module: the WebSocket to the signal
// server, the WebRTC data channels, the paths, the timers and the party).
// Chrome runs it in an offscreen document (offscreen.js), Firefox in the
// background page (firefox/background/platform.js); each wires it to the
// background its own way.

import init, { SessionHost } from './wasm/cohort_host.js';
import { HOST_COMMAND } from './background/messages.js';
import { countCrossings } from './crossings.js';

/**
 * A running session host.
 * @typedef {object} Host
 * @property {number} readyMs milliseconds from the document's start until the WebAssembly was ready
 * @property {(msg: {type: string} & Record<string, any>) => {ok: boolean} & Record<string, unknown>} command
 *   runs one of HOST_COMMAND; answers `{ok: true, ...}`, or `{ok: false, error, code}` with the page code when the WebAssembly gave one
 */

/**
 * Starts the session host: `wasmUrl` is the module's URL, `toBackground`
 * receives the host's events, and `keepAlive` is called every 20 s while a
 * session waits or runs (the background must not sleep then: it holds their
 * state).
 * @param {string} wasmUrl
 * @param {(msg: object) => void} toBackground
 * @param {() => void} keepAlive
 * @returns {Promise<Host>}
 */
export async function startSessionHost(wasmUrl, toBackground, keepAlive) {
  // Benchmark builds count the calls between JavaScript and the WebAssembly
  // (crossings.js); the store's build drops this labelled statement.
  // eslint-disable-next-line no-unused-labels
  BENCH: countCrossings();
  await init({ module_or_path: wasmUrl });
  const readyMs = performance.now();
  const host = new SessionHost(toBackground);
  /** @type {Record<string, (msg: any) => object | void>} */
  const commands = {
    [HOST_COMMAND.LOBBY]: (msg) => host.lobby(msg),
    [HOST_COMMAND.START]: (msg) => host.start(msg.session, msg.config),
    [HOST_COMMAND.CANCEL]: (msg) => host.cancel(msg.session, String(msg.reason ?? 'the session was cancelled')),
    [HOST_COMMAND.PING]: () => {},
    [HOST_COMMAND.SESSIONS]: () => ({ sessions: host.computing() }),
  };
  setInterval(() => { if (host.active()) keepAlive(); }, 20_000);
  return {
    readyMs,
    command(msg) {
      if (!Object.hasOwn(commands, msg.type)) return { ok: false, error: `no host command ${msg.type}`, code: null };
      try {
        return { ok: true, ...commands[msg.type](msg) };
      } catch (e) {
        // The WebAssembly's page code, when it gave one (a party that left is PEER_UNREACHABLE).
        const error = /** @type {any} */ (e);
        return { ok: false, error: e instanceof Error ? e.message : String(e), code: error?.code ?? null, reason: error?.reason ?? null };
      }
    },
  };
}
