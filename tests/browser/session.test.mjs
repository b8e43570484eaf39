// Three Chromium instances, each with the extension, compute the average
// salary through a signal server started here: each page connects, joins
// by invite, the participant types the salary in the approval window, and
// every page gets the result — and no page sees any typed salary.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, averageSalary, checkAverageSalary, connect, launch, servers } from './harness.mjs';

const env = servers();

test('three browsers compute the average salary; no page sees a salary', async () => {
  for (let i = 0; i < 3; i++) env.browsers.push(await launch(env.site));
  const ids = [];
  for (const b of env.browsers) ids.push(await connect(b));
  assert.equal(new Set(ids.map((id) => id.fingerprint)).size, 3, 'each browser has its own identity');
  // Browser 0 knows browser 1 as "Bob"; browser 2 is unknown to it.
  await env.browsers[0].worker.evaluate((fp) => chrome.storage.local.set({ peers: { [fp]: { petname: 'Bob', firstSeen: 1 } } }), ids[1].fingerprint);
  const salaries = [52000, 61000, 47500];
  const { created, joined, results } = await averageSalary(env.browsers, salaries, env.signal.url, { screenshot: 'approval-window.png' });
  assert.match(created.invite, /^cohort-invite:v2\?session=[0-9a-f]{32}&program=[0-9a-f]{64}&parties=3&signal=ws:[^&]*&token=[0-9a-f]{64}$/);
  assert.equal(created.link, `${env.site.url}#cohort-invite=${encodeURIComponent(created.invite)}`);
  await checkAverageSalary(env.browsers, salaries, ids, { joined, results }, { total: 160500, average: 53500 });
  for (const { approval, reply } of joined) {
    assert.equal(reply.result.parties.length, 3);
    // The approval window showed the origin, the program, its hash and every party.
    assert.ok(approval.text.includes(new URL(env.site.url).origin), approval.text);
    assert.ok(approval.text.includes(created.hash), 'the hash is shown');
    for (const id of ids) assert.ok(approval.text.includes(id.fingerprint), `party ${id.fingerprint} is shown`);
  }
  assert.match(joined[0].approval.text, /Bob/);
  assert.match(joined[0].approval.text, /unknown/);
  for (const [i, b] of env.browsers.entries()) {
    const stages = await b.page.evaluate(() => window.events.map((e) => e.stage));
    for (const stage of ['waiting', 'approving', 'connecting', 'running', 'done']) assert.ok(stages.includes(stage), `page ${i} had no ${stage} event: ${stages}`);
  }
  // The popup shows the finished session.
  const popup = await env.browsers[0].context.newPage();
  await popup.goto(`chrome-extension://${new URL(env.browsers[0].worker.url()).host}/popup.html`);
  await popup.waitForFunction(() => /Average salary/.test(document.getElementById('sessions').textContent));
  assert.match(await popup.textContent('#sessions'), /done/i);
  await listingScreenshots(env.browsers[0], popup);
  // On a phone: the popup and the options page fit 360 px and every control is a touch target.
  for (const name of ['popup', 'options']) {
    await popup.goto(popup.url().replace(/[a-z]+\.html.*$/, `${name}.html`));
    await popup.setViewportSize({ width: 360, height: 740 });
    await popup.waitForFunction(() => !/Loading/.test(document.getElementById('status')?.textContent ?? ''));
    const layout = await popup.evaluate(() => ({
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      small: [...document.querySelectorAll('button, input, select, summary, a.button')]
        .filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
        .map((el) => ({ what: el.id || el.textContent.trim() || el.getAttribute('type'), box: el.getBoundingClientRect() }))
        .filter(({ box }) => box.height < 44)
        .map(({ what, box }) => `${what} ${Math.round(box.width)}×${Math.round(box.height)}`),
    }));
    await popup.screenshot({ path: path.join(ROOT, 'target/screenshots', `${name}-360.png`), fullPage: true });
    assert.equal(layout.overflow, 0, `${name}: no sideways scrolling at 360 px`);
    assert.deepEqual(layout.small, [], `${name}: every control is at least 44 px high`);
  }
  await popup.close();
});

/**
 * The store listings' screenshots (1280×800, docs/stores.md): the approval
 * window over the site, the options page, and the popup over the site.
 */
async function listingScreenshots(b, popup) {
  const dir = path.join(ROOT, 'target/screenshots');
  await b.page.setViewportSize({ width: 1280, height: 800 });
  const site = (await b.page.screenshot()).toString('base64');
  const shot = async (file, width, height) => {
    await popup.setViewportSize({ width, height });
    return (await popup.screenshot({ path: path.join(dir, file) })).toString('base64');
  };
  const over = async (file, image, width, height) => {
    const canvas = await b.context.newPage();
    await canvas.setViewportSize({ width: 1280, height: 800 });
    await canvas.setContent(`<body style="margin:0"><img src="data:image/png;base64,${site}" style="position:absolute;inset:0;filter:brightness(.85)">
      <img src="data:image/png;base64,${image}" style="position:absolute;right:48px;top:40px;width:${width}px;height:${height}px;border-radius:8px;box-shadow:0 8px 40px rgba(0,0,0,.45)">`);
    await canvas.screenshot({ path: path.join(dir, file) });
    await canvas.close();
  };
  await over('listing-approval.png', readFileSync(path.join(dir, 'approval-window.png')).toString('base64'), 520, 720);
  await over('listing-popup.png', await shot('popup.png', 380, 560), 380, 560);
  await popup.goto(popup.url().replace('popup.html', 'options.html'));
  await popup.waitForSelector('#fingerprint');
  await shot('listing-options.png', 1280, 800);
}
