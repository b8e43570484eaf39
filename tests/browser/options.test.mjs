// The options page and the popup: the identity is shown, exported under a
// passphrase, reset and restored from the backup; peers get petnames that
// the approval window shows; a connected site is revoked (the page is told
// and loses access); network settings are validated and saved.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { COHORT, answerApproval, connect, launch, program, startSignal, startSite, secretKey, vault } from './harness.mjs';

let signal, site, browser, extension;

before(async () => {
  signal = await startSignal();
  site = await startSite();
  browser = await launch(site);
  extension = `chrome-extension://${new URL(browser.worker.url()).host}`;
});

after(async () => {
  await browser?.close();
  signal?.stop();
  site?.stop();
});

async function openPage(name) {
  const page = await browser.context.newPage();
  page.on('dialog', (d) => d.accept());
  await page.goto(`${extension}/${name}`);
  return page;
}

const stored = (key) => browser.worker.evaluate((k) => chrome.storage.local.get(k).then((s) => s[k]), key);

test('the identity is exported, reset and restored from its backup', async () => {
  const me = await connect(browser);
  const options = await openPage('options.html');
  await options.waitForFunction((fp) => document.getElementById('fingerprint').textContent === fp, me.fingerprint);
  assert.equal(await options.textContent('#public-key'), me.key);
  await options.fill('#export-passphrase', 'correct horse battery');
  await options.fill('#export-confirm', 'correct horse battery');
  await options.click('#export-form button[type=submit]');
  await options.waitForFunction(() => document.getElementById('export-text').value.length > 0);
  const backup = await options.inputValue('#export-text');
  const key = secretKey(await vault(browser, 'get'));
  assert.ok(!backup.includes(key), 'the backup does not contain the secret key in the clear');
  await options.click('#reset');
  await options.waitForFunction((fp) => document.getElementById('fingerprint').textContent !== fp, me.fingerprint);
  assert.notEqual((await browser.call('identity')).result.fingerprint, me.fingerprint);
  await options.fill('#import-text', backup);
  await options.fill('#import-passphrase', 'wrong passphrase');
  await options.click('#import-form button[type=submit]');
  await options.waitForFunction(() => document.getElementById('status').dataset.kind === 'error' || document.getElementById('import-error').textContent);
  await options.fill('#import-passphrase', 'correct horse battery');
  await options.click('#import-form button[type=submit]');
  await options.waitForFunction((fp) => document.getElementById('fingerprint').textContent === fp, me.fingerprint);
  assert.equal((await browser.call('identity')).result.fingerprint, me.fingerprint);
  await options.close();
});

test('peers get petnames, and settings are checked before saving', async () => {
  const options = await openPage('options.html');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cohort-peer-'));
  const shown = execFileSync(COHORT, ['identity', 'new', '--identity', path.join(dir, 'id.json')], { encoding: 'utf8' });
  const key = shown.match(/Public key: +([0-9a-f]{64})/)[1];
  const fingerprint = shown.match(/Fingerprint: (\S+)/)[1];
  await options.fill('#add-peer', key);
  await options.fill('#add-petname', 'Carol (lab)');
  await options.click('#add-peer-form button[type=submit]');
  await options.waitForFunction((fp) => document.getElementById('peers').textContent.includes(fp), fingerprint);
  assert.equal((await stored('peers'))[fingerprint]?.petname, 'Carol (lab)');
  // Bad settings are refused; good ones are saved.
  await options.fill('#signal', 'http://not-a-websocket');
  await options.click('#settings-form button[type=submit]');
  await options.waitForFunction(() => document.getElementById('signal-error').textContent.length > 0);
  assert.equal((await stored('settings'))?.signal, undefined);
  await options.fill('#signal', signal.url);
  await options.fill('#fallback-ms', '2500');
  await options.click('#settings-form button[type=submit]');
  await options.waitForFunction(() => document.getElementById('status').dataset.kind === 'ok');
  assert.deepEqual({ ...(await stored('settings')), iceServers: undefined }, { signal: signal.url, iceServers: undefined, iceTransportPolicy: 'all', fallbackMs: 2500 });
  // createSession now defaults to the saved signal server.
  const made = await browser.call('createSession', { program: program('average_salary'), parties: 3 });
  assert.equal(new URLSearchParams(made.result.invite.split('?')[1]).get('signal'), signal.url, made.result.invite);
  await options.close();
});

test('revoking a site tells the page and takes its access away', async () => {
  const options = await openPage('options.html');
  const origin = new URL(site.url).origin;
  await options.waitForFunction((o) => document.getElementById('sites').textContent.includes(o), origin);
  await options.click(`button[aria-label="Revoke ${origin}"]`);
  await browser.page.waitForFunction(() => window.seen.some((s) => s.includes('"event":"disconnect"')));
  assert.equal((await browser.call('identity')).error?.code, 4100);
  // Connecting again asks again.
  const [approval, reply] = await Promise.all([answerApproval(browser), browser.call('connect')]);
  assert.ok(approval.text.includes(origin));
  assert.ok(reply.result.fingerprint);
  await options.close();
});

test('the popup shows the identity and the sessions', async () => {
  const popup = await openPage('popup.html');
  const me = (await browser.call('identity')).result;
  await popup.waitForFunction((fp) => document.getElementById('fingerprint').textContent.includes(fp), me.fingerprint);
  await popup.close();
});
