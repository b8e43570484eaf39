// @ts-check
// The extension APIs Chrome and Firefox share, as the background uses
// them (Firefox has the `chrome.*` namespace with promises). platform.js
// (Chrome's) and platform-firefox.js (which the Firefox build puts in its
// place) add what differs; the rest of the background imports platform.js.

import { PAGE_PORT } from './messages.js';

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
 * Calls `listener` when the extension is installed (`first` true) or updated.
 * @param {(first: boolean) => void} listener
 */
export function onInstalled(listener) {
  chrome.runtime.onInstalled.addListener((details) => listener(details.reason === 'install'));
}

/** Opens the options page in a tab, welcoming a new participant. */
export function openWelcomePage() {
  chrome.tabs.create({ url: chrome.runtime.getURL('options.html?welcome') }).catch(() => {});
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
