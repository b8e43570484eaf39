// @ts-check
// The benchmark page: bench.html?signal=ws://…&room=NAME&m=3[&runs=3][&only=mul,lt]
// Every browser that opens it with the same room joins one benchmark
// session; each prints the measurements as `cohort bench --json` lines.

import { send } from './ui.js';
import { UI } from './background/messages.js';

const params = new URLSearchParams(location.search);
const status = /** @type {HTMLElement} */ (document.getElementById('status'));
const out = /** @type {HTMLElement} */ (document.getElementById('out'));

try {
  const only = (params.get('only') || '').split(',').filter(Boolean);
  const reply = await send(UI.BENCH_RUN, {
    signal: params.get('signal'), room: params.get('room'), m: Number(params.get('m') || 3),
    runs: Number(params.get('runs') || 3), only,
  });
  out.textContent = reply.lines.map((line) => JSON.stringify({ ...line, where: 'browser' })).join('\n');
  status.textContent = `Done; paths to peers: ${JSON.stringify(reply.paths)}`;
  document.body.dataset.paths = JSON.stringify(reply.paths);
  document.body.dataset.state = 'done';
} catch (e) {
  status.textContent = `Failed: ${e.message}`;
  document.body.dataset.state = 'failed';
}
