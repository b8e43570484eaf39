// The extension's service worker: routes page requests, keeps per-origin
// permissions, opens approval windows one at a time, owns the identity and
// the known peers, and drives sessions run by the offscreen document.
//
// State that must survive a restart (identity, peers, sites, blocked sites,
// settings) is in chrome.storage.local; the count of refusals in a row per
// site is in chrome.storage.session (it survives the worker's restarts, not
// the browser's); sessions and approvals live in memory, and a page whose
// background restarts gets an error for its requests in flight.

import init, * as wasm from './wasm/cohort_web.js';

const ready = init({ module_or_path: chrome.runtime.getURL('wasm/cohort_web_bg.wasm') });
/** How long start-up took (ms): the worker's WebAssembly, and the session host's creation. */
const startup = { worker: null, host: null, hostWasm: null };
ready.then(() => { startup.worker = performance.now(); });

const ERR = {
  USER_REJECTED: 4001, REQUEST_PENDING: 4002, UNAUTHORIZED: 4100, UNSUPPORTED_METHOD: 4200,
  INVALID_PROGRAM: 4300, PEER_UNREACHABLE: 4400, SESSION_FAILED: 4500, INVALID_PARAMS: -32602,
};
const DEFAULT_SETTINGS = { signal: 'ws://127.0.0.1:8787/', iceServers: [], iceTransportPolicy: 'all', fallbackMs: 4000 };
const LOBBY_TIMEOUT_S = 300;
/** A site refused this many times in a row (Refuse, or the window closed) is not asked again for PAUSE_MS. */
const REFUSALS_BEFORE_PAUSE = 3;
const PAUSE_MS = 10 * 60 * 1000;
const EXTENSION_ORIGIN = new URL(chrome.runtime.getURL('')).origin;

class PageError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

// ---------------------------------------------------------------- storage

async function stored(key, fallback) {
  const got = await chrome.storage.local.get(key);
  return got[key] ?? fallback;
}

async function identitySecret() {
  await ready;
  let secret = await stored('identity', null);
  if (!secret) {
    secret = wasm.generateIdentity();
    await chrome.storage.local.set({ identity: secret });
  }
  return secret;
}

async function identity() {
  return JSON.parse(wasm.identityInfo(await identitySecret()));
}

const settings = async () => ({ ...DEFAULT_SETTINGS, ...(await stored('settings', {})) });
const sites = () => stored('sites', {});
const peers = () => stored('peers', {});
/** Sites the participant blocked: origin → {since}. */
const blocked = () => stored('blocked', {});
/** Refusals in a row per site: origin → {count, until} (`until`: no prompt before then). */
const refusals = async () => (await chrome.storage.session.get('refusals')).refusals ?? {};

chrome.runtime.onInstalled.addListener(() => { identitySecret().catch(console.error); });

// ---------------------------------------------------------------- pages

/** Ports of connected pages, with their origin (from the browser, not the page). */
const pages = new Set();

/**
 * Why a page's origin cannot use Cohort, or null if it can. Permissions,
 * sessions and approvals are per origin, and the participant is shown the
 * origin: an opaque origin (`null`: sandboxed pages, some data: and blob:
 * documents) is no one in particular and is shared by unrelated pages, and a
 * `file:` page is any file on the disk. Only http:// and https:// origins
 * are served.
 */
function unservedOrigin(origin) {
  if (typeof origin === 'string' && /^https?:\/\/[^/]+$/i.test(origin)) return null;
  const what = origin === 'null' || !origin ? 'a page with an opaque (null) origin, such as a sandboxed page'
    : origin.startsWith('file:') ? 'a file: page' : `a page of origin ${origin}`;
  return `Cohort does not serve ${what}: open the page from an http:// or https:// address`;
}

/** The origin the browser reports for a port's page (never the page's word); `null` if it has none. */
function senderOrigin(sender) {
  if (sender.origin) return sender.origin;
  try {
    return new URL(sender.url).origin;
  } catch {
    return 'null';
  }
}

