// The extension's start-up in Chromium, printed as one JSON line: for each
// of `--launches` fresh browsers (8 by default, one at a time), the time
// from the background's start until its WebAssembly is ready (`worker_ms`),
// then the time to create the session host (Chrome's offscreen document)
// until its WebAssembly is ready (`host_ms`); medians over the launches,
// and of their sums (`ready_ms`, which the design bounds at 300 ms). Used by
// scripts/bench-browser.

import { launch, startSite } from './harness.mjs';

const at = process.argv.indexOf('--launches');
const launches = at > 0 ? Number(process.argv[at + 1]) : 8;
if (!Number.isInteger(launches) || launches < 1) {
  console.error('bench-startup: --launches takes a whole number of at least 1');
  process.exit(2);
}
const site = await startSite();
const runs = [];
try {
  for (let i = 0; i < launches; i++) {
    const browser = await launch(site, null, {});
    try {
      const probe = await browser.context.newPage();
      await probe.goto(`chrome-extension://${new URL(browser.worker.url()).host}/popup.html`);
      const { startup } = await probe.evaluate(() => chrome.runtime.sendMessage({ to: 'background', type: 'bench:startup' }));
      runs.push(startup);
    } finally {
      await browser.close();
    }
  }
} finally {
  site.stop();
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return Math.round(sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2);
};
console.log(JSON.stringify({
  workload: 'startup', launches,
  worker_ms: median(runs.map((r) => r.worker)), host_ms: median(runs.map((r) => r.host)),
  ready_ms: median(runs.map((r) => r.worker + r.host)), where: 'browser',
}));
