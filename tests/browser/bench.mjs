// Runs the benchmark page in three browsers and prints party 0's lines, then
// the start-up figures of a fresh browser: worker WebAssembly ready, and the
// session host (offscreen document) created with its WebAssembly ready.

import { launch, startSignal, startSite } from './harness.mjs';

const arg = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const runs = arg('--runs', '3');
const only = arg('--only', '');

const signal = await startSignal();
const site = await startSite();
const browsers = [];
try {
  const t0 = performance.now();
  for (let i = 0; i < 3; i++) browsers.push(await launch(site));
  const launched = performance.now() - t0;
  const ext = (b) => `chrome-extension://${new URL(b.worker.url()).host}`;
  const probe = await browsers[0].context.newPage();
  await probe.goto(`${ext(browsers[0])}/popup.html`);
  const { startup } = await probe.evaluate(() => chrome.runtime.sendMessage({ to: 'background', type: 'bench:startup' }));
  await probe.close();
  const room = `r${Date.now()}`;
  const pages = await Promise.all(browsers.map(async (b) => {
    const page = await b.context.newPage();
    await page.goto(`${ext(b)}/bench.html?signal=${encodeURIComponent(signal.url)}&room=${room}&m=3&runs=${runs}&only=${only}`);
    return page;
  }));
  await Promise.all(pages.map((p) => p.waitForFunction(() => document.body.dataset.state, null, { timeout: 600_000 })));
  const state = await pages[0].evaluate(() => document.body.dataset.state);
  if (state !== 'done') throw new Error(await pages[0].textContent('#status'));
  console.log((await pages[0].textContent('#out')).trim());
  console.log(JSON.stringify({ workload: 'startup', worker_wasm_ms: round(startup.worker), host_ms: round(startup.host),
    host_wasm_ms: round(startup.hostWasm), ready_ms: round(startup.worker + startup.host), launch_3_browsers_ms: round(launched) }));
  console.error(`paths: ${await pages[0].evaluate(() => document.body.dataset.paths)}`);
} finally {
  await Promise.all(browsers.map((b) => b.close()));
  signal.stop();
  site.stop();
}

function round(x) {
  return Math.round(x * 10) / 10;
}