chrome.runtime.onConnect.addListener((port) => {
  if (port.name !== 'cohort-page' || !port.sender?.tab || port.sender.id !== chrome.runtime.id) return port.disconnect();
  const origin = senderOrigin(port.sender);
  // A page of an origin Cohort does not serve keeps its port, so that each of its requests gets a clear UNAUTHORIZED.
  const page = { port, origin, url: port.sender.url, tabId: port.sender.tab.id, unserved: unservedOrigin(origin) };
  pages.add(page);
  port.onDisconnect.addListener(() => {
    pages.delete(page);
    // A closed page takes its sessions with it: the other parties learn that this one left.
    for (const session of sessions.values()) {
      if (session.page === page) fail(session, ERR.SESSION_FAILED, 'the page was closed', true, 'cancelled');
    }
  });
  port.onMessage.addListener((msg) => {
    if (msg?.kind !== 'request' || !Number.isSafeInteger(msg.id)) return;
    handle(page, msg.method, msg.params).then(
      (result) => reply(page, { kind: 'reply', id: msg.id, result }),
      (e) => reply(page, {
        kind: 'reply', id: msg.id,
        error: { code: e instanceof PageError ? e.code : ERR.SESSION_FAILED, message: e.message || String(e) },
      }),
    );
  });
});

function reply(page, msg) {
  try { page.port.postMessage(msg); } catch { pages.delete(page); }
}

function emit(origin, event, data) {
  for (const page of pages) if (page.origin === origin) reply(page, { kind: 'event', event, data });
}

function param(params, name, type, { optional = false } = {}) {
  const value = params?.[name];
  if (value === undefined && optional) return undefined;
  const ok = type === 'integer' ? Number.isSafeInteger(value) : typeof value === type && value !== null;
  if (!ok) throw new PageError(ERR.INVALID_PARAMS, `params.${name} must be ${type === 'object' ? 'an object' : `a ${type}`}`);
  return value;
}

async function requirePermission(origin) {
  if (!(await sites())[origin]) {
    throw new PageError(ERR.UNAUTHORIZED, `${origin} is not connected to Cohort: call connect first`);
  }
}

/** Throws UNAUTHORIZED if the participant blocked `origin`. */
async function refuseBlocked(origin) {
  if ((await blocked())[origin]) {
    throw new PageError(ERR.UNAUTHORIZED, `the participant blocked ${origin} in Cohort; they can unblock it in Cohort's options`);
  }
}

/** Throws unless the participant may be asked about a request of `origin`: not blocked, not paused after refusals. */
async function mayAsk(origin) {
  await refuseBlocked(origin);
  const until = (await refusals())[origin]?.until ?? 0;
  if (until > Date.now()) {
    const minutes = Math.ceil((until - Date.now()) / 60_000);
    throw new PageError(ERR.USER_REJECTED, `the participant refused this site ${REFUSALS_BEFORE_PAUSE} times in a row; `
      + `Cohort will not ask them again for ${minutes} minute${minutes === 1 ? '' : 's'}`);
  }
}

/** Counts the participant's answer to a request of `origin`: an approval resets the count, the third refusal in a row pauses the site. */
async function answered(origin, approved) {
  const all = await refusals();
  const count = approved ? 0 : (all[origin]?.count ?? 0) + 1;
  if (count === 0) delete all[origin];
  else if (count >= REFUSALS_BEFORE_PAUSE) all[origin] = { count: 0, until: Date.now() + PAUSE_MS };
  else all[origin] = { count, until: 0 };
  await chrome.storage.session.set({ refusals: all });
}

/** Blocks `origin`: it loses its permission (and its sessions) and its requests are refused without asking. */
async function block(origin) {
  const all = await blocked();
  all[origin] = { since: Date.now() };
  await chrome.storage.local.set({ blocked: all });
  if ((await sites())[origin]) await revoke(origin);
  changed();
}

/** A session needs a threshold of at least 1: with 0, every party's input reaches the others in the clear. */
async function requirePrivacy(m) {
  await ready;
  if (wasm.defaultThreshold(m) === 0) {
    throw new PageError(ERR.INVALID_PARAMS, `a session needs at least 3 parties for privacy: with ${m}, `
      + "every party's input would reach the others in the clear");
  }
}

