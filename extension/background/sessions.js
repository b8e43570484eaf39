// @ts-check
// The sessions this browser takes part in, and their stages. Each change is
// saved in session storage, so a restarted worker restores its sessions:
// those the session host still computes go on (their pages hear them
// again, and their results stay readable until the browser closes); a join
// whose request died with the worker is dropped, and the host leaves its
// room, so the page can send it again.
//
// host.js and this module import each other, deliberately: the session
// host's events move sessions on, and ending a session tells the host.

import { ERR, PageError } from './errors.js';
import { HOST_COMMAND, PAGE_EVENT } from './messages.js';
import { closeStaleApprovalWindows, sessionHostRunning, storage } from './platform.js';
import { changed, emit } from './notify.js';
import { answer } from './approvals.js';
import { toHost } from './host.js';

/**
 * @typedef {'waiting' | 'approving' | 'connecting' | 'handshaking' | 'agreeing' | 'running'
 *   | 'done' | 'failed' | 'cancelled'} Stage
 */

/**
 * Which stage may follow which; any other move is ignored, so a session
 * never leaves the stage it ended in. A join waits for the participant's
 * approval (`approving`), then in the lobby; once the parties are known an
 * open invite's join is approved again, and then it connects. The session
 * host reports `handshaking`, `agreeing` and `running`, then the outcome. A
 * benchmark needs no approval: its host starts as soon as the parties are
 * there, and agrees on no program. Any stage that has not ended may fail or
 * be cancelled.
 * @type {Readonly<Record<Stage, readonly Stage[]>>}
 */
const NEXT = Object.freeze({
  waiting: ['approving', 'connecting', 'handshaking', 'failed', 'cancelled'],
  approving: ['waiting', 'connecting', 'failed', 'cancelled'],
  connecting: ['handshaking', 'failed', 'cancelled'],
  handshaking: ['agreeing', 'running', 'failed', 'cancelled'],
  agreeing: ['running', 'failed', 'cancelled'],
  running: ['done', 'failed', 'cancelled'],
  done: [],
  failed: [],
  cancelled: [],
});

/**
 * The stages a session ends in: those the table lets nothing follow.
 * @type {ReadonlySet<Stage>}
 */
export const TERMINAL = new Set(/** @type {Stage[]} */ (Object.keys(NEXT)).filter((stage) => NEXT[stage].length === 0));

/**
 * @typedef {object} Session
 * @property {string} id
 * @property {string} origin the site's, or the extension's own for a benchmark
 * @property {string} name the program's
 * @property {Stage} stage
 * @property {string[] | null} parties every party's fingerprint, in party order, once the lobby is full
 * @property {number | null} party this browser's seat
 * @property {Record<number, string>} paths the path to each peer: 'direct', 'turn' or 'relay'
 * @property {unknown} outputs
 * @property {Record<string, unknown>} [exact] the exact decimal text of each fixed-point output
 * @property {string | null} error
 * @property {number | null} code
 * @property {{resolve: (result: any) => void, reject: (error: Error) => void}[]} waiters `result` requests
 * @property {import('./notify.js').Page | null} page the page that joined (null for a benchmark)
 * @property {string} [program] the program's source
 * @property {any} [checked] the engine's check of the program
 * @property {number} [m] how many parties
 * @property {string} [signal] the signal server's URL
 * @property {Record<string, unknown>} [pageInputs] the inputs the page supplied
 * @property {string} [fingerprint] this browser's
 * @property {boolean} [hosted] whether the session host has it
 * @property {{present: number, needed: number}} [arrived] who is in the room while it fills
 * @property {number | null} [approved] how many parties are known to have approved and started connecting (the session host's count)
 * @property {number | null} [roundsDone] the computation's rounds done (the session host's progress)
 * @property {number | null} [roundsTotal] its rounds in all, null while unknown
 * @property {string | null} [reason] the stable cause of its error
 * @property {number | null} [errorParty] the party (index) its error is about: one that left, went silent or misbehaved
 * @property {number} [startedAt] when this browser joined it (ms since the epoch)
 * @property {string[] | null} [roster] the fingerprints the invite admits, in party order (null: open)
 * @property {boolean} [started] whether the session host was told to compute
 * @property {{resolve: () => void, reject: (error: Error) => void} | null} [lobby] waits for the parties
 * @property {import('./approvals.js').Approval | null} [approval] the participant's approval it waits for
 */

