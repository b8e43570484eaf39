// @ts-check
// Cohort — the approval window (approve.html?id=N).
//
// Shows one pending request from the background ('connect' or 'join'),
// collects the participant's typed inputs and answers with 'approval:answer'.
// Enter in an input field approves, Escape refuses; closing the window is a
// refusal too (the background sees it close).

import { send, el, setStatus, errorText, fingerprint, jsonText } from './ui.js';
import { UI } from './background/messages.js';

/** An element of this page by id: `any`, as each is of the kind the page's HTML says. @type {(id: string) => any} */
const $ = (id) => document.getElementById(id);
const status = $('status');
const rawId = new URLSearchParams(location.search).get('id');
const id = /^\d+$/.test(rawId || '') ? Number(rawId) : rawId;

/** @type {any} the request, as the background describes it */
let approval = null;
let busy = false;

async function load() {
  try {
    if (rawId === null || rawId === '') throw new Error('no approval id in the address');
    ({ approval } = await send(UI.APPROVAL_GET, { id }));
    if (!approval) throw new Error('this request no longer exists');
    if (approval.kind === 'connect') showConnect(approval);
    else if (approval.kind === 'join' || approval.kind === 'meet') showJoin(approval);
    else throw new Error(`unknown kind of request: ${approval.kind}`);
    setStatus(status, '');
    $('actions').hidden = false;
    arm();
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
  const disclosure = a.disclosure || { reveals: [], warnings: [], pooled: [] };
  $('join-origin').textContent = a.origin;
  $('program-name').textContent = program.name || 'Unnamed program';
  document.title = `Cohort — ${a.origin}: ${program.name || 'computation'}`;

  const parties = a.parties || [];
  // Warnings first: a reveal of one party's input (or a value computed from
  // it alone), and a party whose key is not the one a contact of that name has.
  const changed = parties.filter((p) => p.changed && !isYou(p, a.me));
  $('warnings').replaceChildren(
    ...(disclosure.warnings || []).map((w) => el('p', { class: 'notice danger', role: 'alert' }, el('strong', {}, 'Warning: '), w)),
    ...changed.map((p) => el('p', { class: 'notice danger', role: 'alert' }, el('strong', {}, 'Key changed: '),
      `party ${p.index}, whom the site calls “${p.name}”, has a different key from your contact ${p.name}. `
      + 'It may be someone else: check the fingerprint with them before approving.')),
  );

  $('revealed').replaceChildren(...(disclosure.reveals || []).map((r) => el('li', { class: 'reveal' },
    el('div', { class: 'reveal-text' }, el('strong', {}, r.reveal), ' — ', r.text),
    el('div', { class: 'muted small' }, r.classWords),
    r.pooled ? el('div', { class: 'small' }, r.pooled) : null)));
  $('privacy').textContent = disclosure.privacy || '';

  // 'meet': an open session before its seats are taken; the parties and
  // this party's input come in a second window, once everyone has arrived.
  const meeting = a.kind === 'meet';
  $('your-input').hidden = meeting;
  $('parties').hidden = meeting;
  $('seats').textContent = meeting
    ? 'Anyone with the link can take a seat. Once the seats are taken, you will see who took them and type your input: nothing leaves this browser before you approve that too.'
    : a.open
      ? `Anyone with the link can take a seat: these ${parties.length} parties took them. Check they are who you expect.`
      : `Only these ${parties.length} parties can take part.`;
  $('parties').replaceChildren(...parties.map((p) => partyItem(p, a.me)));
  $('party-warnings').replaceChildren(...partyWarnings(parties, a.me));

  const inputs = meeting ? [] : a.inputs || [];
  $('inputs').replaceChildren(
    ...(inputs.length ? inputs.map(inputField) : [el('p', { class: 'muted' }, 'You provide no input.')]),
  );
  $('canonical').textContent = program.canonical || '';
  $('signal').textContent = a.signal || '';
  $('session').textContent = a.session || '';
  $('hash').textContent = program.hash || '';
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
      p.name && !you ? el('span', { class: 'muted' }, `— the site calls them “${p.name}”`) : null,
      p.changed ? el('span', { class: 'badge', 'data-tone': 'error' }, 'key changed') : null,
    ),
    fingerprint(p.fingerprint),
    !p.petname && !you ? nameForm(p, name) : null,
  );
}