const methods = {
  async connect(page) {
    if (!(await sites())[page.origin]) {
      await approve({ kind: 'connect', origin: page.origin });
      const all = await sites();
      all[page.origin] = { since: Date.now() };
      await chrome.storage.local.set({ sites: all });
      changed();
    }
    return identity();
  },

  async identity(page) {
    await requirePermission(page.origin);
    return identity();
  },

  async createSession(page, params) {
    await requirePermission(page.origin);
    const program = param(params, 'program', 'string');
    const parties = param(params, 'parties', 'integer');
    const signal = param(params, 'signal', 'string', { optional: true }) ?? (await settings()).signal;
    // The expected parties, in party order: [{party: KEY or FINGERPRINT, name?}]; the invite then admits only them.
    const roster = param(params, 'roster', 'object', { optional: true });
    if (roster !== undefined && !Array.isArray(roster)) throw new PageError(ERR.INVALID_PARAMS, 'params.roster must be an array of {party, name?}');
    await requirePrivacy(parties);
    // The program first, so that every later error is about the parameters.
    try {
      wasm.checkProgram(program);
    } catch (e) {
      throw new PageError(ERR.INVALID_PROGRAM, e.message);
    }
    let made;
    try {
      made = roster === undefined
        ? JSON.parse(wasm.newSession(program, parties, signal))
        : JSON.parse(wasm.newSession(program, parties, signal, JSON.stringify(roster), await identitySecret()));
    } catch (e) {
      throw new PageError(ERR.INVALID_PARAMS, e.message);
    }
    // A link back to the requesting page that carries the invite in its fragment (never sent to the site's server).
    const link = `${page.url.split('#')[0]}#cohort-invite=${encodeURIComponent(made.invite)}`;
    return { session: made.session, invite: made.invite, link, hash: made.hash, name: made.name, open: made.open };
  },

  async joinSession(page, params) {
    await requirePermission(page.origin);
    const inviteText = param(params, 'invite', 'string');
    const program = param(params, 'program', 'string');
    const inputs = param(params, 'inputs', 'object', { optional: true }) ?? {};
    const timeout = param(params, 'timeout', 'integer', { optional: true }) ?? LOBBY_TIMEOUT_S;
    if (Array.isArray(inputs)) throw new PageError(ERR.INVALID_PARAMS, 'params.inputs must be an object of NAME: value');
    await ready;
    let invite, checked;
    try {
      invite = JSON.parse(wasm.parseInvite(inviteText));
    } catch (e) {
      throw new PageError(ERR.INVALID_PARAMS, e.message);
    }
    await requirePrivacy(invite.parties);
    // Before joining the lobby: the participant will be asked at the end of it.
    await mayAsk(page.origin);
    try {
      checked = JSON.parse(wasm.checkProgram(program));
    } catch (e) {
      throw new PageError(ERR.INVALID_PROGRAM, e.message);
    }
    if (checked.hash !== invite.program) {
      throw new PageError(ERR.INVALID_PROGRAM, `this is not the invite's program: its hash is ${checked.hash}, the invite's ${invite.program}`);
    }
    if (invite.parties < checked.parties.min || invite.parties > checked.parties.max) {
      throw new PageError(ERR.INVALID_PROGRAM, `program "${checked.name}" does not run with ${invite.parties} parties`);
    }
    // The same answer whichever site joined first: a site learns nothing of another site's sessions.
    if (sessions.has(invite.session)) throw new PageError(ERR.INVALID_PARAMS, 'this session cannot be joined: a browser joins a session once');
    const me = await identity();
    if (invite.roster && !invite.roster.parties.some((p) => p.fingerprint === me.fingerprint)) {
      throw new PageError(ERR.INVALID_PARAMS, `this session admits only the parties its invite lists, and this browser's identity (${me.fingerprint}) is not one of them`);
    }
    const session = {
      id: invite.session, origin: page.origin, name: checked.name, program, checked, m: invite.parties,
      signal: invite.signal, stage: 'waiting', parties: null, party: null, paths: {}, outputs: null, error: null,
      code: null, waiters: [], pageInputs: inputs, fingerprint: me.fingerprint, page, hosted: false,
      roster: invite.roster?.parties.map((p) => p.fingerprint) ?? null,
    };
    sessions.set(session.id, session);
    const ask = async (details) => {
      setStage(session, 'approving');
      try {
        return await approve({
          origin: page.origin, session: session.id, signal: session.signal, open: invite.open,
          program: { name: checked.name, hash: checked.hash, canonical: checked.canonical }, ...details,
        }, session);
      } catch (e) {
        fail(session, e.code ?? ERR.USER_REJECTED, e.message, session.hosted, e.code === ERR.USER_REJECTED ? 'cancelled' : 'failed');
        throw e;
      }
    };
    const threshold = wasm.defaultThreshold(session.m);
    const known = await peers();
    // The participant approves before this browser meets anyone at the
    // page's signal server. A roster says who the parties are and which
    // seat is this one's, so that is the whole approval; an open invite's
    // seats go to whoever arrives, so the participant approves the
    // computation now, and the parties (with the inputs) once they are known.
    let typed;
    if (session.roster) {
      typed = await ask(joinDetails(session, session.roster, me, known, invite, threshold));
    } else {
      await ask({
        kind: 'meet', threshold,
        // Computed from the checked program by the WebAssembly, never from the page's words.
        disclosure: JSON.parse(wasm.approvalView(program, session.m, threshold, undefined)),
      });
    }
    setStage(session, 'waiting');
    const lobby = new Promise((resolve, reject) => { session.lobby = { resolve, reject }; });
    const timer = setTimeout(() => fail(session, ERR.PEER_UNREACHABLE,
      `not all ${session.m} parties arrived within ${timeout} s`), timeout * 1000);
    try {
      const s = await settings();
      session.hosted = true;
      await offscreen({ type: 'lobby', session: session.id, signal: session.signal, m: session.m, secret: await identitySecret(),
        token: invite.token, roster: session.roster,
        // ICE servers the page's signal server offers are used only if it is the participant's own server.
        trustServerIce: sameServer(session.signal, s.signal),
        iceServers: s.iceServers, iceTransportPolicy: s.iceTransportPolicy, fallbackMs: s.fallbackMs });
      await lobby;
    } catch (e) {
      throw fail(session, e.code ?? ERR.SESSION_FAILED, e.message);
    } finally {
      clearTimeout(timer);
    }
    if (session.roster && session.parties.join() !== session.roster.join()) {
      throw fail(session, ERR.SESSION_FAILED, 'the signal server seated other parties, or in another order, than the invite lists');
    }
    if (!session.roster) typed = await ask(joinDetails(session, session.parties, me, known, invite, threshold));
    if (['done', 'failed', 'cancelled'].includes(session.stage)) throw new PageError(session.code ?? ERR.SESSION_FAILED, session.error ?? 'the session ended');
    await remember(session.parties.filter((fp) => fp !== me.fingerprint));
    setStage(session, 'connecting');
    const config = { program, session: session.id, parties: session.parties, me: session.party, inputs: { ...inputs, ...typed } };
    await offscreen({ type: 'start', session: session.id, config });
    return { session: session.id, party: session.party, parties: session.parties };
  },

  async status(page, params) {
    await requirePermission(page.origin);
    const session = mine(page, params);
    return view(session);
  },

  async result(page, params) {
    await requirePermission(page.origin);
    const session = mine(page, params);
    return new Promise((resolve, reject) => {
      session.waiters.push({ resolve, reject });
      settle(session);
    });
  },

  async cancel(page, params) {
    await requirePermission(page.origin);
    const session = mine(page, params);
    if (!['done', 'failed', 'cancelled'].includes(session.stage)) {
      fail(session, ERR.SESSION_FAILED, 'the page cancelled the session', true, 'cancelled');
    }
    return view(session);
  },

  async disconnect(page) {
    await revoke(page.origin);
    return true;
  },
};

