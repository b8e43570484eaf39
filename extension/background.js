// @ts-check
// The extension's background (Chrome's service worker, Firefox's event
// page): routes page requests, keeps per-origin
// permissions, opens approval windows one at a time, owns the identity and
// the known peers, and drives sessions run by the session host.
// Each concern is a module of background/; this entry wires the browser's
// events to them.
//
// State that must survive a restart is stored: the identity in the vault
// (the extension's IndexedDB, which content scripts cannot open); peers,
// sites, blocked sites and settings in local storage (restricted to the
// extension's own pages and workers where the browser can); the sessions'
// state (never the page's inputs) and the count of refusals in a row per
// site in session storage (it survives the worker's restarts, not the
// browser's). Approvals live in memory; a page's requests in flight when
// the worker stops fail with INTERRUPTED.

import {
  onExtensionMessage, onHostEvent, onInstalled, onPageConnect, onWindowClosed, openWelcomePage, restrictStorageToExtension,
} from './background/platform.js';
import { identitySecret } from './background/storage.js';
import { pageConnected } from './background/pages.js';
import { windowClosed } from './background/approvals.js';
import { fromHost, hostSessions } from './background/host.js';
import { restoreSessions } from './background/sessions.js';
import { fromExtensionPage } from './background/extension-pages.js';

restrictStorageToExtension();
// Added in the worker's first turn, as the browser requires, so that the event that woke the worker reaches them.
// A new participant sees the options page: the identity just made, and the settings.
onInstalled((first) => {
  identitySecret().catch(console.error);
  if (first) openWelcomePage();
});
// Sessions a previous run of this worker saved: every handler waits for them.
restoreSessions(hostSessions);
onPageConnect(pageConnected);
onWindowClosed(windowClosed);
onHostEvent(fromHost);
onExtensionMessage(fromExtensionPage);
