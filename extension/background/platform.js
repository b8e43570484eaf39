// @ts-check
// Chrome's extension APIs, as the background uses them: those Chrome and
// Firefox share (platform-common.js) and Chrome's own (approval windows,
// the offscreen document that hosts sessions). Every `chrome.*` call of the
// background is in these two files; the Firefox build puts
// platform-firefox.js in place of this one.

import { ADDRESS } from './messages.js';

export * from './platform-common.js';

/**
 * Opens the approval window at `url`.
 * @param {string} url
 * @returns {Promise<number>} its id
 */
export async function openApprovalWindow(url) {
  const win = await chrome.windows.create({ url, type: 'popup', width: 520, height: 720, focused: true });
  // A window the browser created has an id; no window (`win.id` throws) is a failure to open.
  return /** @type {number} */ (/** @type {chrome.windows.Window} */ (win).id);
}

/**
 * Closes a window; one already closed is no error.
 * @param {number} id
 * @returns {Promise<void>}
 */
export function closeWindow(id) {
  return chrome.windows.remove(id).catch(() => {});
}

/**
 * Calls `listener` with the id of each window that closes.
 * @param {(id: number) => void} listener
 */
export function onWindowClosed(listener) {
  chrome.windows.onRemoved.addListener((id) => listener(id));
}

/**
 * Makes sure the session host (the offscreen document that runs sessions:
 * WebRTC and the WebAssembly engine) exists.
 * @returns {Promise<boolean>} whether it was created now (its `ready` message is then on its way)
 */
export async function ensureSessionHost() {
  const existing = await chrome.runtime.getContexts({ contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT] });
  if (existing.length) return false;
  await chrome.offscreen.createDocument({
    url: 'offscreen.html', reasons: [chrome.offscreen.Reason.WEB_RTC],
    justification: 'Runs MPC sessions: WebRTC data channels to the other parties and the WebAssembly engine.',
  });
  return true;
}

/** Whether the session host is running (it outlives restarts of this worker). */
export async function sessionHostRunning() {
  const existing = await chrome.runtime.getContexts({ contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT] });
  return existing.length > 0;
}

/** Closes approval windows a previous run of this worker left open: their requests died with it. */
export async function closeStaleApprovalWindows() {
  const tabs = await chrome.runtime.getContexts({ contextTypes: [chrome.runtime.ContextType.TAB] });
  for (const tab of tabs) {
    if (tab.documentUrl?.startsWith(chrome.runtime.getURL('approve.html')) && tab.windowId >= 0) {
      await chrome.windows.remove(tab.windowId).catch(() => {});
    }
  }
}

/**
 * Calls `listener` with each event of the session host (runtime messages
 * from the offscreen document).
 * @param {(msg: {type: string} & Record<string, any>) => void} listener
 */
export function onHostEvent(listener) {
  chrome.runtime.onMessage.addListener((msg, sender) => {
    if (sender.id === chrome.runtime.id && sender.url === chrome.runtime.getURL('offscreen.html') && msg?.from === ADDRESS.HOST) listener(msg);
    return false;
  });
}

/**
 * Sends a command to the session host.
 * @param {{type: string} & Record<string, unknown>} command
 * @returns {Promise<any>} its answer: `{ok: true}` or `{ok: false, error}` (undefined if none)
 */
export function sendToHost(command) {
  return chrome.runtime.sendMessage({ to: ADDRESS.HOST, ...command });
}

