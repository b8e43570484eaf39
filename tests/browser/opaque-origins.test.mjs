// Pages without a web origin get no service: a sandboxed page (opaque
// origin, `null`) is refused with UNAUTHORIZED for every method, connect
// included, and no approval window opens. (file: pages are refused the same
// way; the test browser does not grant the extension file access, so they
// are not exercised here.)

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ENGINES, launch, program, servers, startSite } from './harness.mjs';

const env = servers();

for (const engine of ENGINES) test(`${engine}: a sandboxed page (opaque origin) is refused for every method, without asking`, async () => {
  // The test site with `Content-Security-Policy: sandbox allow-scripts`: its pages have an opaque origin.
  const sandboxed = await startSite({ 'content-security-policy': 'sandbox allow-scripts' });
  try {
    const b = await launch(sandboxed, null, { engine });
    env.browsers.push(b);
    assert.equal(await b.page.evaluate(() => window.origin), 'null');
    for (const [method, params] of [
      ['connect'], ['identity'], ['createSession', { program: program('average_salary'), parties: 3 }],
      ['status', { session: 'x' }], ['result', { session: 'x' }], ['cancel', { session: 'x' }], ['disconnect'],
    ]) {
      const reply = await b.call(method, params);
      assert.equal(reply.error?.code, 4100, `${method}: ${JSON.stringify(reply)}`);
      assert.match(reply.error.message, /opaque \(null\) origin.*http:\/\/ or https:\/\//);
    }
    assert.equal((await b.extensionPages('/approve.html')).length, 0, 'no approval window opened');
  } finally {
    sandboxed.stop();
  }
});
