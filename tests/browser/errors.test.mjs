// What goes wrong ends with its error code in the page and leaves the
// extension usable: a refused or closed approval window, a second request
// while one waits, a site without permission, an unknown method, a
// malformed program or one that is not the invite's, a party that refuses
// to join, and a party that leaves mid-run. The same tests run in Chromium
// and in Firefox.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ENGINES, answerApproval, checkApprovalRules, connect, join, launch, openSite, program, startSignal, startSite, waitInPage } from './harness.mjs';

const code = (reply) => reply.error?.code;

for (const engine of ENGINES) describe(engine, () => {
  let signal, site;
  const browsers = [];

  before(async () => {
    signal = await startSignal();
    site = await startSite();
    for (let i = 0; i < 3; i++) browsers.push(await launch(site, { signal: signal.url, iceServers: [], iceTransportPolicy: 'all', fallbackMs: 4000 }, { engine }));
  });

  after(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    signal?.stop();
    site?.stop();
  });

  test('refusing, closing the window, and asking twice are told apart', async () => {
    const [a] = browsers;
    const [, reply] = await Promise.all([answerApproval(a, { refuse: true }), a.call('connect')]);
    assert.equal(code(reply), 4001, JSON.stringify(reply));
    // Closing the window refuses too; a second request while one waits is refused, not stacked.
    await checkApprovalRules(a);
  });

  test('a site without permission, an unknown method and malformed requests get their codes', async () => {
    const [, b] = browsers;
    assert.equal(code(await b.call('identity')), 4100);
    assert.equal(code(await b.call('createSession', { program: program('average_salary'), parties: 3 })), 4100);
    assert.equal(code(await b.call('eth_sendTransaction')), 4200);
    await connect(b);
    assert.equal(code(await b.call('createSession', { program: 'this is not a program', parties: 3 })), 4300);
    assert.equal(code(await b.call('createSession', { program: program('average_salary'), parties: 2 })), -32602);
    assert.equal(code(await b.call('createSession', { parties: 3 })), -32602);
    assert.equal(code(await b.call('status', { session: 'nope' })), -32602);
    assert.equal(code(await b.call('joinSession', { invite: 'https://evil.example', program: program('average_salary') })), -32602);
    const { result } = await b.call('createSession', { program: program('average_salary'), parties: 3, signal: signal.url });
    const swapped = program('average_salary').replace('mean(salary)', 'max(salary)');
    const reply = await b.call('joinSession', { invite: result.invite, program: swapped });
    assert.equal(code(reply), 4300);
    assert.match(reply.error.message, /not the invite's program/);
    const huge = await b.page.evaluate(() => window.call('createSession', { program: 'x'.repeat(2 << 20), parties: 3 }));
    assert.equal(code(huge), -32602);
    // Still usable.
    assert.ok((await b.call('identity')).result.fingerprint);
  });

  test('a party that refuses to join ends the session for the others', async () => {
    for (const b of browsers) if (code(await b.call('identity')) === 4100) await connect(b);
    const [a, b, c] = browsers;
    const source = program('average_salary');
    const { result } = await a.call('createSession', { program: source, parties: 3, signal: signal.url });
    // c refuses once it has seen who the other parties are, which may end
    // the session before a or b has answered its window.
    const [ra, rb, rc] = await Promise.all([
      join(a, result.invite, source, { inputs: { salary: 1 }, mayEnd: true }),
      join(b, result.invite, source, { inputs: { salary: 2 }, mayEnd: true }),
      join(c, result.invite, source, { refuse: true }),
    ]).then((all) => all.map(({ reply }) => reply));
    assert.equal(code(rc), 4001);
    for (const [party, r] of [[a, ra], [b, rb]]) {
      // Either the join was approved and the result fails, or the join itself failed.
      const outcome = r.error ? r : await party.call('result', { session: r.result.session });
      assert.equal(code(outcome), 4400, JSON.stringify(outcome));
      assert.match(outcome.error.message, /left/);
    }
  });

  test('a party that leaves mid-run stops the others with PEER_UNREACHABLE, and the extension stays usable', async () => {
    const [a, b, c] = browsers;
    const long = 'program "Long"\nparties 3\ninput x: secint(32) from each\nlet acc = x[0]\nfor i in range(3000):\n    acc = acc * x[1]\nreveal acc to all\n';
    const { result } = await a.call('createSession', { program: long, parties: 3, signal: signal.url });
    const joins = await Promise.all(browsers.map(async (br) => {
      const { reply } = await join(br, result.invite, long, {}, { inputs: { x: 1 } });
      return reply.result.session;
    }));
    await waitInPage(a, a.page, () => window.events.some((e) => e.stage === 'running'), null, 20_000);
    await c.page.close();
    const outcomes = await Promise.all([a, b].map((br, i) => br.call('result', { session: joins[i] })));
    for (const o of outcomes) {
      assert.equal(code(o), 4400, JSON.stringify(o));
      // Both name the party that left, not a survivor whose channel closed after it.
      assert.match(o.error.message, /party \d+ left/);
    }
    // The extension is still usable: a new page, and a new session that completes.
    c.page = await openSite(c, site.url);
    const source = program('average_salary');
    const again = await a.call('createSession', { program: source, parties: 3, signal: signal.url });
    const done = await Promise.all(browsers.map(async (br, i) => {
      const { reply } = await join(br, again.result.invite, source, { inputs: { salary: (i + 1) * 100 } });
      return br.call('result', { session: reply.result.session });
    }));
    for (const d of done) assert.deepEqual(d.result?.outputs, { total: 600, average: 200 }, JSON.stringify(d.error));
  });

  test('a page can cancel its session, and another site cannot see or touch it', async () => {
    const [a] = browsers;
    const source = program('average_salary');
    const { result } = await a.call('createSession', { program: source, parties: 3, signal: signal.url });
    const joining = a.call('joinSession', { invite: result.invite, program: source });
    await answerApproval(a); // before meeting anyone
    await waitInPage(a, a.page, (s) => window.events.some((e) => e.session === s && e.stage === 'waiting'), result.session);
    // Another origin, even in the same browser, sees no such session.
    const other = await startSite();
    const page = await openSite(a, other.url);
    const [approval, connected] = await Promise.all([answerApproval(a), page.evaluate(() => window.call('connect'))]);
    assert.ok(connected.result && approval.text.includes(new URL(other.url).origin));
    for (const method of ['status', 'result', 'cancel']) {
      const reply = await page.evaluate(([m, s]) => window.call(m, { session: s }), [method, result.session]);
      assert.equal(code(reply), -32602, `${method}: ${JSON.stringify(reply)}`);
    }
    await page.close();
    other.stop();
    // The owner cancels: the waiting join ends, and the status says so.
    const cancelled = await a.call('cancel', { session: result.session });
    assert.equal(cancelled.result.stage, 'cancelled');
    const joined = await joining;
    assert.equal(code(joined), 4500, JSON.stringify(joined));
    assert.equal((await a.call('status', { session: result.session })).result.stage, 'cancelled');
  });
});
