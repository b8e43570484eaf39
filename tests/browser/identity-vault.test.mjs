// The identity's secret is kept in the vault (the extension origin's
// IndexedDB), never in chrome.storage.local, which content scripts can read
// unless the extension restricts it: it survives the service worker's
// restarts; the content script (in the page's origin) finds neither the
// secret in local storage nor the vault; an identity an earlier version
// left in local storage moves to the vault; concurrent first requests make
// one identity.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connect, launch, secretKey, startSite, stopWorker as stopAllWorkers, vault, within } from './harness.mjs';

let site, browser, me;

before(async () => {
  site = await startSite();
  browser = await launch(site);
  me = await connect(browser);
});

after(async () => {
  await browser?.close();
  site?.stop();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Everything in chrome.storage.local, read from the service worker. */
const localArea = (b) => b.worker.evaluate(() => chrome.storage.local.get(null));

/**
 * Stops the extension's service worker and waits until it has stopped,
 * marking it first so that restartedWorker can tell the next one apart.
 */
async function stopWorker(b) {
  await b.worker.evaluate(() => { globalThis.stoppedByTest = true; });
  await stopAllWorkers(b);
}

/**
 * The service worker that a request woke after stopWorker, as `b.worker`.
 * Playwright may keep the stopped worker's object (and reach the new worker
 * through it) or announce a new one, so every worker it lists is asked
 * whether it is new; a stopped one does not answer.
 */
async function restartedWorker(b) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    for (const worker of b.context.serviceWorkers()) {
      const fresh = await within(worker.evaluate(() => !globalThis.stoppedByTest), 1000, 'the worker').catch(() => false);
      if (fresh) {
        b.worker = worker;
        return;
      }
    }
    if (Date.now() > deadline) throw new Error('timed out waiting for the restarted service worker');
    await sleep(100);
  }
}

test('the identity is in the vault, not in local storage, and survives a restart of the worker', async () => {
  const secret = await vault(browser, 'get');
  assert.ok(secret, 'the vault holds the identity');
  const key = secretKey(secret);
  const local = await localArea(browser);
  assert.ok(!('identity' in local), `local storage has no identity: ${Object.keys(local)}`);
  assert.ok(!JSON.stringify(local).includes(key), 'no value in local storage contains the secret key');

  await stopWorker(browser);
  const again = await browser.call('identity');
  assert.ifError(again.error);
  assert.equal(again.result.fingerprint, me.fingerprint, 'the same identity after the restart');
  await restartedWorker(browser);
  assert.equal(await vault(browser, 'get'), secret);
  assert.ok(!('identity' in await localArea(browser)));
});

test('a content script finds neither the secret in local storage nor the vault', async () => {
  const key = secretKey(await vault(browser, 'get'));
  const extensionOrigin = `chrome-extension://${new URL(browser.worker.url()).host}`;
  // The content script's isolated world in the page, found and evaluated in through CDP.
  const cdp = await browser.context.newCDPSession(browser.page);
  const contexts = [];
  cdp.on('Runtime.executionContextCreated', ({ context }) => contexts.push(context));
  await cdp.send('Runtime.enable');
  const isolated = () => contexts.find((c) => c.auxData?.type === 'isolated' && c.origin === extensionOrigin);
  for (let i = 0; i < 100 && !isolated(); i++) await sleep(50);
  assert.ok(isolated(), `the content script's world: ${JSON.stringify(contexts)}`);
  const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', {
    contextId: isolated().id, awaitPromise: true, returnByValue: true,
    expression: `(async () => ({
      runtime: typeof chrome.runtime?.connect,
      origin: location.origin,
      databases: (await indexedDB.databases()).map((d) => d.name),
      local: await chrome.storage.local.get(null).then((all) => ({ all }), (e) => ({ refused: String(e?.message ?? e) })),
    }))()`,
  });
  await cdp.detach();
  assert.ok(!exceptionDetails, JSON.stringify(exceptionDetails));
  const seen = result.value;
  assert.equal(seen.runtime, 'function', "evaluated in the content script's world");
  // Its IndexedDB is the page's origin's: the extension's vault is not there.
  assert.equal(seen.origin, new URL(site.url).origin);
  assert.ok(!seen.databases.includes('cohort'), `the page's databases: ${seen.databases}`);
  if (await browser.worker.evaluate(() => typeof chrome.storage.local.setAccessLevel === 'function')) {
    // The background restricted local storage to the extension's own pages and workers.
    assert.match(seen.local.refused ?? `read: ${JSON.stringify(seen.local.all)}`, /not allowed/);
  } else {
    assert.ok(seen.local.all, seen.local.refused);
    assert.ok(!('identity' in seen.local.all) && !JSON.stringify(seen.local.all).includes(key));
  }
});

test('an identity an earlier version kept in local storage moves to the vault', async () => {
  const secret = await vault(browser, 'get');
  await vault(browser, 'delete');
  await browser.worker.evaluate((s) => chrome.storage.local.set({ identity: s }), secret);
  await stopWorker(browser);
  const again = await browser.call('identity');
  assert.ifError(again.error);
  assert.equal(again.result.fingerprint, me.fingerprint, 'the identity from local storage');
  await restartedWorker(browser);
  assert.equal(await vault(browser, 'get'), secret, 'now in the vault');
  const local = await localArea(browser);
  assert.ok(!('identity' in local), 'and gone from local storage');
  assert.ok(!JSON.stringify(local).includes(secretKey(secret)));
});

test('concurrent first requests make one identity', async () => {
  await vault(browser, 'delete');
  await stopWorker(browser);
  // The requests reach the new worker together, none knowing of an identity yet.
  const replies = await browser.page.evaluate(() => Promise.all([1, 2, 3, 4, 5].map(() => window.call('identity'))));
  for (const r of replies) assert.ifError(r.error);
  const fingerprints = new Set(replies.map((r) => r.result.fingerprint));
  assert.equal(fingerprints.size, 1, `one identity: ${[...fingerprints]}`);
  const [made] = fingerprints;
  assert.notEqual(made, me.fingerprint, 'a new identity');
  // The one handed out is the one stored.
  await restartedWorker(browser);
  assert.ok(await vault(browser, 'get'));
  await stopWorker(browser);
  assert.equal((await browser.call('identity')).result?.fingerprint, made);
  await restartedWorker(browser);
  assert.ok(!('identity' in await localArea(browser)));
});
