// Shared set-up for the browser tests: a signal server, a test site, and
// Chromium or Firefox instances with the extension loaded, plus helpers
// that drive the page API and the approval window in either browser.

import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const EXTENSION = process.env.COHORT_EXTENSION ?? path.join(ROOT, 'dist/chrome');
export const FIREFOX_EXTENSION = path.join(ROOT, 'dist/firefox');
const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
/** The browsers every shared test runs in. */
export const ENGINES = ['chromium', 'firefox'];
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
 * and the provider library (extension/sdk) at /sdk/,
 * with `headers` on every page (a `sandbox` CSP gives it an opaque origin).
 */
export async function startSite(headers = {}) {
  const dir = path.join(import.meta.dirname, 'site');
  const server = http.createServer((req, res) => {
    const name = new URL(req.url, 'http://x').pathname === '/' ? 'index.html' : new URL(req.url, 'http://x').pathname.slice(1);
    // The provider library (extension/sdk) at /sdk/, as a site would serve it.
    const sdk = /^sdk\/[a-z]+\.js$/.test(name);
    if (!/^[a-z.]+$/.test(name) && !sdk) return res.writeHead(404).end();
    try {
      const body = readFileSync(sdk ? path.join(ROOT, 'extension', name) : path.join(dir, name));
      res.writeHead(200, { 'content-type': name.endsWith('.js') ? 'text/javascript' : 'text/html', ...headers }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/`, stop: () => server.close() };
}

/**
 * A browser with the extension and the site open in a page: Chromium (with
 * its service worker as `worker`) or, with `engine: 'firefox'`, Firefox.
 * `settings` are the extension's (signal server, ICE, fallback); `args`
 * more Chromium flags (a host resolver rule, say), `prefs` more Firefox
 * preferences.
 */
export async function launch(site, settings = null, { engine = 'chromium', windows = true, keepWelcome = false, debugPort = 0, args = [], prefs = {} } = {}) {
  if (engine === 'firefox') return launchFirefox(site, settings, { windows, keepWelcome, prefs });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cohort-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      `--disable-extensions-except=${EXTENSION}`, `--load-extension=${EXTENSION}`, '--no-sandbox', '--disable-gpu',
      '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run', '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns',
      // For a profiler (scripts/bench-browser --profile) to attach to the extension's documents.
      ...(debugPort ? [`--remote-debugging-port=${debugPort}`] : []),
      ...args,
    ],
  });
  const close = async () => {
    await context.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  let worker, page;
  try {
    worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    if (settings) await worker.evaluate((s) => chrome.storage.local.set({ settings: s }), settings);
    page = await context.newPage();
    await page.goto(site.url);
    await page.waitForFunction(() => window.cohort?.isCohort);
  } catch (e) {
    // A browser left running keeps the test file's process alive: the run would hang.
    await close();
    throw e;
  }
  const browser = {
    engine: 'chromium', context, worker, page,
    call: (method, params) => browser.page.evaluate(([m, p]) => window.call(m, p), [method, params]),
    /** The extension's open pages whose URL contains `part`. */
    extensionPages: async (part) => context.pages().filter((p) => p.url().includes(part)),
    newPage: () => context.newPage(),
    close,
  };
  return browser;
}

/**
 * A copy of the Firefox build whose background runs without the windows
 * API, as on Firefox for Android: a first background script removes it.
 */
function withoutWindows() {
  const dir = path.join(ROOT, 'target/firefox-without-windows');
  rmSync(dir, { recursive: true, force: true });
  cpSync(FIREFOX_EXTENSION, dir, { recursive: true });
  writeFileSync(path.join(dir, 'no-windows.js'), 'delete chrome.windows;\ndelete browser.windows;\n');
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  manifest.background.scripts.unshift('no-windows.js');
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

/** Firefox's internal UUID for the extension, fixed so that its pages' URLs are known. */
const FIREFOX_UUID = 'c0407000-0000-4000-8000-000000000001';

/**
 * A Firefox with the extension (installed as a temporary add-on, over
 * WebDriver BiDi) and the site open in a page. Its settings are saved from
 * the options page the extension opens on install (tests cannot open an
 * extension page themselves). With `windows: false` the extension runs as
 * on Firefox for Android, which has no windows API: approvals open as tabs.
 * With `keepWelcome` the options page stays open, as `welcome`, for
 * inExtension.
 */
async function launchFirefox(site, settings, { windows, keepWelcome, prefs }) {
  const gecko = JSON.parse(readFileSync(path.join(FIREFOX_EXTENSION, 'manifest.json'), 'utf8')).browser_specific_settings.gecko.id;
  const instance = await puppeteer.launch({
    browser: 'firefox', executablePath: FIREFOX, headless: true,
    extraPrefsFirefox: {
      // Loopback WebRTC inside the test's network namespace.
      'media.peerconnection.ice.loopback': true,
      'media.peerconnection.ice.obfuscate_host_addresses': false,
      'extensions.webextensions.uuids': JSON.stringify({ [gecko]: FIREFOX_UUID }),
      ...prefs,
    },
  });
  // Puppeteer reports an extension page's URL as about:blank: ask the page.
  const extensionPages = async (part) => {
    const found = [];
    for (const p of await instance.pages()) {
      const href = await p.evaluate(() => location.href).catch(() => '');
      if (href.startsWith(`moz-extension://${FIREFOX_UUID}/`) && href.includes(part)) found.push(p);
    }
    return found;
  };
  let welcome, page;
  try {
    await instance.installExtension(windows ? FIREFOX_EXTENSION : withoutWindows());
    // Its URL can show before its document has the extension APIs (a run once
    // evaluated in it too early: "chrome is not defined"), so wait for those.
    const welcomeReady = async () => {
      const [found] = await extensionPages('/options.html');
      return found && (await found.evaluate(() => typeof chrome === 'object' && Boolean(chrome.storage?.local))) ? found : null;
    };
    await waitFor('the welcome page', welcomeReady);
    welcome = await welcomeReady();
    if (settings) await welcome.evaluate((s) => chrome.storage.local.set({ settings: s }), settings);
    if (!keepWelcome) await welcome.close().catch(() => {});
    page = await instance.newPage();
    await page.goto(site.url);
    await page.waitForFunction(() => window.cohort?.isCohort);
  } catch (e) {
    // A browser left running keeps the test file's process alive: the run would hang.
    await instance.close().catch(() => {});
    throw e;
  }
  const browser = {
    engine: 'firefox', instance, page, welcome: keepWelcome ? welcome : null,
    call: (method, params) => browser.page.evaluate(([m, p]) => window.call(m, p), [method, params]),
    extensionPages,
    newPage: () => instance.newPage(),
    close: () => instance.close().catch(() => {}),
  };
  return browser;
}

/**
 * Runs `fn(arg)` in one of the extension's own contexts, which can read its
 * storage and its IndexedDB: Chromium's service worker, or in Firefox the
 * options page the extension opened on install (launched with
 * `keepWelcome`); resolves with what it returns.
 */
export function inExtension(browser, fn, arg = null) {
  if (browser.engine === 'firefox') {
    if (!browser.welcome) throw new Error('inExtension needs a Firefox launched with keepWelcome');
    return browser.welcome.evaluate(fn, arg);
  }
  return browser.worker.evaluate(fn, arg);
}

/** Rejects with "timed out waiting for `what`" if `promise` takes longer than `ms`. */
export function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Stops the extension's service worker of Chromium `browser` (CDP
 * `ServiceWorker.stopAllWorkers`), as the browser stops an idle one, and
 * waits until it has stopped; the next request wakes a new one, with
 * nothing in memory but what it restores from storage.
 */
export async function stopWorker(browser) {
  const cdp = await browser.context.newCDPSession(browser.page);
  const stopped = new Promise((resolve) => {
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
      const ours = versions.filter((v) => v.scriptURL.startsWith('chrome-extension://'));
      if (ours.length && ours.every((v) => v.runningStatus === 'stopped')) resolve();
    });
  });
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await within(stopped, 10_000, 'the service worker to stop');
  await cdp.detach();
}

