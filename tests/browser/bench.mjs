// Runs the benchmark in three browsers (Chromium, or with --engine firefox
// Firefox) and prints party 0's lines (each with the path its frames took:
// "direct" over WebRTC data channels, or with --path relay "relay" through
// the signal server, and the engine), then the data channels alone: two
// peer connections in one page of the first browser, their round-trip time
// for small messages and for a round of 10,000 products' shares, and their
// throughput — the transport's floor under the engine's rounds, without
// WebAssembly or channel crypto — and the engine's computation and channel
// crypto alone in the browser's WebAssembly engine; with --path relay, a
// WebSocket alone instead.

import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism } from 'node:os';
import puppeteer from 'puppeteer-core';
import { WebSocket, WebSocketServer } from 'ws';
import { freePort, inExtension, launch, startSignal, startSite } from './harness.mjs';

const arg = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const runs = arg('--runs', '3');
const only = arg('--only', '');
// With --profile: a CPU profile of party 0's session host (its offscreen
// document) over the whole run, saved to target/bench-party0.cpuprofile
// (Chromium's DevTools open it) and summarised by self time.
const profile = process.argv.includes('--profile');
const engine = arg('--engine', 'chromium');
if (profile && engine !== 'chromium') {
  console.error('bench: --profile is for Chromium');
  process.exit(2);
}
const DEBUG_PORT = 9339;
// With --path relay: no browser has a direct path (relay-only ICE with no
// TURN server listening), so every pair falls back to the signal server's
// relay (WebSockets over TCP) instead of WebRTC data channels.
const viaRelay = arg('--path', 'direct') === 'relay';

const signal = await startSignal();
const site = await startSite();
const browsers = [];
try {
  const settings = viaRelay ? {
    signal: signal.url, iceServers: [{ urls: [`turn:127.0.0.1:${await freePort()}`], username: 'u', credential: 'p' }],
    iceTransportPolicy: 'relay', fallbackMs: 1000,
  } : null;
  for (let i = 0; i < 3; i++) {
    browsers.push(await launch(site, settings, {
      engine, keepWelcome: engine === 'firefox', debugPort: profile && i === 0 ? DEBUG_PORT : 0,
      // Firefox's clocks otherwise tick in whole milliseconds.
      prefs: { 'privacy.reduceTimerPrecision': false },
    }));
  }
  const room = `r${Date.now()}`;
  const request = { signal: signal.url, room, m: 3, runs: Number(runs), only: only.split(',').filter(Boolean) };
  // Started before the sessions, it attaches once party 0's session host exists.
  const profiler = profile ? startProfiler() : null;
  profiler?.catch(() => {}); // its failure shows where it is awaited, below
  const cpuBefore = cpuTimes();
  const udpBefore = udpCounters();
  const results = await Promise.all(browsers.map((b) => benchIn(b, request)));
  const cpu = cpuUsed(cpuBefore, cpuTimes());
  const udp = udpUsed(udpBefore, udpCounters());
  if (profiler) await (await profiler).stop();
  const { lines, paths } = results[0];
  const path = viaRelay ? 'relay' : 'direct';
  if (Object.values(paths).some((p) => p !== path)) throw new Error(`expected every peer ${path}, got ${JSON.stringify(paths)}`);
  for (const line of lines) console.log(JSON.stringify({ ...line, where: 'browser', path, engine }));
  if (cpu) console.log(JSON.stringify({ layer: 'cpu', ...cpu, where: 'browser', path, engine }));
  if (udp && !viaRelay) console.log(JSON.stringify({ layer: 'udp', ...udp, where: 'browser', engine }));
  if (!viaRelay) {
    // The engine's computation alone and the channel crypto, in this
    // browser's WebAssembly engine (bench-wasm.mjs runs them in Node's).
    const lines = await webAssemblyLayer(browsers[0], request);
    for (const line of lines.compute) console.log(JSON.stringify({ ...line, where: 'wasm', engine }));
    for (const line of lines.crypto) console.log(JSON.stringify({ ...line, where: 'wasm', engine }));
    const dcCpu = cpuTimes();
    const dcUdp = udpCounters();
    for (const line of await inPage(browsers[0], dataChannelLayer)) console.log(JSON.stringify({ layer: 'data_channel', ...line, where: 'browser', engine }));
    // The same CPU per datagram as the workloads' (layer "cpu" and "udp"),
    // for the data channels alone.
    const [used, carried] = [cpuUsed(dcCpu, cpuTimes()), udpUsed(dcUdp, udpCounters())];
    if (used && carried) {
      const cpuMs = Object.entries(used).filter(([k]) => k.endsWith('_cpu_ms')).reduce((a, [, v]) => a + v, 0);
      console.log(JSON.stringify({ layer: 'data_channel_cpu', cpu_ms: cpuMs, datagrams_received: carried.datagrams_received, where: 'browser', engine }));
    }
  }
  if (viaRelay) {
    // The relay's transport floor: the browser's WebSocket alone, against
    // the same exchanges between two Node processes.
    const far = await webSocketFarEnd();
    try {
      for (const line of await inPage(browsers[0], webSocketLayer, far.url)) console.log(JSON.stringify({ layer: 'websocket', ...line, where: 'browser', engine }));
      for (const line of await webSocketLayer(far.url, WebSocket)) console.log(JSON.stringify({ layer: 'websocket', ...line, where: 'node' }));
    } finally {
      far.stop();
    }
  }
} finally {
  await Promise.all(browsers.map((b) => b.close()));
  signal.stop();
  site.stop();
}

