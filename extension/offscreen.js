// The session host (an offscreen document, reason WEB_RTC): for each
// session it meets the other parties at the signal server, forms a full
// mesh of WebRTC data channels, and runs the WebAssembly party over it.
//
// The signal protocol is Rust's (SignalSession, the same state machine the
// native client drives): this file only carries its WebSocket frames, its
// timer and its events. The party (handshakes, program hello, engine) is
// Rust's too (Party); this file carries its frames.
//
// Paths: for each peer, this party sends every frame one way, chosen
// before the first frame: the data channel if it opens within the
// fallback delay (`direct`, or `turn` when the selected candidate is a
// TURN relay), else the signal server's relay (`relay`). It never switches,
// so each direction stays in order; it accepts frames from either path, so
// the two sides need not choose alike. The engine never knows which path
// a peer uses. Frames are the secure channel's ciphertext either way.

import init, { Party, SignalSession } from './wasm/cohort_web.js';
import { ADDRESS, HOST_COMMAND, HOST_EVENT } from './background/messages.js';
import { ERR } from './background/errors.js';

await init({ module_or_path: chrome.runtime.getURL('wasm/cohort_web_bg.wasm') });
/** Milliseconds from this document's start until its WebAssembly was ready. */
const readyMs = performance.now();

const STALL_BEFORE_RUNNING_MS = 300_000;
const STALL_RUNNING_MS = 60_000;
const NEGOTIATION_MS = 60_000;
// A data channel's send buffer: frames wait above HIGH until it drains below LOW.
const SEND_BUFFER_HIGH = 4 << 20;
const SEND_BUFFER_LOW = 1 << 20;
// What peers may send before this party starts computing (it is still
// being approved): handshake messages and signaling, a few kilobytes.
const EARLY_LIMIT = 1 << 20;
const sessions = new Map();

const toBackground = (msg) => chrome.runtime.sendMessage({ from: ADDRESS.HOST, ...msg }).catch(() => {});
/** An error as the background stores it: `{code, reason, message}` (Error objects do not survive messaging). */
const plain = (e) => ({ code: e?.code ?? null, reason: e?.reason ?? null, message: e?.message ?? String(e) });

class Session {
  constructor(opts) {
    Object.assign(this, opts);
    this.parties = null;
    this.party = null;
    this.peers = [];
    this.early = []; // [from, {signal} | {frame}] before the party starts
    this.earlyBytes = 0;
    this.ended = false;
    this.running = false;
    this.timer = null;
  }

  /** Connects to the signal server and waits in the session's room. */
  lobby() {
    this.signal = new SignalSession(this.server, this.session, this.token, this.roster ?? undefined, this.m, this.secret,
      this.lobbyMs, performance.now());
    let ws;
    try {
      ws = new WebSocket(this.server);
    } catch (e) {
      this.signal.unreachable(performance.now(), e.message);
      return this.pump();
    }
    this.ws = ws;
    ws.binaryType = 'arraybuffer';
    let opened = false;
    ws.onopen = () => { opened = true; };
    ws.onerror = () => { if (!opened) this.signal.unreachable(performance.now(), 'the connection failed'); this.pump(); };
    ws.onclose = (e) => { this.signal.closed(performance.now(), e.reason || undefined); this.pump(); };
    ws.onmessage = (e) => {
      const now = performance.now();
      if (typeof e.data === 'string') this.signal.text(now, e.data);
      else this.signal.binary(now, new Uint8Array(e.data));
      this.pump();
    };
  }

  /** Carries out what the signal protocol asks, until it waits. */
  pump() {
    if (!this.signal) return;
    for (;;) {
      const out = this.signal.poll(performance.now());
      switch (out.type) {
        case 'text':
        case 'binary':
          if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(out.type === 'text' ? out.text : out.frame);
          break;
        case 'close':
          // Give the last frames a moment to leave before closing the socket.
          setTimeout(() => { try { this.ws?.close(1000); } catch { /* already closed */ } }, 1000);
          break;
        case 'welcome':
          // A page-chosen server's ICE servers are used only if the participant chose that server.
          if (!this.iceServers?.length && this.trustServerIce) this.iceServers = out.iceServers;
          break;
        case 'arrived':
          toBackground({ type: HOST_EVENT.ARRIVED, session: this.session, present: out.present, needed: out.needed });
          break;
        case 'seated':
          this.seated(out.parties, out.me);
          break;
        case 'signal':
          this.signalled(out.from, out.data);
          break;
        case 'frame':
          this.deliver(out.from, out.frame);
          break;
        case 'gone':
          this.lost(out.party, (party) => party.peerGone(out.party));
          break;
        case 'failed':
          this.end(out.error);
          break;
        case 'timeout':
          clearTimeout(this.timer);
          this.timer = setTimeout(() => { this.signal.timeout(performance.now()); this.pump(); }, Math.max(0, out.at - performance.now()));
          return;
        case 'idle':
          clearTimeout(this.timer);
          return;
      }
    }
  }

