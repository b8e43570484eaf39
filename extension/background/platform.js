// @ts-check
// The browser's extension APIs, as the background uses them. Every
// `chrome.*` call of the background is here, so that a port to another
// browser replaces this one file (Firefox has `browser.*`, no offscreen
// documents, and may have no windows).

import { ADDRESS, PAGE_PORT } from './messages.js';

/**
 * A web page's connection to the background, through its content script.
 * @typedef {object} PagePort
 * @property {string} origin the page's origin as the browser reports it (never the page's word); 'null' if it has none
 * @property {string} url
 * @property {number} tabId
 * @property {(msg: object) => void} post throws if the page is gone
 * @property {(listener: (msg: any) => void) => void} onMessage
 * @property {(listener: () => void) => void} onDisconnect
 */

/**
 * One storage area: values by key.
 * @typedef {object} StorageArea
 * @property {(key: string) => Promise<any>} get the value, or undefined if none is stored
 * @property {(key: string, value: unknown) => Promise<void>} set
 * @property {(key: string) => Promise<void>} remove
 */

/** The extension's own origin: its pages' messages come from it. */
export const extensionOrigin = new URL(chrome.runtime.getURL('')).origin;

/**
 * The URL of a file packaged with the extension.
 * @param {string} path
 */
export const assetUrl = (path) => chrome.runtime.getURL(path);

/**
 * @param {chrome.storage.StorageArea} area
 * @returns {StorageArea}
 */
const storageArea = (area) => ({
  get: async (key) => (await area.get(key))[key],
  set: (key, value) => area.set({ [key]: value }),
  remove: (key) => area.remove(key),
});

/**
 * `local` survives restarts of the browser; `session` survives the worker's
 * restarts, not the browser's.
 */
export const storage = { local: storageArea(chrome.storage.local), session: storageArea(chrome.storage.session) };

/**
 * Makes local storage readable by the extension's own pages and workers
 * only: by default Chrome lets content scripts, which run in every page,
 * read it too. Where the browser cannot (no `setAccessLevel`, or it refuses
 * for this area), local storage stays as it is, with a warning.
 * @returns {Promise<void>}
 */
export async function restrictStorageToExtension() {
  const area = chrome.storage.local;
  if (typeof area.setAccessLevel !== 'function') return;
  try {
    await area.setAccessLevel({ accessLevel: 'TRUSTED_CONTEXTS' });
  } catch (e) {
    console.warn('local storage stays readable by content scripts:', e);
  }
}

/**
 * Calls `listener` when the extension is installed or updated.
 * @param {() => void} listener
 */
export function onInstalled(listener) {
  chrome.runtime.onInstalled.addListener(() => listener());
}

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
 * Sends a command to the session host.
 * @param {{type: string} & Record<string, unknown>} command
 * @returns {Promise<any>} its answer: `{ok: true}` or `{ok: false, error}` (undefined if none)
 */
export function sendToHost(command) {
  return chrome.runtime.sendMessage({ to: ADDRESS.HOST, ...command });
}

/**
 * Tells every open extension page; none listening is no error.
 * @param {object} msg
 */
export function broadcast(msg) {
  chrome.runtime.sendMessage(msg).catch(() => {});
}

/**
 * The origin the browser reports for a port's page; 'null' if it has none.
 * @param {chrome.runtime.MessageSender} sender
 */
function senderOrigin(sender) {
  if (sender.origin) return sender.origin;
  try {
    return new URL(/** @type {string} */ (sender.url)).origin;
  } catch {
    return 'null';
  }
}

/**
 * Calls `listener` with each web page (through its content script) that
 * connects; other connections are closed.
 * @param {(port: PagePort) => void} listener
 */
export function onPageConnect(listener) {
  chrome.runtime.onConnect.addListener((port) => {
    if (port.name !== PAGE_PORT || !port.sender?.tab || port.sender.id !== chrome.runtime.id) return port.disconnect();
    // A content script's sender has its page's URL, and its tab an id.
    listener({
      origin: senderOrigin(port.sender), url: /** @type {string} */ (port.sender.url), tabId: /** @type {number} */ (port.sender.tab.id),
      post: (msg) => port.postMessage(msg),
      onMessage: (fn) => port.onMessage.addListener((msg) => fn(msg)),
      onDisconnect: (fn) => port.onDisconnect.addListener(() => fn()),
    });
  });
}

/**
 * Calls `listener` with each runtime message from the extension's own pages
 * and documents (never a web page's or a content script's). The listener
 * returns true if it will answer with `respond`.
 * @param {(msg: any, respond: (reply: object) => void) => boolean} listener
 */
export function onExtensionMessage(listener) {
  chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    if (sender.id !== chrome.runtime.id || !sender.url || new URL(sender.url).origin !== extensionOrigin) return false;
    return listener(msg, sendResponse);
  });
}
