// Pages without a web origin get no service: a sandboxed page (opaque
// origin, `null`) is refused with UNAUTHORIZED for every method, connect
// included, and no approval window opens. (file: pages are refused the same
// way; the test browser does not grant the extension file access, so they
// are not exercised here.)

import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { launch, program, servers } from './harness.mjs';

const env = servers();

/** The test site served with `Content-Security-Policy: sandbox allow-scripts`: its pages have an opaque origin. */
async function startSandboxedSite() {
  const dir = path.join(import.meta.dirname, 'site');
  const server = http.createServer((req, res) => {
    const name = new URL(req.url, 'http://x').pathname === '/' ? 'index.html' : new URL(req.url, 'http://x').pathname.slice(1);
    if (!/^[a-z.]+$/.test(name)) return res.writeHead(404).end();
    try {
      const body = readFileSync(path.join(dir, name));
      res.writeHead(200, {
        'content-type': name.endsWith('.js') ? 'text/javascript' : 'text/html',
        'content-security-policy': 'sandbox allow-scripts',
      }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/`, stop: () => server.close() };
}

test('a sandboxed page (opaque origin) is refused for every method, without asking', async () => {
  const sandboxed = await startSandboxedSite();
  try {
    const b = await launch(sandboxed);
    env.browsers.push(b);
    assert.equal(await b.page.evaluate(() => window.origin), 'null');
    for (const [method, params] of [
      ['connect'], ['identity'], ['createSession', { program: program('average_salary'), parties: 3 }],
      ['status', { session: 'x' }], ['result', { session: 'x' }], ['cancel', { session: 'x' }], ['disconnect'],
    ]) {
      const reply = await b.call(method, params);
      assert.equal(reply.error?.code, 4100, `${method}: ${JSON.stringify(reply)}`);
      assert.match(reply.error.message, /opaque \(null\) origin.*http:\/\/ or https:\/\//);
    }
    assert.equal(b.context.pages().filter((p) => p.url().includes('/approve.html')).length, 0, 'no approval window opened');
  } finally {
    sandboxed.stop();
  }
});