  seated(parties, me) {
    this.parties = parties;
    this.me = me;
    toBackground({ type: HOST_EVENT.PARTIES, session: this.session, parties });
    // A benchmark needs no approval: it computes on made-up numbers.
    if (this.bench) this.start({ ...this.bench, session: this.session, parties, me });
  }

  /** Starts computing: paths to every peer, then the party. */
  start(config) {
    const make = this.bench ? Party.bench : (...args) => new Party(...args);
    this.party = make(config, this.secret, (to, bytes) => this.send(to, bytes), (stage) => {
      if (stage === 'running') this.running = true;
      toBackground({ type: HOST_EVENT.STAGE, session: this.session, stage });
    });
    this.peers = this.parties.map((fp, j) => (j === this.me ? null : { fp, j, path: null, queue: [], backlog: [], pc: null, dc: null, candidates: [], remote: false }));
    for (const peer of this.peers) if (peer) this.connect(peer);
    for (const [from, item] of this.early.splice(0)) (item.frame ? this.party.deliver(from, item.frame) : this.signalled(from, item.signal));
    this.watchdog = setInterval(() => this.party.stalled(Date.now(), this.running ? STALL_RUNNING_MS : STALL_BEFORE_RUNNING_MS), 1000);
    this.party.run().then(
      (outputs) => this.finish({ type: HOST_EVENT.DONE, session: this.session, outputs }),
      (e) => this.finish({ type: HOST_EVENT.FAILED, session: this.session, error: plain(e) }),
    );
  }

  /** Keeps what a peer sends before the party starts, within EARLY_LIMIT. */
  keepEarly(from, item, bytes) {
    this.earlyBytes += bytes;
    if (this.earlyBytes > EARLY_LIMIT) {
      return this.end({ code: ERR.SESSION_FAILED, reason: 'flooded', message: `the other parties sent over ${EARLY_LIMIT} bytes before this party started` });
    }
    this.early.push([from, item]);
  }

  deliver(from, frame) {
    if (this.party) this.party.deliver(from, frame);
    else this.keepEarly(from, { frame }, frame.length);
  }