/**
 * Lets the participant name an unknown party by its key, here and in their
 * contacts (after comparing its fingerprint with them, say).
 */
function nameForm(p, nameNode) {
  const fieldId = `petname-${p.index}`;
  const field = el('input', { type: 'text', id: fieldId, maxlength: '64', autocomplete: 'off', placeholder: 'Name this party', 'aria-label': `A name for party ${p.index}` });
  const save = el('button', { type: 'submit' }, 'Save name');
  const form = el('form', { class: 'petname-form' }, field, save);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const petname = field.value.trim();
    if (!petname) return field.focus();
    try {
      await send(UI.ADD_PEER, { peer: p.fingerprint, petname });
      nameNode.textContent = petname;
      nameNode.classList.remove('warn');
      form.replaceWith(el('span', { class: 'hint' }, 'Saved to your contacts for this key.'));
    } catch (error) {
      setStatus(status, errorText(error), 'error');
    }
  });
  return form;
}

function partyWarnings(parties, me) {
  const others = parties.filter((p) => !isYou(p, me));
  const unknown = others.filter((p) => !p.petname).length;
  const notes = [];
  if (unknown) {
    notes.push(el('p', { class: 'notice' },
      `${unknown === 1 ? 'One party is' : `${unknown} parties are`} unknown to you. ` +
      'Compare fingerprints with them if it matters who they are.'));
  }
  return notes;
}

/** "salary" → "Your salary". */
const yourLabel = (name) => `Your ${name.replace(/_/g, ' ')}`;

/** How many values of a list the page supplies are shown before "Show all". */
const LIST_PREVIEW = 20;

/**
 * A value the page supplies, as the window shows it. A long list shows its
 * first values and its length, and all of it on request: pages of digits
 * would bury the buttons.
 * @param {unknown} value
 */
function suppliedValue(value) {
  if (!Array.isArray(value) || value.length <= LIST_PREVIEW) return [el('div', { class: 'input-value' }, jsonText(value))];
  const count = value.length.toLocaleString('en-US');
  return [
    el('div', { class: 'input-value' }, `[${value.slice(0, LIST_PREVIEW).map(jsonText).join(',')}, …]`),
    el('span', { class: 'hint' }, `The first ${LIST_PREVIEW} of ${count} values.`),
    el('details', {}, el('summary', {}, `Show all ${count} values`), el('div', { class: 'input-value' }, jsonText(value))),
  ];
}

function inputField(input, i) {
  const fieldId = `input-${i}`;
  const description = input.description || '';
  if (!input.typed) {
    return el('div', { class: 'card' },
      el('div', {}, el('strong', {}, yourLabel(input.name)), ' ', el('span', { class: 'muted small' }, `(${description})`)),
      ...suppliedValue(input.value),
      el('span', { class: 'hint' }, 'Supplied by the page.'),
    );
  }
  const field = el('input', {
    type: 'text', id: fieldId, inputmode: 'decimal', 'data-input': input.name, required: true,
    autocomplete: 'off', spellcheck: 'false', 'aria-describedby': `${fieldId}-hint ${fieldId}-error`,
  });
  // Checked as the participant types, once they pause (the check re-reads the program).
  /** @type {number | undefined} */
  let pause;
  field.addEventListener('input', () => {
    clearTimeout(pause);
    pause = setTimeout(() => checkField(field), 250);
  });
  return el('div', { class: 'card' },
    el('label', { for: fieldId }, yourLabel(input.name)),
    el('span', { class: 'hint', id: `${fieldId}-hint` }, `${description[0]?.toUpperCase() ?? ''}${description.slice(1)}. The site will not see it.`),
    field,
    el('span', { class: 'field-error', id: `${fieldId}-error`, 'aria-live': 'polite' }),
  );
}

