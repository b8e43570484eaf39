// Shared set-up for the browser tests: a signal server, a test site, and
// Chromium instances with the extension loaded, plus helpers that drive
// the page API and the approval window.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const EXTENSION = process.env.COHORT_EXTENSION ?? path.join(ROOT, 'dist/chrome');
export const COHORT = process.env.COHORT_BIN ?? path.join(ROOT, 'target/debug/cohort');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const program = (name) => readFileSync(path.join(ROOT, 'examples', `${name}.cohort`), 'utf8');

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitFor(what, check, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      if (await check()) return;
    } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts a process that is killed by `stop()`; its output goes to the log if COHORT_TEST_LOG is set. */
export function start(cmd, args) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d) => {
    output += d;
    if (process.env.COHORT_TEST_LOG) process.stderr.write(d);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return { child, output: () => output, stop: () => child.kill('SIGKILL') };
}

/** A signal server on a free port (with `cohort signal` flags, if any). */
export async function startSignal(flags = []) {
  const port = await freePort();
  const proc = start(COHORT, ['signal', '--listen', `127.0.0.1:${port}`, ...flags]);
  await waitFor('the signal server', async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok);
  return { ...proc, port, url: `ws://127.0.0.1:${port}/` };
}

/** coturn on a free port with user u:p, for relayed WebRTC. */
export async function startTurn() {
  const port = await freePort();
  const proc = start('turnserver', [
    '-n', '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', '-L', '127.0.0.1', `--listening-port=${port}`,
    '--lt-cred-mech', '--user=u:p', '--realm=cohort', '--no-tls', '--no-dtls', '--no-cli', '--allow-loopback-peers',
    '--min-port=49152', '--max-port=49300', '--log-file=stdout', '--simple-log',
  ]);
  await waitFor('the TURN server', () => proc.output().includes('Total General servers') || proc.output().includes('IPv4. UDP listener opened'));
  return { ...proc, port, url: `turn:127.0.0.1:${port}` };
}

/**
 * Serves tests/browser/site on a free port (each port is its own origin),
 * with `headers` on every page (a `sandbox` CSP gives it an opaque origin).
 */
