// The playground `cohort signal` serves at /: three browsers with the
// extension run the average salary through it — created in one, the
// invite shown as a link and a QR code that decodes to it, joined by link
// in the others (once by hashchange, once by loading it), progress events
// reaching every round of the plan's total, the result on every page. On
// a phone-sized screen nothing scrolls sideways; without the extension the
// page says how to install it; `--no-playground` serves none.

import assert from 'node:assert/strict';
import { test, before, after } from 'node:test';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, launch, startSignal } from './harness.mjs';
import { playgroundSession } from './playground-flow.mjs';

const shots = path.join(ROOT, 'target/screenshots');
const env = { signal: null, browsers: [] };
before(async () => { env.signal = await startSignal(); });
after(async () => {
  await Promise.all(env.browsers.map((b) => b.close()));
  env.signal?.stop();
});

test('three participants compute the average salary through the playground', async () => {
  const url = `http://127.0.0.1:${env.signal.port}/`;
  for (let i = 0; i < 3; i++) env.browsers.push(await launch({ url }));
  const salaries = [52000, 61000, 47500];
  const run = await playgroundSession(env.browsers, url, salaries, { shots });
  assert.ok(run.link.startsWith(`${url}#cohort-invite=`), run.link);
  assert.equal(run.qr, run.link, 'the QR code decodes to the invite link');
  for (const [i, outputs] of run.outputs.entries()) assert.deepEqual(outputs, { total: 160500, average: 53500 }, `page ${i}`);
  for (const [i, events] of run.events.entries()) {
    const last = events.at(-1);
    assert.equal(last?.stage, 'done', `page ${i}: ${JSON.stringify(last)}`);
    assert.ok(last.roundsTotal > 0, `page ${i}: the plan's total is known: ${JSON.stringify(last)}`);
    assert.equal(last.roundsDone, last.roundsTotal, `page ${i}: progress reaches 100%`);
    const running = events.filter((e) => e.stage === 'running');
    assert.ok(running.length > 0, `page ${i} heard the run`);
    assert.ok(running.every((e) => e.roundsTotal === last.roundsTotal), `page ${i}: the total is known before the run`);
    const done = events.map((e) => e.roundsDone ?? 0);
    assert.deepEqual(done, [...done].sort((a, b) => a - b), `page ${i}: rounds only go up`);
    for (const [k, e] of events.entries()) {
      if (k > 0) assert.notDeepEqual(e, events[k - 1], `page ${i}: an event only on a change`);
    }
    assert.ok(events.some((e) => e.arrived === 3), `page ${i} saw all 3 arrive`);
    assert.ok(events.some((e) => e.approved === 3), `page ${i} saw all 3 approve`);
    const shown = await run.pages[i].evaluate(() => ({
      progress: document.getElementById('progress').value,
      text: document.getElementById('progress-text').textContent,
      result: document.getElementById('result').innerText,
    }));
    assert.equal(shown.progress, 100);
    assert.match(shown.text, new RegExp(`^${last.roundsTotal} of ${last.roundsTotal} rounds$`));
    assert.match(shown.result, /total\s+160500/);
    assert.match(shown.result, /average\s+53500/);
  }
});

test('a program with an error says where as it is typed, and cannot be created', async () => {
  const page = env.browsers[0].page;
  await page.fill('#program', 'program "Broken"\nparties 3\ninput x: secint(32) from each\nreveal y = x + to all\n');
  await page.waitForFunction(() => /^Line 4, column \d+: /.test(document.getElementById('program-error').textContent));
  assert.doesNotMatch(await page.textContent('#program-error'), /line 4/, 'the position is said once');
  assert.equal(await page.isDisabled('#create'), true);
  assert.match(await page.textContent('#preview-body'), /Fix the program/);
  await page.screenshot({ path: path.join(shots, 'playground-error.png') });
  await page.selectOption('#example', '0');
  await page.waitForFunction(() => document.getElementById('program-error').textContent === '');
});

test('on a phone-sized screen the playground fits without sideways scrolling', async () => {
  const page = env.browsers[0].page;
  await page.setViewportSize({ width: 360, height: 740 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.screenshot({ path: path.join(shots, 'playground-360.png'), fullPage: true });
  assert.equal(overflow, 0);
});

test('without the extension the playground says how to install it', async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${env.signal.port}/`);
    await page.waitForSelector('#install:not([hidden])', { timeout: 10_000 });
    assert.match(await page.textContent('#extension'), /not installed/);
    assert.match(await page.textContent('#install'), /Install the Cohort extension/);
    assert.equal(await page.isDisabled('#create'), true);
    await page.screenshot({ path: path.join(shots, 'playground-no-extension.png'), fullPage: true });
  } finally {
    await browser.close();
  }
});

test('the page is served with a policy that keeps it to itself; --no-playground serves none', async () => {
  const response = await fetch(`http://127.0.0.1:${env.signal.port}/`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-security-policy'), /frame-ancestors 'none'/);
  assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
  assert.match(await response.text(), /Cohort playground/);
  const sdk = await fetch(`http://127.0.0.1:${env.signal.port}/sdk/cohort.js`);
  assert.match(sdk.headers.get('content-type'), /^text\/javascript/);
  const bare = await startSignal(['--no-playground']);
  try {
    assert.equal((await fetch(`http://127.0.0.1:${bare.port}/`)).status, 404);
    assert.equal((await fetch(`http://127.0.0.1:${bare.port}/health`)).status, 200);
  } finally {
    bare.stop();
  }
});
