// The provider library's helpers, in Node (no browser): invite links made
// and read back, a damaged link refused, onInviteLink at load and on
// hashchange, and discovery — a provider's announcement, the window.cohort
// fallback, and null (not installed) after the timeout.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CohortError, ERRORS, INVITE_KEY, discover, inviteLink, onInviteLink, readInviteLink } from '../../extension/sdk/cohort.js';

const INVITE = 'cohort-invite:v2?session=67fc3fa120d14d3054a133c20e22840e&program=c7341e03&parties=3&signal=ws://127.0.0.1:8787/&token=8d1f';
const PROGRAM = 'program "Average salary"\nparties 3 or more\ninput salary: secint(32) from each typed between 0 and 100000000\nreveal average = mean(salary) to all\n';

test('an invite link carries the invite (and the program) in its fragment, and reads back exactly', async () => {
  const bare = await inviteLink(INVITE, { base: 'https://site.example/survey?x=1#old' });
  assert.equal(bare, `https://site.example/survey?x=1#${INVITE_KEY}=${encodeURIComponent(INVITE)}`);
  assert.deepEqual(await readInviteLink(bare), { invite: INVITE, program: null });
  const full = await inviteLink(INVITE, { base: 'https://site.example/', program: PROGRAM });
  assert.ok(!full.split('#')[0].includes('cohort'), 'nothing of the invite before the fragment');
  assert.ok(full.length < INVITE.length * 3 + PROGRAM.length * 2, `the program is deflated: ${full.length}`);
  assert.deepEqual(await readInviteLink(full), { invite: INVITE, program: PROGRAM });
  const unicode = 'program "Café ✓"\n';
  assert.equal((await readInviteLink(await inviteLink(INVITE, { base: 'https://a/', program: unicode })))?.program, unicode);
});

test('a link without an invite reads as none; a damaged program is INVALID_PARAMS', async () => {
  assert.equal(await readInviteLink('https://site.example/'), null);
  assert.equal(await readInviteLink('https://site.example/#other=1'), null);
  const damaged = `https://site.example/#${INVITE_KEY}=x&program=AAAA`;
  await assert.rejects(readInviteLink(damaged), (e) => e instanceof CohortError && e.code === ERRORS.INVALID_PARAMS && e.data.reason === 'bad_link');
});

/** A stand-in window: events, a location whose fragment can change. */
function fakeWindow(href) {
  const w = new EventTarget();
  w.location = { href };
  return w;
}

test('onInviteLink reports the invite at once and on every hashchange, until stopped', async () => {
  const w = fakeWindow(await inviteLink(INVITE, { base: 'https://site.example/', program: PROGRAM }));
  const seen = [];
  const stop = onInviteLink((found) => seen.push(found), { window: w });
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(seen, [{ invite: INVITE, program: PROGRAM }]);
  w.location.href = await inviteLink(`${INVITE}2`, { base: 'https://site.example/' });
  w.dispatchEvent(new Event('hashchange'));
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(seen.at(-1), { invite: `${INVITE}2`, program: null });
  stop();
  w.location.href = await inviteLink(`${INVITE}3`, { base: 'https://site.example/' });
  w.dispatchEvent(new Event('hashchange'));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(seen.length, 2, 'nothing after stop');
});

test('discover: an announced provider, with its info; errors become CohortErrors', async () => {
  const w = fakeWindow('https://site.example/');
  const info = { uuid: 'u', name: 'Cohort', rdns: 'org.cohort.extension', version: '1.2.3' };
  const provider = {
    isCohort: true,
    request: async ({ method }) => {
      if (method === 'identity') return { key: 'k', fingerprint: 'f' };
      throw Object.assign(new Error('no'), { code: ERRORS.UNAUTHORIZED, data: { reason: 'not_connected' } });
    },
    on() {},
    removeListener() {},
  };
  w.addEventListener('cohort:requestProvider', () => w.dispatchEvent(Object.assign(new Event('cohort:announceProvider'), { detail: { info, provider } })));
  const cohort = await discover({ window: w, timeout: 5000 });
  assert.ok(cohort);
  assert.deepEqual(cohort.info, info);
  assert.deepEqual(await cohort.identity(), { key: 'k', fingerprint: 'f' });
  await assert.rejects(cohort.status('s'), (e) => e instanceof CohortError && e.code === ERRORS.UNAUTHORIZED && e.data.reason === 'not_connected');
});

test('discover: window.cohort when nothing announces, and null (not installed) after the timeout', async () => {
  const w = fakeWindow('https://site.example/');
  const began = Date.now();
  assert.equal(await discover({ window: w, timeout: 100 }), null);
  assert.ok(Date.now() - began >= 95, 'waited for the timeout');
  w.cohort = { isCohort: true, request: async () => true, on() {}, removeListener() {} };
  const found = await discover({ window: w, timeout: 50 });
  assert.ok(found);
  assert.equal(await found.disconnect(), true);
});
