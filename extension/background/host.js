// @ts-check
// The session host (the offscreen document: WebRTC and the engine run
// there): starting it, sending it commands, and its events about sessions.

import { ensureSessionHost, sendToHost } from './platform.js';
import { HOST_COMMAND, HOST_EVENT } from './messages.js';
import { ERR, PageError } from './errors.js';
import { startup, wasm } from './engine.js';
import { canMove, fail, restored, save, sessions, setStage, update } from './sessions.js';

/** @type {Promise<void> | null} */
let hostReady = null;
/**
 * Resolves the session host's start-up, when its `ready` message arrives.
 * @type {(readyMs: number) => void}
 */
let hostUp = () => {};

/**
 * Sends a command to the session host, starting it first if need be.
 * @param {{type: string} & Record<string, unknown>} command one of HOST_COMMAND, with its fields
 * @returns {Promise<{ok: true} & Record<string, unknown>>} the answer; rejects with SESSION_FAILED if the host refuses or does not answer
 */
export async function toHost(command) {
  if (!hostReady) {
    hostReady = (async () => {
      const began = performance.now();
      // Listening before the host starts: its `ready` may come before ensureSessionHost resolves.
      /** @type {Promise<void>} */
      const up = new Promise((resolve) => {
        hostUp = (readyMs) => { startup.host = performance.now() - began; startup.hostWasm = readyMs; resolve(); };
      });
      if (await ensureSessionHost()) await up;
    })().catch((e) => { hostReady = null; throw e; });
  }
  await hostReady;
  const answer = await sendToHost(command);
  if (!answer?.ok) {
    throw new PageError(answer?.code ?? ERR.SESSION_FAILED, answer?.error ?? 'the session host did not answer', answer?.reason ?? undefined);
  }
  return answer;
}

/** The ids of the sessions the session host computes (it outlives restarts of this worker). */
export async function hostSessions() {
  const answer = await toHost({ type: HOST_COMMAND.SESSIONS });
  return /** @type {string[]} */ (answer.sessions ?? []);
}

/**
 * An event from the session host.
 * @param {{type: string} & Record<string, any>} msg one of HOST_EVENT, with its fields
 */
export function fromHost(msg) {
  if (msg.type === HOST_EVENT.READY) return hostUp(msg.readyMs);
  restored().then(() => sessionEvent(msg));
}

/**
 * `{NAME: "exact decimal"}` of the fixed-point outputs, from the WebAssembly; {} if it cannot say.
 * @param {string} program
 * @param {number} m
 * @param {unknown} outputs
 */
function exactOutputs(program, m, outputs) {
  try {
    return wasm.exactOutputs(program, m, outputs);
  } catch (e) {
    console.error('exact outputs:', e);
    return {};
  }
}

/**
 * An event of one session.
 * @param {{type: string} & Record<string, any>} msg
 */
function sessionEvent(msg) {
  // KEEPALIVE has done its work by arriving: it woke the worker.
  const session = sessions.get(msg.session);
  if (!session) return;
  switch (msg.type) {
    case HOST_EVENT.PARTIES:
      session.parties = msg.parties;
      session.party = msg.parties.indexOf(session.fingerprint);
      // The room is full: every party arrived.
      session.arrived = { present: msg.parties.length, needed: msg.parties.length };
      update(session);
      session.lobby?.resolve();
      session.lobby = null;
      break;
    case HOST_EVENT.STAGE:
      setStage(session, msg.stage);
      break;
    case HOST_EVENT.PATH:
      session.paths[msg.peer] = msg.path;
      update(session);
      break;
    case HOST_EVENT.DONE:
      if (canMove(session, 'done')) {
        session.outputs = msg.outputs;
        // The exact decimal text of its fixed-point outputs (a benchmark has no program).
        if (session.program && session.m) session.exact = exactOutputs(session.program, session.m, msg.outputs);
        // Every round is done (when the count was known).
        if (Number.isSafeInteger(session.roundsTotal)) session.roundsDone = session.roundsTotal;
        setStage(session, 'done');
      }
      break;
    case HOST_EVENT.ARRIVED:
      session.arrived = { present: msg.present, needed: msg.needed };
      update(session);
      break;
    case HOST_EVENT.APPROVED:
      if (Number.isSafeInteger(msg.approved)) session.approved = msg.approved;
      update(session);
      break;
    case HOST_EVENT.PROGRESS:
      if (Number.isSafeInteger(msg.roundsDone)) session.roundsDone = msg.roundsDone;
      // Null: the number of rounds is not known.
      session.roundsTotal = Number.isSafeInteger(msg.roundsTotal) ? msg.roundsTotal : null;
      update(session);
      break;
    case HOST_EVENT.FAILED:
      // The WebAssembly's page code when it gave one (a peer gone is PEER_UNREACHABLE, …), its reason, and the party it names.
      fail(session, msg.error?.code ?? ERR.SESSION_FAILED, msg.error?.message ?? 'the session failed', false, 'failed', {
        reason: typeof msg.error?.reason === 'string' ? msg.error.reason : undefined,
        party: Number.isSafeInteger(msg.error?.party) ? msg.error.party : undefined,
      });
      break;
  }
  save();
}
