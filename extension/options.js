// @ts-check
// Cohort — the options page: identity (backup, import, reset), known peers,
// connected sites and network settings.
//
// Every action goes through `act`, which reports success or the error in the
// status line and then re-fetches 'ui:state' and re-renders.

import { send, el, setStatus, errorText, fingerprint, formatTime } from './ui.js';
import { UI, UI_CHANGED } from './background/messages.js';

/** An element of this page by id: `any`, as each is of the kind the page's HTML says. @type {(id: string) => any} */
const $ = (id) => document.getElementById(id);
const status = $('status');

/** @type {any} the background's `ui:state` */
let state = null;
let settingsDirty = false; // the network form has unsaved edits: don't overwrite them
/** @type {string | null} */
let downloadUrl = null;

// ---- fetching and rendering -------------------------------------------------

async function refresh() {
  try {
    state = await send(UI.STATE);
    render();
    return true;
  } catch (error) {
    setStatus(status, errorText(error), 'error');
    return false;
  }
}

/** Runs an action, reports its outcome, then re-fetches the state. */
async function act(work, success) {
  setStatus(status, 'Working…');
  try {
    const reply = await work();
    if (await refresh()) setStatus(status, success, 'ok');
    return reply;
  } catch (error) {
    setStatus(status, errorText(error), 'error');
    await refresh();
    return null;
  }
}

function render() {
  $('fingerprint').textContent = state.identity?.fingerprint || '(none)';
  $('public-key').textContent = state.identity?.key || '(none)';
  if (!editingPetname()) keepFocus(() => renderPeers(state.peers || []));
  keepFocus(() => renderSites(state.sites || []));
  keepFocus(() => renderBlocked(state.blocked || []));
  if (!settingsDirty) renderSettings(state.settings || {});
}

/** Rebuilds part of the page, putting focus back on the same control. */
function keepFocus(rebuild) {
  const active = /** @type {HTMLElement | null} */ (document.activeElement);
  const key = active?.dataset?.focusKey;
  rebuild();
  if (!key) return;
  const again = /** @type {HTMLElement | null} */ (document.querySelector(`[data-focus-key="${CSS.escape(key)}"]`));
  if (again && again !== active) again.focus();
}

/** True while a petname has unsaved typing (don't rebuild the table under it). */
function editingPetname() {
  const active = /** @type {HTMLInputElement | null} */ (document.activeElement);
  return active?.matches?.('#peers input') && active.value !== active.defaultValue;
}

function renderPeers(peers) {
  $('peers').replaceChildren(...peers.map((peer) => {
    const label = `Petname for ${peer.fingerprint}`;
    const input = el('input', {
      type: 'text', value: peer.petname || '', placeholder: 'no petname', 'aria-label': label, autocomplete: 'off',
      'data-focus-key': `petname:${peer.fingerprint}`,
    });
    input.addEventListener('change', () => {
      const petname = input.value.trim();
      input.defaultValue = input.value; // saved: the table may be rebuilt now
      act(() => send(UI.SET_PETNAME, { fingerprint: peer.fingerprint, petname }),
        petname ? `Saved the petname “${petname}”.` : 'Cleared the petname.');
    });
    const remove = el('button', {
      type: 'button', class: 'small danger', 'data-focus-key': `remove:${peer.fingerprint}`,
      'aria-label': `Remove ${peer.petname || peer.fingerprint}`,
    }, 'Remove');
    remove.addEventListener('click', () => {
      const who = peer.petname ? `${peer.petname} (${peer.fingerprint})` : peer.fingerprint;
      if (!confirm(`Forget ${who}? Next time they will show as unknown.`)) return;
      act(() => send(UI.REMOVE_PEER, { fingerprint: peer.fingerprint }), 'Peer removed.');
    });
    return el('tr', {},
      el('td', {}, input),
      el('td', {}, fingerprint(peer.fingerprint)),
      el('td', { class: 'small' }, formatTime(peer.firstSeen)),
      el('td', {}, remove),
    );
  }));
  $('peers-table').hidden = peers.length === 0;
  $('no-peers').hidden = peers.length > 0;
}

