// `scripts/demo --browser`: the product in one command. A signal server
// with the playground, three headless Chromium instances with the
// extension, and the average salary run through the playground as three
// participants would (each approves and types a salary in the extension's
// window). Prints each party's result and writes screenshots of the
// playground, the approval window and the popup to target/demo/.

import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT, launch, startSignal } from './harness.mjs';
import { playgroundSession } from './playground-flow.mjs';

const out = path.join(ROOT, 'target/demo');
mkdirSync(out, { recursive: true });
const salaries = [52000, 61000, 47500];
const signal = await startSignal();
const url = `http://127.0.0.1:${signal.port}/`;
const browsers = [];
let failed = false;
try {
  console.log(`signal server and playground: ${url}`);
  for (let i = 0; i < 3; i++) browsers.push(await launch({ url }));
  console.log('three browsers with the extension, each a participant; salaries typed in the approval windows:', salaries.join(', '));
  const run = await playgroundSession(browsers, url, salaries, { shots: out });
  copyFileSync(path.join(ROOT, 'target/screenshots/playground-approval.png'), path.join(out, 'approval.png'));
  console.log(`invite link (also shown as a QR code): ${run.link.slice(0, 80)}…`);
  for (const [i, outputs] of run.outputs.entries()) {
    const last = run.events[i].at(-1);
    console.log(`party ${i + 1}: ${Object.entries(outputs).map(([k, v]) => `${k} = ${v}`).join(', ')} (${last?.roundsDone ?? '?'} of ${last?.roundsTotal ?? '?'} rounds)`);
  }
  const popup = await browsers[0].context.newPage();
  await popup.goto(`chrome-extension://${new URL(browsers[0].worker.url()).host}/popup.html`);
  await popup.setViewportSize({ width: 380, height: 560 });
  await popup.waitForFunction(() => /Average salary/.test(document.getElementById('sessions')?.textContent ?? ''));
  await popup.screenshot({ path: path.join(out, 'popup.png'), fullPage: true });
  console.log(`screenshots: ${['playground.png', 'playground-invite.png', 'approval.png', 'playground-result.png', 'popup.png'].map((f) => path.join('target/demo', f)).join(', ')}`);
} catch (e) {
  failed = true;
  console.error('demo failed:', e);
} finally {
  await Promise.all(browsers.map((b) => b.close()));
  signal.stop();
}
process.exit(failed ? 1 : 0);
