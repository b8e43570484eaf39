// @ts-check
// Cohort — the toolbar popup.
//
// Shows the identity fingerprint, pending approvals and the computations this
// browser takes part in. Polls 'ui:state' every second and also refreshes on
// {type: 'ui:changed'} broadcasts from the background.

import { send, el, setStatus, errorText, formatTime, outputText } from './ui.js';
import { UI, UI_CHANGED } from './background/messages.js';

/** An element of this page by id: `any`, as each is of the kind the page's HTML says. @type {(id: string) => any} */
const $ = (id) => document.getElementById(id);
const status = $('status');

/**
 * stage → [label, badge tone]
 * @type {Record<import('./background/sessions.js').Stage, [string, string]>}
 */
const STAGES = {
  waiting: ['waiting for others', 'active'],
  approving: ['waiting for you', 'warn'],
  connecting: ['connecting', 'active'],
  handshaking: ['connecting', 'active'],
  agreeing: ['connecting', 'active'],
  running: ['computing', 'active'],
  done: ['done', 'ok'],
  failed: ['failed', 'error'],
  cancelled: ['cancelled', 'muted'],
};

/** The stages a session ends in. */
const ENDED = new Set(['done', 'failed', 'cancelled']);

/**
 * What happened with a party, by the stable reason of the error that names
 * it, for "Carol left the session" rather than the engine's "party 2 left".
 * @type {Record<string, (who: string) => string>}
 */
const PARTY_DID = {
  peer_gone: (who) => `${who} left the session.`,
  closed: (who) => `The connection to ${who} closed.`,
  timeout: (who) => `${who} stopped answering.`,
  not_connected: (who) => `${who} could not be reached.`,
  misbehaved: (who) => `${who} sent something invalid.`,
  flooded: (who) => `${who} sent more than the session allows.`,
};

/**
 * What happened, by the stable reason of an error that names no party, in
 * the participant's words rather than the engine's.
 * @type {Record<string, string>}
 */
const SESSION_DID = {
  inconsistent: 'The parties’ computations did not agree, so the session stopped. '
    + 'A party may have misbehaved or run a modified app; Cohort cannot tell which.',
};

/** Petnames by fingerprint, from the participant's known peers. @type {Map<string, string>} */
let petnames = new Map();

let fingerprintText = '';
let lastSessions = '';
let inFlight = false;

async function refresh() {
  if (inFlight) return;
  inFlight = true;
  try {
    const state = await send(UI.STATE);
    render(state);
    if (status.dataset.kind === 'error') setStatus(status, '');
  } catch (error) {
    setStatus(status, errorText(error), 'error');
  } finally {
    inFlight = false;
  }
}

function render(state) {
  fingerprintText = state.identity?.fingerprint || '';
  $('fingerprint').textContent = fingerprintText || '(no identity yet)';
  $('copy').disabled = !fingerprintText;

  const pending = Number(state.pending) || 0;
  $('pending').hidden = pending === 0;
  $('pending').textContent = pending === 1
    ? 'One request is waiting for your approval in its own window.'
    : `${pending} requests are waiting for your approval in their own windows.`;

  const sessions = state.sessions || [];
  petnames = new Map((state.peers || []).filter((p) => p.petname).map((p) => [p.fingerprint, p.petname]));
  const key = JSON.stringify([sessions, [...petnames]]);
  if (key === lastSessions) return;
  lastSessions = key;
  $('sessions').replaceChildren(...sessions.map(sessionItem));
  $('no-sessions').hidden = sessions.length > 0;
}

/**
 * A party as the participant knows them: their petname, else the start of
 * their fingerprint; "you" for this browser.
 * @param {any} s the session
 * @param {number} index
 */
function who(s, index) {
  if (index === s.party) return 'You';
  const fp = Array.isArray(s.parties) ? s.parties[index] : null;
  if (typeof fp !== 'string') return `Party ${index + 1}`;
  return petnames.get(fp) ?? `Party ${index + 1} (${fp.slice(0, 11)}…)`;
}

/**
 * Where the session stands, in a sentence, from its counts; null when the
 * badge says it all.
 * @param {any} s
 */