/**
 * Waits until `fn(arg)` is true in `page` of `browser` (Playwright and
 * Puppeteer order the arguments differently).
 */
export function waitInPage(browser, page, fn, arg = null, timeout = 30_000) {
  return browser.engine === 'firefox' ? page.waitForFunction(fn, { timeout }, arg) : page.waitForFunction(fn, arg, { timeout });
}

/** A page of `browser` with the site at `url` open and its provider ready. */
export async function openSite(browser, url) {
  const page = await browser.newPage();
  await page.goto(url);
  await waitInPage(browser, page, () => window.cohort?.isCohort);
  return page;
}

/** Approval windows already answered (or being answered), so each is answered once. */
const handled = new WeakSet();

/** The next approval window of `browser` not yet handled: one already open, or the next to open. */
export async function nextApprovalWindow(browser) {
  if (browser.engine === 'firefox') {
    let popup = null;
    await waitFor('an approval window', async () => {
      popup = (await browser.extensionPages('/approve.html')).find((p) => !handled.has(p));
      return popup;
    }, 60_000);
    handled.add(popup);
    return popup;
  }
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
  // With `mayEnd`, another party may end the session while this one's
  // window is still open: the window closes unanswered and the reply says why.
  const answer = async (options) => {
    try {
      return await answerApproval(browser, options);
    } catch (e) {
      if (!how.mayEnd) throw e;
      return null;
    }
  };
  let meet = null;
  if (open) {
    meet = await answer(how.refuseFirst ? { refuse: true } : { screenshot: how.meetScreenshot ?? null });
    if (how.refuseFirst || meet === null) return { meet, approval: null, reply: await replying };
  }
  const approval = await answer(how);
  return { meet, approval, reply: await replying };
}

/**
 * Clicks a button that closes its own window (Approve, Refuse, Block): the
 * window may close while the click is still settling, which is not a failure.
 */
export async function clickClosing(popup, selector) {
  await popup.click(selector).catch((e) => {
    if (!/closed|no such frame|not found/i.test(e.message)) throw e;
  });
}

