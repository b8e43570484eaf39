// A session whose invite lists its parties (a roster, signed by the
// creator's identity): the site gives each party a display name; a
// browser with the invite but not on the roster is refused before it
// meets anyone; a party whose contact "Carol" now shows up with another
// key sees "key changed"; a participant names an unknown party from the
// window; the listed parties compute the average salary.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, join, launch, program, servers } from './harness.mjs';

const env = servers();

test('a rostered session admits only its listed parties, flags a contact whose key changed, and a party can be named from the window', async () => {
  for (let i = 0; i < 4; i++) env.browsers.push(await launch(env.site));
  const [alice, bob, carol, stranger] = env.browsers;
  const ids = [];
  for (const b of env.browsers) ids.push(await connect(b));
  // Bob knew "Carol" under the stranger's key: the Carol on the roster has another one.
  await bob.worker.evaluate((fp) => chrome.storage.local.set({ peers: { [fp]: { petname: 'Carol', firstSeen: 1 } } }), ids[3].fingerprint);
  const source = program('average_salary');
  const roster = [['Alice', ids[0]], ['Bob', ids[1]], ['Carol', ids[2]]].map(([name, id]) => ({ party: id.key, name }));
  const created = await alice.call('createSession', { program: source, parties: 3, signal: env.signal.url, roster });
  assert.ifError(created.error);
  assert.equal(created.result.open, false);
  assert.match(created.result.invite, /&creator=[0-9a-f]{64}&roster=.*&signature=[0-9a-f]{128}$/);
  const { invite } = created.result;

  const refused = await stranger.call('joinSession', { invite, program: source });
  assert.equal(refused.error?.code, -32602, JSON.stringify(refused));
  assert.match(refused.error.message, /admits only the parties its invite lists/);

  // A roster entry that is not a key or fingerprint is the page's mistake.
  const bad = await alice.call('createSession', { program: source, parties: 3, roster: [{ party: 'nobody' }, roster[1], roster[2]] });
  assert.equal(bad.error?.code, -32602, JSON.stringify(bad));

  const salaries = [52000, 61000, 47500];
  // One window each, before meeting anyone: the roster says who the parties are.
  // Alice names Bob (unknown to her) from the window, by his key.
  const nameBob = async (popup) => {
    await popup.fill(`#petname-1`, 'Bob from accounting');
    await popup.click('#petname-1 + button');
    await popup.waitForFunction(() => /Saved to your contacts/.test(document.body.textContent));
  };
  const joined = await Promise.all([alice, bob, carol].map((b, i) => join(b, invite, source, {
    inputs: { salary: salaries[i] }, screenshot: i === 1 ? 'approval-roster-key-changed.png' : null, first: i === 0 ? nameBob : null,
  })));
  const alicesPeers = await alice.worker.evaluate(() => chrome.storage.local.get('peers').then((s) => s.peers));
  assert.equal(alicesPeers[ids[1].fingerprint]?.petname, 'Bob from accounting', JSON.stringify(alicesPeers));
  for (const { approval, reply } of joined) {
    assert.ifError(reply.error);
    assert.ok(approval.text.includes('Only these 3 parties can take part.'), approval.text);
    assert.ok(!approval.text.includes('Anyone with the link'), approval.text);
  }
  const bobs = joined[1].approval.text;
  assert.ok(bobs.includes('the site calls them “Carol”'), bobs);
  assert.match(bobs, /key changed/);
  assert.doesNotMatch(joined[0].approval.text, /key changed/);
  const results = await Promise.all([alice, bob, carol].map((b, i) => b.call('result', { session: joined[i].reply.result.session })));
  for (const r of results) assert.deepEqual(r.result?.outputs, { total: 160500, average: 53500 }, JSON.stringify(r));
});
