// The toolbar popup shows each computation as a participant needs it: the
// site and when it started, "party 1 of 3", how many arrived while the room
// fills, a Cancel button while it has not ended (the page hears
// `cancelled`), who left — by petname — rather than "party 2 left", and a
// session whose parties' shares disagreed in plain words rather than the
// engine's.
// Screenshots under target/screenshots/popup-*.png. Chromium.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, answerApproval, connect, join, launch, program, startSignal, startSite, stopWorker, waitInPage } from './harness.mjs';

const LONG = 'program "Long"\nparties 3\ninput x: secint(32) from each\nlet acc = x[0]\nfor i in range(3000):\n    acc = acc * x[1]\nreveal acc to all\n';

/** The popup of `browser`, open as a tab at the popup's width. */
async function openPopup(browser) {
  const popup = await browser.context.newPage();
  await popup.setViewportSize({ width: 360, height: 600 });
  await popup.goto(browser.worker.url().replace(/[^/]*$/, 'popup.html'));
  return popup;
}

async function screenshot(popup, name) {
  mkdirSync(path.join(ROOT, 'target/screenshots'), { recursive: true });
  await popup.screenshot({ path: path.join(ROOT, 'target/screenshots', name), fullPage: true });
}

describe('the popup', () => {
  let signal, site;
  const browsers = [];

  before(async () => {
    signal = await startSignal();
    site = await startSite();
    for (let i = 0; i < 3; i++) browsers.push(await launch(site, { signal: signal.url, iceServers: [], iceTransportPolicy: 'all', fallbackMs: 4000 }));
    for (const b of browsers) await connect(b);
  });

  after(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    signal?.stop();
    site?.stop();
  });

  test('counts while the room fills, the seat while it runs, and who left by name', async () => {
    const [a, b, c] = browsers;
    const { result } = await a.call('createSession', { program: LONG, parties: 3, signal: signal.url });
    const joinA = join(a, result.invite, LONG, {}, { inputs: { x: 1 } });
    await waitInPage(a, a.page, (s) => window.events.some((e) => e.session === s && e.arrived === 1), result.session);
    const joinB = join(b, result.invite, LONG, {}, { inputs: { x: 1 } });
    await waitInPage(a, a.page, (s) => window.events.some((e) => e.session === s && e.arrived === 2), result.session);
    const popup = await openPopup(a);
    await popup.waitForSelector('text=2 of 3 arrived');
    const waiting = await popup.evaluate(() => document.querySelector('.session').innerText);
    assert.match(waiting, /Long/);
    assert.match(waiting, new RegExp(new URL(site.url).host.replace(/\./g, '\\.')));
    assert.match(waiting, /waiting for others/);
    assert.match(waiting, /Started/);
    assert.ok(await popup.isVisible('.session button:text("Cancel")'), 'a Cancel button while it waits');
    await screenshot(popup, 'popup-waiting.png');
    const joinC = join(c, result.invite, LONG, {}, { inputs: { x: 1 } });
    const joined = await Promise.all([joinA, joinB, joinC]);
    for (const j of joined) assert.ifError(j.reply.error);
    const me = joined[0].reply.result;
    // The participant named c's key "Carol" (in the options page; here its message).
    const carol = me.parties[joined[2].reply.result.party];
    const named = await popup.evaluate((fp) => chrome.runtime.sendMessage({ to: 'background', type: 'ui:setPetname', fingerprint: fp, petname: 'Carol' }), carol);
    assert.ok(named.ok, JSON.stringify(named));
    await waitInPage(a, a.page, () => window.events.some((e) => e.stage === 'running'), null, 20_000);
    await popup.waitForSelector('text=computing');
    const running = await popup.evaluate(() => document.querySelector('.session').innerText);
    assert.match(running, new RegExp(`party ${me.party + 1} of 3`));
    assert.ok(await popup.isVisible('.session progress'), 'a progress bar while it runs');
    await screenshot(popup, 'popup-running.png');
    await c.page.close();
    const outcome = await a.call('result', { session: result.session });
    assert.equal(outcome.error?.code, 4400, JSON.stringify(outcome));
    // Carol's page closed: her data channel closes, or the signal server says she left, whichever comes first.
    assert.ok(['peer_gone', 'closed'].includes(outcome.error.data.reason), JSON.stringify(outcome));
    assert.equal(outcome.error.data.party, joined[2].reply.result.party, JSON.stringify({ outcome, me: me.party, b: joined[1].reply.result.party, c: joined[2].reply.result.party }));
    await popup.waitForSelector(outcome.error.data.reason === 'closed' ? 'text=The connection to Carol closed' : 'text=Carol left the session');
    const failed = await popup.evaluate(() => document.querySelector('.session').innerText);
    assert.doesNotMatch(failed, /party \d left/);
    assert.ok(!(await popup.isVisible('.session button:text("Cancel")')), 'no Cancel once it ended');
    await screenshot(popup, 'popup-left.png');
    await popup.close();
  });

  test('Cancel in the popup ends the session, and the page hears cancelled', async () => {
    const [a] = browsers;
    const source = program('average_salary');
    const { result } = await a.call('createSession', { program: source, parties: 3, signal: signal.url });
    const joining = a.call('joinSession', { invite: result.invite, program: source });
    await answerApproval(a);
    await waitInPage(a, a.page, (s) => window.events.some((e) => e.session === s && e.arrived === 1), result.session);
    const popup = await openPopup(a);
    await popup.waitForSelector('text=1 of 3 arrived');
    await popup.click('.session:has-text("1 of 3 arrived") button:text("Cancel")');
    const reply = await joining;
    assert.deepEqual([reply.error?.code, reply.error?.data?.reason], [4500, 'cancelled'], JSON.stringify(reply));
    await waitInPage(a, a.page, (s) => window.events.some((e) => e.session === s && e.stage === 'cancelled'), result.session);
    assert.equal((await a.call('status', { session: result.session })).result.stage, 'cancelled');
    await popup.close();
  });

  test("a session whose parties' shares disagreed is explained without the engine's words", async () => {
    const [a] = browsers;
    // Such a session (the engine's `inconsistent`: SESSION_FAILED, no party
    // named) as the worker saves it: the cancelled one above, failed so. A
    // worker that restarts shows what it restores.
    const engine = "the parties' shares do not agree: a comparison opened to neither 0 nor 1";
    await a.worker.evaluate(async (error) => {
      const { sessions } = await chrome.storage.session.get('sessions');
      const [id, last] = Object.entries(sessions).at(-1);
      const failed = { ...last, id: `${id}x`, name: 'Sealed bids', stage: 'failed', error, code: 4500, reason: 'inconsistent', errorParty: null };
      await chrome.storage.session.set({ sessions: { ...sessions, [failed.id]: failed } });
    }, engine);
    await stopWorker(a);
    const popup = await openPopup(a);
    const item = popup.locator('.session:has-text("Sealed bids")');
    await item.waitFor();
    const text = await item.innerText();
    assert.match(text, /The parties’ computations did not agree, so the session stopped\./);
    assert.match(text, /Cohort cannot tell which/);
    assert.ok(!text.includes('comparison opened'), text);
    assert.ok(!(await item.locator('button:text("Cancel")').count()), 'no Cancel once it has ended');
    await screenshot(popup, 'popup-inconsistent.png');
    await popup.close();
  });
});
