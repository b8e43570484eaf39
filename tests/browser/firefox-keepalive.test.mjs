// Firefox stops an extension's event page after 30 s without extension API
// calls, and an open peer connection or WebSocket does not count; the
// session host lives in that page. Here a session of over a minute has two
// idle stretches: two parties wait 20 s in the lobby for the third, then
// 45 s while the third reads its approval, their pages asking nothing then
// (no request waits, so their content scripts do not ping the background).
// The session host keeps the page awake, and the session completes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, join, launch, program, servers, waitInPage } from './harness.mjs';

const env = servers();

test('a Firefox session of over a minute with idle stretches completes', async () => {
  for (let i = 0; i < 3; i++) env.browsers.push(await launch(env.site, null, { engine: 'firefox' }));
  for (const b of env.browsers) await connect(b);
  const source = program('average_salary');
  const { result } = await env.browsers[0].call('createSession', { program: source, parties: 3, signal: env.signal.url });
  const began = Date.now();
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const joined = await Promise.all(env.browsers.map(async (b, i) => {
    if (i === 2) await sleep(20_000);
    return join(b, result.invite, source, { inputs: { salary: [52000, 61000, 47500][i] }, first: i === 2 ? () => sleep(45_000) : null });
  }));
  // Only the pages' own event logs are read until the end: no request to the extension.
  for (const b of env.browsers) {
    await waitInPage(b, b.page, (s) => window.events.some((e) => e.session === s && ['done', 'failed'].includes(e.stage)), result.session, 120_000);
  }
  assert.ok(Date.now() - began > 60_000, 'the session took over a minute');
  for (const [i, b] of env.browsers.entries()) {
    const r = await b.call('result', { session: joined[i].reply.result.session });
    assert.deepEqual(r.result?.outputs, { total: 160500, average: 53500 }, `page ${i}: ${JSON.stringify(r.error)}`);
  }
});
