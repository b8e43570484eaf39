// A room lives at most the signal server's room lifetime. When it expires
// during a session whose parties reach each other only through the relay,
// the browsers' parties end at once, with the server's reason, rather than
// waiting for a silent peer.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connect, freePort, join, launch, startSignal, startSite } from './harness.mjs';

const LIFETIME_S = 15;
const LONG = 'program "Long"\nparties 3\ninput x: secint(32) from each\nlet acc = x[0]\nfor i in range(40000):\n    acc = acc * x[1]\nreveal acc to all\n';
let signal, site;
const browsers = [];

before(async () => {
  signal = await startSignal(['--room-lifetime', String(LIFETIME_S)]);
  site = await startSite();
});
after(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  signal?.stop();
  site?.stop();
});

test('a room that expires on the relay path ends every browser party at once', async () => {
  // No direct path: relay-only ICE through a TURN server that is not there.
  const nowhere = { signal: signal.url, iceServers: [{ urls: [`turn:127.0.0.1:${await freePort()}`], username: 'u', credential: 'p' }], iceTransportPolicy: 'relay', fallbackMs: 1000 };
  for (let i = 0; i < 3; i++) {
    const b = await launch(site, nowhere);
    browsers.push(b);
    await connect(b);
  }
  const { result } = await browsers[0].call('createSession', { program: LONG, parties: 3 });
  const opened = Date.now(); // the room opens with the first join, a moment later
  const replies = await Promise.all(browsers.map((b) => join(b, result.invite, LONG, {}, { inputs: { x: 1 } }).then(({ reply }) => reply)));
  for (const r of replies) assert.ifError(r.error);
  const outcomes = await Promise.all(browsers.map((b) => b.call('result', { session: result.session })));
  const ended = Date.now();
  for (const o of outcomes) {
    assert.equal(o.error?.code, 4400, JSON.stringify(o));
    assert.match(o.error.message, /expired/);
  }
  // At once: well before a stalled peer would be given up on (60 s of silence).
  assert.ok(ended - opened < (LIFETIME_S + 10) * 1000, `the parties ended ${(ended - opened) / 1000} s after the room opened`);
  const status = (await browsers[0].call('status', { session: result.session })).result;
  assert.deepEqual(Object.values(status.paths), ['relay', 'relay']);
});
