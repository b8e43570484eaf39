// The page API keeps its promises (issue 16): checkProgram without
// connecting, errors with one code per cause and their reason in
// `error.data`, the private-network rule for signal servers, the provider's
// announced info, `connect` and `identityChanged` events, and `session`
// events only when something changed, with counts. Chromium; the
// provider's info, checkProgram and error data in Firefox too.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EXTENSION, FIREFOX_EXTENSION, ROOT, answerApproval, connect, join, launch, program, startSignal, startSite, waitInPage } from './harness.mjs';

const SETTINGS = (signal) => ({ signal: signal.url, iceServers: [], iceTransportPolicy: 'all', fallbackMs: 4000 });

describe('the page API', () => {
  let signal, site;
  const browsers = [];

  before(async () => {
    signal = await startSignal();
    site = await startSite();
    // The first resolves public.example to the loopback, for a page of a public origin.
    for (let i = 0; i < 3; i++) browsers.push(await launch(site, SETTINGS(signal), { args: i === 0 ? ['--host-resolver-rules=MAP public.example 127.0.0.1'] : [] }));
  });

  after(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    signal?.stop();
    site?.stop();
  });

  test('the provider announces its icon, version and methods', async () => {
    const [a] = browsers;
    const info = await a.page.evaluate(() => ({ announced: window.announced, own: window.cohort.info }));
    const manifest = JSON.parse(readFileSync(path.join(EXTENSION, 'manifest.json'), 'utf8'));
    assert.equal(info.announced.version, manifest.version);
    assert.ok(info.announced.version.length > 0);
    const icon = readFileSync(path.join(ROOT, 'extension/icons/icon-48.png')).toString('base64');
    assert.equal(info.announced.icon, `data:image/png;base64,${icon}`);
    assert.deepEqual(info.announced.methods,
      ['connect', 'identity', 'checkProgram', 'createSession', 'joinSession', 'status', 'result', 'cancel', 'disconnect']);
    assert.deepEqual(info.own, info.announced);
  });

  test('checkProgram answers before connect, with the approval and the position of an error', async () => {
    const [, , c] = browsers;
    assert.equal((await c.call('identity')).error?.code, 4100, 'not connected');
    const checked = await c.call('checkProgram', { program: program('average_salary') });
    assert.ifError(checked.error);
    assert.equal(checked.result.name, 'Average salary');
    assert.deepEqual(checked.result.parties, { min: 3, max: checked.result.parties.max });
    assert.equal(checked.result.approval.threshold, 1);
    assert.deepEqual(checked.result.approval.reveals.map((r) => r.reveal), ['total', 'average']);
    const five = await c.call('checkProgram', { program: program('average_salary'), parties: 5 });
    assert.equal(five.result.approval.threshold, 2);
    const broken = await c.call('checkProgram', { program: 'program "Broken"\nparties 3\n\ninput x: secint(32) from each\nreveal y = sum(x)) to all\n' });
    assert.equal(broken.error?.code, 4300, JSON.stringify(broken));
    assert.equal(broken.error.data.reason, 'invalid_program');
    assert.equal(broken.error.data.line, 5);
    assert.ok(broken.error.data.column >= 17, JSON.stringify(broken.error.data));
    const two = await c.call('checkProgram', { program: program('average_salary'), parties: 2 });
    assert.deepEqual([two.error?.code, two.error?.data?.reason], [-32602, 'no_privacy']);
    // Still not connected: checkProgram asked nothing and stored nothing.
    assert.equal((await c.call('identity')).error?.code, 4100);
  });

  test('one code per cause, with its reason, whichever method meets it', async () => {
    const [a] = browsers;
    const me = await connect(a);
    const events = await a.page.evaluate(() => window.otherEvents);
    assert.deepEqual(events, [['connect', me]], 'the page heard connect with the identity');
    const three = 'program "Three"\nparties 3\n\ninput x: secint(32) from each\nreveal s = sum(x) to all\n';
    const cases = [
      [await a.call('createSession', { program: three, parties: 4 }), 4300, 'party_count'],
      [await a.call('checkProgram', { program: three, parties: 4 }), 4300, 'party_count'],
      [await a.call('createSession', { program: three, parties: 2 }), -32602, 'no_privacy'],
      [await a.call('createSession', { program: 'not a program', parties: 3 }), 4300, 'invalid_program'],
      [await a.call('status', { session: 'nope' }), -32602, 'unknown_session'],
      [await a.call('createSession', { parties: 3 }), -32602, 'bad_params'],
    ];
    for (const [reply, code, reason] of cases) assert.deepEqual([reply.error?.code, reply.error?.data?.reason], [code, reason], JSON.stringify(reply));
    const { result } = await a.call('createSession', { program: three, parties: 3 });
    const other = three.replace('sum(x)', 'max(x)');
    const swapped = await a.call('joinSession', { invite: result.invite, program: other });
    assert.deepEqual([swapped.error?.code, swapped.error?.data?.reason], [4300, 'not_the_program'], JSON.stringify(swapped));
  });

  test('a public site may not send invites to a signal server on this computer or its network', async () => {
    const [a] = browsers;
    // A page of a public origin: the test site under a public name, which this browser resolves to the loopback.
    const page = await a.context.newPage();
    await page.goto(`http://public.example:${new URL(site.url).port}/`);
    await page.waitForFunction(() => window.cohort?.isCohort);
    await Promise.all([answerApproval(a), page.evaluate(() => window.call('connect'))]);
    const source = program('average_salary');
    const call = (params) => page.evaluate((p) => window.call('createSession', p), params);
    // The participant's setting (ws://127.0.0.1:…) by default, then named by the site.
    for (const params of [{ program: source, parties: 3 }, { program: source, parties: 3, signal: 'ws://192.168.1.10:8787/' },
      { program: source, parties: 3, signal: 'wss://[fe80::1]/' }, { program: source, parties: 3, signal: 'ws://localhost:8787/' }]) {
      const reply = await call(params);
      assert.deepEqual([reply.error?.code, reply.error?.data?.reason], [-32602, 'private_signal'], JSON.stringify(reply));
      assert.match(reply.error.message, /only this computer or its local network can reach/);
      assert.match(reply.error.message, /must pass `signal` with a public signal server/);
    }
    const ok = await call({ program: source, parties: 3, signal: 'wss://signal.example.org/' });
    assert.ifError(ok.error);
    assert.match(ok.result.invite, /signal\.example\.org/);
    await page.close();
    // A loopback page (this test site) may use the loopback signal server: it did above.
  });

  test('session events come only on change, with counts, and identityChanged reaches connected sites', async () => {
    const [a, b, c] = browsers;
    for (const br of [a, b, c]) if ((await br.call('identity')).error) await connect(br);
    const source = program('average_salary');
    const { result } = await a.call('createSession', { program: source, parties: 3, signal: signal.url });
    // One by one, so the room fills in steps: 1, 2, 3 arrived.
    const joins = [];
    for (const [i, br] of [a, b, c].entries()) {
      joins.push(join(br, result.invite, source, { inputs: { salary: (i + 1) * 1000 } }));
      if (i < 2) await waitInPage(br, br.page, ([s, n]) => window.events.some((e) => e.session === s && e.arrived === n), [result.session, i + 1]);
    }
    const replies = (await Promise.all(joins)).map((j) => j.reply);
    for (const r of replies) assert.ifError(r.error);
    for (const [i, br] of [a, b, c].entries()) {
      const done = await br.call('result', { session: result.session });
      assert.deepEqual(done.result?.outputs, { total: 6000, average: 2000 }, JSON.stringify(done.error));
      await waitInPage(br, br.page, (s) => window.events.some((e) => e.session === s && e.stage === 'done'), result.session);
      const events = await br.page.evaluate((s) => window.events.filter((e) => e.session === s), result.session);
      for (let k = 1; k < events.length; k++) assert.notDeepEqual(events[k], events[k - 1], `page ${i}: event ${k} repeats the one before`);
      const keys = ['session', 'name', 'stage', 'party', 'parties', 'count', 'arrived', 'approved', 'roundsDone', 'roundsTotal', 'paths',
        'error', 'code', 'reason', 'errorParty', 'origin', 'startedAt'];
      for (const e of events) assert.deepEqual(Object.keys(e).sort(), [...keys].sort());
      const last = events.at(-1);
      assert.equal(last.count, 3);
      assert.equal(last.origin, new URL(site.url).origin);
      assert.equal(typeof last.startedAt, 'number');
      assert.equal(last.party, replies[i].result.party);
      // The first page saw the room fill: 1, then 2, then 3 arrived (the room full, the parties known).
      const arrived = events.map((e) => e.arrived).filter((n, k, all) => n !== null && n !== all[k - 1]);
      if (i === 0) assert.deepEqual(arrived, [1, 2, 3], JSON.stringify(events));
      assert.equal(last.arrived, 3);
    }
    // The participant resets the identity in the options page: every connected site's pages hear the new one.
    const options = await a.context.newPage();
    await options.goto(a.worker.url().replace(/[^/]*$/, 'options.html'));
    const reset = await options.evaluate(() => chrome.runtime.sendMessage({ to: 'background', type: 'ui:resetIdentity' }));
    assert.ok(reset.ok, JSON.stringify(reset));
    await waitInPage(a, a.page, () => window.otherEvents.some(([name]) => name === 'identityChanged'));
    const heard = await a.page.evaluate(() => window.otherEvents.find(([name]) => name === 'identityChanged')[1]);
    assert.deepEqual(heard, reset.identity);
    assert.deepEqual((await a.call('identity')).result, reset.identity);
    await options.close();
  });

  test('outputs: integers as numbers up to 2^53 − 1 and digits beyond, fixed point with its exact text, vectors as arrays', async () => {
    const kinds = 'program "Kinds"\nparties 3\n\ninput a: secint(32) from each\ninput b: secint(96) from each\n'
      + 'input f: secfxp(32, 16) from each\nreveal small = sum(a) to all\nreveal big = b[0] * b[1] * b[2] to all\n'
      + 'reveal half = f[0] to all\nreveal halves = f to all\n';
    const inputs = [{ a: 1, b: '1099511627776', f: 1.5 }, { a: 2, b: '1099511627776', f: 0.1 }, { a: 3, b: 3, f: -2.25 }];
    const { result } = await browsers[0].call('createSession', { program: kinds, parties: 3, signal: signal.url });
    const joined = await Promise.all(browsers.map((br, i) => join(br, result.invite, kinds, {}, { inputs: inputs[i] })));
    // Seats go by fingerprint: each party's f in party order. 0.1 in secfxp(32, 16) is 6554 / 65536.
    const stored = { 1.5: [1.5, '1.5'], 0.1: [0.100006103515625, '0.100006103515625'], '-2.25': [-2.25, '-2.25'] };
    const bySeat = [];
    for (const [i, j] of joined.entries()) bySeat[j.reply.result.party] = stored[inputs[i].f];
    for (const [i, br] of browsers.entries()) {
      const done = await br.call('result', { session: joined[i].reply.result.session });
      assert.deepEqual(done.result, {
        session: result.session,
        outputs: { small: 6, big: '3626777458843887524118528', half: bySeat[0][0], halves: bySeat.map(([n]) => n) },
        exact: { half: bySeat[0][1], halves: bySeat.map(([, t]) => t) },
      }, JSON.stringify(done));
    }
  });
});