async function handle(page, method, params) {
  if (page.unserved) throw new PageError(ERR.UNAUTHORIZED, page.unserved);
  await refuseBlocked(page.origin);
  if (!Object.hasOwn(methods, method)) throw new PageError(ERR.UNSUPPORTED_METHOD, `unsupported method \`${method}\``);
  return methods[method](page, params ?? {});
}

// ---------------------------------------------------------------- sessions

/** Sessions by id. */
const sessions = new Map();

function mine(page, params) {
  const id = param(params, 'session', 'string');
  const session = sessions.get(id);
  // Another origin's session is indistinguishable from none.
  if (!session || session.origin !== page.origin) throw new PageError(ERR.INVALID_PARAMS, `no session ${id} for this site`);
  return session;
}

function view(s) {
  return { session: s.id, name: s.name, stage: s.stage, party: s.party, parties: s.parties, paths: s.paths, error: s.error, code: s.code };
}

function setStage(session, stage) {
  session.stage = stage;
  emit(session.origin, 'session', view(session));
  changed();
  settle(session);
}

function settle(session) {
  if (session.stage === 'done') {
    for (const w of session.waiters.splice(0)) w.resolve({ session: session.id, outputs: session.outputs });
  } else if (session.stage === 'failed' || session.stage === 'cancelled') {
    for (const w of session.waiters.splice(0)) w.reject(new PageError(session.code, session.error));
  }
}

