// Cohort — the approval window (approve.html?id=N).
//
// Shows one pending request from the background ('connect' or 'join'),
// collects the participant's typed inputs and answers with 'approval:answer'.
// Enter in an input field approves, Escape refuses; closing the window is a
// refusal too (the background sees it close).

import { send, el, setStatus, errorText, fingerprint, jsonText } from './ui.js';

const $ = (id) => document.getElementById(id);
const status = $('status');
const rawId = new URLSearchParams(location.search).get('id');
const id = /^\d+$/.test(rawId || '') ? Number(rawId) : rawId;

let approval = null;
let busy = false;

async function load() {
  try {
    if (rawId === null || rawId === '') throw new Error('no approval id in the address');
    ({ approval } = await send('approval:get', { id }));
    if (!approval) throw new Error('this request no longer exists');
    if (approval.kind === 'connect') showConnect(approval);
    else if (approval.kind === 'join') showJoin(approval);
    else throw new Error(`unknown kind of request: ${approval.kind}`);
    setStatus(status, '');
    $('actions').hidden = false;
  } catch (error) {
    setStatus(status, errorText(error), 'error');
    $('failed').hidden = false;
    $('close').focus();
  }
}

function showConnect(a) {
  $('connect-origin').textContent = a.origin;
  document.title = `Cohort — ${a.origin} wants to connect`;
  $('connect').hidden = false;
  $('connect-title').focus();
}

function showJoin(a) {
  const program = a.program || {};
  $('join-origin').textContent = a.origin;
  $('program-name').textContent = program.name || 'Unnamed program';
  $('session').textContent = a.session ? `Session ${a.session}` : '';
  $('rendering').textContent = program.rendering || '';
  $('hash').textContent = program.hash || '';
  document.title = `Cohort — ${a.origin}: ${program.name || 'computation'}`;

  const parties = a.parties || [];
  $('parties').replaceChildren(...parties.map((p) => partyItem(p, a.me)));
  $('party-warnings').replaceChildren(...partyWarnings(parties, a.me));
  if (typeof a.threshold === 'number' && parties.length) {
    $('threshold').textContent =
      `Your input stays private unless more than ${a.threshold} of the ${parties.length} parties work together.`;
  }

  const inputs = a.inputs || [];
  $('inputs').replaceChildren(
    ...(inputs.length ? inputs.map(inputField) : [el('p', { class: 'muted' }, 'You provide no input.')]),
  );
  $('join').hidden = false;
  $('join-title').focus();
}

const isYou = (p, me) => p.you || p.index === me;

function partyItem(p, me) {
  const you = isYou(p, me);
  const name = p.petname
    ? el('span', { class: 'party-name' }, p.petname)
    : you
      ? el('span', { class: 'party-name' }, 'this browser')
      : el('span', { class: 'party-name warn' }, 'unknown');
  return el('li', { class: 'party' },
    el('div', { class: 'party-head' },
      el('span', { class: 'party-index' }, `Party ${p.index}`),
      name,
      you ? el('span', { class: 'muted' }, '(you)') : null,
      p.changed ? el('span', { class: 'badge', 'data-tone': 'error' }, 'key changed') : null,
    ),
    fingerprint(p.fingerprint),
  );
}

function partyWarnings(parties, me) {
  const others = parties.filter((p) => !isYou(p, me));
  const unknown = others.filter((p) => !p.petname).length;
  const changed = others.filter((p) => p.changed).length;
  const notes = [];
  if (changed) {
    notes.push(el('p', { class: 'notice danger' },
      `${changed === 1 ? 'One party’s key has' : `${changed} parties’ keys have`} changed since you last saw them. ` +
      'It may be someone else: check the fingerprint with them before approving.'));
  }
  if (unknown) {
    notes.push(el('p', { class: 'notice' },
      `${unknown === 1 ? 'One party is' : `${unknown} parties are`} unknown to you. ` +
      'Compare fingerprints with them if it matters who they are.'));
  }
  return notes;
}

function inputField(input, i) {
  const fieldId = `input-${i}`;
  const description = input.description || input.name;
  if (!input.typed) {
    return el('div', { class: 'card' },
      el('div', { class: 'muted small' }, description),
      el('div', { class: 'input-value' }, jsonText(input.value)),
      el('span', { class: 'hint' }, 'Supplied by the page.'),
    );
  }
  return el('div', { class: 'card' },
    el('label', { for: fieldId }, description),
    el('input', {
      type: 'text', id: fieldId, inputmode: 'decimal', 'data-input': input.name, required: true,
      placeholder: description, autocomplete: 'off', spellcheck: 'false',
      'aria-describedby': `${fieldId}-hint ${fieldId}-error`,
    }),
    el('span', { class: 'hint', id: `${fieldId}-hint` }, 'The site will not see this value.'),
    el('span', { class: 'field-error', id: `${fieldId}-error`, 'aria-live': 'polite' }),
  );
}

/** A typed value: a finite number, else a JSON array; throws with a hint. */
function parseValue(text) {
  const trimmed = text.trim();
  if (trimmed === '') throw new Error('Please enter a value.');
  const number = Number(trimmed);
  if (Number.isFinite(number)) return number;
  try {
    const parsed = JSON.parse(trimmed);
    if (Array.isArray(parsed)) return parsed;
  } catch { /* fall through */ }
  throw new Error('Enter a number, or a list like [1, 2, 3].');
}

function collectInputs() {
  const values = {};
  let firstBad = null;
  for (const field of document.querySelectorAll('input[data-input]')) {
    const error = document.getElementById(`${field.id}-error`);
    try {
      values[field.dataset.input] = parseValue(field.value);
      field.removeAttribute('aria-invalid');
      error.textContent = '';
    } catch (e) {
      field.setAttribute('aria-invalid', 'true');
      error.textContent = e.message;
      firstBad ??= field;
    }
  }
  if (firstBad) {
    firstBad.focus();
    return null;
  }
  return values;
}

async function answer(approved, block = false) {
  if (busy || !approval) return;
  let fields = { id, approved, block };
  if (approved && approval.kind === 'join') {
    const inputs = collectInputs();
    if (!inputs) {
      setStatus(status, 'Please fix the highlighted input.', 'error');
      return;
    }
    fields = { ...fields, inputs };
  }
  busy = true;
  $('approve').disabled = $('refuse').disabled = $('block').disabled = true;
  setStatus(status, approved ? 'Approving…' : 'Refusing…');
  try {
    await send('approval:answer', fields);
    window.close();
  } catch (error) {
    setStatus(status, errorText(error), 'error');
    busy = false;
    $('approve').disabled = $('refuse').disabled = $('block').disabled = false;
  }
}

$('approve').addEventListener('click', () => answer(true));
$('refuse').addEventListener('click', () => answer(false));
$('block').addEventListener('click', () => answer(false, true));
$('close').addEventListener('click', () => window.close());
$('inputs-form').addEventListener('submit', (event) => event.preventDefault());

document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') {
    event.preventDefault();
    if (approval) answer(false);
    else window.close();
  } else if (event.key === 'Enter' && event.target.matches?.('input[data-input]')) {
    event.preventDefault();
    answer(true);
  }
});

load();
