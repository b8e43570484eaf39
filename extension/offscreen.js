// The session host (an offscreen document, reason WEB_RTC): for each
// session it meets the other parties at the signal server, forms a full
// mesh of WebRTC data channels, and runs the WebAssembly party over it.
//
// Paths: for each peer, this party sends every frame one way, chosen
// before the first frame: the data channel if it opens within the
// fallback delay (`direct`, or `turn` when the selected candidate is a
// TURN relay), else the signal server's relay (`relay`). It never switches,
// so each direction stays in order; it accepts frames from either path, so
// the two sides need not choose alike. The engine never knows which path
// a peer uses. Frames are the secure channel's ciphertext either way.

import init, { Party, signChallenge, identityInfo } from './wasm/cohort_web.js';

await init({ module_or_path: chrome.runtime.getURL('wasm/cohort_web_bg.wasm') });
/** Milliseconds from this document's start until its WebAssembly was ready. */
const readyMs = performance.now();

const STALL_BEFORE_RUNNING_MS = 300_000;
const STALL_RUNNING_MS = 60_000;
const NEGOTIATION_MS = 60_000;
// A data channel's send buffer: frames wait above HIGH until it drains below LOW.
const SEND_BUFFER_HIGH = 4 << 20;
const SEND_BUFFER_LOW = 1 << 20;
const sessions = new Map();

const toBackground = (msg) => chrome.runtime.sendMessage({ from: 'offscreen', ...msg }).catch(() => {});
const text = new TextEncoder();

function encodeRelay(room, fingerprint, payload) {
  const r = text.encode(room);
  const f = text.encode(fingerprint);
  const frame = new Uint8Array(2 + r.length + f.length + payload.length);
  frame[0] = r.length;
  frame.set(r, 1);
  frame[1 + r.length] = f.length;
  frame.set(f, 2 + r.length);
  frame.set(payload, 2 + r.length + f.length);
  return frame;
}

function decodeRelay(bytes) {
  const b = new Uint8Array(bytes);
  if (b.length < 2) return null;
  const rl = b[0];
  if (b.length < 2 + rl) return null;
  const fl = b[1 + rl];
  if (b.length < 2 + rl + fl) return null;
  const decoder = new TextDecoder();
  return { room: decoder.decode(b.subarray(1, 1 + rl)), from: decoder.decode(b.subarray(2 + rl, 2 + rl + fl)), payload: b.subarray(2 + rl + fl) };
}

/**
 * Keeps a client under the signal server's message rate (80% of it, leaving
 * room for pongs), so a fast relayed session is slowed rather than cut off.
 */
class Pacer {
  constructor(maxRate) {
    this.rate = Math.max(1, maxRate) * 0.8 / 1000; // per ms
    this.burst = this.rate * 500;
    this.tokens = this.burst;
    this.last = performance.now();
  }

  /** Takes a token and returns 0, or returns the milliseconds until one is due. */
  wait() {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + (now - this.last) * this.rate);
    this.last = now;
    if (this.tokens < 1) return Math.ceil((1 - this.tokens) / this.rate);
    this.tokens -= 1;
    return 0;
  }
}

class Session {
  constructor(opts) {
    Object.assign(this, opts);
    this.fingerprint = JSON.parse(identityInfo(this.secret)).fingerprint;
    this.parties = null;
    this.party = null;
    this.peers = [];
    this.early = new Map(); // fingerprint -> [signal data or frames] before start
    this.ended = false;
    this.running = false;
    this.peerLost = false;
  }

  /** Connects to the signal server and waits in the session's open room. */
  lobby() {
    let ws;
    try {
      ws = new WebSocket(this.server);
    } catch (e) {
      throw new Error(`cannot reach the signal server at ${this.server}: ${e.message}`);
    }
    this.ws = ws;
    ws.binaryType = 'arraybuffer';
    ws.onerror = () => this.end(`the signal server at ${this.server} cannot be reached`, true);
    ws.onclose = (e) => this.end(`the signal server closed the connection${e.reason ? `: ${e.reason}` : ''}`, true);
    ws.onmessage = (e) => {
      if (typeof e.data !== 'string') return this.relayed(e.data);
      let msg;
      try { msg = JSON.parse(e.data); } catch { return this.end('the signal server sent something unreadable', false); }
      this.onServer(msg);
    };
  }


