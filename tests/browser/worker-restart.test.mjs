// The extension's service worker may be stopped at any time (the browser
// stops idle workers, updates restart them). Sessions survive it: a
// computation goes on and its page hears it end, results stay readable,
// and a join whose request died with the worker fails with INTERRUPTED,
// leaves no seat behind, and can be sent again.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answerApproval, connect, join, launch, program, servers, stopWorker } from './harness.mjs';

const env = servers();
const INTERRUPTED = 4600;
const LONG = 'program "Long"\nparties 3\ninput x: secint(32) from each\nlet acc = x[0]\nfor i in range(2000):\n    acc = acc * x[1]\nreveal acc to all\n';

async function threeBrowsers() {
  const browsers = [];
  for (let i = 0; i < 3; i++) {
    const b = await launch(env.site, { signal: env.signal.url, iceServers: [], iceTransportPolicy: 'all', fallbackMs: 4000 });
    env.browsers.push(b);
    await connect(b);
    browsers.push(b);
  }
  return browsers;
}

test('a session that runs while the worker stops completes, its page hears it end, and its result stays readable', async () => {
  const [a, b, c] = await threeBrowsers();
  const { result } = await a.call('createSession', { program: LONG, parties: 3 });
  const joined = await Promise.all([a, b, c].map((br) => join(br, result.invite, LONG, {}, { inputs: { x: 1 } }).then(({ reply }) => reply)));
  for (const r of joined) assert.ifError(r.error);
  await a.page.waitForFunction(() => window.events.some((e) => e.stage === 'running'), null, { timeout: 30_000 });
  await stopWorker(a);
  // No new request: the page hears the outcome through its restored connection.
  await a.page.waitForFunction(() => window.events.some((e) => e.stage === 'done'), null, { timeout: 60_000 });
  const outcomes = await Promise.all([a, b, c].map((br) => br.call('result', { session: result.session })));
  for (const o of outcomes) assert.deepEqual(o.result?.outputs, { acc: 1 }, JSON.stringify(o));
  // Finished: still readable after another restart.
  await stopWorker(a);
  assert.deepEqual((await a.call('result', { session: result.session })).result?.outputs, { acc: 1 });
  const status = (await a.call('status', { session: result.session })).result;
  assert.equal(status.stage, 'done');
});

test('a join waiting in its room when the worker stops fails with INTERRUPTED, leaves no seat, and can be sent again', async () => {
  const [a, b, c] = await threeBrowsers();
  const source = program('average_salary');
  const { result } = await a.call('createSession', { program: source, parties: 3 });
  // c approves the meeting and waits in the room alone.
  const waiting = c.call('joinSession', { invite: result.invite, program: source });
  await answerApproval(c);
  await c.page.waitForFunction(() => window.events.some((e) => e.stage === 'waiting'), null, { timeout: 10_000 });
  await stopWorker(c);
  const reply = await waiting;
  assert.equal(reply.error?.code, INTERRUPTED, JSON.stringify(reply));
  // Sent again, it takes its seat (the old one is gone), and all three compute.
  const salaries = [1000, 2000, 6000];
  const replies = await Promise.all([a, b, c].map((br, i) => join(br, result.invite, source, { inputs: { salary: salaries[i] } }).then(({ reply: r }) => r)));
  for (const r of replies) assert.ifError(r.error);
  const outcomes = await Promise.all([a, b, c].map((br) => br.call('result', { session: result.session })));
  for (const o of outcomes) assert.deepEqual(o.result?.outputs, { total: 9000, average: 3000 }, JSON.stringify(o));
});