/**
 * A list of sites, each with its date and one action button: connected
 * sites (Revoke) and blocked sites (Unblock).
 */
function renderOrigins(list, empty, sites, { label, since, type, message, done, danger = false }) {
  list.replaceChildren(...sites.map((site) => {
    const button = el('button', {
      type: 'button', class: danger ? 'small danger' : 'small', 'data-focus-key': `${type}:${site.origin}`,
      'aria-label': `${label} ${site.origin}`,
    }, label);
    button.addEventListener('click', () => act(() => send(message, { origin: site.origin }), `${done} ${site.origin}.`));
    return el('li', { class: 'row' },
      el('div', { class: 'grow' },
        el('div', { class: 'origin' }, site.origin),
        el('div', { class: 'muted small' }, `${since} ${formatTime(site.since)}`),
      ),
      button,
    );
  }));
  empty.hidden = sites.length > 0;
}

function renderSites(sites) {
  renderOrigins($('sites'), $('no-sites'), sites,
    { label: 'Revoke', since: 'Connected since', type: 'revoke', message: UI.REVOKE_SITE, done: 'Revoked', danger: true });
}

function renderBlocked(blocked) {
  renderOrigins($('blocked'), $('no-blocked'), blocked,
    { label: 'Unblock', since: 'Blocked since', type: 'unblock', message: UI.UNBLOCK_SITE, done: 'Unblocked' });
}

function renderSettings(s) {
  $('signal').value = s.signal || '';
  $('ice-servers').value = JSON.stringify(s.iceServers || [], null, 2);
  $('ice-policy').value = s.iceTransportPolicy === 'relay' ? 'relay' : 'all';
  $('fallback-ms').value = s.fallbackMs ?? 4000;
}

// ---- identity -----------------------------------------------------------------

$('export-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const passphrase = $('export-passphrase').value;
  const short = passphrase.length < 8;
  const problem = short ? 'Use a passphrase of at least 8 characters.'
    : passphrase !== $('export-confirm').value ? 'The two passphrases differ.' : '';
  const bad = fieldError('export-error', problem, short ? $('export-passphrase') : $('export-confirm'));
  if (bad) return bad.focus();
  const reply = await act(() => send(UI.EXPORT_IDENTITY, { passphrase }),
    'Backup ready: save the file somewhere safe.');
  if (!reply) return;
  $('export-passphrase').value = $('export-confirm').value = '';
  offerDownload(reply.exported);
});

function offerDownload(exported) {
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = URL.createObjectURL(new Blob([exported], { type: 'application/json' }));
  $('export-download').href = downloadUrl;
  $('export-text').value = exported;
  $('export-result').hidden = false;
  $('export-download').click();
}

$('import-file').addEventListener('change', async () => {
  const file = $('import-file').files[0];
  if (!file) return;
  if (file.size > 1 << 20) {
    setStatus(status, 'That file is too large to be a Cohort backup.', 'error');
    return;
  }
  try {
    $('import-text').value = await file.text();
  } catch (error) {
    setStatus(status, `Could not read the file: ${errorText(error)}`, 'error');
  }
});

$('import-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const exported = $('import-text').value.trim();
  const passphrase = $('import-passphrase').value;
  const problem = !exported ? 'Choose a backup file or paste a backup.'
    : !passphrase ? 'Enter the backup’s passphrase.' : '';
  const bad = fieldError('import-error', problem, exported ? $('import-passphrase') : $('import-file'));
  if (bad) return bad.focus();
  if (!confirm('Import this backup? Your current identity will be replaced.')) return;
  const reply = await act(() => send(UI.IMPORT_IDENTITY, { exported, passphrase }),
    'Identity imported.');
  if (reply) $('import-form').reset();
});

$('reset').addEventListener('click', () => {
  if (!confirm('Reset your identity? A new key replaces your current one. People who gave your old key a name will see the new one as unknown, or as a changed key when a site invites you under that name, until they check its fingerprint with you. This cannot be undone without a backup.')) return;
  act(() => send(UI.RESET_IDENTITY), 'A new identity was created.');
});