  onServer(msg) {
    switch (msg.type) {
      case 'challenge':
        // The whole auth message, signed in Rust over the nonce and this server's origin.
        try {
          this.ws.send(signChallenge(this.secret, msg.nonce, this.server));
        } catch (e) {
          this.end(`cannot answer the signal server's challenge: ${e.message}`, false);
        }
        break;
      case 'welcome':
        // A page-chosen server's ICE servers are used only if the participant chose that server.
        if (!this.iceServers?.length && this.trustServerIce) this.iceServers = msg.ice_servers ?? [];
        this.pacer = new Pacer(msg.limits?.max_rate ?? 10_000);
        // The invite's admission token; a rostered room names its parties, an open one its size.
        this.ws.send(JSON.stringify({ type: 'join', room: this.session, token: this.token, ...(this.roster ? { parties: this.roster } : { size: this.m }) }));
        break;
      case 'joined':
      case 'presence':
        if (msg.room === this.session) this.presence(msg.present);
        break;
      case 'signal':
        if (msg.room === this.session) this.signalled(msg.from, msg.data);
        break;
      case 'error':
        if (['bad_message', 'too_large', 'rate_limited', 'queue_full', 'auth_failed', 'idle_timeout', 'shutting_down', 'room_full', 'room_mismatch', 'too_many_rooms', 'not_in_roster', 'bad_token'].includes(msg.code)) {
          // The server going away is like the peers going away; the rest are failures of this session.
          this.end(`the signal server: ${msg.message} (${msg.code})`, ['shutting_down', 'idle_timeout'].includes(msg.code));
        }
        break;
    }
  }

  presence(present) {
    if (!this.parties) {
      if (present.length === this.m) {
        this.parties = present;
        toBackground({ type: 'parties', session: this.session, parties: present });
        // A benchmark needs no approval: it computes on made-up numbers.
        if (this.bench) this.start({ ...this.bench, session: this.session, parties: present, me: present.indexOf(this.fingerprint) });
      }
      return;
    }
    this.parties.forEach((fp, j) => {
      if (fp !== this.fingerprint && !present.includes(fp)) this.lost(j, `party ${j} left the session`);
    });
  }

  /** Starts computing: paths to every peer, then the party. */
  start(config) {
    const make = this.bench ? Party.bench : (...args) => new Party(...args);
    this.party = make(JSON.stringify(config), this.secret, (to, bytes) => this.send(to, bytes), (stage) => {
      if (stage === 'running') this.running = true;
      toBackground({ type: 'stage', session: this.session, stage });
    });
    this.me = config.me;
    this.peers = this.parties.map((fp, j) => (j === this.me ? null : { fp, j, path: null, queue: [], backlog: [], pc: null, dc: null, candidates: [], remote: false }));
    for (const peer of this.peers) if (peer) this.connect(peer);
    for (const [fp, items] of this.early) {
      const j = this.parties.indexOf(fp);
      for (const item of items) (item instanceof Uint8Array ? this.party.deliver(j, item) : this.signalled(fp, item));
    }
    this.early.clear();
    this.watchdog = setInterval(() => {
      const lost = this.party.stalled(Date.now(), this.running ? STALL_RUNNING_MS : STALL_BEFORE_RUNNING_MS);
      if (lost !== undefined) this.peerLost = true;
    }, 1000);
    this.party.run().then(
      (outputs) => this.finish({ type: 'done', session: this.session, outputs: JSON.parse(outputs) }),
      (e) => this.finish({ type: 'failed', session: this.session, error: e.message ?? String(e), peerLost: this.peerLost }),
    );
  }

