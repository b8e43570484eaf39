// @ts-check
// Web pages: their ports (through the content script), their requests, and
// the page API's methods (connect, identity, createSession, joinSession,
// status, result, cancel, disconnect). Permissions, sessions and approvals
// are per origin, the origin the browser reports for the page's port.

import { ERR, PageError, pageError } from './errors.js';
import { HOST_COMMAND, PAGE_EVENT, PORT_KIND } from './messages.js';
import { ready, wasm } from './engine.js';
import { identity, identitySecret, peers, rememberPeers, saveSites, settings, sites } from './storage.js';
import { changed, emit, pages, reply } from './notify.js';
import { approve, mayAsk, refuseBlocked } from './approvals.js';
import { TERMINAL, fail, restored, save, sessions, setStage, settle, view } from './sessions.js';
import { toHost } from './host.js';

/** @typedef {import('./notify.js').Page} Page */
/** @typedef {import('./sessions.js').Join} Join */

/** How long a join waits in the lobby for every party, unless the page says otherwise. */
const LOBBY_TIMEOUT_S = 300;

/**
 * Why a page's origin cannot use Cohort, or null if it can. Permissions,
 * sessions and approvals are per origin, and the participant is shown the
 * origin: an opaque origin (`null`: sandboxed pages, some data: and blob:
 * documents) is no one in particular and is shared by unrelated pages, and a
 * `file:` page is any file on the disk. Only http:// and https:// origins
 * are served.
 * @param {string} origin
 * @returns {string | null}
 */
function unservedOrigin(origin) {
  if (typeof origin === 'string' && /^https?:\/\/[^/]+$/i.test(origin)) return null;
  const what = origin === 'null' || !origin ? 'a page with an opaque (null) origin, such as a sandboxed page'
    : origin.startsWith('file:') ? 'a file: page' : `a page of origin ${origin}`;
  return `Cohort does not serve ${what}: open the page from an http:// or https:// address`;
}

/**
 * A page connected. A page of an origin Cohort does not serve keeps its
 * port, so that each of its requests gets a clear UNAUTHORIZED.
 * @param {import('./platform.js').PagePort} port
 */
export function pageConnected(port) {
  /** @type {Page} */
  const page = { port, origin: port.origin, url: port.url, tabId: port.tabId, unserved: unservedOrigin(port.origin) };
  pages.add(page);
  port.onDisconnect(() => {
    pages.delete(page);
    // A closed page takes its sessions with it: the other parties learn that this one left.
    for (const session of sessions.values()) {
      if (session.page === page) fail(session, ERR.SESSION_FAILED, 'the page was closed', true, 'cancelled');
    }
  });
  port.onMessage((msg) => {
    if (msg?.kind !== PORT_KIND.REQUEST || !Number.isSafeInteger(msg.id)) return;
    handle(page, msg.method, msg.params).then(
      (result) => reply(page, { kind: PORT_KIND.REPLY, id: msg.id, result }),
      (e) => reply(page, {
        kind: PORT_KIND.REPLY, id: msg.id,
        error: { code: e instanceof PageError ? e.code : ERR.SESSION_FAILED, message: e.message || String(e) },
      }),
    );
  });
}

/**
 * The page's parameter `name`, checked to be of `type` ('integer', or a `typeof` name).
 * @param {Record<string, any>} params
 * @param {string} name
 * @param {'string' | 'integer' | 'object'} type
 * @param {{optional?: boolean}} options
 * @returns {any} undefined if optional and absent
 */
function param(params, name, type, { optional = false } = {}) {
  const value = params?.[name];
  if (value === undefined && optional) return undefined;
  const ok = type === 'integer' ? Number.isSafeInteger(value) : typeof value === type && value !== null;
  if (!ok) throw new PageError(ERR.INVALID_PARAMS, `params.${name} must be ${type === 'object' ? 'an object' : `a ${type}`}`);
  return value;
}

/**
 * Throws UNAUTHORIZED unless the participant connected `origin`.
 * @param {string} origin
 */
async function requirePermission(origin) {
  if (!(await sites())[origin]) {
    throw new PageError(ERR.UNAUTHORIZED, `${origin} is not connected to Cohort: call connect first`);
  }
}

/**
 * The threshold of a session of `m` parties; throws INVALID_PARAMS if it
 * would be 0 (every party's input would reach the others in the clear).
 * The rule is the party runner's, in Rust.
 * @param {number} m how many parties
 * @returns {Promise<number>}
 */
