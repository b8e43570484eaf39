// A site learns nothing of sessions it does not own: status, result and
// cancel need the site's permission first (UNAUTHORIZED otherwise, even for
// a session id it guessed or was given), and joining a session this
// browser is already in gives the same error whichever site joined first,
// never saying which.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answerApproval, connect, launch, program, servers, startSite } from './harness.mjs';

const env = servers();
const code = (reply) => reply.error?.code;

test('status, result and cancel need the permission first', async () => {
  const a = await launch(env.site, { signal: env.signal.url, iceServers: [], iceTransportPolicy: 'all', fallbackMs: 4000 });
  env.browsers.push(a);
  for (const method of ['status', 'result', 'cancel']) {
    const reply = await a.call(method, { session: 'nope' });
    assert.equal(code(reply), 4100, `${method}: ${JSON.stringify(reply)}`);
    assert.match(reply.error.message, /not connected to Cohort/);
    // Even malformed: the permission is checked before anything else.
    assert.equal(code(await a.call(method, {})), 4100);
  }
  await connect(a);
  assert.equal(code(await a.call('status', { session: 'nope' })), -32602);
});

test('joining a session again gives one answer, whichever site joined it', async () => {
  const a = await launch(env.site, { signal: env.signal.url, iceServers: [], iceTransportPolicy: 'all', fallbackMs: 4000 });
  env.browsers.push(a);
  await connect(a);
  const source = program('average_salary');
  const { result } = await a.call('createSession', { program: source, parties: 3 });
  const joining = a.call('joinSession', { invite: result.invite, program: source });
  await answerApproval(a); // before meeting anyone
  await a.page.waitForFunction((s) => window.events.some((e) => e.session === s && e.stage === 'waiting'), result.session);
  // The same site again.
  const again = await a.call('joinSession', { invite: result.invite, program: source });
  assert.equal(code(again), -32602, JSON.stringify(again));
  // Another site of the same browser, given the invite.
  const other = await startSite();
  const page = await a.context.newPage();
  await page.goto(other.url);
  await page.waitForFunction(() => window.cohort?.isCohort);
  const [, connected] = await Promise.all([answerApproval(a), page.evaluate(() => window.call('connect'))]);
  assert.ok(connected.result);
  const theirs = await page.evaluate(([invite, p]) => window.call('joinSession', { invite, program: p }), [result.invite, source]);
  assert.deepEqual(theirs, again, 'the same error, not naming the site that joined');
  assert.ok(!theirs.error.message.includes(new URL(env.site.url).origin));
  // Nor can it see the session.
  assert.equal(code(await page.evaluate((s) => window.call('status', { session: s }), result.session)), -32602);
  await page.close();
  other.stop();
  await a.call('cancel', { session: result.session });
  assert.equal(code(await joining), 4500);
});
