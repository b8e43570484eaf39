// @ts-check
// Cohort — the toolbar popup.
//
// Shows the identity fingerprint, pending approvals and the computations this
// browser takes part in. Polls 'ui:state' every second and also refreshes on
// {type: 'ui:changed'} broadcasts from the background.

import { send, el, setStatus, errorText, outputText } from './ui.js';
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
  approving: ['awaiting approval', 'warn'],
  connecting: ['connecting', 'active'],
  agreeing: ['agreeing', 'active'],
  handshaking: ['handshaking', 'active'],
  running: ['running', 'active'],
  done: ['done', 'ok'],
  failed: ['failed', 'error'],
  cancelled: ['cancelled', 'muted'],
};

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
  const key = JSON.stringify(sessions);
  if (key === lastSessions) return;
  lastSessions = key;
  $('sessions').replaceChildren(...sessions.map(sessionItem));
  $('no-sessions').hidden = sessions.length > 0;
}

function sessionItem(s) {
  const [label, tone] = STAGES[s.stage] || [String(s.stage || 'unknown'), 'muted'];
  const details = [];
  if (typeof s.party === 'number') {
    const of = typeof s.parties === 'number' ? ` of ${s.parties}` : '';
    details.push(['You', `party ${s.party}${of}`]);
  }
  const paths = Object.entries(s.paths || {});
  if (paths.length) {
    details.push(['Paths', paths.map(([peer, path]) => `party ${peer}: ${path}`).join(' · ')]);
  }
  if (s.outputs && typeof s.outputs === 'object') {
    const outs = Object.entries(s.outputs).map(([name, value]) => `${name} = ${outputText(value)}`);
    if (outs.length) details.push(['Result', outs.join(', ')]);
  }
  return el('li', { class: 'session' },
    el('div', { class: 'session-head' },
      el('span', { class: 'session-name' }, s.name || 'Computation'),
      el('span', { class: 'badge', 'data-tone': tone }, label),
    ),
    el('span', { class: 'origin' }, s.origin || ''),
    s.stage === 'failed' && s.error ? el('p', { class: 'danger small' }, s.error) : null,
    details.length
      ? el('dl', {}, details.map(([term, text]) => [el('dt', {}, term), el('dd', {}, text)]))
      : null,
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
