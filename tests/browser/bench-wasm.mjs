// The engine's workloads in WebAssembly with every party in one thread over
// an in-memory network (the extension's benchmark build in dist/chrome, run
// by Node's V8, the engine Chromium runs it with): compute alone, printed as
// `cohort bench --json` lines with "where":"wasm". `cohort bench
// --in-process` gives the same natively. Then the channel crypto alone:
// sealing and opening messages of several sizes, as `cargo run --release -p
// cohort-channel --example throughput -- --json` prints it natively. Used by
// scripts/bench-browser.

import { readFile } from 'node:fs/promises';

const arg = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const runs = Number(arg('--runs', '3'));
const only = arg('--only', '').split(',').filter(Boolean);
// The module's JavaScript glue, which the extension has bundled into its
// scripts, is kept beside it in target/ by scripts/build-extension.
const glue = await import(new URL('../../target/cohort-wasm-glue/cohort_host.js', import.meta.url).href);
glue.initSync({ module: await readFile(new URL('../../dist/chrome/wasm/cohort_host_bg.wasm', import.meta.url)) });
if (typeof glue.benchInProcess !== 'function') {
  console.error('bench-wasm: dist/chrome has no benchmark (scripts/build-extension --bench)');
  process.exit(1);
}
for (const line of glue.benchInProcess(3, only, runs)) console.log(JSON.stringify({ ...line, where: 'wasm' }));
for (const line of glue.benchChannelCrypto()) console.log(JSON.stringify(line));