// The benchmark in one browser, which joins the room: Chromium's through
// the benchmark page, Firefox's by asking its background from the
// extension's page (a test cannot open an extension page in Firefox).
async function benchIn(browser, request) {
  if (browser.engine === 'firefox') {
    const reply = await inExtension(browser, (r) => chrome.runtime.sendMessage({ ...r, to: 'background', type: 'bench:run' }), request);
    if (!reply?.ok) throw new Error(reply?.error ?? 'the benchmark did not answer');
    return reply;
  }
  const page = await browser.context.newPage();
  const query = new URLSearchParams({ ...request, only: request.only.join(',') });
  await page.goto(`chrome-extension://${new URL(browser.worker.url()).host}/bench.html?${query}`);
  await page.waitForFunction(() => document.body.dataset.state, null, { timeout: 600_000, polling: 500 });
  if (await page.evaluate(() => document.body.dataset.state) !== 'done') throw new Error(await page.textContent('#status'));
  const lines = (await page.textContent('#out')).trim().split('\n').map((line) => JSON.parse(line));
  return { lines, paths: JSON.parse(await page.evaluate(() => document.body.dataset.paths)) };
}

// The benchmark build's session host module, loaded by a page of
// `browser` from a server here (its JavaScript glue from target/, as
// bench-wasm.mjs loads it), running the workloads with every party in one
// thread (at least ten runs: see scripts/bench-browser) and the channel
// crypto.
async function webAssemblyLayer(browser, request) {
  const root = new URL('../../', import.meta.url);
  const files = {
    '/cohort_host.js': ['target/cohort-wasm-glue/cohort_host.js', 'text/javascript'],
    '/cohort_host_bg.wasm': ['dist/chrome/wasm/cohort_host_bg.wasm', 'application/wasm'],
    '/': [null, 'text/html'],
  };
  const server = http.createServer((req, res) => {
    const [file, type] = files[req.url] ?? [];
    if (!type) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': type }).end(file ? readFileSync(new URL(file, root)) : '<!doctype html><title>bench</title>');
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const page = await browser.newPage();
  try {
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    return await page.evaluate(async ({ only, runs }) => {
      const glue = await import('/cohort_host.js');
      if (typeof glue.benchInProcess !== 'function') throw new Error('the session host module has no benchmark: scripts/build-extension --bench');
      glue.initSync({ module: await (await fetch('/cohort_host_bg.wasm')).arrayBuffer() });
      return { compute: glue.benchInProcess(3, only, runs), crypto: glue.benchChannelCrypto() };
    }, { only: request.only, runs: Math.max(10, request.runs) });
  } finally {
    await page.close();
    server.close();
  }
}

// Runs `fn(arg)` in one of the browser's extension pages.
async function inPage(browser, fn, arg) {
  if (browser.engine === 'firefox') return inExtension(browser, fn, arg);
  const page = await browser.context.newPage();
  try {
    await page.goto(`chrome-extension://${new URL(browser.worker.url()).host}/popup.html`);
    return await page.evaluate(fn, arg);
  } finally {
    await page.close();
  }
}

// Where the machine's CPU goes while the three browsers run the workloads
// (Linux's /proc): how busy all cores were, and the CPU time of the
// browsers' processes by kind, summed over the three browsers, and of the
// signal server (which relays frames with --path relay). The
// renderers run the extension's pages (the session hosts, with the engine
// and the data channels' SCTP); the browser processes do the sockets.
function cpuTimes() {
  let stat;
  try {
    stat = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  } catch {
    return null;
  }
  const children = new Map();
  const procs = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      const ppid = fields[1];
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(pid);
      procs.push({ pid, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch { /* gone meanwhile */ }
  }
  const mine = new Set();
  const walk = (pid) => { for (const c of children.get(pid) ?? []) { mine.add(c); walk(c); } };
  walk(String(process.pid));
  const byKind = {};
  for (const { pid, ticks } of procs.filter((p) => mine.has(p.pid))) {
    let cmd = '';
    try { cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
    if (/\bsignal\b/.test(cmd.replaceAll('\0', ' ')) && !/chrom/.test(cmd)) {
      byKind.signal_server = (byKind.signal_server ?? 0) + ticks;
      continue;
    }
    if (/firefox/.test(cmd)) {
      // Firefox's child processes end their command line with their kind
      // (tab, extension, socket, rdd, utility…).
      const kind = cmd.includes('-contentproc') ? `firefox_${cmd.split(/[\0\s]+/).filter(Boolean).pop()}` : 'browser';
      byKind[kind] = (byKind[kind] ?? 0) + ticks;
      continue;
    }
    if (!/chrom/.test(cmd)) continue;
    const type = /--type=([a-z-]+)/.exec(cmd)?.[1] ?? 'browser';
    const kind = type === 'utility' ? 'utility' : type === 'gpu-process' ? 'gpu' : type === 'renderer' ? 'renderer' : type === 'zygote' ? 'zygote' : 'browser';
    byKind[kind] = (byKind[kind] ?? 0) + ticks;
  }
  return { at: performance.now(), idle: stat[3] + stat[4], total: stat.reduce((a, b) => a + b, 0), byKind };
}

function cpuUsed(before, after) {
  if (!before || !after) return null;
  const tick = 1000 / 100; // USER_HZ
  const wall = after.at - before.at;
  const busy = 1 - (after.idle - before.idle) / (after.total - before.total);
  const processes = {};
  for (const [kind, t] of Object.entries(after.byKind)) processes[`${kind}_cpu_ms`] = Math.round((t - (before.byKind[kind] ?? 0)) * tick);
  return { wall_ms: Math.round(wall), cores: availableParallelism(), machine_busy_percent: Math.round(100 * busy), ...processes };
}

// The UDP counters of this network namespace (Linux's /proc/net/snmp), which
// only the three browsers use: how many datagrams the data channels carried,
// and how many the kernel dropped because a socket's receive buffer was full
// (each one a lost SCTP packet, recovered by retransmission).
function udpCounters() {
  try {
    const [names, values] = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp: '));
    const at = (name) => Number(values.split(/\s+/)[names.split(/\s+/).indexOf(name)]);
    const counters = { received: at('InDatagrams'), dropped: at('RcvbufErrors') };
    return Number.isFinite(counters.received) && Number.isFinite(counters.dropped) ? counters : null;
  } catch {
    return null;
  }
}

function udpUsed(before, after) {
  if (!before || !after) return null;
  return { datagrams_received: after.received - before.received, dropped_full_receive_buffer: after.dropped - before.dropped };
}

// Attaches to party 0's offscreen document once it exists and starts
// sampling; stop() saves and summarises the profile.
async function startProfiler() {
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${DEBUG_PORT}` });
  const target = await browser.waitForTarget((t) => t.url().includes('offscreen.html'), { timeout: 60_000 });
  const cdp = await target.createCDPSession();
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  return {
    async stop() {
      const { profile: p } = await cdp.send('Profiler.stop');
      writeFileSync(new URL('../../target/bench-party0.cpuprofile', import.meta.url), JSON.stringify(p));
      const self = new Map();
      const byId = new Map(p.nodes.map((n) => [n.id, n]));
      const dt = new Map();
      p.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
      let total = 0;
      for (const [id, us] of dt) {
        const f = byId.get(id).callFrame;
        const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
        self.set(name, (self.get(name) ?? 0) + us);
        total += us;
      }
      console.error(`profile of party 0's session host: ${(total / 1000).toFixed(0)} ms sampled; by self time:`);
      for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
        console.error(`  ${(us / 1000).toFixed(1).padStart(8)} ms ${(100 * us / total).toFixed(1).padStart(5)}%  ${name}`);
      }
      await browser.disconnect();
    },
  };
}

// Runs in the page: two connected peer connections, one ordered reliable
// data channel each way, and the timings.
async function dataChannelLayer() {
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
  b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
  const ab = a.createDataChannel('bench', { negotiated: true, id: 0 });
  const ba = b.createDataChannel('bench', { negotiated: true, id: 0 });
  for (const dc of [ab, ba]) dc.binaryType = 'arraybuffer';
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription);
  await Promise.all([ab, ba].map((dc) => new Promise((ok) => { if (dc.readyState === 'open') ok(); else dc.onopen = ok; })));
  // The far end answers each message of `bytes` with a 1-byte message.
  let pending = null;
  let received = 0;
  ba.onmessage = (e) => {
    received += e.data.byteLength;
    if (received >= pending.bytes) { received = 0; ba.send(new Uint8Array(1)); }
  };
  ab.onmessage = () => pending.done();
  const roundTrip = (bytes, chunk) => new Promise((done) => {
    pending = { bytes, done };
    for (let sent = 0; sent < bytes; sent += chunk) ab.send(new Uint8Array(Math.min(chunk, bytes - sent)));
  });
  const timed = async (label, bytes, chunk, n) => {
    await roundTrip(bytes, chunk); // warm up
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await roundTrip(bytes, chunk);
    const ms = (performance.now() - t0) / n;
    return { measure: label, bytes, us_per_round_trip: Math.round(ms * 1000), mb_per_s: Math.round(bytes / ms / 1000) };
  };
  const lines = [
    await timed('small', 16, 65536, 1000),
    // What one party sends one peer in a round of 10,000 products (80 KB, in 64 KiB frames).
    await timed('round_80k', 80_000, 65_511, 100),
    await timed('bulk_8m', 8 << 20, 65_511, 5),
  ];
  a.close();
  b.close();
  return lines;
}