/**
 * A session a page joined (a benchmark has none of these).
 * @typedef {Session & {program: string, checked: any, m: number, signal: string, pageInputs: Record<string, unknown>,
 *   fingerprint: string, hosted: boolean, roster: string[] | null}} Join
 */

/** @type {Map<string, Session>} */
export const sessions = new Map();

/** The session storage key, and what of a session is saved (never the page's inputs or the program). */
const SAVED = 'sessions';
const DURABLE = /** @type {const} */ (['id', 'origin', 'name', 'stage', 'parties', 'party', 'paths', 'outputs', 'error', 'code',
  'exact', 'm', 'signal', 'fingerprint', 'roster', 'hosted', 'started', 'arrived', 'approved', 'roundsDone', 'roundsTotal', 'reason', 'errorParty',
  'startedAt']);
/** Ended sessions kept (with their results) beyond those still going on. */
const KEEP_ENDED = 50;

/** @type {Promise<void> | null} */
let saving = null;

/** Saves every session's durable state (once per turn, however many changes). */
export function save() {
  saving ??= Promise.resolve().then(async () => {
    saving = null;
    const ended = [...sessions.values()].filter((s) => TERMINAL.has(s.stage));
    for (const old of ended.slice(0, Math.max(0, ended.length - KEEP_ENDED))) {
      sessions.delete(old.id);
      heard.delete(old.id);
    }
    const all = Object.fromEntries([...sessions].map(([id, s]) => [id, Object.fromEntries(DURABLE.map((k) => [k, s[k] ?? null]))]));
    await storage.session.set(SAVED, all);
  });
}

/**
 * Restores the sessions a previous run of this worker saved. Call once, at
 * start-up; every handler waits for it (`restored`).
 * @param {() => Promise<string[]>} hostSessions the ids of the sessions the host computes
 */
async function restore(hostSessions) {
  await closeStaleApprovalWindows().catch(() => {});
  /** @type {Record<string, any>} */
  const saved = (await storage.session.get(SAVED)) ?? {};
  const live = Object.values(saved).filter((s) => !TERMINAL.has(s.stage));
  const hostRunning = live.length > 0 && (await sessionHostRunning());
  const computing = hostRunning ? await hostSessions().catch(() => []) : [];
  for (const s of Object.values(saved)) {
    /** @type {Session} */
    const session = { ...s, waiters: [], page: null, lobby: null, approval: null };
    sessions.set(session.id, session);
    if (TERMINAL.has(session.stage)) continue;
    if (!session.started) {
      // Its join (or benchmark) request died with the worker, answered INTERRUPTED: leave the room, forget the session.
      sessions.delete(session.id);
      // (Whether or not the save says it reached the host: the worker may have stopped just after.)
      if (hostRunning) toHost({ type: HOST_COMMAND.CANCEL, session: session.id, reason: 'the extension restarted' }).catch(() => {});
    } else if (!computing.includes(session.id)) {
      fail(session, ERR.SESSION_FAILED, 'the session host stopped while the session ran', false);
    }
  }
  save();
}

/** @type {Promise<void>} */
let restoring = Promise.resolve();

/**
 * Starts restoring the saved sessions (see `restore`).
 * @param {() => Promise<string[]>} hostSessions
 */
export function restoreSessions(hostSessions) {
  restoring = restore(hostSessions).catch((e) => console.error('restoring sessions:', e));
}

/** Resolves once the saved sessions are restored. */
export const restored = () => restoring;

