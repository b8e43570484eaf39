// The playground: write or pick a program, see what its participants will
// approve (checked by the extension's own WebAssembly, through the page
// API), create a session on this signal server, share the invite as a link
// and a QR code, and follow the session to its result. A page opened from
// an invite link joins that session. Uses the provider library (/sdk).

import { CohortError, ERRORS, discover, inviteLink, onInviteLink } from './sdk/cohort.js';
import { qrcode } from './qrcode.mjs';

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const programBox = /** @type {HTMLTextAreaElement} */ ($('program'));
const inputsBox = /** @type {HTMLTextAreaElement} */ ($('inputs'));
const partiesBox = /** @type {HTMLInputElement} */ ($('parties'));
const exampleBox = /** @type {HTMLSelectElement} */ ($('example'));
const createButton = /** @type {HTMLButtonElement} */ ($('create'));
const progressBar = /** @type {HTMLProgressElement} */ ($('progress'));

/** This signal server, where the sessions made here meet. */
const SIGNAL = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`;

/** @type {import('./sdk/cohort.js').Cohort | null} */
let cohort = null;
/** The last successful check of the program, or null. @type {any} */
let checked = null;
/** The session this page takes part in, once known. @type {string | null} */
let current = null;
/** Whether this page is joining or in a session (one at a time). */
let busy = false;

/**
 * An element with text (never HTML: programs and errors come from others).
 * @param {string} tag
 * @param {string} [text]
 * @param {string} [className]
 */
function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** @param {unknown} e */
function describe(e) {
  if (e instanceof CohortError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

// ---- the program and its check -------------------------------------------

/** @type {{name: string, title: string, program: string, inputs: Record<string, unknown>[]}[]} */
let examples = [];

async function loadExamples() {
  examples = await (await fetch('/examples.json')).json();
  for (const [i, e] of examples.entries()) {
    const option = el('option', e.title);
    /** @type {HTMLOptionElement} */ (option).value = String(i);
    exampleBox.append(option);
  }
  exampleBox.append(Object.assign(el('option', 'Your own program'), { value: 'own' }));
  exampleBox.addEventListener('change', () => {
    if (exampleBox.value !== 'own') pickExample(Number(exampleBox.value));
  });
  pickExample(0);
}

/** @param {number} i */
function pickExample(i) {
  const e = examples[i];
  programBox.value = e.program;
  // The first party's inputs of the example, for the inputs the page supplies (see showInputs).
  exampleInputs = e.inputs?.[0] ?? {};
  inputsEdited = false;
  scheduleCheck();
}

/** The example's inputs, and whether the participant has edited the inputs box since. */
let exampleInputs = {};
let inputsEdited = false;

/**
 * Shows the inputs box only when the program takes inputs from the page
 * (those not typed in the approval window), filled from the example.
 * @param {{name: string, typed: boolean, takes: string}[]} inputs
 */
function showInputs(inputs) {
  const fromPage = inputs.filter((i) => !i.typed);
  $('inputs-box').hidden = fromPage.length === 0;
  if (fromPage.length === 0) {
    inputsBox.value = '';
    return;
  }
  $('inputs-label').textContent = `Your inputs, as JSON: ${fromPage.map((i) => `${i.name} (${i.takes})`).join('; ')}`;
  if (!inputsEdited) {
    const values = Object.fromEntries(fromPage.filter((i) => i.name in exampleInputs).map((i) => [i.name, exampleInputs[i.name]]));
    inputsBox.value = JSON.stringify(values);
  }
}

let checkTimer = 0;
let checkSeq = 0;
function scheduleCheck() {
  clearTimeout(checkTimer);
  checkTimer = window.setTimeout(check, 150);
}

/** Checks the program (and the party count) with the extension, and shows what participants will approve. */
async function check() {
  const seq = ++checkSeq;
  const errorLine = $('program-error');
  if (!cohort) return;
  const parties = Number(partiesBox.value);
  try {
    const result = await cohort.checkProgram({ program: programBox.value, parties: Number.isSafeInteger(parties) ? parties : 3 });
    if (seq !== checkSeq) return;
    checked = result;
    programBox.classList.remove('invalid');
    errorLine.textContent = '';
    const { min, max } = result.parties;
    partiesBox.min = String(Math.max(3, min));
    partiesBox.max = String(max);
    $('parties-range').textContent = min === max ? `this program takes exactly ${min}` : `this program takes ${Math.max(3, min)} to ${max}`;
    renderPreview(result);
    showInputs(result.inputs ?? []);
  } catch (e) {
    if (seq !== checkSeq) return;
    checked = null;
    programBox.classList.add('invalid');
    const data = e instanceof CohortError ? e.data : undefined;
    // The message says where too ("line 4, column 19: …"): said once, in front.
    const at = data?.line ? `Line ${data.line}, column ${data.column ?? 1}: ` : '';
    errorLine.textContent = at + (at ? describe(e).replace(/^line \d+, column \d+: /, '') : describe(e));
    renderPreview(null);
  }
  updateCreate();
}

/**
 * What every participant will be asked to approve, as the approval window says it.
 * @param {any} result the check, or null when the program does not check
 */
function renderPreview(result) {
  const body = $('preview-body');
  body.replaceChildren();
  if (!result) {
    body.append(el('p', 'Fix the program to see what its participants will approve.', 'hint'));
    return;
  }
  body.append(el('h3', `“${result.name}”`));
  const approval = result.approval;
  for (const warning of approval?.warnings ?? []) body.append(el('p', warning, 'warning'));
  body.append(el('p', 'What will be learned:'));
  const list = el('ul', undefined, 'reveals');
  for (const r of approval?.reveals ?? []) list.append(el('li', r.text));
  body.append(list);
  body.append(el('p', 'Nothing else is revealed.'));
  const typed = (result.inputs ?? []).filter((/** @type {any} */ i) => i.typed);
  const fromPage = (result.inputs ?? []).filter((/** @type {any} */ i) => !i.typed);
  for (const i of typed) {
    body.append(el('p', `${i.role ? `The ${i.role}` : 'Each participant'} types “${i.name}” (${i.takes}) in the Cohort window; this page never sees it.`));
  }
  for (const i of fromPage) {
    body.append(el('p', `${i.role ? `The ${i.role}'s` : 'Each participant’s'} page supplies “${i.name}” (${i.takes}).`));
  }
  if (approval?.privacy) body.append(el('p', approval.privacy, 'hint'));
  const details = el('details');
  details.append(el('summary', 'The program as participants see it'), el('pre', result.rendering));
  body.append(details);
}

/** The inputs this page supplies, from the JSON box; null (and an error shown) if malformed. */
function pageInputs() {
  const error = $('inputs-error');
  const text = inputsBox.value.trim();
  if (text === '') {
    error.textContent = '';
    return {};
  }
  try {
    const value = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    error.textContent = '';
    return value;
  } catch {
    error.textContent = 'Inputs are a JSON object, such as {"values": [3, 1, 4, 1]}.';
    return null;
  }
}

function updateCreate() {
  createButton.disabled = !cohort || !checked || busy;
}

// ---- sessions --------------------------------------------------------------

/** Creates a session on this signal server, shows its invite, and joins it. */
async function create() {
  if (!cohort || !checked) return;
  const inputs = pageInputs();
  if (inputs === null) return;
  const program = programBox.value;
  busy = true;
  updateCreate();
  showSession(`“${checked.name}”`);
  try {
    setStage('Waiting for you to connect this page in the Cohort window…');
    await cohort.connect();
    const made = await cohort.createSession({ program, parties: Number(partiesBox.value), signal: SIGNAL });
    const link = await inviteLink(made.invite, { base: `${location.origin}/`, program });
    showInvite(link);
    await join(made.invite, program, inputs);
  } catch (e) {
    failed(e);
  }
}

/**
 * Joins a session and follows it to its result.
 * @param {string} invite
 * @param {string} program
 * @param {Record<string, unknown>} inputs
 */
async function join(invite, program, inputs) {
  if (!cohort) return;
  $('cancel').hidden = false;
  setStage('Waiting for you to approve joining in the Cohort window…');
  await cohort.connect();
  const joined = await cohort.joinSession({ invite, program, inputs });
  current = joined.session;
  const status = await cohort.status(joined.session);
  render(status);
  const { outputs, exact } = await cohort.result(joined.session);
  showResult(outputs, exact ?? {});
}

/** @param {string} title */
function showSession(title) {
  $('session').hidden = false;
  $('session-title').textContent = `Session: ${title}`;
  $('result').replaceChildren();
  current = null;
}

/** @param {string} text */
function setStage(text) {
  $('stage').textContent = text;
}

/** @param {unknown} e */
function failed(e) {
  busy = false;
  updateCreate();
  $('cancel').hidden = true;
  progressBar.hidden = true;
  const refused = e instanceof CohortError && e.code === ERRORS.USER_REJECTED;
  setStage(refused ? `You refused in the Cohort window: ${describe(e)}` : `The session failed: ${describe(e)}`);
}

/** The link and its QR code. @param {string} link */
function showInvite(link) {
  $('invite').hidden = false;
  /** @type {HTMLInputElement} */ ($('link')).value = link;
  const figure = $('qr');
  figure.replaceChildren();
  try {
    figure.append(qrSvg(link));
  } catch {
    figure.append(el('p', 'This link is too long for a QR code: share it as a link.', 'hint'));
  }
}

/**
 * A QR code of `text` as an SVG element (one path of dark modules, a quiet zone of 4).
 * @param {string} text
 */
function qrSvg(text) {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  const size = n + 8;
  let d = '';
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) if (qr.isDark(r, c)) d += `M${c + 4} ${r + 4}h1v1h-1z`;
  }
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.setAttribute('role', 'img');
  const background = document.createElementNS(ns, 'rect');
  background.setAttribute('width', String(size));
  background.setAttribute('height', String(size));
  background.setAttribute('fill', '#fff');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', d);
  path.setAttribute('fill', '#000');
  svg.append(background, path);
  svg.dataset.text = text;
  return svg;
}

/** What each stage means to a participant. @type {Record<string, (s: any) => string>} */
const STAGE_WORDS = {
  waiting: (s) => `Waiting for the others to arrive (${s.arrived} of ${s.count} here)`,
  approving: () => 'Waiting for you to approve in the Cohort window',
  connecting: (s) => `Waiting for everyone to approve and connect (${s.approved} of ${s.count} approved)`,
  handshaking: () => 'Setting up encrypted channels to every party',
  agreeing: () => 'Checking that every party runs the same program',
  running: () => 'Computing',
  done: () => 'Done',
  failed: (s) => `The session failed: ${s.error ?? 'unknown error'}`,
  cancelled: (s) => `The session was cancelled: ${s.error ?? ''}`,
};

/**
 * Shows a session's status: its stage in words, who arrived and approved, the progress bar.
 * @param {any} s
 */
function render(s) {
  setStage((STAGE_WORDS[s.stage] ?? (() => s.stage))(s));
  const counts = $('counts');
  counts.replaceChildren();
  if (typeof s.count === 'number') {
    counts.append(el('li', `${s.arrived ?? 0} of ${s.count} arrived`));
    // Approving the parties starts once every seat is taken: before that, "0 approved" says nothing.
    if (s.arrived === s.count) counts.append(el('li', `${s.approved ?? 0} of ${s.count} approved`));
  }
  if (s.party !== null && s.party !== undefined && typeof s.count === 'number') counts.append(el('li', `you are party ${s.party + 1} of ${s.count}`));
  progressBar.hidden = false;
  const text = $('progress-text');
  if (s.stage === 'done') {
    progressBar.value = 100;
    text.textContent = s.roundsTotal ? `${s.roundsTotal} of ${s.roundsTotal} rounds` : '';
  } else if (s.stage === 'running' && s.roundsTotal) {
    progressBar.value = Math.min(100, (100 * s.roundsDone) / s.roundsTotal);
    text.textContent = `${s.roundsDone} of ${s.roundsTotal} rounds`;
  } else if (s.stage === 'running') {
    progressBar.removeAttribute('value');
    text.textContent = `${s.roundsDone ?? 0} rounds`;
  } else if (s.stage === 'failed' || s.stage === 'cancelled') {
    progressBar.hidden = true;
    text.textContent = '';
  } else {
    progressBar.value = 0;
    text.textContent = '';
  }
  if (s.stage === 'done' || s.stage === 'failed' || s.stage === 'cancelled') {
    busy = false;
    updateCreate();
    $('cancel').hidden = true;
  }
}

/**
 * One output's value as text: numbers and decimal strings as they are, lists joined.
 * @param {unknown} v
 * @returns {string}
 */
function valueText(v) {
  if (Array.isArray(v)) return `[${v.map(valueText).join(', ')}]`;
  return String(v);
}

/**
 * The outputs, each shown exactly: a fixed-point output by its exact decimal text.
 * @param {Record<string, unknown>} outputs
 * @param {Record<string, unknown>} exact
 */
function showResult(outputs, exact) {
  const box = $('result');
  box.replaceChildren(el('h3', 'Result'));
  const table = el('table', undefined, 'result');
  for (const [name, value] of Object.entries(outputs)) {
    const row = el('tr');
    row.append(el('th', name), el('td', valueText(exact[name] ?? value)));
    table.append(row);
  }
  box.append(table);
  box.dataset.outputs = JSON.stringify(outputs);
}

// ---- start-up --------------------------------------------------------------

/** A page opened from an invite link joins its session. @param {{invite: string, program: string | null}} found */
async function invited(found) {
  if (busy) return;
  if (!cohort) return;
  if (found.program === null) {
    showSession('invitation');
    setStage('This invite link carries no program: ask for a link made by the playground.');
    return;
  }
  busy = true;
  updateCreate();
  exampleBox.value = 'own';
  programBox.value = found.program;
  exampleInputs = {};
  programBox.readOnly = true;
  exampleBox.disabled = true;
  $('compose-title').textContent = 'The program you were invited to';
  await check();
  showSession(checked ? `“${checked.name}”` : 'invitation');
  const go = async () => {
    const inputs = pageInputs();
    if (inputs === null) return;
    createButton.disabled = true;
    try {
      await join(found.invite, found.program, inputs);
    } catch (e) {
      failed(e);
      createButton.disabled = false;
    }
  };
  // Inputs the program wants from the page (not typed in the approval
  // window) are the participant's to write here first; otherwise the link
  // joins at once (the Cohort window asks the participant).
  if ((checked?.inputs ?? []).some((/** @type {any} */ i) => !i.typed)) {
    createButton.textContent = 'Join the session';
    createButton.disabled = false;
    createButton.onclick = go;
    setStage('Write your inputs above, then join.');
  } else {
    createButton.hidden = true;
    await go();
  }
}

async function main() {
  const status = $('extension');
  const [found] = await Promise.all([discover({ timeout: 1500 }), loadExamples().catch(() => {})]);
  cohort = found;
  if (!cohort) {
    status.textContent = 'Cohort is not installed in this browser';
    status.className = 'status missing';
    $('install').hidden = false;
    $('program-error').textContent = '';
    $('preview-body').replaceChildren(el('p', 'Checking a program needs the Cohort extension.', 'hint'));
    return;
  }
  const info = cohort.info;
  status.textContent = `Cohort${info?.version ? ` ${info.version}` : ''} is installed`;
  status.className = 'status ok';
  cohort.on('session', (s) => {
    // The session this page joined: its first event names it.
    current ??= s.session;
    if (s.session === current) render(s);
  });
  programBox.addEventListener('input', () => {
    exampleBox.value = 'own';
    scheduleCheck();
  });
  partiesBox.addEventListener('input', scheduleCheck);
  inputsBox.addEventListener('input', () => {
    inputsEdited = true;
    pageInputs();
  });
  createButton.onclick = () => { create(); };
  $('copy').addEventListener('click', async () => {
    await navigator.clipboard.writeText(/** @type {HTMLInputElement} */ ($('link')).value).catch(() => {});
    $('copy').textContent = 'Copied';
  });
  $('cancel').addEventListener('click', () => {
    if (current && cohort) cohort.cancel(current).catch(() => {});
  });
  scheduleCheck();
  onInviteLink((invite) => { invited(invite); }, {
    onError: (e) => {
      showSession('invitation');
      setStage(describe(e));
    },
  });
}

main();
