// @ts-check
// What must survive a restart of the worker: the identity (in the vault, the
// extension's IndexedDB, which content scripts cannot open), settings, the
// connected and the blocked sites and the known peers (in local storage),
// and the refusals in a row per site (in session storage: they survive the
// worker's restarts, not the browser's).

import { storage } from './platform.js';
import { ready, wasm } from './engine.js';
import { getSecret, putSecret } from './vault.js';

/**
 * @typedef {object} Settings
 * @property {string} signal the participant's signal server (ws:// or wss://)
 * @property {RTCIceServer[]} iceServers
 * @property {RTCIceTransportPolicy} iceTransportPolicy 'all' or 'relay'
 * @property {number} fallbackMs how long a data channel may take to open before the relay is used
 */
/** @typedef {{since: number}} Since when a site was connected or blocked */
/** @typedef {{petname: string | null, firstSeen: number}} Peer */
/** @typedef {{count: number, until: number}} Refusals `until`: no prompt before then */

/** @type {Settings} */
const DEFAULT_SETTINGS = { signal: 'ws://127.0.0.1:8787/', iceServers: [], iceTransportPolicy: 'all', fallbackMs: 4000 };

/**
 * @param {string} key
 * @param {unknown} fallback
 * @returns {Promise<any>}
 */
async function stored(key, fallback) {
  return (await storage.local.get(key)) ?? fallback;
}

/** The identity's key in the vault (and, before the vault, in local storage). */
const IDENTITY = 'identity';

/**
 * The identity's secret as this worker knows it: the last read or write of
 * it, in flight or done. Every read and write goes through it in order, so
 * concurrent first calls make one identity, and a replacement is not
 * overwritten by a first use still in flight.
 * @type {Promise<string> | null}
 */
let current = null;

/**
 * Makes `next` the identity's secret as this worker knows it; a failure is
 * forgotten, so the next call reads the vault again.
 * @param {Promise<string>} next
 */
function settle(next) {
  current = next;
  next.catch(() => {
    if (current === next) current = null;
  });
  return next;
}

/**
 * The identity from the vault. One still in local storage (where earlier
 * versions kept it, and content scripts can read it) moves to the vault;
 * with none in either, a new one is made.
 * @returns {Promise<string>}
 */
async function loadIdentity() {
  await ready;
  let secret = await getSecret(IDENTITY);
  const old = await storage.local.get(IDENTITY);
  if (!secret) {
    secret = old || wasm.generateIdentity();
    await putSecret(IDENTITY, secret);
  }
  // Removed only once the vault holds an identity: one in both (a move cut short) is the vault's.
  if (old !== undefined) await storage.local.remove(IDENTITY);
  return /** @type {string} */ (secret);
}

/**
 * This browser's identity in its storage form, made on first use.
 * @returns {Promise<string>}
 */
export function identitySecret() {
  return current ?? settle(loadIdentity());
}

/**
 * Replaces the identity (after any read or write of it in flight).
 * @param {string} secret an identity in its storage form
 * @returns {Promise<void>}
 */
export async function saveIdentity(secret) {
  const before = identitySecret().catch(() => {});
  await settle(before.then(async () => {
    await putSecret(IDENTITY, secret);
    return secret;
  }));
}

/** @returns {Promise<{key: string, fingerprint: string}>} */
export async function identity() {
  return wasm.identityInfo(await identitySecret());
}

/** @returns {Promise<Settings>} */
export const settings = async () => ({ ...DEFAULT_SETTINGS, ...(await stored('settings', {})) });
/** @param {Settings} all */
export const saveSettings = (all) => storage.local.set('settings', all);

/**
 * Sites the participant connected: origin → {since}.
 * @returns {Promise<Record<string, Since>>}
 */
export const sites = () => stored('sites', {});
/** @param {Record<string, Since>} all */
export const saveSites = (all) => storage.local.set('sites', all);

/**
 * Peers this browser knows: fingerprint → {petname, firstSeen}.
 * @returns {Promise<Record<string, Peer>>}
 */
export const peers = () => stored('peers', {});
/** @param {Record<string, Peer>} all */
export const savePeers = (all) => storage.local.set('peers', all);

/**
 * Sites the participant blocked: origin → {since}.
 * @returns {Promise<Record<string, Since>>}
 */
export const blocked = () => stored('blocked', {});
/** @param {Record<string, Since>} all */
export const saveBlocked = (all) => storage.local.set('blocked', all);

/**
 * Refusals in a row per site: origin → {count, until}.
 * @returns {Promise<Record<string, Refusals>>}
 */
export const refusals = async () => (await storage.session.get('refusals')) ?? {};
/** @param {Record<string, Refusals>} all */
export const saveRefusals = (all) => storage.session.set('refusals', all);

/**
 * Adds the peers not known yet, without a petname.
 * @param {string[]} fingerprints
 */
export async function rememberPeers(fingerprints) {
  const known = await peers();
  let added = false;
  for (const fp of fingerprints) {
    if (!known[fp]) {
      known[fp] = { petname: null, firstSeen: Date.now() };
      added = true;
    }
  }
  if (added) await savePeers(known);
}
