// A session needs a threshold of at least 1, so at least 3 parties: with
// 2, every party's input would reach the other in the clear. createSession
// and joinSession refuse such a session with INVALID_PARAMS, whatever the
// program allows.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, launch, program, servers } from './harness.mjs';

const env = servers();
const TWO = 'program "Two"\nparties 2 or more\ninput x: secint(32) from each\nreveal total = sum(x) to all\n';

test('createSession and joinSession refuse a session of 2 parties', async () => {
  const b = await launch(env.site, { signal: env.signal.url, iceServers: [], iceTransportPolicy: 'all', fallbackMs: 4000 });
  env.browsers.push(b);
  await connect(b);
  for (const source of [TWO, program('average_salary')]) {
    const reply = await b.call('createSession', { program: source, parties: 2 });
    assert.equal(reply.error?.code, -32602, JSON.stringify(reply));
    assert.match(reply.error.message, /a session needs at least 3 parties for privacy/);
  }
  // An invite for 2 parties (made for 3, then changed) is refused before the lobby.
  const { result } = await b.call('createSession', { program: TWO, parties: 3 });
  const invite = result.invite.replace(/parties=3/, 'parties=2');
  assert.notEqual(invite, result.invite);
  const reply = await b.call('joinSession', { invite, program: TWO });
  assert.equal(reply.error?.code, -32602, JSON.stringify(reply));
  assert.match(reply.error.message, /a session needs at least 3 parties for privacy/);
  // Three parties are fine.
  assert.ok((await b.call('createSession', { program: TWO, parties: 3 })).result.invite);
});