/**
 * Waits for the next approval window in `browser` and answers it (after
 * `first(window)`, if given): approves with `inputs`, or refuses, closes the
 * window, or blocks the site ("Block this site").
 */
export async function answerApproval(browser, { inputs = {}, refuse = false, close = false, block = false, first = null, screenshot = null } = {}) {
  const popup = await nextApprovalWindow(browser);
  // Visible: the window shows its buttons once it has its request (Playwright waits for that by default).
  await popup.waitForSelector('#approve', browser.engine === 'firefox' ? { visible: true } : {});
  // Saved under target/ for a person to look at (not committed).
  if (screenshot) {
    mkdirSync(path.join(ROOT, 'target/screenshots'), { recursive: true });
    await popup.waitForSelector('#actions:not([hidden])');
    // The window's own size (background.js opens it at 520×720).
    if (browser.engine === 'firefox') await popup.setViewport({ width: 520, height: 720 });
    else await popup.setViewportSize({ width: 520, height: 720 });
    await popup.screenshot({ path: path.join(ROOT, 'target/screenshots', screenshot) });
    // And all of it, as the participant sees it scrolling down.
    await popup.screenshot({ path: path.join(ROOT, 'target/screenshots', screenshot.replace(/\.png$/, '-full.png')), fullPage: true });
  }
  // Something to do while the window waits for its answer.
  if (first) await first(popup);
  const details = {
    text: await popup.evaluate(() => document.body.innerText),
  };
  if (close) {
    await popup.close();
    return details;
  }
  // Answering closes the window, possibly while the click is still settling.
  // Puppeteer clicks without waiting for the button to be enabled: Approve
  // arms after a second in view and focused, so the participant looks at it
  // first (another window may have taken the focus meanwhile).
  const click = async (selector) => {
    if (browser.engine === 'firefox') {
      await popup.bringToFront().catch(() => {});
      await popup.waitForSelector(`${selector}:not([disabled])`, { visible: true });
    }
    await clickClosing(popup, selector);
  };
  if (refuse) {
    await click('#refuse');
    return details;
  }
  if (block) {
    await click('#block');
    return details;
  }
  for (const [name, value] of Object.entries(inputs)) await popup.locator(`input[data-input="${name}"]`).fill(String(value));
  await click('#approve');
  return details;
}

/** connect, approved in the window; returns the identity. */
export async function connect(browser) {
  const replying = browser.call('connect');
  // A connect that fails before its window opens fails the test with its
  // error, rather than with the window's timeout a minute later.
  const failedFirst = replying.then((reply) => {
    if (reply.error) throw new Error(`connect failed before its window was answered: ${reply.error.code} ${reply.error.message}`);
    return new Promise(() => {});
  });
  const answering = answerApproval(browser);
  answering.catch(() => {});
  await Promise.race([answering, failedFirst]);
  const reply = await replying;
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

/**
 * Checks an averageSalary run of `browsers` with `salaries`: each join
 * seated its own identity (`ids`), every page got `outputs` and never saw a
 * salary, and every session is done with direct paths.
 */
export async function checkAverageSalary(browsers, salaries, ids, { joined, results }, outputs) {
  for (const [i, { reply }] of joined.entries()) {
    assert.ifError(reply.error);
    assert.equal(reply.result.parties[reply.result.party], ids[i].fingerprint);
  }
  for (const [i, r] of results.entries()) {
    assert.ifError(r.error);
    assert.deepEqual(r.result.outputs, outputs, `page ${i}`);
  }
  for (const [i, b] of browsers.entries()) {
    const seen = await b.page.evaluate(() => window.seen);
    for (const s of salaries) {
      // The salary as a number or a string of its own: not digits inside a
      // longer token (a timestamp, a random hexadecimal token or key, where
      // five given digits turn up now and then), nor a loopback port.
      const salary = new RegExp(`(?<![0-9A-Za-z]|127\\.0\\.0\\.1:)${s}(?![0-9A-Za-z])`);
      const message = seen.find((m) => salary.test(m));
      assert.ok(message === undefined, `page ${i} saw a salary (${s}) in ${message}`);
    }
    const status = await b.call('status', { session: joined[i].reply.result.session });
    assert.equal(status.result.stage, 'done');
    assert.deepEqual(Object.values(status.result.paths).sort(), browsers.slice(1).map(() => 'direct'), 'loopback peers connect directly');
  }
}

/**
 * The approval rules, in `browser`: closing the approval refuses (4001),
 * and a second request while one waits is refused (4002), not stacked;
 * the first, approved, goes through and nothing is left open.
 */
export async function checkApprovalRules(browser) {
  let [, reply] = await Promise.all([answerApproval(browser, { close: true }), browser.call('connect')]);
  assert.equal(reply.error?.code, 4001, JSON.stringify(reply));
  assert.match(reply.error.message, /closed/);
  let second;
  const waiting = answerApproval(browser, { first: async () => { second = await browser.call('connect'); } });
  const first = await browser.call('connect');
  await waiting;
  assert.equal(second.error?.code, 4002, JSON.stringify(second));
  assert.ok(first.result.fingerprint, 'the first request went through');
  assert.equal((await browser.extensionPages('approve.html')).length, 0, 'no approval is left open');
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