async function sessionThreshold(m) {
  await ready;
  try {
    return wasm.sessionThreshold(m);
  } catch (e) {
    throw pageError(e, ERR.INVALID_PARAMS);
  }
}

/** @type {Record<string, (page: Page, params: Record<string, any>) => Promise<unknown>>} */
const methods = {
  async connect(page) {
    if (!(await sites())[page.origin]) {
      await approve({ kind: 'connect', origin: page.origin });
      const all = await sites();
      all[page.origin] = { since: Date.now() };
      await saveSites(all);
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
    await sessionThreshold(parties);
    // The program first, so that every later error is about the parameters.
    try {
      wasm.checkProgram(program);
    } catch (e) {
      throw pageError(e, ERR.INVALID_PROGRAM);
    }
    let made;
    try {
      made = roster === undefined
        ? wasm.newSession(program, parties, signal, undefined)
        : wasm.newSession(program, parties, signal, roster, await identitySecret());
    } catch (e) {
      throw pageError(e, ERR.INVALID_PARAMS);
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
    // The party runner's checks, in Rust: the invite, privacy, the invite's program, a party count it allows.
    let invite;
    try {
      invite = wasm.planJoin(inviteText, program);
    } catch (e) {
      throw pageError(e, ERR.INVALID_PARAMS);
    }
    const checked = invite.program;
    // Before joining the lobby: the participant will be asked at the end of it.
    await mayAsk(page.origin);
    // The same answer whichever site joined first: a site learns nothing of another site's sessions.
    if (sessions.has(invite.session)) throw new PageError(ERR.INVALID_PARAMS, 'this session cannot be joined: a browser joins a session once');
    const me = await identity();
    if (invite.roster && !invite.roster.parties.some((p) => p.fingerprint === me.fingerprint)) {
      throw new PageError(ERR.INVALID_PARAMS, `this session admits only the parties its invite lists, and this browser's identity (${me.fingerprint}) is not one of them`);
    }
    /** @type {Join} */
    const session = {
      id: invite.session, origin: page.origin, name: checked.name, program, checked, m: invite.parties,
      signal: invite.signal, stage: 'waiting', parties: null, party: null, paths: {}, outputs: null, error: null,
      code: null, waiters: [], pageInputs: inputs, fingerprint: me.fingerprint, page, hosted: false,
      roster: invite.roster?.parties.map((p) => p.fingerprint) ?? null,
    };
    sessions.set(session.id, session);
    save();
    /** @param {{kind: string} & Record<string, unknown>} details */
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
    const threshold = invite.threshold;
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
        disclosure: wasm.approvalView(program, session.m, threshold, undefined),
      });
    }
    // Cancelled (the page closed, the site was revoked) while the participant answered: meet no one.
    if (TERMINAL.has(session.stage)) throw new PageError(session.code ?? ERR.SESSION_FAILED, session.error ?? 'the session ended');
    setStage(session, 'waiting');
    /** @type {Promise<void>} */
    const lobby = new Promise((resolve, reject) => { session.lobby = { resolve, reject }; });
    try {
      const s = await settings();
      session.hosted = true;
      // Saved before the host has it: a restarted worker must know to make the host leave the room.
      save();
      await toHost({ type: HOST_COMMAND.LOBBY, session: session.id, signal: session.signal, m: session.m, secret: await identitySecret(),
        token: invite.token, roster: session.roster,
        // ICE servers the page's signal server offers are used only if it is the participant's own server.
        trustServerIce: sameServer(session.signal, s.signal),
        iceServers: s.iceServers, iceTransportPolicy: s.iceTransportPolicy, fallbackMs: s.fallbackMs,
        // The signal protocol gives up when not every party has arrived by then.
        lobbyMs: timeout * 1000 });
      // Cancelled while the host was being asked: its cancel may have arrived first, so cancel again.
      if (TERMINAL.has(session.stage)) {
        toHost({ type: HOST_COMMAND.CANCEL, session: session.id, reason: session.error ?? 'the session ended' }).catch(() => {});
        throw new PageError(session.code ?? ERR.SESSION_FAILED, session.error ?? 'the session ended');
      }
      await lobby;
    } catch (e) {
      throw fail(session, e.code ?? ERR.SESSION_FAILED, e.message);
    }
    const parties = /** @type {string[]} */ (session.parties); // the lobby is full
    if (session.roster && parties.join() !== session.roster.join()) {
      throw fail(session, ERR.SESSION_FAILED, 'the signal server seated other parties, or in another order, than the invite lists');
    }
    if (!session.roster) typed = await ask(joinDetails(session, parties, me, known, invite, threshold));
    if (TERMINAL.has(session.stage)) throw new PageError(session.code ?? ERR.SESSION_FAILED, session.error ?? 'the session ended');
    await rememberPeers(parties.filter((fp) => fp !== me.fingerprint));
    setStage(session, 'connecting');
    const config = { program, session: session.id, parties, me: session.party, inputs: { ...inputs, ...typed } };
    session.started = true;
    save();
    await toHost({ type: HOST_COMMAND.START, session: session.id, config });
    return { session: session.id, party: session.party, parties };
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
    // A session that has ended stays as it ended.
    fail(session, ERR.SESSION_FAILED, 'the page cancelled the session', true, 'cancelled');
    return view(session);
  },

  async disconnect(page) {
    await revoke(page.origin);
    return true;
  },
};