// The far end of the WebSocket layer, in this Node process: each binary
// message asks for an answer of the size its first four bytes give
// (little-endian), which it gets at once.
async function webSocketFarEnd() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise((ok) => server.once('listening', ok));
  server.on('connection', (ws, req) => {
    req.socket.setNoDelay(true);
    ws.on('message', (data) => ws.send(new Uint8Array(Buffer.from(data).readUInt32LE(0))));
  });
  return { url: `ws://127.0.0.1:${server.address().port}`, stop: () => server.close() };
}

// Runs in the page (or in Node, given ws's WebSocket): one WebSocket to the
// far end, round trips of a message there and its answer back: small both
// ways, 80 KB there (what one party sends one peer in a round of 10,000
// products), 80 KB back.
async function webSocketLayer(url, Socket = globalThis.WebSocket) {
  const ws = new Socket(url);
  ws.binaryType = 'arraybuffer';
  await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = () => fail(new Error(`no WebSocket to ${url}`)); });
  const roundTrip = (there, back) => new Promise((done) => {
    ws.onmessage = done;
    const msg = new Uint8Array(Math.max(there, 4));
    new DataView(msg.buffer).setUint32(0, back, true);
    ws.send(msg);
  });
  const timed = async (label, there, back, n) => {
    for (let i = 0; i < 10; i++) await roundTrip(there, back); // warm up
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await roundTrip(there, back);
    const ms = (performance.now() - t0) / n;
    return { measure: label, bytes: Math.max(there, back), us_per_round_trip: Math.round(ms * 1000), mb_per_s: Math.round(Math.max(there, back) / ms / 1000) };
  };
  const lines = [
    await timed('small', 16, 16, 500),
    await timed('sends_80k', 80_000, 16, 100),
    await timed('receives_80k', 16, 80_000, 100),
  ];
  ws.close();
  return lines;
}
