// @ts-check
// Asking the participant: approvals wait in a queue and get a window one at
// a time. A site refused REFUSALS_BEFORE_PAUSE times in a row (Refuse, or
// the window closed) is not asked again for PAUSE_MS; a blocked site is
// never asked.

import { closeWindow, openApprovalWindow } from './platform.js';
import { ERR, PageError } from './errors.js';
import { blocked, refusals, saveRefusals } from './storage.js';
import { changed } from './notify.js';

/** @typedef {import('./sessions.js').Join} Join */

/**
 * What the approval window shows: `kind` is 'connect', 'meet' (an open
 * invite's computation, before the parties are known) or 'join'.
 * @typedef {{kind: string, origin: string} & Record<string, any>} ApprovalDetails
 */

/**
 * @typedef {object} Approval
 * @property {number} id
 * @property {ApprovalDetails} details
 * @property {(inputs: Record<string, unknown>) => void} resolve
 * @property {(error: Error) => void} reject
 * @property {number | null} windowId
 * @property {Join | null} session the session it is for, if any
 */

const REFUSALS_BEFORE_PAUSE = 3;
const PAUSE_MS = 10 * 60 * 1000;

/**
 * Approvals waiting for the participant; the first has the window.
 * @type {Approval[]}
 */
const approvals = [];
let nextApproval = 1;

/**
 * The approval waiting with this id, if any.
 * @param {unknown} id
 */
export const waitingApproval = (id) => approvals.find((a) => a.id === id);

/** How many approvals are waiting. */
export const approvalsWaiting = () => approvals.length;

/**
 * Throws UNAUTHORIZED if the participant blocked `origin`.
 * @param {string} origin
 */
export async function refuseBlocked(origin) {
  if ((await blocked())[origin]) {
    throw new PageError(ERR.UNAUTHORIZED, `the participant blocked ${origin} in Cohort; they can unblock it in Cohort's options`);
  }
}

/**
 * Throws unless the participant may be asked about a request of `origin`: not blocked, not paused after refusals.
 * @param {string} origin
 */
export async function mayAsk(origin) {
  await refuseBlocked(origin);
  const until = (await refusals())[origin]?.until ?? 0;
  if (until > Date.now()) {
    const minutes = Math.ceil((until - Date.now()) / 60_000);
    throw new PageError(ERR.USER_REJECTED, `the participant refused this site ${REFUSALS_BEFORE_PAUSE} times in a row; `
      + `Cohort will not ask them again for ${minutes} minute${minutes === 1 ? '' : 's'}`);
  }
}

/**
 * Counts the participant's answer to a request of `origin`: an approval resets the count, the third refusal in a row pauses the site.
 * @param {string} origin
 * @param {boolean} approved
 */
export async function answered(origin, approved) {
  const all = await refusals();
  const count = approved ? 0 : (all[origin]?.count ?? 0) + 1;
  if (count === 0) delete all[origin];
  else if (count >= REFUSALS_BEFORE_PAUSE) all[origin] = { count: 0, until: Date.now() + PAUSE_MS };
  else all[origin] = { count, until: 0 };
  await saveRefusals(all);
}

/**
 * Asks the participant; resolves with the typed inputs (join; `{}` otherwise), rejects with
 * USER_REJECTED (or at once, without asking, if the site is blocked or paused).
 * @param {ApprovalDetails} details
 * @param {Join | null} session
 * @returns {Promise<Record<string, unknown>>}
 */
export async function approve(details, session = null) {
  await mayAsk(details.origin);
  // The session ended while this waited (its host failed, the page left): ask nothing.
  if (session && session.code !== null) throw new PageError(session.code, session.error ?? 'the session ended');
  if (approvals.some((a) => a.details.origin === details.origin)) {
    throw new PageError(ERR.REQUEST_PENDING, 'another request from this site is waiting for the user; try again after it is answered');
  }
  return new Promise((resolve, reject) => {
    /** @type {Approval} */
    const approval = { id: nextApproval++, details, resolve, reject, windowId: null, session };
    if (session) session.approval = approval;
    approvals.push(approval);
    changed();
    if (approvals.length === 1) show(approval);
  });
}

/** @param {Approval} approval */
async function show(approval) {
  try {
    approval.windowId = await openApprovalWindow(`approve.html?id=${approval.id}`);
    if (!approvals.includes(approval)) closeWindow(approval.windowId);
  } catch (e) {
    answer(approval, false, null, new PageError(ERR.SESSION_FAILED, `the approval window could not open: ${e.message}`));
  }
}

/**
 * Settles an approval (if still waiting), closes its window and shows the next one.
 * @param {Approval} approval
 * @param {boolean} approved
 * @param {Record<string, unknown> | null} inputs the typed inputs, if approved
 * @param {Error | null} error why not, if not approved (default: the user refused)
 */
export function answer(approval, approved, inputs, error = null) {
  const at = approvals.indexOf(approval);
  if (at < 0) return;
  approvals.splice(at, 1);
  if (approval.session) approval.session.approval = null;
  if (approval.windowId !== null) closeWindow(approval.windowId);
  if (approved) approval.resolve(inputs ?? {});
  else approval.reject(error ?? new PageError(ERR.USER_REJECTED, 'the user refused'));
  if (at === 0 && approvals.length) show(approvals[0]);
  changed();
}

/**
 * A closed approval window is a refusal.
 * @param {number} windowId
 */
export function windowClosed(windowId) {
  const approval = approvals.find((a) => a.windowId === windowId);
  if (approval) {
    approval.windowId = null;
    answer(approval, false, null, new PageError(ERR.USER_REJECTED, 'the user closed the approval window'));
    answered(approval.details.origin, false).catch(console.error);
  }
}
