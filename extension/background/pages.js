// @ts-check
// Web pages: their ports (through the content script), their requests, and
// the page API's methods (connect, identity, checkProgram, createSession,
// joinSession, status, result, cancel, disconnect). Permissions, sessions and approvals
// are per origin, the origin the browser reports for the page's port.

import { ERR, PageError, pageError } from './errors.js';
import { HOST_COMMAND, PAGE_EVENT, PORT_KIND } from './messages.js';
import { ready, wasm } from './engine.js';
import { identity, identitySecret, peers, rememberPeers, saveSites, settings, sites } from './storage.js';
import { changed, emit, pages, reply } from './notify.js';
import { approve, mayAsk, refuseBlocked } from './approvals.js';
import { TERMINAL, fail, failure, restored, save, sessions, setStage, settle, view } from './sessions.js';
import { toHost } from './host.js';

/** @typedef {import('./notify.js').Page} Page */
/** @typedef {import('./sessions.js').Join} Join */

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
      if (session.page === page) fail(session, ERR.SESSION_FAILED, 'the page was closed', true, 'cancelled', { reason: 'page_closed' });
    }
  });
  port.onMessage((msg) => {
    if (msg?.kind !== PORT_KIND.REQUEST || !Number.isSafeInteger(msg.id)) return;
    // Before any of its work: a request the content script sent but never
    // saw received died on the way (Firefox stops an idle background page
    // even as a message arrives), and it sends that one again.
    reply(page, { kind: PORT_KIND.RECEIVED, id: msg.id });
    handle(page, msg.method, msg.params).then(
      (result) => reply(page, { kind: PORT_KIND.REPLY, id: msg.id, result }),
      (e) => reply(page, {
        kind: PORT_KIND.REPLY, id: msg.id,
        error: e instanceof PageError
          ? { code: e.code, message: e.message, data: e.data }
          : { code: ERR.SESSION_FAILED, message: e?.message || String(e), data: { reason: 'internal' } },
      }),
    );
  });
}

/** The methods a site may call before it is connected: `checkProgram` reads nothing of the participant and stores nothing. */
const OPEN = new Set(['connect', 'disconnect', 'checkProgram']);

/** The methods a page may call, in the order of the docs (announced in the provider's `info.methods`). */
export const METHODS = Object.freeze(['connect', 'identity', 'checkProgram', 'createSession', 'joinSession', 'status', 'result', 'cancel',
  'disconnect']);

/**
 * Throws UNAUTHORIZED unless the participant connected `origin`.
 * @param {string} origin
 */
