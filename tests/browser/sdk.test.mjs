// The provider library (extension/sdk) in a real browser with the
// extension: discovery finds it with its info (icon, version, methods); in
// an iframe, where the extension does not run, discovery answers "not
// installed" (null) after its timeout; a listener added through the
// library keeps hearing events after the extension's service worker
// restarts.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { EXTENSION, answerApproval, launch, servers, stopWorker } from './harness.mjs';

const env = servers();

test('discover finds the extension with its icon, version and methods', async () => {
  const b = await launch(env.site);
  env.browsers.push(b);
  const info = await b.page.evaluate(async () => {
    const sdk = await import('/sdk/cohort.js');
    const cohort = await sdk.discover({ timeout: 2000 });
    return cohort && cohort.info;
  });
  const manifest = JSON.parse(readFileSync(path.join(EXTENSION, 'manifest.json'), 'utf8'));
  assert.ok(info, 'found');
  assert.equal(info.name, 'Cohort');
  assert.equal(info.rdns, 'org.cohort.extension');
  assert.equal(info.version, manifest.version);
  assert.match(info.icon, /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
  for (const m of ['connect', 'identity', 'checkProgram', 'createSession', 'joinSession', 'status', 'result', 'cancel', 'disconnect']) {
    assert.ok(info.methods.includes(m), `${m} in ${info.methods}`);
  }
});

test('in an iframe, where the extension does not run, discover answers null after its timeout', async () => {
  const b = env.browsers[0];
  const result = await b.page.evaluate(async () => {
    const frame = document.createElement('iframe');
    frame.src = '/blank.html';
    document.body.append(frame);
    await new Promise((r) => frame.addEventListener('load', r, { once: true }));
    const sdk = await import('/sdk/cohort.js');
    const began = performance.now();
    const found = await sdk.discover({ timeout: 300, window: frame.contentWindow });
    return { found: found !== null, waited: performance.now() - began, provider: 'cohort' in frame.contentWindow };
  });
  assert.deepEqual({ found: result.found, provider: result.provider }, { found: false, provider: false });
  assert.ok(result.waited >= 290, `waited ${result.waited} ms`);
});

test("a listener added through the library hears events after the service worker restarts", async () => {
  const b = env.browsers[0];
  await b.page.evaluate(async () => {
    const sdk = await import('/sdk/cohort.js');
    window.sdkCohort = await sdk.discover();
    window.heard = [];
    window.sdkCohort.on('connect', (id) => window.heard.push(id.fingerprint));
  });
  const connecting = b.page.evaluate(() => window.sdkCohort.connect());
  await answerApproval(b);
  const id = await connecting;
  await b.page.waitForFunction(() => window.heard.length === 1);
  await stopWorker(b);
  // After the restart: revoked and connected again, and the same listener hears it.
  await b.page.evaluate(() => window.sdkCohort.disconnect());
  const again = b.page.evaluate(() => window.sdkCohort.connect());
  await answerApproval(b);
  await again;
  await b.page.waitForFunction(() => window.heard.length === 2, null, { timeout: 10_000 });
  assert.deepEqual(await b.page.evaluate(() => window.heard), [id.fingerprint, id.fingerprint]);
});
