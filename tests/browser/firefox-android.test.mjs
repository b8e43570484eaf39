// Firefox for Android has no windows API: there, approvals open as tabs,
// with the same rules as windows (one at a time per site, closing refuses).
// Run here as the Firefox build with the windows API removed. The approval
// is also checked at a phone's width (360 px): it fits, and its controls
// are touch-sized.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT, checkApprovalRules, connect, launch, nextApprovalWindow, program, servers } from './harness.mjs';

const env = servers();
const code = (reply) => reply.error?.code;

test('without windows, approvals are tabs: closing refuses, one at a time, approving works', async () => {
  const b = await launch(env.site, null, { engine: 'firefox', windows: false });
  env.browsers.push(b);
  // Closing the tab refuses; one at a time; the first, approved in its tab, goes through.
  await checkApprovalRules(b);
});

test('at a phone\'s width the approval fits and its controls are touch-sized', async () => {
  const b = await launch(env.site, null, { engine: 'firefox', windows: false });
  env.browsers.push(b);
  await connect(b);
  const source = program('average_salary');
  const { result } = await b.call('createSession', { program: source, parties: 3, signal: env.signal.url });
  const joining = b.call('joinSession', { invite: result.invite, program: source });
  const tab = await nextApprovalWindow(b);
  await tab.setViewport({ width: 360, height: 740 });
  await tab.waitForSelector('#actions:not([hidden])', { visible: true });
  const layout = await tab.evaluate(() => ({
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    small: [...document.querySelectorAll('button, input, a.button')]
      .filter((el) => el.getClientRects().length > 0)
      .map((el) => ({ what: el.id || el.textContent.trim(), box: el.getBoundingClientRect() }))
      .filter(({ box }) => box.height < 44 || box.width < 44)
      .map(({ what, box }) => `${what} ${Math.round(box.width)}×${Math.round(box.height)}`),
  }));
  mkdirSync(path.join(ROOT, 'target/screenshots'), { recursive: true });
  await tab.screenshot({ path: path.join(ROOT, 'target/screenshots/approval-360.png') });
  await tab.screenshot({ path: path.join(ROOT, 'target/screenshots/approval-360-full.png'), fullPage: true });
  assert.equal(layout.overflow, 0, 'no sideways scrolling');
  assert.deepEqual(layout.small, [], 'every control is at least 44×44 px');
  await tab.close().catch(() => {});
  assert.equal(code(await joining), 4001);
});