async function requirePermission(origin) {
  if (!(await sites())[origin]) {
    throw new PageError(ERR.UNAUTHORIZED, `${origin} is not connected to Cohort: call connect first`, 'not_connected');
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

/**
 * The page API's methods, given parameters the WebAssembly checked
 * (`pageRequest`: every parameter of its type, defaults filled in).
 * @type {Record<string, (page: Page, params: Record<string, any>) => Promise<unknown>>}
 */
const methods = {
  async connect(page) {
    if (!(await sites())[page.origin]) {
      await approve({ kind: 'connect', origin: page.origin });
      const all = await sites();
      all[page.origin] = { since: Date.now() };
      await saveSites(all);
      changed();
      const me = await identity();
      // Every page of the site hears it, the one that asked included.
      emit(page.origin, PAGE_EVENT.CONNECT, me);
      return me;
    }
    return identity();
  },

  async checkProgram(page, params) {
    // The extension's own checks, in Rust; nothing of the participant is read and nothing is stored.
    try {
      return wasm.pageCheckProgram(params.program, params.parties);
    } catch (e) {
      throw pageError(e, ERR.INVALID_PROGRAM);
    }
  },

  async identity() {
    return identity();
  },

  async createSession(page, params) {
    // roster: the expected parties, in party order: [{party: KEY or FINGERPRINT, name?}]; the invite then admits only them.
    const { program, parties, roster } = params;
    const signal = params.signal ?? (await settings()).signal;
    await sessionThreshold(parties);
    // The program first, so that every later error is about the parameters.
    try {
      wasm.checkProgram(program);
    } catch (e) {
      throw pageError(e, ERR.INVALID_PROGRAM);
    }
    // A public site's invite must not carry a signal server only this computer or its network can reach (the rule is in Rust).
    try {
      wasm.checkSignalForPage(page.origin, signal);
    } catch (e) {
      throw pageError(e, ERR.INVALID_PARAMS);
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
    const { invite: inviteText, program, inputs, timeout } = params;
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
    if (sessions.has(invite.session)) {
      throw new PageError(ERR.INVALID_PARAMS, 'this session cannot be joined: a browser joins a session once', 'already_joined');
    }
    const me = await identity();
    if (invite.roster && !invite.roster.parties.some((p) => p.fingerprint === me.fingerprint)) {
      throw new PageError(ERR.INVALID_PARAMS,
        `this session admits only the parties its invite lists, and this browser's identity (${me.fingerprint}) is not one of them`, 'not_a_party');
    }
    /** @type {Join} */
    const session = {
      id: invite.session, origin: page.origin, name: checked.name, program, checked, m: invite.parties,
      signal: invite.signal, stage: 'waiting', parties: null, party: null, paths: {}, outputs: null, error: null,
      code: null, waiters: [], pageInputs: inputs, fingerprint: me.fingerprint, page, hosted: false,
      roster: invite.roster?.parties.map((p) => p.fingerprint) ?? null, startedAt: Date.now(),
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
        fail(session, e.code ?? ERR.USER_REJECTED, e.message, session.hosted, e.code === ERR.USER_REJECTED ? 'cancelled' : 'failed',
          { reason: e.reason ?? (e.code === ERR.USER_REJECTED ? 'user_rejected' : undefined) });
        throw e;
      }
    };
    const threshold = invite.threshold;
    /** The full approval, once the parties are known: the WebAssembly checks the page's inputs for this seat. @param {string[]} parties */
    const joinDetails = async (parties) => {
      try {
        const details = wasm.joinApproval({ program, parties, me: me.fingerprint, threshold, inputs, known: await peers(), roster: invite.roster });
        session.party = details.me;
        return details;
      } catch (e) {
        throw fail(session, e.code ?? ERR.INVALID_PARAMS, e.message, session.hosted, 'failed', { reason: e.reason });
      }
    };
    // The participant approves before this browser meets anyone at the
    // page's signal server. A roster says who the parties are and which
    // seat is this one's, so that is the whole approval; an open invite's
    // seats go to whoever arrives, so the participant approves the
    // computation now, and the parties (with the inputs) once they are known.
    let typed;
    if (session.roster) {
      typed = await ask(await joinDetails(session.roster));
    } else {
      await ask({
        kind: 'meet', threshold,
        // Computed from the checked program by the WebAssembly, never from the page's words.
        disclosure: wasm.approvalView(program, session.m, threshold, undefined),
      });
    }
    // Cancelled (the page closed, the site was revoked) while the participant answered: meet no one.
    if (TERMINAL.has(session.stage)) throw failure(session);
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
        trustServerIce: wasm.sameSignalServer(session.signal, s.signal),
        iceServers: s.iceServers, iceTransportPolicy: s.iceTransportPolicy, fallbackMs: s.fallbackMs,
        // The signal protocol gives up when not every party has arrived by then.
        lobbyMs: timeout * 1000 });
      // Cancelled while the host was being asked: its cancel may have arrived first, so cancel again.
      if (TERMINAL.has(session.stage)) {
        toHost({ type: HOST_COMMAND.CANCEL, session: session.id, reason: session.error ?? 'the session ended' }).catch(() => {});
        throw failure(session);
      }
      await lobby;
    } catch (e) {
      throw fail(session, e.code ?? ERR.SESSION_FAILED, e.message, true, 'failed', { reason: e.reason, party: e.detail?.party });
    }
    const parties = /** @type {string[]} */ (session.parties); // the lobby is full
    if (session.roster && parties.join() !== session.roster.join()) {
      throw fail(session, ERR.SESSION_FAILED, 'the signal server seated other parties, or in another order, than the invite lists', true,
        'failed', { reason: 'seated_wrongly' });
    }
    if (!session.roster) typed = await ask(await joinDetails(parties));
    if (TERMINAL.has(session.stage)) throw failure(session);
    await rememberPeers(parties.filter((fp) => fp !== me.fingerprint));
    // The program planned for these parties (with its name and hash): the session host runs the plan, so its module carries no checker.
    let plan;
    try {
      plan = wasm.plannedProgram(checked.canonical, parties.length);
    } catch (e) {
      throw fail(session, e.code ?? ERR.INVALID_PROGRAM, e.message, true, 'failed', { reason: e.reason });
    }
    setStage(session, 'connecting');
    const config = { plan, session: session.id, parties, me: session.party, inputs: { ...inputs, ...typed } };
    session.started = true;
    save();
    try {
      await toHost({ type: HOST_COMMAND.START, session: session.id, config });
    } catch (e) {
      // The host refused the session (or could not be reached): it ends here, not in `connecting`.
      throw fail(session, e.code ?? ERR.SESSION_FAILED, e.message, true, 'failed', { reason: e.reason });
    }
    return { session: session.id, party: session.party, parties };
  },

  async status(page, params) {
    const session = mine(page, params);
    return view(session);
  },

  async result(page, params) {
    const session = mine(page, params);
    return new Promise((resolve, reject) => {
      session.waiters.push({ resolve, reject });
      settle(session);
    });
  },

  async cancel(page, params) {
    const session = mine(page, params);
    // A session that has ended stays as it ended.
    fail(session, ERR.SESSION_FAILED, 'the page cancelled the session', true, 'cancelled', { reason: 'cancelled' });
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
  // The permission before anything of the request: a site that is not
  // connected learns nothing from its parameters being checked.
  if (Object.hasOwn(methods, method) && !OPEN.has(method)) await requirePermission(page.origin);
  await ready;
  let request;
  try {
    request = wasm.pageRequest(method, params ?? null);
  } catch (e) {
    throw pageError(e, ERR.INVALID_PARAMS);
  }
  return methods[request.method](page, request.params);
}

/**
 * The session `params.session` of the page's origin.
 * @param {Page} page
 * @param {Record<string, any>} params
 */
function mine(page, params) {
  const id = params.session;
  const session = sessions.get(id);
  // Another origin's session is indistinguishable from none.
  if (!session || session.origin !== page.origin) throw new PageError(ERR.INVALID_PARAMS, `no session ${id} for this site`, 'unknown_session');
  return session;
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
    if (session.origin === origin) fail(session, ERR.UNAUTHORIZED, 'the site was disconnected from Cohort', true, 'cancelled', { reason: 'disconnected' });
  }
  emit(origin, PAGE_EVENT.DISCONNECT, { origin });
  changed();
}
