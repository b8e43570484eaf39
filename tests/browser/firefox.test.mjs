// Firefox, from the same source as Chrome: three Firefox instances compute
// the average salary through a signal server, approvals driven here; the
// results are right and no page sees a typed salary.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { averageSalary, checkAverageSalary, connect, launch, servers } from './harness.mjs';

const env = servers();

test('three Firefox browsers compute the average salary; no page sees a salary', async () => {
  for (let i = 0; i < 3; i++) env.browsers.push(await launch(env.site, null, { engine: 'firefox' }));
  const ids = [];
  for (const b of env.browsers) ids.push(await connect(b));
  assert.equal(new Set(ids.map((id) => id.fingerprint)).size, 3, 'each browser has its own identity');
  const salaries = [52000, 61000, 47500];
  const { joined, results } = await averageSalary(env.browsers, salaries, env.signal.url, { screenshot: 'firefox-approval.png' });
  await checkAverageSalary(env.browsers, salaries, ids, { joined, results }, { total: 160500, average: 53500 });
});
