// The content script's bridge (content.js, as built into dist/chrome), in
// Node with a stand-in window and a stand-in extension port: a request the
// background never confirmed (its port closed first, as when Firefox stops
// an idle background page while the message is on its way) is sent again on
// a new port and answered; one the background confirmed and then lost is
// INTERRUPTED, never sent twice; one lost on every try fails after three.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import vm from 'node:vm';
import { EXTENSION } from './harness.mjs';

const CHANNEL = 'cohort-provider-v1';
const ERRORS = vm.runInNewContext(`${readFileSync(path.join(EXTENSION, 'content.js'), 'utf8').split('(() => {')[0]}; COHORT_ERRORS`);

/**
 * content.js running against a stand-in window (whose posts to the page are
 * kept in `toPage`) and chrome.runtime, whose ports are kept in `ports`:
 * each records what was posted to it and can be answered or closed.
 */
function bridge() {
  const window = new EventTarget();
  const toPage = [];
  window.origin = 'https://site.example';
  window.postMessage = (msg) => toPage.push(msg);
  const ports = [];
  const chrome = {
    runtime: {
      connect: () => {
        const listeners = { message: [], disconnect: [] };
        const port = {
          sent: [],
          closed: false,
          postMessage(msg) {
            if (port.closed) throw new Error('the port is closed');
            port.sent.push(msg);
          },
          onMessage: { addListener: (f) => listeners.message.push(f) },
          onDisconnect: { addListener: (f) => listeners.disconnect.push(f) },
          deliver: (msg) => listeners.message.forEach((f) => f(msg)),
          close: () => {
            port.closed = true;
            listeners.disconnect.forEach((f) => f());
          },
        };
        ports.push(port);
        return port;
      },
    },
  };
  vm.runInNewContext(readFileSync(path.join(EXTENSION, 'content.js'), 'utf8'), { window, chrome, setTimeout, clearTimeout, setInterval, clearInterval });
  /** The page posts request `id`. */
  const request = (id, method) => {
    const event = new Event('message');
    Object.assign(event, { source: window, data: { channel: CHANNEL, dir: 'to-extension', id, method, params: { n: id } } });
    window.dispatchEvent(event);
  };
  // As plain objects of this realm, to compare (the script's have its own prototypes).
  const replies = () => JSON.parse(JSON.stringify(toPage.filter((m) => m.kind === 'reply')));
  const sent = (i) => JSON.parse(JSON.stringify(ports[i].sent));
  return { ports, request, replies, sent };
}

test('a request whose port closed before the background confirmed it is sent again, on a new port, and answered', () => {
  const { ports, request, replies, sent } = bridge();
  request(1, 'connect');
  assert.equal(ports.length, 1);
  assert.deepEqual(sent(0), [{ kind: 'request', id: 1, method: 'connect', params: { n: 1 } }]);
  ports[0].close();
  assert.equal(ports.length, 2, 'a new port');
  assert.deepEqual(sent(1), sent(0), 'the same request again');
  assert.deepEqual(replies(), [], 'the page heard no failure');
  ports[1].deliver({ kind: 'received', id: 1 });
  ports[1].deliver({ kind: 'reply', id: 1, result: { ok: true } });
  assert.deepEqual(replies(), [{ channel: CHANNEL, dir: 'to-page', kind: 'reply', id: 1, result: { ok: true } }]);
});

test('a request the background confirmed and then lost is INTERRUPTED, and not sent again', () => {
  const { ports, request, replies } = bridge();
  request(1, 'joinSession');
  request(2, 'status');
  ports[0].deliver({ kind: 'received', id: 1 });
  ports[0].close();
  // Only the unconfirmed one goes out again.
  assert.equal(ports.length, 2);
  assert.deepEqual(ports[1].sent.map((m) => m.id), [2]);
  assert.deepEqual(replies().map((r) => [r.id, r.error?.code, r.error?.data?.reason]), [[1, ERRORS.INTERRUPTED, 'interrupted']]);
  ports[1].deliver({ kind: 'received', id: 2 });
  ports[1].deliver({ kind: 'reply', id: 2, result: 'fine' });
  assert.deepEqual(replies().map((r) => [r.id, r.result ?? r.error?.code]), [[1, ERRORS.INTERRUPTED], [2, 'fine']]);
});

test('a request lost on each of three tries fails with SESSION_FAILED, and is not tried a fourth time', () => {
  const { ports, request, replies } = bridge();
  request(7, 'identity');
  ports[0].close();
  ports[1].close();
  assert.deepEqual(replies(), []);
  ports[2].close();
  assert.equal(ports.filter((p) => p.sent.length).length, 3, 'three sends');
  assert.deepEqual(replies().map((r) => [r.id, r.error?.code, r.error?.data?.reason]), [[7, ERRORS.SESSION_FAILED, 'unavailable']]);
});
