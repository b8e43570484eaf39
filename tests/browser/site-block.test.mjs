// A site the participant keeps refusing is not asked again for a while,
// and a site can be blocked from the approval window: three refusals in a
// row (Refuse, or the window closed) pause the site's prompts for ten
// minutes (USER_REJECTED at once), an approval resets the count; "Block
// this site" refuses the request, takes the site's permission away and
// refuses its every request with UNAUTHORIZED, without asking, until the
// participant unblocks it in the options page.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answerApproval, connect, join, launch, program, servers } from './harness.mjs';

const env = servers();
const code = (reply) => reply.error?.code;
const approvalWindows = (b) => b.context.pages().filter((p) => p.url().includes('/approve.html')).length;

test('three refusals in a row pause a site; an approval resets the count', async () => {
  const a = await launch(env.site);
  env.browsers.push(a);
  const origin = new URL(env.site.url).origin;
  const ask = (how) => Promise.all([answerApproval(a, how), a.call('connect')]).then(([, reply]) => reply);
  // Two refusals, then an approval: the count starts again.
  assert.equal(code(await ask({ refuse: true })), 4001);
  assert.equal(code(await ask({ close: true })), 4001);
  assert.ok((await ask({})).result.fingerprint);
  assert.ok((await a.call('disconnect')).result);
  // Two more refusals are not three in a row: the site is still asked.
  assert.equal(code(await ask({ refuse: true })), 4001);
  assert.equal(code(await ask({ refuse: true })), 4001);
  assert.equal(code(await ask({ close: true })), 4001);
  // The third in a row: the next request fails at once, without a window.
  const paused = await a.call('connect');
  assert.equal(code(paused), 4001, JSON.stringify(paused));
  assert.match(paused.error.message, /refused this site 3 times in a row; Cohort will not ask them again for 10 minutes/);
  assert.equal(approvalWindows(a), 0, 'no approval window opened');
  // Ten minutes later (the pause made to end now), the site is asked again.
  const pauseUntil = (until) => a.worker.evaluate(([o, t]) => chrome.storage.session.get('refusals').then(({ refusals }) => {
    refusals[o] = { count: 0, until: t };
    return chrome.storage.session.set({ refusals });
  }), [origin, until]);
  await pauseUntil(Date.now() - 1);
  assert.ok((await ask({})).result.fingerprint);
  const counts = await a.worker.evaluate(() => chrome.storage.session.get('refusals').then((s) => s.refusals));
  assert.equal(counts[origin], undefined, 'the approval reset the count');
  // A connected site that is paused (as after three refused joins) has its join refused before it enters the lobby.
  await pauseUntil(Date.now() + 600_000);
  const created = await a.call('createSession', { program: program('average_salary'), parties: 3, signal: env.signal.url });
  assert.ifError(created.error);
  const join = await a.call('joinSession', { invite: created.result.invite, program: program('average_salary') });
  assert.equal(code(join), 4001, JSON.stringify(join));
  assert.match(join.error.message, /will not ask them again for 10 minutes/);
  assert.equal(approvalWindows(a), 0, 'no approval window opened');
});

test('a site blocked from the approval window is refused without asking until unblocked', async () => {
  const b = await launch(env.site);
  env.browsers.push(b);
  const origin = new URL(env.site.url).origin;
  const [approval, reply] = await Promise.all([answerApproval(b, { block: true }), b.call('connect')]);
  assert.ok(approval.text.includes('Block this site'));
  assert.equal(code(reply), 4001, JSON.stringify(reply));
  assert.match(reply.error.message, /blocked/);
  const blocked = await b.worker.evaluate(() => chrome.storage.local.get('blocked').then((s) => s.blocked));
  assert.ok(blocked[origin]?.since, JSON.stringify(blocked));
  // Every request now fails at once with UNAUTHORIZED, and no window opens.
  for (const [method, params] of [['connect'], ['identity'], ['status', { session: 'x' }], ['createSession', { program: program('average_salary'), parties: 3 }]]) {
    const r = await b.call(method, params);
    assert.equal(code(r), 4100, `${method}: ${JSON.stringify(r)}`);
    assert.match(r.error.message, /blocked/);
  }
  assert.equal(approvalWindows(b), 0);
  // The options page lists it; Unblock lets it ask again.
  const extension = `chrome-extension://${new URL(b.worker.url()).host}`;
  const options = await b.context.newPage();
  await options.goto(`${extension}/options.html`);
  await options.waitForFunction((o) => document.getElementById('blocked').textContent.includes(o), origin);
  await options.click(`button[aria-label="Unblock ${origin}"]`);
  await options.waitForFunction(() => document.getElementById('no-blocked').hidden === false);
  assert.deepEqual(await b.worker.evaluate(() => chrome.storage.local.get('blocked').then((s) => s.blocked)), {});
  await options.close();
  assert.ok((await connect(b)).fingerprint);
});

test('blocking a connected site from a join takes its permission and its session away', async () => {
  const parties = [];
  for (let i = 0; i < 3; i++) {
    const br = await launch(env.site, { signal: env.signal.url, iceServers: [], iceTransportPolicy: 'all', fallbackMs: 4000 });
    env.browsers.push(br);
    await connect(br);
    parties.push(br);
  }
  const [a, b, c] = parties;
  const source = program('average_salary');
  const { result } = await a.call('createSession', { program: source, parties: 3 });
  const replies = await Promise.all(parties.map((br, i) => join(br, result.invite, source, i === 2 ? { block: true } : { inputs: { salary: i + 1 } })
    .then(({ reply }) => reply)));
  assert.equal(code(replies[2]), 4001, JSON.stringify(replies[2]));
  await c.page.waitForFunction(() => window.seen.some((s) => s.includes('"event":"disconnect"')));
  assert.equal(code(await c.call('identity')), 4100);
  for (const [br, r] of [[a, replies[0]], [b, replies[1]]]) {
    const outcome = r.error ? r : await br.call('result', { session: r.result.session });
    assert.equal(code(outcome), 4400, JSON.stringify(outcome));
  }
});
