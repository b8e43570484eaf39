// The benchmark build's count of calls across the WebAssembly boundary
// (extension/crossings.js), in Node: exact counts for a module made by
// hand, through every way of instantiating it, and the session host's own
// module with its wasm-bindgen glue still working on the counted instance.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { countCrossings } from '../../extension/crossings.js';

countCrossings();
const counts = () => [globalThis.cohortCrossings.into(), globalThis.cohortCrossings.out()];

// (import "env" "f" (func)) (func (export "g") call 0 call 0)
const twice = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
  0x02, 0x09, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x01, 0x66, 0x00, 0x00,
  0x03, 0x02, 0x01, 0x00,
  0x07, 0x05, 0x01, 0x01, 0x67, 0x00, 0x01,
  0x0a, 0x08, 0x01, 0x06, 0x00, 0x10, 0x00, 0x10, 0x00, 0x0b,
]);

/** Calls `g` three times; what the counts moved by, and how often `f` ran. */
function callThrice(instance, calls) {
  const [into, out] = counts();
  for (let i = 0; i < 3; i++) instance.exports.g();
  const [into2, out2] = counts();
  return { into: into2 - into, out: out2 - out, f: calls.f };
}

test('a call into the module and the two calls it makes out are counted, from bytes', async () => {
  const calls = { f: 0 };
  const { instance, module } = await WebAssembly.instantiate(twice, { env: { f: () => { calls.f += 1; } } });
  assert.ok(module instanceof WebAssembly.Module);
  assert.deepEqual(callThrice(instance, calls), { into: 3, out: 6, f: 6 });
});

test('an instance made from a compiled module is still an instance, and counted', async () => {
  const calls = { f: 0 };
  const instance = await WebAssembly.instantiate(new WebAssembly.Module(twice), { env: { f: () => { calls.f += 1; } } });
  assert.ok(instance instanceof WebAssembly.Instance);
  assert.deepEqual(callThrice(instance, calls), { into: 3, out: 6, f: 6 });
});

test('a streamed module is counted', async () => {
  const calls = { f: 0 };
  const response = new Response(twice, { headers: { 'Content-Type': 'application/wasm' } });
  const { instance } = await WebAssembly.instantiateStreaming(response, { env: { f: () => { calls.f += 1; } } });
  assert.deepEqual(callThrice(instance, calls), { into: 3, out: 6, f: 6 });
});

test("the session host's module runs through its glue on a counted instance", async () => {
  // The glue scripts/build-extension keeps beside the extension's bundles.
  const glue = await import(new URL('../../target/cohort-wasm-glue/cohort_host.js', import.meta.url).href);
  await glue.default({ module_or_path: await readFile(new URL('../../dist/chrome/wasm/cohort_host_bg.wasm', import.meta.url)) });
  const [into, out] = counts();
  const events = [];
  const host = new glue.SessionHost((e) => events.push(e));
  assert.equal(host.active(), 0);
  // A lobby without a signal server: the module reads the command's fields
  // (calls out) and throws its own error.
  assert.throws(() => host.lobby({ session: 's' }), { reason: 'bad_command', message: /`signal`/ });
  const [into2, out2] = counts();
  // The constructor, active() and lobby() at least, and the glue's own calls.
  assert.ok(into2 - into >= 3, `${into2 - into} calls in`);
  assert.ok(out2 - out >= 1, `${out2 - out} calls out`);
  assert.deepEqual(events, []);
});