export async function startSite(headers = {}) {
  const dir = path.join(import.meta.dirname, 'site');
  const server = http.createServer((req, res) => {
    const name = new URL(req.url, 'http://x').pathname === '/' ? 'index.html' : new URL(req.url, 'http://x').pathname.slice(1);
    if (!/^[a-z.]+$/.test(name)) return res.writeHead(404).end();
    try {
      const body = readFileSync(path.join(dir, name));
      res.writeHead(200, { 'content-type': name.endsWith('.js') ? 'text/javascript' : 'text/html', ...headers }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/`, stop: () => server.close() };
}

/** A Chromium with the extension, its service worker, and the site open in a page. */
export async function launch(site, settings = null) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cohort-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      `--disable-extensions-except=${EXTENSION}`, `--load-extension=${EXTENSION}`, '--no-sandbox', '--disable-gpu',
      '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run', '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns',
    ],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  if (settings) await worker.evaluate((s) => chrome.storage.local.set({ settings: s }), settings);
  const page = await context.newPage();
  await page.goto(site.url);
  await page.waitForFunction(() => window.cohort?.isCohort);
  const browser = {
    context, worker, page,
    call: (method, params) => browser.page.evaluate(([m, p]) => window.call(m, p), [method, params]),
    close: async () => {
      await context.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return browser;
}

/** Approval windows already answered (or being answered), so each is answered once. */
const handled = new WeakSet();

/** The next approval window of `browser` not yet handled: one already open, or the next to open. */
export async function nextApprovalWindow(browser) {
  const isApproval = (p) => p.url().includes('/approve.html') && !handled.has(p);
  const waiting = browser.context.waitForEvent('page', { predicate: isApproval, timeout: 60_000 });
  const popup = browser.context.pages().find(isApproval) ?? await waiting;
  waiting.catch(() => {});
  handled.add(popup);
  return popup;
}

/**
 * Joins `invite` from `browser` and answers its approval windows: for an
 * open invite, first the one before meeting anyone (approved), then the
 * one with the parties and the inputs (answered with `how`, as
 * answerApproval); a rostered invite has only the second. `params` go to
 * joinSession. Returns both windows' details (`meet`, `approval`) and the
 * join's reply.
 */
export async function join(browser, invite, program, how = {}, params = {}) {
  const open = !/&roster=/.test(invite);
  const replying = browser.call('joinSession', { invite, program, ...params });
  let meet = null;
  if (open) {
    meet = await answerApproval(browser, how.refuseFirst ? { refuse: true } : { screenshot: how.meetScreenshot ?? null });
    if (how.refuseFirst) return { meet, approval: null, reply: await replying };
  }
  const approval = await answerApproval(browser, how);
  return { meet, approval, reply: await replying };
}

/**
 * Waits for the next approval window in `browser` and answers it (after
 * `first(window)`, if given): approves with `inputs`, or refuses, closes the
 * window, or blocks the site ("Block this site").
 */
export async function answerApproval(browser, { inputs = {}, refuse = false, close = false, block = false, first = null, screenshot = null } = {}) {
  const popup = await nextApprovalWindow(browser);
  await popup.waitForSelector('#approve');
  // Saved under target/ for a person to look at (not committed).
  if (screenshot) {
    mkdirSync(path.join(ROOT, 'target/screenshots'), { recursive: true });
    await popup.waitForSelector('#actions:not([hidden])');
    // The window's own size (background.js opens it at 520×720).
    await popup.setViewportSize({ width: 520, height: 720 });
    await popup.screenshot({ path: path.join(ROOT, 'target/screenshots', screenshot) });
    // And all of it, as the participant sees it scrolling down.
    await popup.screenshot({ path: path.join(ROOT, 'target/screenshots', screenshot.replace(/\.png$/, '-full.png')), fullPage: true });
  }
  // Something to do while the window waits for its answer.
  if (first) await first(popup);
  const details = {
    text: await popup.locator('body').innerText(),
  };
  if (close) {
    await popup.close();
    return details;
  }
  // Answering closes the window, possibly while the click is still settling.
  const click = (selector) => popup.click(selector).catch((e) => {
    if (!/closed/.test(e.message)) throw e;
  });
  if (refuse) {
    await click('#refuse');
    return details;
  }
  if (block) {
    await click('#block');
    return details;
  }
  for (const [name, value] of Object.entries(inputs)) await popup.fill(`input[data-input="${name}"]`, String(value));
  await click('#approve');
  return details;
}

/** connect, approved in the window; returns the identity. */
export async function connect(browser) {
  const [, reply] = await Promise.all([answerApproval(browser), browser.call('connect')]);
  if (reply.error) throw new Error(`connect: ${reply.error.message}`);
  return reply.result;
}

/**
 * Runs the average salary across `parties` (browsers), each typing its
 * salary in the approval window; `others` run alongside (say, a CLI party)
 * once the invite exists. Returns the creation, each join and each result.
 */
export async function averageSalary(parties, salaries, signalUrl, { m = parties.length, others = () => [], source = program('average_salary'), screenshot = null, meetScreenshot = null } = {}) {
  const created = await parties[0].call('createSession', { program: source, parties: m, signal: signalUrl });
  assert.ifError(created.error);
  const { invite } = created.result;
  const extra = others(invite);
  const joined = await Promise.all(parties.map((b, i) => join(b, invite, source, { inputs: { salary: salaries[i] }, screenshot: i === 0 ? screenshot : null, meetScreenshot: i === 0 ? meetScreenshot : null })));
  const results = await Promise.all(parties.map((b, i) => b.call('result', { session: joined[i].reply.result?.session })));
  return { created: created.result, joined, results, extra: await Promise.all(extra) };
}

/** Each browser's view of its peers' paths, by peer fingerprint. */
export async function pathsByPeer(browser, session) {
  const status = (await browser.call('status', { session })).result;
  return Object.fromEntries(Object.entries(status.paths).map(([j, path]) => [status.parties[j], path]));
}

/**
 * A signal server and the test site for a test file: started before its
 * tests; stopped, with every browser in `browsers`, after them.
 */
export function servers() {
  const env = { signal: null, site: null, browsers: [] };
  before(async () => {
    env.signal = await startSignal();
    env.site = await startSite();
  });
  after(async () => {
    await Promise.all(env.browsers.map((b) => b.close()));
    env.signal?.stop();
    env.site?.stop();
  });
  return env;
}

/**
 * The vault, from the service worker: `get` the identity's secret (null if
 * none, or no vault at all), `delete` it. The database is never created
 * here (an upgrade is aborted), so the extension's own first open still
 * makes its store.
 */
export const vault = (b, action) => b.worker.evaluate((act) => new Promise((resolve, reject) => {
  const open = indexedDB.open('cohort');
  open.onupgradeneeded = () => open.transaction.abort();
  open.onerror = () => (open.error?.name === 'AbortError' ? resolve(null) : reject(open.error));
  open.onsuccess = () => {
    const db = open.result;
    const tx = db.transaction('secrets', act === 'get' ? 'readonly' : 'readwrite');
    const request = act === 'get' ? tx.objectStore('secrets').get('identity') : tx.objectStore('secrets').delete('identity');
    tx.oncomplete = () => {
      db.close();
      resolve(request.result ?? null);
    };
    tx.onerror = tx.onabort = () => {
      db.close();
      reject(tx.error);
    };
  };
}), action);

/** The secret key (64 hex digits) of an identity in its storage form. */
export function secretKey(secret) {
  const key = JSON.parse(secret).secret_key;
  assert.match(key, /^[0-9a-f]{64}$/);
  return key;
}
