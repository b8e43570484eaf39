// A signal server is untrusted: one that floods a browser with relayed
// frames or signaling before its party starts gets a clear error for that
// session (what peers may send before a party starts is bounded), never an
// extension that keeps everything.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { COHORT, answerApproval, connect, launch, program, startSite } from './harness.mjs';

let site;
const browsers = [];
const servers = [];

before(async () => { site = await startSite(); });
after(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  for (const s of servers) s.close();
  site?.stop();
});

/** A fresh identity's fingerprint, from the CLI. */
function fingerprint() {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'cohort-flood-')), 'id.json');
  const out = execFileSync(COHORT, ['identity', 'new', '--identity', file], { encoding: 'utf8' });
  return out.split('\n').find((l) => l.startsWith('Fingerprint: ')).slice('Fingerprint: '.length);
}

/** One WebSocket frame from this server (unmasked): text or binary. */
function frame(payload, binary) {
  const data = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const head = data.length < 126 ? Buffer.from([binary ? 0x82 : 0x81, data.length])
    : data.length < 65536 ? Buffer.from([binary ? 0x82 : 0x81, 126, data.length >> 8, data.length & 255])
      : Buffer.concat([Buffer.from([binary ? 0x82 : 0x81, 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(data.length)); return b; })()]);
  return Buffer.concat([head, data]);
}

/**
 * A signal server that follows the protocol until the room is full, seats
 * the browser with two made-up parties, then runs `flood(send)` at it.
 */
async function floodingServer(others, flood) {
  const server = createServer();
  servers.push(server);
  server.on('upgrade', (req, socket) => {
    const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    const send = (msg) => socket.write(typeof msg === 'string' ? frame(msg, false) : frame(msg, true));
    send(JSON.stringify({ type: 'challenge', nonce: 'ab'.repeat(32), server: 'cohort-signal/2' }));
    let buffered = Buffer.alloc(0);
    let received = 0;
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      // Client frames are masked: 2 bytes, a length, a 4-byte mask, the payload.
      for (;;) {
        if (buffered.length < 2) return;
        let len = buffered[1] & 127;
        let at = 2;
        if (len === 126) { if (buffered.length < 4) return; len = buffered.readUInt16BE(2); at = 4; }
        if (len === 127) { if (buffered.length < 10) return; len = Number(buffered.readBigUInt64BE(2)); at = 10; }
        if (buffered.length < at + 4 + len) return;
        const opcode = buffered[0] & 15;
        const mask = buffered.subarray(at, at + 4);
        const payload = Buffer.from(buffered.subarray(at + 4, at + 4 + len).map((b, i) => b ^ mask[i % 4]));
        buffered = buffered.subarray(at + 4 + len);
        if (opcode === 8) return socket.end(); // the client closes
        if (opcode !== 1) continue;
        received += 1;
        const msg = JSON.parse(payload.toString());
        if (received === 1) {
          const limits = { max_message: 1 << 20, max_queue: 1024, max_rate: 10000, max_parties: 62, max_rooms_per_identity: 8,
            idle_timeout_secs: 60, heartbeat_secs: 15, room_lifetime_secs: 86400 };
          send(JSON.stringify({ type: 'welcome', fingerprint: 'x', ice_servers: [], limits }));
        } else if (msg.type === 'join') {
          const me = msg.__fingerprint;
          void me;
          send(JSON.stringify({ type: 'joined', room: msg.room, present: others.parties }));
          flood(send, msg.room);
        }
      }
    });
    socket.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `ws://127.0.0.1:${server.address().port}/`;
}

/** A relay frame: room, sender, payload. */
function relayFrame(room, from, payload) {
  return Buffer.concat([Buffer.from([room.length]), Buffer.from(room), Buffer.from([from.length]), Buffer.from(from), payload]);
}

for (const [what, flood] of [
  ['relayed frames', (send, room, from) => { for (let i = 0; i < 40; i++) send(relayFrame(room, from, Buffer.alloc(64 << 10, i))); }],
  ['signaling', (send, room, from) => {
    const sdp = 'x'.repeat(60_000);
    for (let i = 0; i < 40; i++) send(JSON.stringify({ type: 'signal', room, from, data: { kind: 'offer', sdp: { type: 'offer', sdp } } }));
  }],
]) {
  test(`a server that floods ${what} before the party starts ends the session with a clear error`, async () => {
    const b = await launch(site, null);
    browsers.push(b);
    const me = (await connect(b)).fingerprint;
    const parties = [me, fingerprint(), fingerprint()].sort();
    const from = parties.find((p) => p !== me);
    const url = await floodingServer({ parties }, (send, room) => flood(send, room, from));
    const source = program('average_salary');
    const { result } = await b.call('createSession', { program: source, parties: 3, signal: url });
    const joining = b.call('joinSession', { invite: result.invite, program: source });
    await answerApproval(b); // the meeting; the flood comes while the second approval waits
    const reply = await joining;
    assert.equal(reply.error?.code, 4500, JSON.stringify(reply));
    assert.match(reply.error.message, /sent over 1048576 bytes before this party started/);
    const status = (await b.call('status', { session: result.session })).result;
    assert.equal(status.stage, 'failed');
  });
}
