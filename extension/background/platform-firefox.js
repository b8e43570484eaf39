// @ts-check
// Firefox's extension APIs, as the background uses them: the Firefox build
// puts this file in place of platform.js (Chrome's). Those both browsers
// share are in platform-common.js; Firefox differs in three ways. There
// are no offscreen documents, so the session host runs here, in the
// background page, loaded when first needed. The background page stops
// after 30 s without extension API calls (an open peer connection does not
// count), so the host calls one every 20 s while a session waits or runs.
// Firefox for Android has no windows, so approvals open as tabs there.

import { ADDRESS, HOST_EVENT } from './messages.js';

export * from './platform-common.js';

/** Whether approvals open as popup windows (desktop) rather than tabs (Android). */
const hasWindows = typeof chrome.windows?.create === 'function';

/**
 * Opens the approval at `url`: a popup window, or a tab where there are no windows.
 * @param {string} url
 * @returns {Promise<number>} the window's id, or the tab's
 */
export async function openApprovalWindow(url) {
  if (!hasWindows) {
    const tab = await chrome.tabs.create({ url, active: true });
    return /** @type {number} */ (tab.id);
  }
  const win = await chrome.windows.create({ url, type: 'popup', width: 520, height: 720 });
  return /** @type {number} */ (/** @type {chrome.windows.Window} */ (win).id);
}

/**
 * Closes an approval's window (or tab); one already closed is no error.
 * @param {number} id
 * @returns {Promise<void>}
 */
export function closeWindow(id) {
  return (hasWindows ? chrome.windows.remove(id) : chrome.tabs.remove(id)).catch(() => {});
}

/**
 * Calls `listener` with the id of each window (or, without windows, tab) that closes.
 * @param {(id: number) => void} listener
 */
export function onWindowClosed(listener) {
  if (hasWindows) chrome.windows.onRemoved.addListener((id) => listener(id));
  else chrome.tabs.onRemoved.addListener((id) => listener(id));
}

/** @type {Promise<import('../session-host.js').Host> | null} */
let host = null;
/** @type {(msg: {type: string} & Record<string, any>) => void} */
let hostEvent = () => {};

/**
 * Makes sure the session host (WebRTC and the WebAssembly engine, in this
 * background page) runs.
 * @returns {Promise<boolean>} whether it started now (its `ready` event has then been delivered)
 */
export async function ensureSessionHost() {
  if (host) {
    await host;
    return false;
  }
  host = import('../session-host.js').then(({ startSessionHost }) => startSessionHost(
    chrome.runtime.getURL('wasm/cohort_host_bg.wasm'),
    (msg) => hostEvent(/** @type {any} */ ({ from: ADDRESS.HOST, ...msg })),
    // Any extension API call keeps the event page running.
    () => { chrome.runtime.getPlatformInfo().catch(() => {}); },
  ));
  host.catch(() => { host = null; });
  hostEvent({ type: HOST_EVENT.READY, readyMs: (await host).readyMs });
  return true;
}

/** Whether the session host is running (it lives and dies with this page). */
export async function sessionHostRunning() {
  return host !== null;
}

/** Closes approvals a previous run of this page left open: their requests died with it. */
export async function closeStaleApprovalWindows() {
  for (const view of chrome.extension.getViews()) {
    if (view.location.pathname === '/approve.html') view.close();
  }
}

/**
 * Calls `listener` with each event of the session host.
 * @param {(msg: {type: string} & Record<string, any>) => void} listener
 */
export function onHostEvent(listener) {
  hostEvent = listener;
}

/**
 * Sends a command to the session host.
 * @param {{type: string} & Record<string, unknown>} command
 * @returns {Promise<any>} its answer: `{ok: true}` or `{ok: false, error}`
 */
export async function sendToHost(command) {
  if (!host) return { ok: false, error: 'the session host is not running' };
  return (await host).command({ to: ADDRESS.HOST, ...command });
}