  connect(peer) {
    const pc = new RTCPeerConnection({ iceServers: this.iceServers, iceTransportPolicy: this.iceTransportPolicy });
    const dc = pc.createDataChannel('cohort', { negotiated: true, id: 0, ordered: true });
    dc.binaryType = 'arraybuffer';
    dc.bufferedAmountLowThreshold = SEND_BUFFER_LOW;
    dc.onbufferedamountlow = () => this.drain(peer);
    Object.assign(peer, { pc, dc });
    pc.onicecandidate = (e) => { if (e.candidate) this.sendSignal(peer, { kind: 'candidate', candidate: e.candidate.toJSON() }); };
    dc.onmessage = (e) => this.party?.deliver(peer.j, new Uint8Array(e.data));
    dc.onopen = async () => {
      if (peer.path !== null) return;
      this.choose(peer, await this.kindOfPath(pc));
    };
    dc.onclose = () => {
      if (peer.path !== 'relay') this.lost(peer.j, (party) => party.peerFailed(peer.j, `the connection to party ${peer.j} closed`));
    };
    // The fallback delay runs from when both ends are negotiating (the
    // answer arrives, or the offer is answered); a peer still approving
    // gets longer, up to NEGOTIATION_MS.
    peer.fallback = setTimeout(() => this.choose(peer, 'relay'), NEGOTIATION_MS);
    if (this.me < peer.j) {
      pc.createOffer()
        .then((offer) => pc.setLocalDescription(offer))
        .then(() => this.sendSignal(peer, { kind: 'offer', sdp: pc.localDescription.toJSON() }))
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
    toBackground({ type: HOST_EVENT.PATH, session: this.session, peer: peer.j, path });
    for (const bytes of peer.queue.splice(0)) this.transmit(peer, bytes);
  }

  async signalled(from, data) {
    if (!this.party) return this.keepEarly(from, { signal: data }, JSON.stringify(data ?? null).length);
    const peer = this.peers[from];
    if (!peer || !data || typeof data !== 'object') return;
    try {
      if (data.kind === 'relay') return this.choose(peer, 'relay');
      if (!peer.pc) return;
      if (data.kind === 'offer' && this.me > peer.j) {
        await peer.pc.setRemoteDescription(data.sdp);
        peer.remote = true;
        const answer = await peer.pc.createAnswer();
        await peer.pc.setLocalDescription(answer);
        this.sendSignal(peer, { kind: 'answer', sdp: peer.pc.localDescription.toJSON() });
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

  sendSignal(peer, data) {
    if (this.ended) return;
    try {
      this.signal.sendSignal(peer.j, data);
    } catch {
      // The signal session has ended: its failure is on its way through pump().
    }
    this.pump();
  }

  send(to, bytes) {
    const peer = this.peers[to];
    if (!peer) throw new Error(`no party ${to}`);
    if (peer.path === null) peer.queue.push(bytes);
    else this.transmit(peer, bytes);
  }

  transmit(peer, bytes) {
    if (peer.path === 'relay') {
      try {
        this.signal.sendFrame(peer.j, bytes);
      } catch (e) {
        return this.end(plain(e));
      }
      this.pump();
    } else if (peer.dc.readyState !== 'open') {
      this.lost(peer.j, (party) => party.peerFailed(peer.j, `the connection to party ${peer.j} closed`));
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

  /** Peer `j` is gone: the running party is told how (`tell`); before it runs, the session ends. */
  lost(j, tell) {
    if (this.ended) return;
    if (!this.party) return this.end({ code: ERR.PEER_UNREACHABLE, reason: 'peer_gone', message: `party ${j} left the session` });
    tell(this.party);
  }

  finish(msg) {
    if (this.ended) return;
    toBackground(msg);
    this.close();
  }

  /** Ends the session with `error` ({code, reason, message}): the running party fails with it, or the session does. */
  end(error) {
    if (this.ended) return;
    if (this.party) return this.party.cancel(error.message);
    this.finish({ type: HOST_EVENT.FAILED, session: this.session, error });
  }

  close() {
    this.ended = true;
    clearInterval(this.watchdog);
    clearTimeout(this.timer);
    for (const peer of this.peers) {
      if (!peer) continue;
      clearTimeout(peer.fallback);
      try { peer.pc?.close(); } catch { /* already closed */ }
    }
    this.signal?.leave();
    this.pump();
    sessions.delete(this.session);
  }
}

const commands = {
  async [HOST_COMMAND.LOBBY](msg) {
    if (sessions.has(msg.session)) throw new Error(`session ${msg.session} is already running here`);
    const session = new Session({
      session: msg.session, server: msg.signal, m: msg.m, token: msg.token, roster: msg.roster ?? null, secret: msg.secret,
      trustServerIce: msg.trustServerIce === true, iceServers: msg.iceServers, iceTransportPolicy: msg.iceTransportPolicy,
      fallbackMs: msg.fallbackMs, lobbyMs: msg.lobbyMs ?? 300_000, bench: msg.bench ?? null,
    });
    sessions.set(msg.session, session);
    session.lobby();
    session.pump();
  },
  async [HOST_COMMAND.START](msg) {
    const session = sessions.get(msg.session);
    if (!session?.parties) throw new Error(`session ${msg.session} is not ready to start`);
    session.start(msg.config);
  },
  async [HOST_COMMAND.PING]() {},
  /** The sessions this host computes (the background asks after it restarts). */
  async [HOST_COMMAND.SESSIONS]() {
    return { sessions: [...sessions.values()].filter((s) => s.party && !s.ended).map((s) => s.session) };
  },
  async [HOST_COMMAND.CANCEL](msg) {
    const session = sessions.get(msg.session);
    if (!session) return;
    if (session.party) session.party.cancel(msg.reason);
    session.close();
  },
};

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  // Only the extension's own background may command the host.
  if (sender.id !== chrome.runtime.id || sender.url !== chrome.runtime.getURL('background.js')) return false;
  if (msg?.to !== ADDRESS.HOST || !Object.hasOwn(commands, msg.type)) return false;
  commands[msg.type](msg).then((answer) => sendResponse({ ok: true, ...answer }), (e) => sendResponse({ ok: false, error: e.message ?? String(e) }));
  return true;
});

// While sessions run, keep the background awake (it holds their state).
setInterval(() => { if (sessions.size) toBackground({ type: HOST_EVENT.KEEPALIVE }); }, 20_000);

toBackground({ type: HOST_EVENT.READY, readyMs });