// ---- peers ----------------------------------------------------------------------

$('add-peer-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const peer = $('add-peer').value.trim();
  const petname = $('add-petname').value.trim();
  const problem = !peer ? 'Enter a fingerprint or a public key.' : !petname ? 'Enter a petname.' : '';
  const bad = fieldError('add-peer-error', problem, peer ? $('add-petname') : $('add-peer'));
  if (bad) return bad.focus();
  const reply = await act(() => send(UI.ADD_PEER, { peer, petname }), `Added “${petname}”.`);
  if (reply) $('add-peer-form').reset();
});

// ---- network --------------------------------------------------------------------

$('settings-form').addEventListener('input', () => { settingsDirty = true; });

$('settings-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const signal = $('signal').value.trim();
  const fallbackMs = Number($('fallback-ms').value);
  let iceServers = null;
  let iceProblem;
  try {
    iceServers = JSON.parse($('ice-servers').value || '[]');
    iceProblem = iceServersProblem(iceServers);
  } catch (error) {
    iceProblem = `Not valid JSON: ${errorText(error)}`;
  }
  const bad = [
    fieldError('signal-error', signalProblem(signal), $('signal')),
    fieldError('ice-error', iceProblem, $('ice-servers')),
    fieldError('fallback-error', Number.isInteger(fallbackMs) && fallbackMs >= 500 && fallbackMs <= 60000
      ? '' : 'Enter a whole number of milliseconds from 500 to 60000.', $('fallback-ms')),
  ].find(Boolean);
  if (bad) {
    bad.focus();
    setStatus(status, 'Please fix the highlighted settings.', 'error');
    return;
  }
  const settings = {
    ...(state?.settings || {}),
    signal, iceServers, fallbackMs, iceTransportPolicy: $('ice-policy').value,
  };
  const reply = await act(() => send(UI.SAVE_SETTINGS, { settings }), 'Network settings saved.');
  if (reply) {
    settingsDirty = false;
    renderSettings(state?.settings || settings);
  }
});

function signalProblem(url) {
  if (!/^wss?:\/\//i.test(url)) return 'The address must start with ws:// or wss://.';
  try {
    new URL(url);
    return '';
  } catch {
    return 'That is not a valid address.';
  }
}

function iceServersProblem(list) {
  if (!Array.isArray(list)) return 'Expected a JSON list ([…]) of servers.';
  for (const [i, server] of list.entries()) {
    const where = `Server ${i + 1}`;
    if (!server || typeof server !== 'object' || Array.isArray(server)) return `${where} is not an object.`;
    const urls = typeof server.urls === 'string' ? [server.urls] : server.urls;
    if (!Array.isArray(urls) || urls.length === 0) return `${where} needs "urls".`;
    for (const url of urls) {
      if (typeof url !== 'string' || !/^(stuns?|turns?):/i.test(url)) {
        return `${where}: ${JSON.stringify(url)} is not a stun:, stuns:, turn: or turns: address.`;
      }
    }
    for (const field of ['username', 'credential']) {
      if (field in server && typeof server[field] !== 'string') return `${where}: "${field}" must be text.`;
    }
  }
  return '';
}

/** Shows or clears a field's error; returns the field when there is one. */
function fieldError(errorId, problem, field) {
  $(errorId).textContent = problem;
  for (const input of $(errorId).closest('form').querySelectorAll('[aria-invalid]')) {
    if (input.getAttribute('aria-describedby')?.includes(errorId)) input.removeAttribute('aria-invalid');
  }
  if (!problem) return null;
  field.setAttribute('aria-invalid', 'true');
  return field;
}

// ---- start ----------------------------------------------------------------------

chrome.runtime.onMessage.addListener((message) => {
  if (message && message.type === UI_CHANGED) refresh();
});

// Opened by the extension when it was installed: say what happened.
const welcome = new URLSearchParams(location.search).has('welcome')
  ? 'Cohort is installed. It made your identity below; a site can use it only after you connect the site, and you approve every computation.'
  : '';
refresh().then((ok) => { if (ok) setStatus(status, welcome, welcome ? 'ok' : undefined); });
