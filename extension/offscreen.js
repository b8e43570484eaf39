// @ts-check
// The session host's document (offscreen, reason WEB_RTC). The host itself
// is Rust on web-sys (crates/web/src/session_host.rs): the WebSocket to the
// signal server, the WebRTC data channels, the paths, the timers and the
// party. This file loads it, forwards the background's commands and posts
// the host's events back.

import init, { SessionHost } from './wasm/cohort_web.js';
import { ADDRESS, HOST_COMMAND, HOST_EVENT } from './background/messages.js';

await init({ module_or_path: chrome.runtime.getURL('wasm/cohort_web_bg.wasm') });
/** Milliseconds from this document's start until its WebAssembly was ready. */
const readyMs = performance.now();

/** @param {object} msg */
const toBackground = (msg) => chrome.runtime.sendMessage({ from: ADDRESS.HOST, ...msg }).catch(() => {});
const host = new SessionHost(toBackground);

/** @type {Record<string, (msg: any) => object | void>} */
const commands = {
  [HOST_COMMAND.LOBBY]: (msg) => host.lobby(msg),
  [HOST_COMMAND.START]: (msg) => host.start(msg.session, msg.config),
  [HOST_COMMAND.CANCEL]: (msg) => host.cancel(msg.session, String(msg.reason ?? 'the session was cancelled')),
  [HOST_COMMAND.PING]: () => {},
  [HOST_COMMAND.SESSIONS]: () => ({ sessions: host.computing() }),
};

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  // Only the extension's own background may command the host.
  if (sender.id !== chrome.runtime.id || sender.url !== chrome.runtime.getURL('background.js')) return false;
  if (msg?.to !== ADDRESS.HOST || !Object.hasOwn(commands, msg.type)) return false;
  try {
    sendResponse({ ok: true, ...commands[msg.type](msg) });
  } catch (e) {
    // The WebAssembly's page code, when it gave one (a party that left is PEER_UNREACHABLE).
    sendResponse({ ok: false, error: e instanceof Error ? e.message : String(e), code: /** @type {any} */ (e)?.code ?? null });
  }
  return false;
});

// While sessions wait or run, keep the background awake (it holds their state).
setInterval(() => { if (host.active()) toBackground({ type: HOST_EVENT.KEEPALIVE }); }, 20_000);

toBackground({ type: HOST_EVENT.READY, readyMs });
