// A mixed session: a Chromium, a Firefox and one native party (`cohort
// party --invite`) compute the average salary together. The native party
// uses the signal server's relay and tells the browsers so; the two
// browsers still reach each other directly.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { COHORT, ROOT, averageSalary, connect, launch, pathsByPeer, servers } from './harness.mjs';

const env = servers();

/** Runs `cohort party … --invite` and resolves with its exit code, output and error text. */
function cliParty(invite, identityFile, salary) {
  const args = ['party', path.join(ROOT, 'examples/average_salary.cohort'), '--invite', invite, '--yes', '--identity', identityFile,
    '--input', `salary=${salary}`, '--timeout', '60', '--json'];
  const child = spawn(COHORT, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

test('a Chromium, a Firefox and a CLI party compute together', async () => {
  for (const engine of ['chromium', 'firefox']) env.browsers.push(await launch(env.site, null, { engine }));
  const ids = [];
  for (const b of env.browsers) ids.push(await connect(b));
  const identityFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'cohort-cli-')), 'identity.json');
  const shown = execFileSync(COHORT, ['identity', 'new', '--identity', identityFile], { encoding: 'utf8' });
  const cliFingerprint = shown.match(/Fingerprint: (\S+)/)[1];
  const { joined, results, extra } = await averageSalary(env.browsers, [52000, 61000], env.signal.url, {
    m: 3,
    others: (invite) => [cliParty(invite, identityFile, 47500)],
  });
  for (const r of results) assert.deepEqual(r.result?.outputs, { total: 160500, average: 53500 }, JSON.stringify(r.error));
  const [cli] = extra;
  assert.equal(cli.code, 0, cli.stderr);
  assert.deepEqual(JSON.parse(cli.stdout).outputs, { average: 53500, total: 160500 });
  for (const [i, j] of joined.entries()) assert.ok(j.reply.result.parties.includes(cliFingerprint), `browser ${i} lists the CLI party`);
  for (const [i, b] of env.browsers.entries()) {
    const other = ids[1 - i].fingerprint;
    assert.deepEqual(await pathsByPeer(b, joined[i].reply.result.session), { [other]: 'direct', [cliFingerprint]: 'relay' }, b.engine);
  }
});
