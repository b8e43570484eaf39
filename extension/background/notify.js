// @ts-check
// Who hears of changes: the connected pages of a site (`emit`), and the
// extension's own open pages (`changed`). Shared by pages.js, which connects
// pages, and by sessions.js and approvals.js, which change what they see.

import { broadcast } from './platform.js';
import { PORT_KIND, UI_CHANGED } from './messages.js';

/**
 * A connected page.
 * @typedef {object} Page
 * @property {import('./platform.js').PagePort} port
 * @property {string} origin from the browser, never the page's word
 * @property {string} url
 * @property {number} tabId
 * @property {string | null} unserved why Cohort does not serve this origin, or null if it does
 */

/** @type {Set<Page>} */
export const pages = new Set();

/**
 * Posts to a page; a page that is gone is forgotten.
 * @param {Page} page
 * @param {object} msg
 */
export function reply(page, msg) {
  try { page.port.post(msg); } catch { pages.delete(page); }
}

/**
 * An event for every connected page of `origin`.
 * @param {string} origin
 * @param {string} event one of PAGE_EVENT
 * @param {unknown} data
 */
export function emit(origin, event, data) {
  for (const page of pages) if (page.origin === origin) reply(page, { kind: PORT_KIND.EVENT, event, data });
}

/** Tells open extension pages (the popup, options) to refresh. */
export function changed() {
  broadcast({ type: UI_CHANGED });
}