describe('the page API in Firefox', () => {
  let site, browser;

  before(async () => {
    site = await startSite();
    browser = await launch(site, null, { engine: 'firefox' });
  });

  after(async () => {
    await browser?.close();
    site?.stop();
  });

  test('the provider announces its info, and checkProgram answers with the error data', async () => {
    const info = await browser.page.evaluate(() => window.announced);
    const manifest = JSON.parse(readFileSync(path.join(FIREFOX_EXTENSION, 'manifest.json'), 'utf8'));
    assert.equal(info.version, manifest.version);
    assert.match(info.icon, /^data:image\/png;base64,/);
    assert.ok(info.methods.includes('checkProgram'));
    const checked = await browser.call('checkProgram', { program: program('average_salary') });
    assert.equal(checked.result?.name, 'Average salary', JSON.stringify(checked));
    const broken = await browser.call('checkProgram', { program: 'program "Broken"\nparties 3\n\ninput x: secint(32) from each\nreveal y = sum(x)) to all\n' });
    assert.deepEqual([broken.error?.code, broken.error?.data?.reason, broken.error?.data?.line], [4300, 'invalid_program', 5], JSON.stringify(broken));
    assert.deepEqual((await browser.call('identity')).error?.data, { reason: 'not_connected' });
  });
});
