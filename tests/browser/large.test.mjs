// Large rounds: eight independent products of 340,000-element vectors share
// one round, so each party sends about 22 MB to one of its peers at once
// (the other, its successor, draws its shares of the products instead) —
// more than a data channel's send buffer is allowed to hold. Frames wait for
// the buffer to drain (back-pressure) instead of closing the channel.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, join, launch, servers } from './harness.mjs';

const BIG = `program "Big rounds"
parties 3
input x: secint(32)[340000] from each
let a = x[0] * x[1]
let b = x[1] * x[2]
let c = x[0] * x[2]
let d = x[0] * x[0]
let e = x[1] * x[1]
let f = x[2] * x[2]
let g = x[1] * x[0]
let h = x[2] * x[1]
reveal s = sum(a) + sum(b) + sum(c) + sum(d) + sum(e) + sum(f) + sum(g) + sum(h) to all
`;

const env = servers();

test('rounds of megabytes reach every party over the data channels', async () => {
  for (let i = 0; i < 3; i++) env.browsers.push(await launch(env.site));
  for (const b of env.browsers) await connect(b);
  const { result } = await env.browsers[0].call('createSession', { program: BIG, parties: 3, signal: env.signal.url });
  const ones = new Array(340000).fill(1);
  const outcomes = await Promise.all(env.browsers.map(async (b, i) => {
    const how = i === 0 ? { screenshot: 'approval-long-list.png' } : {};
    const { reply: joined, approval } = await join(b, result.invite, BIG, how, { inputs: { x: ones } });
    assert.ifError(joined.error);
    // The window shows the list's start and its length; all of it only on request.
    assert.match(approval.text, /Your x \(a list of 340,000 whole numbers, each from -2,147,483,648 to 2,147,483,647\)/);
    assert.match(approval.text, /\[1(,1){19}, …\]\s+The first 20 of 340,000 values\.\s+Show all 340,000 values/);
    assert.ok(approval.text.length < 2000, `the window's text is ${approval.text.length} characters`);
    const status = await b.call('result', { session: joined.result.session });
    return { status, paths: (await b.call('status', { session: joined.result.session })).result.paths };
  }));
  for (const { status, paths } of outcomes) {
    assert.deepEqual(status.result?.outputs, { s: 2720000 }, JSON.stringify(status.error));
    assert.deepEqual(Object.values(paths), ['direct', 'direct']);
  }
});
