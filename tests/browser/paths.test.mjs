// The paths between browsers: with direct WebRTC impossible for one
// browser (relay-only ICE with no TURN server), its pairs fall back to the
// signal server's relay while the other pair stays direct (in Chromium and
// in Firefox); and with a TURN
// server (coturn) and `iceTransportPolicy: 'relay'`, every pair connects
// through TURN. The engine's results are the same either way.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ENGINES, averageSalary, join, connect, freePort, launch, pathsByPeer, startSignal, startSite, startTurn } from './harness.mjs';

let signal, site, turn;
const open = [];

before(async () => {
  signal = await startSignal();
  site = await startSite();
  turn = await startTurn();
});

after(async () => {
  await Promise.all(open.map((b) => b.close()));
  for (const s of [signal, site, turn]) s?.stop();
});

async function three(settings, engine = 'chromium') {
  const browsers = [];
  for (const s of settings) {
    const b = await launch(site, s, { engine });
    open.push(b);
    browsers.push(b);
  }
  const ids = [];
  for (const b of browsers) ids.push(await connect(b));
  return { browsers, ids };
}

for (const engine of ENGINES) test(`${engine}: a browser without a direct path reaches its peers through the relay`, async () => {
  const base = { signal: signal.url, iceServers: [], iceTransportPolicy: 'all', fallbackMs: 1500 };
  // Nothing listens at this TURN address, so the third browser gathers no candidates.
  const nowhere = { ...base, iceServers: [{ urls: [`turn:127.0.0.1:${await freePort()}`], username: 'u', credential: 'p' }], iceTransportPolicy: 'relay' };
  const { browsers, ids } = await three([base, base, nowhere], engine);
  const { joined, results } = await averageSalary(browsers, [52000, 61000, 47500], signal.url);
  for (const r of results) assert.deepEqual(r.result?.outputs, { total: 160500, average: 53500 }, JSON.stringify(r.error));
  const session = joined[0].reply.result.session;
  const [a, b, c] = ids.map((id) => id.fingerprint);
  assert.deepEqual(await pathsByPeer(browsers[0], session), { [b]: 'direct', [c]: 'relay' });
  assert.deepEqual(await pathsByPeer(browsers[1], session), { [a]: 'direct', [c]: 'relay' });
  assert.deepEqual(await pathsByPeer(browsers[2], session), { [a]: 'relay', [b]: 'relay' });
});

test('with a TURN server and relay-only ICE every pair connects through TURN', async () => {
  const viaTurn = { signal: signal.url, iceServers: [{ urls: [turn.url], username: 'u', credential: 'p' }], iceTransportPolicy: 'relay', fallbackMs: 10000 };
  const { browsers, ids } = await three([viaTurn, viaTurn, viaTurn]);
  const { joined, results } = await averageSalary(browsers, [1000, 2000, 6000], signal.url);
  for (const r of results) assert.deepEqual(r.result?.outputs, { total: 9000, average: 3000 }, JSON.stringify(r.error));
  const session = joined[0].reply.result.session;
  for (const [i, b] of browsers.entries()) {
    const paths = await pathsByPeer(b, session);
    const expected = Object.fromEntries(ids.filter((_, j) => j !== i).map((id) => [id.fingerprint, 'turn']));
    assert.deepEqual(paths, expected, `browser ${i}`);
  }
});

test('relayed parties keep to the signal server\'s message rate', async () => {
  // 400 rounds over the relay would far exceed 300 messages a second if sent at once.
  const slow = await startSignal(['--max-rate', '300']);
  try {
    const settings = { signal: slow.url, iceServers: [{ urls: [`turn:127.0.0.1:${await freePort()}`], username: 'u', credential: 'p' }], iceTransportPolicy: 'relay', fallbackMs: 500 };
    const { browsers } = await three([settings, settings, settings]);
    const chain = 'program "Chain"\nparties 3\ninput x: secint(32) from each\nlet acc = x[0]\nfor i in range(400):\n    acc = acc * x[1]\nreveal acc to all\n';
    const { result } = await browsers[0].call('createSession', { program: chain, parties: 3, signal: slow.url });
    const outcomes = await Promise.all(browsers.map(async (b) => {
      const { reply: joined } = await join(b, result.invite, chain, {}, { inputs: { x: 1 } });
      assert.ifError(joined.error);
      const done = await b.call('result', { session: joined.result.session });
      return { done, paths: await pathsByPeer(b, joined.result.session) };
    }));
    for (const { done, paths } of outcomes) {
      assert.deepEqual(done.result?.outputs, { acc: 1 }, JSON.stringify(done.error));
      assert.deepEqual(Object.values(paths), ['relay', 'relay']);
    }
  } finally {
    slow.stop();
  }
});
