// The extension's start-up, printed as one JSON line: for each of
// `--launches` fresh browsers (8 by default, one at a time), the time from
// the background's start until its WebAssembly is ready (`worker_ms`), then
// the time to start the session host (Chrome's offscreen document, or in
// Firefox's background page) until its WebAssembly is ready (`host_ms`; in
// Chrome, `host_wasm_ms` of it passed in the offscreen document itself;
// Firefox's host reads the background page's clock, so it has none);
// medians over the launches, and of their sums (`ready_ms`, which the
// design bounds at 300 ms). `--engine firefox` for Firefox (Chromium by
// default). Used by scripts/bench-browser.

import { inExtension, launch, startSite } from './harness.mjs';

const arg = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const launches = Number(arg('--launches', '8'));
const engine = arg('--engine', 'chromium');
if (!Number.isInteger(launches) || launches < 1) {
  console.error('bench-startup: --launches takes a whole number of at least 1');
  process.exit(2);
}
const site = await startSite();
const runs = [];
try {
  for (let i = 0; i < launches; i++) {
    const browser = await launch(site, null, { engine, keepWelcome: engine === 'firefox' });
    try {
      const ask = () => chrome.runtime.sendMessage({ to: 'background', type: 'bench:startup' });
      let answer;
      if (engine === 'firefox') {
        answer = await inExtension(browser, ask);
      } else {
        const probe = await browser.context.newPage();
        await probe.goto(`chrome-extension://${new URL(browser.worker.url()).host}/popup.html`);
        answer = await probe.evaluate(ask);
      }
      runs.push(answer.startup);
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
  workload: 'startup', engine, launches,
  worker_ms: median(runs.map((r) => r.worker)), host_ms: median(runs.map((r) => r.host)),
  host_wasm_ms: engine === 'firefox' ? null : median(runs.map((r) => r.hostWasm)),
  ready_ms: median(runs.map((r) => r.worker + r.host)), where: 'browser',
}));
