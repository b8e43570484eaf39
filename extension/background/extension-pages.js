// @ts-check
// The extension's own pages: the approval window (approval:*), the popup
// and options (ui:*) and the benchmark page (bench:*).

import { extensionOrigin } from './platform.js';
import { ADDRESS, HOST_COMMAND, PAGE_EVENT, UI } from './messages.js';
import { ERR, PageError } from './errors.js';
import { backup, ready, startup, wasm } from './engine.js';
import {
  blocked, identity, identitySecret, peers, refusals, saveBlocked, saveIdentity, savePeers, saveRefusals, saveSettings, settings, sites,
} from './storage.js';
import { changed, emit } from './notify.js';
import { answer, answered, approvalsWaiting, waitingApproval } from './approvals.js';
import { TERMINAL, fail, restored, save, sessions, view } from './sessions.js';
import { toHost } from './host.js';
import { revoke } from './pages.js';

/** @typedef {import('./sessions.js').Session} Session */
/** @typedef {import('./sessions.js').Join} Join */

/** Requests that change nothing: the others tell open pages to refresh. */
const READ_ONLY = new Set([UI.STATE, UI.APPROVAL_GET, UI.APPROVAL_CHECK]);

/**
 * Blocks `origin`: it loses its permission (and its sessions) and its requests are refused without asking.
 * @param {string} origin
 */
async function block(origin) {
  const all = await blocked();
  all[origin] = { since: Date.now() };
  await saveBlocked(all);
  if ((await sites())[origin]) await revoke(origin);
  changed();
}

/**
 * Tells every connected site's pages the identity changed (reset, or a
 * backup imported): `identityChanged` with the new `{key, fingerprint}`.
 */
async function identityChanged() {
  const me = await identity();
  for (const origin of Object.keys(await sites())) emit(origin, PAGE_EVENT.IDENTITY_CHANGED, me);
  return me;
}