/**
 * A session as its page (and the popup) sees it: `party` is this browser's
 * seat (from 0), `parties` every party's fingerprint in party order once
 * known (else null), `count` how many parties the session has, `arrived`
 * how many are in the room while it fills, `approved` how many are known to
 * have approved and started connecting, `roundsDone` and `roundsTotal` the
 * computation's progress (`roundsTotal` null while unknown); `error`,
 * `code`, `reason` and `errorParty` (the party the error is about) once it
 * failed. Counts are null until the session host reports them.
 * @param {Session} s
 */
export function view(s) {
  return {
    session: s.id, name: s.name, stage: s.stage, party: s.party, parties: s.parties, count: s.m ?? null,
    arrived: s.arrived?.present ?? null, approved: s.approved ?? null, roundsDone: s.roundsDone ?? null, roundsTotal: s.roundsTotal ?? null,
    paths: s.paths, error: s.error, code: s.code, reason: s.reason ?? null, errorParty: s.errorParty ?? null,
    origin: s.origin, startedAt: s.startedAt ?? null,
  };
}

/** The last view each session's pages heard, as JSON: a `session` event goes out only when the view differs. */
const heard = new Map();

/**
 * Tells the session's site's pages (a `session` event) and the extension's
 * own pages that the session changed — if its view differs from the last
 * one sent; the same view twice is sent once.
 * @param {Session} session
 * @returns {boolean} whether the view had changed
 */
export function update(session) {
  const shown = view(session);
  const json = JSON.stringify(shown);
  if (heard.get(session.id) === json) return false;
  heard.set(session.id, json);
  emit(session.origin, PAGE_EVENT.SESSION, shown);
  changed();
  return true;
}

/**
 * Whether the table lets `session` move to `stage`.
 * @param {Session} session
 * @param {Stage} stage
 */
export const canMove = (session, stage) => NEXT[session.stage].includes(stage);

/**
 * Moves `session` to `stage` if the table allows it, and tells its site's
 * pages and the extension's own.
 * @param {Session} session
 * @param {Stage} stage
 */
export function setStage(session, stage) {
  if (!canMove(session, stage)) return;
  session.stage = stage;
  save();
  update(session);
  settle(session);
}

/**
 * Answers the session's `result` requests once it has ended.
 * @param {Session} session
 */
export function settle(session) {
  if (session.stage === 'done') {
    for (const w of session.waiters.splice(0)) w.resolve({ session: session.id, outputs: session.outputs, exact: session.exact ?? {} });
  } else if (session.stage === 'failed' || session.stage === 'cancelled') {
    // fail() gave it its code and error.
    for (const w of session.waiters.splice(0)) w.reject(failure(session));
  }
}

/**
 * Ends a session with an error (returned, to throw) unless it has ended
 * already; tells the session host to drop it.
 * @param {Session} session
 * @param {number} code one of ERR
 * @param {string} message
 * @param {boolean} tellHost
 * @param {'failed' | 'cancelled'} stage
 * @param {{reason?: string, party?: number}} [cause] the stable reason, and the party the error is about
 */
export function fail(session, code, message, tellHost = true, stage = 'failed', cause = {}) {
  // Ended already: the error it ended with.
  if (!canMove(session, stage)) return TERMINAL.has(session.stage) && session.code !== null ? failure(session) : new PageError(code, message, cause.reason);
  session.code = code;
  session.error = message;
  session.reason = cause.reason ?? null;
  session.errorParty = cause.party ?? null;
  session.lobby?.reject(failure(session));
  if (session.approval) answer(session.approval, false, null, failure(session));
  if (tellHost) toHost({ type: HOST_COMMAND.CANCEL, session: session.id, reason: message }).catch(() => {});
  setStage(session, stage);
  return failure(session);
}

/**
 * The error a session ended with, as its page receives it: its code and
 * message, its reason, and the party it is about.
 * @param {Session} session
 */
export function failure(session) {
  const error = new PageError(session.code ?? ERR.SESSION_FAILED, session.error ?? 'the session ended', session.reason ?? undefined);
  if (Number.isSafeInteger(session.errorParty)) error.detail.party = /** @type {number} */ (session.errorParty);
  return error;
}