/** Ends a session with an error (returned, to throw); tells the offscreen document to drop it. */
function fail(session, code, message, tellHost = true, stage = 'failed') {
  const error = new PageError(code, message);
  if (['done', 'failed', 'cancelled'].includes(session.stage)) return error;
  session.code = code;
  session.error = message;
  session.lobby?.reject(new PageError(code, message));
  if (session.approval) answer(session.approval, false, null, new PageError(code, message));
  if (tellHost) offscreen({ type: 'cancel', session: session.id, reason: message }).catch(() => {});
  setStage(session, stage);
  return error;
}

/**
 * What the full approval of a join shows, for the session's `parties` (in
 * party order): this party's seat, its inputs (checked against what the page
 * supplied: a page may not supply a typed input), every party and the
 * disclosure for this seat.
 */
function joinDetails(session, parties, me, known, invite, threshold) {
  session.party = parties.indexOf(me.fingerprint);
  const wanted = JSON.parse(wasm.partyInputs(session.program, session.m, session.party));
  const given = session.pageInputs;
  for (const name of Object.keys(given)) {
    const spec = wanted.find((w) => w.name === name);
    if (!spec) throw fail(session, ERR.INVALID_PARAMS, `this party provides no input \`${name}\``, session.hosted);
    if (spec.typed) throw fail(session, ERR.INVALID_PARAMS, `input \`${name}\` is typed by the participant; the page must not supply it`, session.hosted);
  }
  for (const spec of wanted) {
    if (!spec.typed && given[spec.name] === undefined) throw fail(session, ERR.INVALID_PARAMS, `input \`${spec.name}\` is missing`, session.hosted);
  }
  return {
    kind: 'join', threshold, me: session.party,
    // Computed from the checked program by the WebAssembly, never from the page's words.
    disclosure: JSON.parse(wasm.approvalView(session.program, session.m, threshold, session.party)),
    parties: parties.map((fp, index) => partyView(fp, index, me, known, invite)),
    inputs: wanted.map((w) => (w.typed ? w : { ...w, value: given[w.name] })),
  };
}

/** Whether two signal server URLs name the same server (scheme, host and port). */
function sameServer(a, b) {
  const origin = (url) => {
    try {
      const u = new URL(url);
      return `${u.protocol}//${u.host}`.toLowerCase();
    } catch {
      return null;
    }
  };
  return origin(a) !== null && origin(a) === origin(b);
}

/**
 * A party as the approval shows it: the participant's petname for its key,
 * the name the invite's roster gives it (the site's word, shown as such), and
 * `changed` when that name is a contact's petname for another key — the
 * contact's key changed, or someone poses as them.
 */
function partyView(fingerprint, index, me, known, invite) {
  const petname = known[fingerprint]?.petname ?? null;
  const name = invite.roster?.parties.find((p) => p.fingerprint === fingerprint)?.name ?? null;
  const same = (a, b) => a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;
  const changed = fingerprint !== me.fingerprint && name !== null && (petname === null || !same(petname, name))
    && Object.entries(known).some(([other, v]) => other !== fingerprint && v.petname && same(v.petname, name));
  return { index, fingerprint, petname, name, you: fingerprint === me.fingerprint, changed };
}