/** @type {Record<string, (msg: any) => Promise<object>>} */
const handlers = {
  async [UI.APPROVAL_GET](msg) {
    const approval = waitingApproval(msg.id);
    if (!approval) throw new Error('this request is no longer waiting (it was answered, withdrawn or expired)');
    return { approval: { id: approval.id, ...approval.details } };
  },
  /** Checks one typed value as the participant types it: `{error}` (null when fine). */
  async [UI.APPROVAL_CHECK](msg) {
    const approval = waitingApproval(msg.id);
    if (!approval || approval.details.kind !== 'join') throw new Error('this request is no longer waiting');
    const spec = approval.details.inputs.find((i) => i.typed && i.name === msg.name);
    if (!spec) throw new Error('no such input');
    const s = /** @type {Join & {party: number}} */ (approval.session); // a join's approval is for its session, its seat known
    try {
      wasm.checkInput(s.program, s.m, s.party, spec.name, msg.value ?? null);
      return { error: null };
    } catch (e) {
      return { error: e.message };
    }
  },
  async [UI.APPROVAL_ANSWER](msg) {
    const approval = waitingApproval(msg.id);
    if (!approval) throw new Error('this request is no longer waiting');
    if (msg.approved && approval.details.kind === 'join') {
      const typed = msg.inputs && typeof msg.inputs === 'object' ? msg.inputs : {};
      for (const spec of approval.details.inputs.filter((i) => i.typed)) {
        if (typed[spec.name] === undefined) throw new Error(`type your input \`${spec.name}\` first`);
      }
      const s = /** @type {Join & {party: number}} */ (approval.session);
      try {
        // The engine checks types and bounds; a bad value is reported here, in the window.
        wasm.checkInputs(s.program, s.m, s.party, { ...s.pageInputs, ...typed });
      } catch (e) {
        throw new Error(e.message, { cause: e });
      }
      answer(approval, true, typed);
      await answered(approval.details.origin, true);
    } else if (msg.approved !== true && msg.block === true) {
      answer(approval, false, null, new PageError(ERR.USER_REJECTED, 'the user refused and blocked this site'));
      await block(approval.details.origin);
    } else {
      answer(approval, msg.approved === true, null);
      await answered(approval.details.origin, msg.approved === true);
    }
    return {};
  },
  // The benchmark page (bench.html): the engine's workloads across browsers.
  async [UI.BENCH_RUN](msg) {
    const m = Number(msg.m);
    if (!Number.isSafeInteger(m) || m < 2 || typeof msg.room !== 'string' || typeof msg.signal !== 'string') {
      throw new Error('bench:run takes {signal, room, m, only?, runs?}');
    }
    // Benchmark rooms are open rooms with a public token derived from their name.
    const room = wasm.benchRoom(msg.room);
    const id = room.session;
    /** @type {Session} */
    const session = {
      id, origin: extensionOrigin, name: 'Benchmark', stage: 'waiting', parties: null, party: null, paths: {}, outputs: null,
      error: null, code: null, waiters: [], page: null, hosted: true, startedAt: Date.now(),
      // The host starts a benchmark itself once the room is full.
      started: true,
    };
    sessions.set(id, session);
    save();
    const done = new Promise((resolve, reject) => session.waiters.push({ resolve, reject }));
    const s = await settings();
    await toHost({ type: HOST_COMMAND.LOBBY, session: id, signal: msg.signal, m, token: room.token, secret: await identitySecret(), iceServers: s.iceServers,
      iceTransportPolicy: s.iceTransportPolicy, fallbackMs: s.fallbackMs, bench: { only: msg.only ?? [], runs: msg.runs ?? 3 } });
    const { outputs } = await done;
    return { lines: outputs, paths: session.paths, startup };
  },
  async [UI.BENCH_STARTUP]() {
    await toHost({ type: HOST_COMMAND.PING });
    return { startup };
  },
  async [UI.STATE]() {
    return {
      identity: await identity(),
      sessions: [...sessions.values()].map((s) => ({ ...view(s), id: s.id, origin: s.origin, outputs: s.outputs })),
      pending: approvalsWaiting(),
      sites: Object.entries(await sites()).map(([origin, v]) => ({ origin, since: v.since })),
      blocked: Object.entries(await blocked()).map(([origin, v]) => ({ origin, since: v.since })),
      peers: Object.entries(await peers()).map(([fingerprint, v]) => ({ fingerprint, petname: v.petname, firstSeen: v.firstSeen })),
      settings: await settings(),
    };
  },
  async [UI.EXPORT_IDENTITY](msg) {
    if (typeof msg.passphrase !== 'string' || msg.passphrase.length < 8) throw new Error('choose a passphrase of at least 8 characters');
    return { exported: (await backup()).exportIdentity(await identitySecret(), msg.passphrase) };
  },
  async [UI.IMPORT_IDENTITY](msg) {
    const secret = (await backup()).importIdentity(String(msg.exported ?? ''), String(msg.passphrase ?? ''));
    await saveIdentity(secret);
    return { identity: await identityChanged() };
  },
  async [UI.RESET_IDENTITY]() {
    await saveIdentity(wasm.generateIdentity());
    return { identity: await identityChanged() };
  },
  /** The participant cancels a session from the popup: the other parties get an error, the page `cancelled`. */
  async [UI.CANCEL_SESSION](msg) {
    const session = sessions.get(String(msg.session));
    if (!session) throw new Error('no such computation');
    if (!TERMINAL.has(session.stage)) {
      fail(session, ERR.SESSION_FAILED, 'the participant cancelled the session', true, 'cancelled', { reason: 'cancelled' });
    }
    return {};
  },
  async [UI.SET_PETNAME](msg) {
    const known = await peers();
    if (!known[msg.fingerprint]) throw new Error('no such peer');
    known[msg.fingerprint].petname = String(msg.petname ?? '').trim().slice(0, 64) || null;
    await savePeers(known);
    return {};
  },
  async [UI.ADD_PEER](msg) {
    const fp = wasm.parsePeer(String(msg.peer ?? ''));
    const known = await peers();
    known[fp] = { petname: String(msg.petname ?? '').trim().slice(0, 64) || null, firstSeen: known[fp]?.firstSeen ?? Date.now() };
    await savePeers(known);
    return { fingerprint: fp };
  },
  async [UI.REMOVE_PEER](msg) {
    const known = await peers();
    delete known[msg.fingerprint];
    await savePeers(known);
    return {};
  },
  async [UI.REVOKE_SITE](msg) {
    await revoke(String(msg.origin));
    return {};
  },
  async [UI.UNBLOCK_SITE](msg) {
    const origin = String(msg.origin);
    const all = await blocked();
    delete all[origin];
    await saveBlocked(all);
    const counts = await refusals();
    delete counts[origin];
    await saveRefusals(counts);
    return {};
  },
  async [UI.SAVE_SETTINGS](msg) {
    // The WebAssembly checks them (a signal server URL as the signal client reads it, …).
    await saveSettings(wasm.checkSettings(msg.settings ?? {}));
    return {};
  },
};

/**
 * A request of one of the extension's pages; returns true if it will answer through `respond`.
 * @param {any} msg
 * @param {(reply: object) => void} respond
 */
export function fromExtensionPage(msg, respond) {
  if (msg?.to !== ADDRESS.BACKGROUND || !Object.hasOwn(handlers, msg.type)) return false;
  Promise.all([ready, restored()]).then(() => handlers[msg.type](msg)).then(
    (result) => {
      respond({ ok: true, ...result });
      if (!READ_ONLY.has(msg.type)) changed();
    },
    (e) => respond({ ok: false, error: e.message || String(e) }),
  );
  return true;
}