function progressText(s) {
  const n = s.count;
  if (s.stage === 'waiting' && typeof s.arrived === 'number' && n) return `${s.arrived} of ${n} arrived`;
  if (s.stage === 'approving') return 'Waiting for your approval in its own window';
  if (['connecting', 'handshaking', 'agreeing'].includes(s.stage)) {
    if (typeof s.approved === 'number' && n && s.approved < n) return `Waiting for the others to approve (${s.approved} of ${n})`;
    return s.stage === 'agreeing' ? 'Checking that everyone runs the same program' : 'Opening secure connections to the others';
  }
  if (s.stage === 'running' && typeof s.roundsDone === 'number') {
    return typeof s.roundsTotal === 'number' ? `Round ${s.roundsDone} of ${s.roundsTotal}` : `Round ${s.roundsDone}`;
  }
  return null;
}

/** @param {any} s */
function sessionItem(s) {
  const [label, tone] = STAGES[/** @type {keyof typeof STAGES} */ (s.stage)] || [String(s.stage || 'unknown'), 'muted'];
  const details = [];
  if (typeof s.party === 'number') {
    details.push(['You are', s.count ? `party ${s.party + 1} of ${s.count}` : `party ${s.party + 1}`]);
  } else if (s.count) {
    details.push(['Parties', String(s.count)]);
  }
  if (typeof s.startedAt === 'number') details.push(['Started', formatTime(s.startedAt)]);
  const paths = Object.entries(s.paths || {});
  if (paths.length) {
    details.push(['Paths', paths.map(([peer, path]) => `${who(s, Number(peer))}: ${path}`).join(' · ')]);
  }
  if (s.outputs && typeof s.outputs === 'object') {
    const outs = Object.entries(s.outputs).map(([name, value]) => `${name} = ${outputText(value)}`);
    if (outs.length) details.push(['Result', outs.join(', ')]);
  }
  const sentence = progressText(s);
  let bar = null;
  if (s.stage === 'running') {
    // Indeterminate (no value) while the number of rounds is not known.
    const known = typeof s.roundsTotal === 'number' && s.roundsTotal > 0 && typeof s.roundsDone === 'number';
    bar = el('progress', known ? { max: s.roundsTotal, value: Math.min(s.roundsDone, s.roundsTotal) } : {}, 'computing');
  }
  /** @type {string | null} */
  let error = null;
  if (s.stage === 'failed' && s.error) {
    const did = PARTY_DID[s.reason];
    error = typeof s.errorParty === 'number' && did ? did(who(s, s.errorParty)) : SESSION_DID[s.reason] ?? s.error;
  }
  const cancel = ENDED.has(s.stage) ? null : el('button', { type: 'button', class: 'small', 'data-session': s.session }, 'Cancel');
  cancel?.addEventListener('click', async () => {
    cancel.disabled = true;
    try {
      await send(UI.CANCEL_SESSION, { session: s.session });
    } catch (e) {
      setStatus(status, errorText(e), 'error');
      cancel.disabled = false;
    }
  });
  return el('li', { class: 'session' },
    el('div', { class: 'session-head' },
      el('span', { class: 'session-name' }, s.name || 'Computation'),
      el('span', { class: 'badge', 'data-tone': tone }, label),
    ),
    el('span', { class: 'origin' }, s.origin || ''),
    sentence ? el('p', { class: 'small session-progress' }, sentence) : null,
    bar,
    error ? el('p', { class: 'danger small' }, error) : null,
    details.length
      ? el('dl', {}, details.map(([term, text]) => [el('dt', {}, term), el('dd', {}, text)]))
      : null,
    cancel ? el('div', { class: 'session-actions' }, cancel) : null,
  );
}

$('copy').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(fingerprintText);
    $('copy').textContent = 'Copied';
    setTimeout(() => { $('copy').textContent = 'Copy'; }, 1500);
  } catch (error) {
    setStatus(status, `Could not copy: ${errorText(error)}`, 'error');
  }
});

$('settings').addEventListener('click', async () => {
  try {
    await chrome.runtime.openOptionsPage();
  } catch (error) {
    setStatus(status, errorText(error), 'error');
  }
});

chrome.runtime.onMessage.addListener((message) => {
  if (message && message.type === UI_CHANGED) refresh();
});

refresh();
setInterval(refresh, 1000);