async function remember(fingerprints) {
  const known = await peers();
  let added = false;
  for (const fp of fingerprints) {
    if (!known[fp]) {
      known[fp] = { petname: null, firstSeen: Date.now() };
      added = true;
    }
  }
  if (added) await chrome.storage.local.set({ peers: known });
}

async function revoke(origin) {
  const all = await sites();
  delete all[origin];
  await chrome.storage.local.set({ sites: all });
  for (const session of sessions.values()) {
    if (session.origin === origin) fail(session, ERR.UNAUTHORIZED, 'the site was disconnected from Cohort', true, 'cancelled');
  }
  emit(origin, 'disconnect', { origin });
  changed();
}

// ---------------------------------------------------------------- offscreen document

let hostReady = null;
/** Resolves the session host's start-up, when its `ready` message arrives. */
let hostUp = () => {};

async function offscreen(msg) {
  if (!hostReady) {
    hostReady = (async () => {
      const existing = await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] });
      if (!existing.length) {
        const began = performance.now();
        const up = new Promise((resolve) => { hostUp = (readyMs) => { startup.host = performance.now() - began; startup.hostWasm = readyMs; resolve(); }; });
        await chrome.offscreen.createDocument({
          url: 'offscreen.html', reasons: ['WEB_RTC'],
          justification: 'Runs MPC sessions: WebRTC data channels to the other parties and the WebAssembly engine.',
        });
        await up;
      }
    })().catch((e) => { hostReady = null; throw e; });
  }
  await hostReady;
  const answer = await chrome.runtime.sendMessage({ to: 'offscreen', ...msg });
  if (!answer?.ok) throw new PageError(ERR.SESSION_FAILED, answer?.error ?? 'the session host did not answer');
  return answer;
}

function fromHost(msg) {
  if (msg.type === 'ready') return hostUp(msg.readyMs);
  const session = sessions.get(msg.session);
  if (!session) return;
  switch (msg.type) {
    case 'parties':
      session.parties = msg.parties;
      session.party = msg.parties.indexOf(session.fingerprint);
      session.lobby?.resolve();
      session.lobby = null;
      break;
    case 'stage':
      if (!['done', 'failed', 'cancelled'].includes(session.stage)) setStage(session, msg.stage);
      break;
    case 'path':
      session.paths[msg.peer] = msg.path;
      emit(session.origin, 'session', view(session));
      changed();
      break;
    case 'done':
      session.outputs = msg.outputs;
      setStage(session, 'done');
      break;
    case 'failed':
      fail(session, msg.peerLost ? ERR.PEER_UNREACHABLE : ERR.SESSION_FAILED, msg.error, false);
      break;
  }
}

// ---------------------------------------------------------------- approvals

/** Approvals waiting for the user; the first has the window. */
const approvals = [];
let nextApproval = 1;

/**
 * Asks the user; resolves with the typed inputs (join) or true, rejects with
 * USER_REJECTED (or at once, without asking, if the site is blocked or paused).
 */
async function approve(details, session = null) {
  await mayAsk(details.origin);
  if (approvals.some((a) => a.details.origin === details.origin)) {
    throw new PageError(ERR.REQUEST_PENDING, 'another request from this site is waiting for the user; try again after it is answered');
  }
  return new Promise((resolve, reject) => {
    const approval = { id: nextApproval++, details, resolve, reject, windowId: null, session };
    if (session) session.approval = approval;
    approvals.push(approval);
    changed();
    if (approvals.length === 1) show(approval);
  });
}

async function show(approval) {
  try {
    const win = await chrome.windows.create({ url: `approve.html?id=${approval.id}`, type: 'popup', width: 520, height: 720, focused: true });
    approval.windowId = win.id;
    if (!approvals.includes(approval)) chrome.windows.remove(win.id).catch(() => {});
  } catch (e) {
    answer(approval, false, null, new PageError(ERR.SESSION_FAILED, `the approval window could not open: ${e.message}`));
  }
}