/**
 * Checks a field with the engine's own rules (through the background) and shows the error beside it.
 * @param {HTMLInputElement} field
 */
async function checkField(field) {
  const error = $(`${field.id}-error`);
  let message;
  try {
    const value = parseValue(field.value);
    ({ error: message } = await send(UI.APPROVAL_CHECK, { id, name: field.dataset.input, value }));
  } catch (e) {
    message = e.message;
  }
  if (message) field.setAttribute('aria-invalid', 'true');
  else field.removeAttribute('aria-invalid');
  error.textContent = message || '';
  return !message;
}

/**
 * A typed value as the engine reads it: a single value is sent as the text
 * typed (the Rust checks and reads it exactly, however long; a JavaScript
 * number would round beyond 2^53), a list as an array whose numbers keep
 * their typed text where the browser gives it (JSON.parse source text).
 * @param {string} text
 */
function parseValue(text) {
  const trimmed = text.trim();
  if (trimmed === '') throw new Error('Please enter a value.');
  if (!trimmed.startsWith('[')) return trimmed;
  try {
    /** @type {(key: string, value: unknown, context?: { source?: string }) => unknown} */
    const exact = (_key, value, context) => {
      if (typeof value !== 'number') return value;
      if (context?.source) return context.source;
      // Without the source text, a whole number beyond 2^53 was rounded.
      if (Number.isInteger(value) && !Number.isSafeInteger(value)) throw new RangeError('too long');
      return value;
    };
    const parsed = JSON.parse(trimmed, /** @type {any} */ (exact));
    if (Array.isArray(parsed)) return parsed;
  } catch (e) {
    if (e instanceof RangeError) {
      throw new Error('This browser cannot read numbers this long in a list: put each in quotes, like ["12345678901234567890"].', { cause: e });
    }
  }
  throw new Error('Enter a number, or a list like [1, 2, 3].');
}

async function collectInputs() {
  /** @type {Record<string, unknown>} */
  const values = {};
  /** @type {HTMLInputElement | null} */
  let firstBad = null;
  for (const field of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('input[data-input]'))) {
    // Selected by its data-input, so it has one.
    if (await checkField(field)) values[/** @type {string} */ (field.dataset.input)] = parseValue(field.value);
    else firstBad ??= field;
  }
  if (firstBad) {
    firstBad.focus();
    return null;
  }
  return values;
}

// The Approve button works only after the window has been in view for a
// second without losing focus (it opens focused), so a click or key press
// meant for another window — or aimed by a page that opens the request under
// the cursor — cannot approve by accident. Losing focus or going out of view
// starts the second again.
const ARM_MS = 1000;
let armed = false;
/** @type {number | undefined} */
let armTimer;

function arm() {
  clearTimeout(armTimer);
  armed = false;
  $('approve').disabled = true;
  if (document.visibilityState !== 'visible') return;
  armTimer = setTimeout(() => {
    armed = true;
    if (!busy) $('approve').disabled = false;
  }, ARM_MS);
}

function disarm() {
  clearTimeout(armTimer);
  armed = false;
  $('approve').disabled = true;
}

window.addEventListener('focus', () => { if (!armed) arm(); });
window.addEventListener('blur', disarm);
document.addEventListener('visibilitychange', () => (document.visibilityState === 'visible' ? arm() : disarm()));

async function answer(approved, block = false) {
  if (busy || !approval || (approved && !armed)) return;
  let fields = { id, approved, block };
  if (approved && approval.kind === 'join') {
    const inputs = await collectInputs();
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
    await send(UI.APPROVAL_ANSWER, fields);
    window.close();
  } catch (error) {
    setStatus(status, errorText(error), 'error');
    busy = false;
    $('refuse').disabled = $('block').disabled = false;
    $('approve').disabled = !armed;
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
  } else if (event.key === 'Enter' && /** @type {Element} */ (event.target).matches?.('input[data-input]')) {
    event.preventDefault();
    answer(true);
  }
});

load();