/**
 * Answers a page's request: its result, or throws (a PageError for the page).
 * @param {Page} page
 * @param {any} method
 * @param {any} params
 */
async function handle(page, method, params) {
  await restored();
  if (page.unserved) throw new PageError(ERR.UNAUTHORIZED, page.unserved);
  await refuseBlocked(page.origin);
  if (!Object.hasOwn(methods, method)) throw new PageError(ERR.UNSUPPORTED_METHOD, `unsupported method \`${method}\``);
  return methods[method](page, params ?? {});
}

/**
 * The session `params.session` of the page's origin.
 * @param {Page} page
 * @param {Record<string, any>} params
 */
function mine(page, params) {
  const id = param(params, 'session', 'string');
  const session = sessions.get(id);
  // Another origin's session is indistinguishable from none.
  if (!session || session.origin !== page.origin) throw new PageError(ERR.INVALID_PARAMS, `no session ${id} for this site`);
  return session;
}

/**
 * What the full approval of a join shows, for the session's `parties` (in
 * party order): this party's seat, its inputs (checked against what the page
 * supplied: a page may not supply a typed input), every party and the
 * disclosure for this seat.
 * @param {Join} session
 * @param {string[]} parties
 * @param {{fingerprint: string}} me
 * @param {Record<string, import('./storage.js').Peer>} known
 * @param {any} invite as the engine parsed it
 * @param {number} threshold
 */
function joinDetails(session, parties, me, known, invite, threshold) {
  session.party = parties.indexOf(me.fingerprint);
  const wanted = wasm.partyInputs(session.program, session.m, session.party);
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
    disclosure: wasm.approvalView(session.program, session.m, threshold, session.party),
    parties: parties.map((fp, index) => partyView(fp, index, me, known, invite)),
    inputs: wanted.map((w) => (w.typed ? w : { ...w, value: given[w.name] })),
  };
}

/**
 * Whether two signal server URLs name the same server (scheme, host and port).
 * @param {string} a
 * @param {string} b
 */
function sameServer(a, b) {
  /** @param {string} url */
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
 * @param {string} fingerprint
 * @param {number} index
 * @param {{fingerprint: string}} me
 * @param {Record<string, import('./storage.js').Peer>} known
 * @param {any} invite as the engine parsed it
 */
function partyView(fingerprint, index, me, known, invite) {
  const petname = known[fingerprint]?.petname ?? null;
  const name = invite.roster?.parties.find((p) => p.fingerprint === fingerprint)?.name ?? null;
  /** @type {(a: string, b: string) => boolean} */
  const same = (a, b) => a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;
  const keyChanged = fingerprint !== me.fingerprint && name !== null && (petname === null || !same(petname, name))
    && Object.entries(known).some(([other, v]) => other !== fingerprint && v.petname && same(v.petname, name));
  return { index, fingerprint, petname, name, you: fingerprint === me.fingerprint, changed: keyChanged };
}

/**
 * Disconnects `origin`: it loses its permission and its sessions, and its pages hear `disconnect`.
 * @param {string} origin
 */
export async function revoke(origin) {
  const all = await sites();
  delete all[origin];
  await saveSites(all);
  for (const session of sessions.values()) {
    if (session.origin === origin) fail(session, ERR.UNAUTHORIZED, 'the site was disconnected from Cohort', true, 'cancelled');
  }
  emit(origin, PAGE_EVENT.DISCONNECT, { origin });
  changed();
}