function answer(approval, approved, inputs, error = null) {
  const at = approvals.indexOf(approval);
  if (at < 0) return;
  approvals.splice(at, 1);
  if (approval.session) approval.session.approval = null;
  if (approval.windowId !== null) chrome.windows.remove(approval.windowId).catch(() => {});
  if (approved) approval.resolve(inputs ?? {});
  else approval.reject(error ?? new PageError(ERR.USER_REJECTED, 'the user refused'));
  if (at === 0 && approvals.length) show(approvals[0]);
  changed();
}

chrome.windows.onRemoved.addListener((windowId) => {
  const approval = approvals.find((a) => a.windowId === windowId);
  if (approval) {
    approval.windowId = null;
    answer(approval, false, null, new PageError(ERR.USER_REJECTED, 'the user closed the approval window'));
    answered(approval.details.origin, false).catch(console.error);
  }
});

// ---------------------------------------------------------------- extension pages

const ui = {
  async 'approval:get'(msg) {
    const approval = approvals.find((a) => a.id === msg.id);
    if (!approval) throw new Error('this request is no longer waiting (it was answered, withdrawn or expired)');
    return { approval: { id: approval.id, ...approval.details } };
  },
  /** Checks one typed value as the participant types it: `{error}` (null when fine). */
  async 'approval:check'(msg) {
    const approval = approvals.find((a) => a.id === msg.id);
    if (!approval || approval.details.kind !== 'join') throw new Error('this request is no longer waiting');
    const spec = approval.details.inputs.find((i) => i.typed && i.name === msg.name);
    if (!spec) throw new Error('no such input');
    const s = approval.session;
    try {
      wasm.checkInput(s.program, s.m, s.party, spec.name, JSON.stringify(msg.value ?? null));
      return { error: null };
    } catch (e) {
      return { error: e.message };
    }
  },
  async 'approval:answer'(msg) {
    const approval = approvals.find((a) => a.id === msg.id);
    if (!approval) throw new Error('this request is no longer waiting');
    if (msg.approved && approval.details.kind === 'join') {
      const typed = msg.inputs && typeof msg.inputs === 'object' ? msg.inputs : {};
      for (const spec of approval.details.inputs.filter((i) => i.typed)) {
        if (typed[spec.name] === undefined) throw new Error(`type your input \`${spec.name}\` first`);
      }
      const s = approval.session;
      try {
        // The engine checks types and bounds; a bad value is reported here, in the window.
        wasm.checkInputs(s.program, s.m, s.party, JSON.stringify({ ...s.pageInputs, ...typed }));
      } catch (e) {
        throw new Error(e.message);
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
  async 'bench:run'(msg) {
    const m = Number(msg.m);
    if (!Number.isSafeInteger(m) || m < 2 || typeof msg.room !== 'string' || typeof msg.signal !== 'string') {
      throw new Error('bench:run takes {signal, room, m, only?, runs?}');
    }
    // Benchmark rooms are open rooms with a public token derived from their name.
    const room = JSON.parse(wasm.benchRoom(msg.room));
    const id = room.session;
    const session = {
      id, origin: EXTENSION_ORIGIN, name: 'Benchmark', stage: 'waiting', parties: null, party: null, paths: {}, outputs: null,
      error: null, code: null, waiters: [], page: null,
    };
    sessions.set(id, session);
    const done = new Promise((resolve, reject) => session.waiters.push({ resolve, reject }));
    const s = await settings();
    await offscreen({ type: 'lobby', session: id, signal: msg.signal, m, token: room.token, secret: await identitySecret(), iceServers: s.iceServers,
      iceTransportPolicy: s.iceTransportPolicy, fallbackMs: s.fallbackMs, bench: { only: msg.only ?? [], runs: msg.runs ?? 3 } });
    const { outputs } = await done;
    return { lines: outputs, paths: session.paths, startup };
  },
  async 'bench:startup'() {
    await offscreen({ type: 'ping' });
    return { startup };
  },
  async 'ui:state'() {
    return {
      identity: await identity(),
      sessions: [...sessions.values()].map((s) => ({ ...view(s), id: s.id, origin: s.origin, outputs: s.outputs })),
      pending: approvals.length,
      sites: Object.entries(await sites()).map(([origin, v]) => ({ origin, since: v.since })),
      blocked: Object.entries(await blocked()).map(([origin, v]) => ({ origin, since: v.since })),
      peers: Object.entries(await peers()).map(([fingerprint, v]) => ({ fingerprint, petname: v.petname, firstSeen: v.firstSeen })),
      settings: await settings(),
    };
  },
  async 'ui:exportIdentity'(msg) {
    if (typeof msg.passphrase !== 'string' || msg.passphrase.length < 8) throw new Error('choose a passphrase of at least 8 characters');
    return { exported: wasm.exportIdentity(await identitySecret(), msg.passphrase) };
  },
  async 'ui:importIdentity'(msg) {
    const secret = wasm.importIdentity(String(msg.exported ?? ''), String(msg.passphrase ?? ''));
    await chrome.storage.local.set({ identity: secret });
    return { identity: await identity() };
  },
  async 'ui:resetIdentity'() {
    await chrome.storage.local.set({ identity: wasm.generateIdentity() });
    return { identity: await identity() };
  },
  async 'ui:setPetname'(msg) {
    const known = await peers();
    if (!known[msg.fingerprint]) throw new Error('no such peer');
    known[msg.fingerprint].petname = String(msg.petname ?? '').trim().slice(0, 64) || null;
    await chrome.storage.local.set({ peers: known });
    return {};
  },
  async 'ui:addPeer'(msg) {
    const fp = wasm.parsePeer(String(msg.peer ?? ''));
    const known = await peers();
    known[fp] = { petname: String(msg.petname ?? '').trim().slice(0, 64) || null, firstSeen: known[fp]?.firstSeen ?? Date.now() };
    await chrome.storage.local.set({ peers: known });
    return { fingerprint: fp };
  },
  async 'ui:removePeer'(msg) {
    const known = await peers();
    delete known[msg.fingerprint];
    await chrome.storage.local.set({ peers: known });
    return {};
  },
  async 'ui:revokeSite'(msg) {
    await revoke(String(msg.origin));
    return {};
  },
  async 'ui:unblockSite'(msg) {
    const origin = String(msg.origin);
    const all = await blocked();
    delete all[origin];
    await chrome.storage.local.set({ blocked: all });
    const counts = await refusals();
    delete counts[origin];
    await chrome.storage.session.set({ refusals: counts });
    return {};
  },
  async 'ui:saveSettings'(msg) {
    const s = msg.settings ?? {};
    if (typeof s.signal !== 'string' || !/^wss?:\/\/[^\s/]+/i.test(s.signal)) throw new Error('the signal server is a ws:// or wss:// URL');
    if (!Array.isArray(s.iceServers) || !s.iceServers.every((x) => x && (typeof x.urls === 'string' || Array.isArray(x.urls)))) {
      throw new Error('ICE servers are a JSON array of {"urls": […], "username"?, "credential"?}');
    }
    if (!['all', 'relay'].includes(s.iceTransportPolicy)) throw new Error('the ICE transport policy is "all" or "relay"');
    const fallbackMs = Number(s.fallbackMs);
    if (!(fallbackMs >= 500 && fallbackMs <= 60000)) throw new Error('the fallback delay is 500 to 60000 ms');
    await chrome.storage.local.set({ settings: { signal: s.signal, iceServers: s.iceServers, iceTransportPolicy: s.iceTransportPolicy, fallbackMs } });
    return {};
  },
};

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id || !sender.url || new URL(sender.url).origin !== EXTENSION_ORIGIN) return false;
  if (msg?.from === 'offscreen') {
    fromHost(msg);
    return false;
  }
  if (msg?.to !== 'background' || !Object.hasOwn(ui, msg.type)) return false;
  ready.then(() => ui[msg.type](msg)).then(
    (result) => {
      sendResponse({ ok: true, ...result });
      if (!['ui:state', 'approval:get', 'approval:check'].includes(msg.type)) changed();
    },
    (e) => sendResponse({ ok: false, error: e.message || String(e) }),
  );
  return true;
});

/** Tells open extension pages (the popup, options) to refresh. */
function changed() {
  chrome.runtime.sendMessage({ type: 'ui:changed' }).catch(() => {});
}