  connect(peer) {
    const pc = new RTCPeerConnection({ iceServers: this.iceServers, iceTransportPolicy: this.iceTransportPolicy });
    const dc = pc.createDataChannel('cohort', { negotiated: true, id: 0, ordered: true });
    dc.binaryType = 'arraybuffer';
    dc.bufferedAmountLowThreshold = SEND_BUFFER_LOW;
    dc.onbufferedamountlow = () => this.drain(peer);
    Object.assign(peer, { pc, dc });
    pc.onicecandidate = (e) => { if (e.candidate) this.signal(peer, { kind: 'candidate', candidate: e.candidate.toJSON() }); };
    dc.onmessage = (e) => this.party?.deliver(peer.j, new Uint8Array(e.data));
    dc.onopen = async () => {
      if (peer.path !== null) return;
      this.choose(peer, await this.kindOfPath(pc));
    };
    dc.onclose = () => {
      if (peer.path !== 'relay') this.lost(peer.j, `the connection to party ${peer.j} closed`);
    };
    // The fallback delay runs from when both ends are negotiating (the
    // answer arrives, or the offer is answered); a peer still approving
    // gets longer, up to NEGOTIATION_MS.
    peer.fallback = setTimeout(() => this.choose(peer, 'relay'), NEGOTIATION_MS);
    if (this.me < peer.j) {
      pc.createOffer()
        .then((offer) => pc.setLocalDescription(offer))
        .then(() => this.signal(peer, { kind: 'offer', sdp: pc.localDescription.toJSON() }))
        .catch(() => this.choose(peer, 'relay'));
    }
  }

  async kindOfPath(pc) {
    try {
      const stats = await pc.getStats();
      for (const report of stats.values()) {
        if (report.type === 'candidate-pair' && report.nominated && report.state === 'succeeded') {
          const local = stats.get(report.localCandidateId);
          return local?.candidateType === 'relay' ? 'turn' : 'direct';
        }
      }
    } catch { /* no stats: call it direct */ }
    return 'direct';
  }

  choose(peer, path) {
    if (peer.path !== null || this.ended) return;
    peer.path = path;
    clearTimeout(peer.fallback);
    toBackground({ type: 'path', session: this.session, peer: peer.j, path });
    for (const bytes of peer.queue.splice(0)) this.transmit(peer, bytes);
  }

  async signalled(from, data) {
    if (!this.party) {
      if (!this.early.has(from)) this.early.set(from, []);
      return this.early.get(from).push(data);
    }
    const peer = this.peers[this.parties.indexOf(from)];
    if (!peer || !data || typeof data !== 'object') return;
    try {
      if (data.kind === 'relay') return this.choose(peer, 'relay');
      if (!peer.pc) return;
      if (data.kind === 'offer' && this.me > peer.j) {
        await peer.pc.setRemoteDescription(data.sdp);
        peer.remote = true;
        const answer = await peer.pc.createAnswer();
        await peer.pc.setLocalDescription(answer);
        this.signal(peer, { kind: 'answer', sdp: peer.pc.localDescription.toJSON() });
        this.negotiating(peer);
      } else if (data.kind === 'answer' && this.me < peer.j) {
        await peer.pc.setRemoteDescription(data.sdp);
        peer.remote = true;
        this.negotiating(peer);
      } else if (data.kind === 'candidate') {
        if (!peer.remote) return peer.candidates.push(data.candidate);
        await peer.pc.addIceCandidate(data.candidate);
      }
      if (peer.remote) for (const c of peer.candidates.splice(0)) await peer.pc.addIceCandidate(c);
    } catch {
      // Bad signaling from a peer (or the server): the fallback timer moves it to the relay.
    }
  }

  /** Both ends are negotiating: the direct path gets the fallback delay from now. */
  negotiating(peer) {
    if (peer.path !== null) return;
    clearTimeout(peer.fallback);
    peer.fallback = setTimeout(() => this.choose(peer, 'relay'), this.fallbackMs);
  }

  signal(peer, data) {
    this.toServer(JSON.stringify({ type: 'signal', room: this.session, to: peer.fp, data }));
  }

  /** Sends to the signal server within its message rate; what must wait keeps its order. */
  toServer(message) {
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    this.outbox ??= [];
    this.outbox.push(message);
    this.flush();
  }

  flush() {
    clearTimeout(this.flushTimer);
    while (this.outbox.length && this.ws.readyState === WebSocket.OPEN) {
      const wait = this.pacer ? this.pacer.wait() : 0;
      if (wait > 0) {
        this.flushTimer = setTimeout(() => this.flush(), wait);
        return;
      }
      this.ws.send(this.outbox.shift());
    }
  }

