// @ts-check
// Cohort — helpers shared by the approval, popup and options pages.
//
// `send` is the only way the pages talk to the background service worker;
// `el` builds DOM from text only (never HTML), because program text, origins
// and petnames come from untrusted sites and peers.

import { ADDRESS } from './background/messages.js';

/** Asks the background; resolves with the reply, throws Error(reply.error). */
export async function send(type, fields = {}) {
  const reply = await chrome.runtime.sendMessage({ ...fields, to: ADDRESS.BACKGROUND, type });
  if (reply === undefined || reply === null) {
    throw new Error("the extension's background did not answer");
  }
  if (!reply.ok) throw new Error(reply.error || `${type} failed`);
  return reply;
}

/**
 * Creates an element. `attrs` are set with setAttribute (`true` sets an empty
 * attribute, `false`/null/undefined skips it); event-handler attributes are
 * refused. Children are nodes or strings (added as text), nulls are skipped.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (/^on/i.test(name)) throw new Error(`el: no inline handlers (${name})`);
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Shows `text` in a status line; kind is 'info', 'ok' or 'error'. */
export function setStatus(node, text, kind = 'info') {
  node.dataset.kind = kind;
  node.textContent = text || '';
}

/** The message of anything thrown. */
export function errorText(error) {
  return (error && error.message) || String(error);
}

/** A fingerprint in monospace. */
export function fingerprint(text) {
  return el('code', { class: 'fingerprint', translate: 'no' }, text || '');
}

/** A short local date and time for a millisecond timestamp. */
export function formatTime(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '—';
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * An output as a participant reads it: numbers beyond 2^53 come from the
 * engine as strings of their exact digits, shown bare like the others.
 */
export function outputText(value) {
  if (Array.isArray(value)) return `[${value.map(outputText).join(', ')}]`;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return value;
  return jsonText(value);
}

/** A value as compact JSON text (for page-supplied inputs). */
export function jsonText(value) {
  if (value === undefined) return '(not supplied)';
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