  relayed(bytes) {
    const frame = decodeRelay(bytes);
    if (!frame || frame.room !== this.session) return;
    const j = this.parties?.indexOf(frame.from) ?? -1;
    if (j < 0) return;
    const payload = new Uint8Array(frame.payload);
    if (this.party) this.party.deliver(j, payload);
    else {
      if (!this.early.has(frame.from)) this.early.set(frame.from, []);
      this.early.get(frame.from).push(payload);
    }
  }

  send(to, bytes) {
    const peer = this.peers[to];
    if (!peer) throw new Error(`no party ${to}`);
    if (peer.path === null) peer.queue.push(bytes);
    else this.transmit(peer, bytes);
  }

  transmit(peer, bytes) {
    if (peer.path === 'relay') {
      if (this.ws.readyState !== WebSocket.OPEN) return this.lost(peer.j, 'the signal server connection is closed');
      this.toServer(encodeRelay(this.session, peer.fp, bytes));
    } else if (peer.dc.readyState !== 'open') {
      this.lost(peer.j, `the connection to party ${peer.j} closed`);
    } else if (peer.backlog.length || peer.dc.bufferedAmount > SEND_BUFFER_HIGH) {
      // Back-pressure: a data channel closes if its send buffer overflows,
      // so frames wait here until it drains (in order, behind the others).
      peer.backlog.push(bytes);
    } else {
      peer.dc.send(bytes);
    }
  }

  /** Sends what waited for the data channel's buffer to drain. */
  drain(peer) {
    while (peer.backlog.length && peer.dc.readyState === 'open' && peer.dc.bufferedAmount <= SEND_BUFFER_HIGH) {
      peer.dc.send(peer.backlog.shift());
    }
  }

  lost(j, why) {
    if (this.ended) return;
    if (!this.party) return this.end(why, true);
    this.peerLost = true;
    this.party.peerFailed(j, why);
  }

  finish(msg) {
    if (this.ended) return;
    toBackground(msg);
    this.close();
  }

  /** Ends the session with an error (before it runs, or from the server). */
  end(why, peerLost) {
    if (this.ended) return;
    if (this.party) {
      this.peerLost ||= peerLost;
      this.party.cancel(why);
      return;
    }
    this.finish({ type: 'failed', session: this.session, error: why, peerLost });
  }

  close() {
    this.ended = true;
    clearInterval(this.watchdog);
    for (const peer of this.peers) {
      if (!peer) continue;
      clearTimeout(peer.fallback);
      try { peer.pc?.close(); } catch { /* already closed */ }
    }
    // Give the last frames a moment to leave before closing the socket.
    setTimeout(() => { try { this.ws?.close(1000); } catch { /* already closed */ } }, 1000);
    sessions.delete(this.session);
  }
}

const commands = {
  async lobby(msg) {
    if (sessions.has(msg.session)) throw new Error(`session ${msg.session} is already running here`);
    const session = new Session({
      session: msg.session, server: msg.signal, m: msg.m, token: msg.token, roster: msg.roster ?? null, secret: msg.secret, trustServerIce: msg.trustServerIce === true, iceServers: msg.iceServers,
      iceTransportPolicy: msg.iceTransportPolicy, fallbackMs: msg.fallbackMs, bench: msg.bench ?? null,
    });
    sessions.set(msg.session, session);
    session.lobby();
  },
  async start(msg) {
    const session = sessions.get(msg.session);
    if (!session?.parties) throw new Error(`session ${msg.session} is not ready to start`);
    session.start(msg.config);
  },
  async ping() {},
  async cancel(msg) {
    const session = sessions.get(msg.session);
    if (!session) return;
    if (session.party) session.party.cancel(msg.reason);
    session.close();
  },
};

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id || msg?.to !== 'offscreen' || !Object.hasOwn(commands, msg.type)) return false;
  commands[msg.type](msg).then(() => sendResponse({ ok: true }), (e) => sendResponse({ ok: false, error: e.message ?? String(e) }));
  return true;
});

// While sessions run, keep the background awake (it holds their state).
setInterval(() => { if (sessions.size) toBackground({ type: 'keepalive' }); }, 20_000);

toBackground({ type: 'ready', readyMs });
