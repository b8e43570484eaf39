// A hostile page's window messages, fuzzed: from a page of a connected site
// and a page of a site that is not connected, random and malformed messages
// go the way any page can send them (window.postMessage, the content
// script's channel): random values, the envelope with a field wrong, every
// real method with its fields of the wrong type or out of range, unknown
// methods (the extension's internal message names among them), strings over
// the size limit, deep nesting, values the structured clone carries but JSON
// does not (BigInt, cycles, Map, Date, sparse arrays, ...), `__proto__` and
// `constructor` keys, forged and repeated request ids, copies of the
// extension's own messages, and requests from a frame.
//
// Every message with the request envelope (channel, dir 'to-extension' and
// a positive integer id) is answered, within a deadline, with an error whose
// code is one of extension/error-codes.js (the one the rule calls for where
// it is certain), never a result; every other message goes unanswered. The
// extension's storage (local, session and the identity vault) and its
// contexts (no approval window, no session host) are the same after the run
// as before, the page hears no event, and afterwards the extension still
// works: it answers, asks, and computes the average salary.
//
// Deterministic for a seed: COHORT_FUZZ_SEED=N replays a run (a run without
// it picks one and prints it), COHORT_FUZZ_CASE=I replays one case,
// COHORT_FUZZ_CASES=N sends N cases from the connected page (a quarter as
// many from the other; 1000 by default).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import '../../extension/error-codes.js';
import {
  ENGINES, answerApproval, averageSalary, checkAverageSalary, connect, inExtension, launch, openSite, program, startSignal, startSite,
} from './harness.mjs';

const ERRORS = /** @type {Record<string, number>} */ (globalThis.COHORT_ERRORS);
const CASES = Number(process.env.COHORT_FUZZ_CASES ?? 1000);
const SEED = (process.env.COHORT_FUZZ_SEED ? Number(process.env.COHORT_FUZZ_SEED) : Math.floor(Math.random() * 2 ** 32)) >>> 0;
const ONLY = process.env.COHORT_FUZZ_CASE === undefined ? null : Number(process.env.COHORT_FUZZ_CASE);
/** How long a request may wait for its answer. */
const DEADLINE_MS = 10_000;
/** Cases sent together before waiting for their answers. */
const BATCH = 16;

/**
 * Runs in the fuzzing page: makes cases `first`…`first + count - 1` of the
 * run `seed` (each from its own PRNG stream, so that one case replays
 * alone), after the regressions if `withRegressions`, posts their messages
 * in batches, and returns what went wrong and what was seen. `connected`:
 * whether the page's site is connected. Self-contained: it is sent to the
 * page as source.
 */
async function fuzzInPage({ seed, first, count, withRegressions, batch, deadlineMs, connected, errors, fixtures }) {
  const CHANNEL = 'cohort-provider-v1';
  const MAX_REQUEST = 1 << 20;
  /** Request ids of the run's own messages start here: far from the small numbers forged ids use. */
  const ID_BASE = 1e12;
  const KNOWN = ['connect', 'identity', 'disconnect', 'createSession', 'joinSession', 'status', 'result', 'cancel'];
  /** The methods that take no parameters (any object is accepted as none). */
  const BARE = new Set(['connect', 'identity', 'disconnect']);
  /** The methods a site that is not connected may call. */
  const OPEN = new Set(['connect', 'disconnect']);
  /** Each method's fields, with the kind of value each takes. */
  const FIELDS = {
    createSession: { program: 'program', parties: 'parties', signal: 'signal', roster: 'list' },
    joinSession: { invite: 'invite', program: 'joinProgram', inputs: 'object', timeout: 'seconds' },
    status: { session: 'session' },
    result: { session: 'session' },
    cancel: { session: 'session' },
  };
  /** The fields a method cannot do without. */
  const REQUIRED = new Set(['program', 'parties', 'invite', 'session']);
  const CODE_NAMES = Object.fromEntries(Object.entries(errors).map(([name, code]) => [code, name]));

  /** mulberry32, seeded from the run's seed and the case number. */
  function stream(n) {
    let s = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(n + 1, 0xc2b2ae35)) >>> 0;
    const next = () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    for (let i = 0; i < 4; i++) next();
    return next;
  }

  /** An own enumerable property, even `__proto__`. */
  const put = (o, key, value) => Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });

  /** A short description of a value, whatever it is (for the report). */
  function describe(v, depth = 0) {
    if (depth > 3) return '…';
    if (v === undefined) return 'undefined';
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
    if (typeof v === 'string') return JSON.stringify(v.length > 48 ? `${v.slice(0, 48)}…` : v) + (v.length > 48 ? `(${v.length} chars)` : '');
    if (typeof v !== 'object' || v === null) return String(v);
    const tag = Object.prototype.toString.call(v).slice(8, -1);
    const keys = Object.keys(v);
    const shown = (ks) => ks.slice(0, 6).map((k) => `${/^\d+$/.test(k) ? '' : `${describe(k, 3)}: `}${describe(v[k], depth + 1)}`).join(', ')
      + (ks.length > 6 ? `, …${ks.length - 6} more` : '');
    if (Array.isArray(v)) return `[${shown(keys)}]${v.length !== keys.length ? `(length ${v.length})` : ''}`;
    if (tag !== 'Object') return `${tag}${keys.length ? `{${shown(keys)}}` : ''}`;
    return `{${shown(keys)}}`;
  }

  /**
   * Case `n` of the run: it posts one message or more. A draw that makes a
   * request a site may make (see `expectation`) is drawn again.
   */
  function makeCase(n) {
    const r = stream(n);
    for (let attempt = 0; attempt < 50; attempt++) {
      const c = draw(n, r);
      if (!c.posts.some((p) => expectation(p.msg, p.via).legit)) return c;
    }
    throw new Error(`case ${n}: every draw is a request a site may make`);
  }

  function draw(n, r) {
    const int = (k) => Math.floor(r() * k);
    const pick = (xs) => xs[int(xs.length)];
    const chance = (p) => r() < p;
    let nextId = ID_BASE + n * 8;
    const freshId = () => nextId++;

    const STRINGS = ['', ' ', 'null', 'true', '0', '3', '[]', '{}', '__proto__', 'constructor', 'prototype', 'toString', 'connect',
      'ws://127.0.0.1:1/', 'https://evil.example/', 'javascript:alert(1)', '<img src=x onerror=alert(1)>', '\u0000', '\ud800', '\udfff',
      '\ud83d\ude00', '\u202e', '\u2028', 'é', '中文', '%00', '../../', 'cohort-invite:v2?', CHANNEL, 'to-extension'];
    const randString = () => {
      if (chance(0.4)) return pick(STRINGS);
      let s = '';
      for (let i = int(24); i > 0; i--) s += String.fromCharCode(chance(0.8) ? 32 + int(95) : int(0x10000));
      return s;
    };
    const NUMBERS = [0, -0, 1, -1, 2, 3, 4, 62, 63, 0.5, -1.5, 3.0000001, 1e21, 1e308, -1e308, 5e-324, NaN, Infinity, -Infinity,
      2 ** 31, 2 ** 32, 2 ** 32 + 3, -(2 ** 32) + 3, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), Number.MAX_VALUE];
    const randNumber = () => (chance(0.7) ? pick(NUMBERS) : chance(0.5) ? int(1000) - 500 : (r() - 0.5) * 10 ** int(30));
    const KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'toJSON', 'then', 'program', 'parties',
      'signal', 'roster', 'invite', 'inputs', 'timeout', 'session', 'party', 'name', 'method', 'params', 'id', 'kind', 'channel', 'dir',
      'type', 'to', 'from', 'result', 'error', 'code', ''];
    const randKey = () => (chance(0.7) ? pick(KEYS) : randString());
    /** Values the structured clone carries that are not plain JSON, or not as themselves. */
    const exotic = () => pick([
      () => 1n, () => 2n ** 70n, () => new Date(0), () => new Date(NaN), () => /x+/g, () => new Map([['program', 'x']]), () => new Set([1]),
      () => new ArrayBuffer(8), () => new Uint8Array([1, 2, 3]), () => new Float64Array([NaN]), () => new Blob(['x']), () => new Error('boom'),
      () => new String('connect'), () => new Number(3), () => new Boolean(false), () => undefined,
      () => { const a = [1, 2]; a[40] = 3; return a; },
      () => { const o = { a: 1 }; o.self = o; return o; },
      () => { const shared = { x: 1 }; return { a: shared, b: shared }; },
      () => JSON.parse('{"__proto__": {"cohortPolluted": true}, "x": 1}'),
      () => JSON.parse('{"constructor": {"prototype": {"cohortPolluted": true}}}'),
      () => Object.assign(Object.create(null), { program: 'x' }),
    ])();
    const value = (depth = 2) => {
      switch (int(depth > 0 ? 9 : 5)) {
        case 0: return null;
        case 1: return chance(0.5);
        case 2: return randNumber();
        case 3: return randString();
        case 4: return exotic();
        case 5: case 6: {
          const a = [];
          for (let i = int(4); i > 0; i--) a.push(value(depth - 1));
          return a;
        }
        default: {
          const o = {};
          for (let i = int(5); i > 0; i--) put(o, randKey(), value(depth - 1));
          return o;
        }
      }
    };
    const nest = (depth, leaf, objects) => {
      let v = leaf;
      for (let i = 0; i < depth; i++) v = objects ? { a: v } : [v];
      return v;
    };
    const big = (n, unit = 'x') => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

    /** A value that field kind `kind` cannot take: of another JSON type, or out of its range, or not what it names. */
    const wrong = (kind) => {
      const text = [null, true, 0, 3, -1, NaN, [], ['x'], {}, { toString: 'x' }, new Number(1), new Boolean(true), 1n, [fixtures.program],
        { program: fixtures.program }, nest(3, 'x', false)];
      const inv = fixtures.invite;
      const table = {
        program: () => pick([...text, '', 'this is not a program', randString(), 'program "x"\nparties 2\n', big(200, 'reveal ')]),
        joinProgram: () => pick([...text, '', randString(), fixtures.other, fixtures.program.replace('mean(salary)', 'max(salary)'),
          fixtures.program.slice(0, int(fixtures.program.length / 2))]),
        parties: () => pick([null, true, '3', ' 3', [3], {}, 0, 1, 2, -1, -3, 63, 64, 1000, 2 ** 31, 2 ** 32, 2 ** 32 + 3, -(2 ** 32) + 3,
          5 * 2 ** 32 + 3, 2 ** 53 - 1, -(2 ** 53 - 1), 3.5, 2.9999, NaN, Infinity, -Infinity, 1e308, new Boolean(true), 3n]),
        signal: () => pick([...text, '', 'http://127.0.0.1/', 'ws://', 'ws://a b/', 'ws://127.0.0.1:1/&x', 'javascript:alert(1)',
          `ws://${big(3000, 'a')}/`]),
        list: () => pick([null, true, 0, 'x', {}, { 0: 'x' }, [], [1, 2, 3], ['a', 'b', 'c'], [{}, {}, {}], [{ party: 'x' }, { party: 'y' }, { party: 'z' }],
          [{ party: null }], [[]], new Array(3), [{ party: fixtures.key, name: 1 }]]),
        invite: () => pick([
          ...text, '', randString(), 'cohort-invite:v2?', `${inv}&extra=1`, `${inv}&token=${'0'.repeat(64)}`, inv.replace(/&token=[0-9a-f]+/, ''),
          inv.replace('v2', 'v3'), inv.toUpperCase(), inv.slice(0, int(inv.length)), `${inv}\u0000`, inv.repeat(2),
          inv.replace(/token=([0-9a-f])/, (_, c) => `token=${c === '0' ? '1' : '0'}`),
          inv.replace(/parties=\d+/, `parties=${pick(['2', '1', '0', '63', '99', 'x', '', '-3', '3.0'])}`),
          inv.replace(/session=[0-9a-f]+/, `session=${'f'.repeat(32)}`), inv.replace(/program=[0-9a-f]+/, `program=${'0'.repeat(64)}`),
        ]),
        object: () => pick([null, true, 0, 'salary', [], [1], ['salary', 1], 1n]),
        seconds: () => pick([null, true, '300', [300], {}, 0, -1, 86_401, 1e9, 1.5, 2 ** 53 - 1, -(2 ** 53 - 1), NaN, Infinity]),
        session: () => pick([...text, '', randString(), '__proto__', 'constructor', fixtures.session, fixtures.session.toUpperCase()]),
      };
      return table[kind]();
    };
    /** Keys no method reads, with any value. */
    const junk = (o, n = int(3)) => {
      for (let i = 0; i < n; i++) {
        const key = pick(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'then', 'toJSON', 'x', '', randString()]);
        if (!Object.values(FIELDS).some((f) => Object.hasOwn(f, key))) put(o, key, value(1));
      }
      return o;
    };
    /** Parameters `method` refuses: the real ones with one to three fields wrong or missing, and other keys. */
    const badParams = (method) => {
      if (BARE.has(method)) {
        // Any object is none; anything else is refused.
        return pick([() => randNumber(), () => randString(), () => chance(0.5), () => [], () => value(2), () => [value(1)], () => new Date(0),
          () => new String('x'), () => 1n, () => { const a = []; a.push(a); return a; }, () => nest(int(300), 0, false)])();
      }
      const base = {
        createSession: { program: fixtures.program, parties: 3, signal: fixtures.signal },
        joinSession: { invite: fixtures.invite, program: fixtures.program },
        status: { session: fixtures.session },
        result: { session: fixtures.session },
        cancel: { session: fixtures.session },
      }[method];
      const params = junk({ ...base });
      const fields = Object.entries(FIELDS[method]);
      // Mostly one wrong field, so that the checks behind the first mistake are reached too.
      for (let i = fields.length > 1 && chance(0.4) ? 2 + int(2) : 1; i > 0; i--) {
        const [name, kind] = pick(fields);
        // A required field may go missing; none may be given wrong.
        if (chance(0.15) && REQUIRED.has(name)) delete params[name];
        else put(params, name, wrong(kind));
      }
      return params;
    };

    const request = (method, params, id = freshId()) => ({ channel: CHANNEL, dir: 'to-extension', id, method, params });
    const KINDS = ['noise', 'envelope', 'mimic', 'method', 'params', 'params', 'params', 'params', 'random-params', 'huge', 'deep', 'ids', 'frame'];
    const kind = pick(KINDS);
    const posts = [];
    const post = (msg, via = 'window') => posts.push({ msg, via });
    switch (kind) {
      case 'noise': {
        // A random value, or a random object with the envelope's keys.
        if (chance(0.5)) post(value(3));
        else {
          const o = {};
          const real = { channel: CHANNEL, dir: 'to-extension', id: freshId(), method: pick(KNOWN) };
          for (const key of ['channel', 'dir', 'id', 'method', 'params', 'kind']) {
            if (chance(0.6)) put(o, key, (chance(0.3) && real[key]) || value(1));
          }
          post(o);
        }
        break;
      }
      case 'envelope': {
        // A request with its envelope wrong in one way.
        const method = pick(KNOWN);
        const msg = request(method, chance(0.5) ? {} : badParams(method));
        const field = pick(['channel', 'dir', 'id', 'whole']);
        const bad = {
          channel: () => pick(['cohort-provider-v2', 'COHORT-PROVIDER-V1', `${CHANNEL} `, '', null, undefined, [CHANNEL], new String(CHANNEL), 1,
            { channel: CHANNEL }]),
          dir: () => pick(['to-page', 'TO-EXTENSION', 'to-extension ', 'to_extension', '', null, undefined, ['to-extension'],
            new String('to-extension')]),
          id: () => pick([undefined, 0, -1, -0, 1.5, NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 53 - 1), String(msg.id), [msg.id], {}, null, true,
            BigInt(msg.id), new Number(msg.id)]),
        };
        if (field === 'whole') {
          // The envelope on something other than a plain object: an array keeps its named properties through the clone.
          const a = pick([[], [CHANNEL, 'to-extension']]);
          Object.assign(a, msg);
          const other = [() => new Map(Object.entries(msg)), () => new String(CHANNEL), () => `${Object.keys(msg)}`, () => [msg], () => ({ data: msg })];
          post(chance(0.7) ? a : pick(other)());
        } else {
          const v = bad[field]();
          if (v === undefined) delete msg[field];
          else msg[field] = v;
          post(msg);
        }
        break;
      }
      case 'mimic': {
        // The extension's own messages: the port's, the extension pages', the session host's, and replies and events to the page.
        const id = freshId();
        const session = fixtures.session;
        post(pick([
          { kind: 'request', id, method: 'identity', params: {} },
          { channel: CHANNEL, kind: 'request', id, method: 'identity', params: {} },
          { channel: CHANNEL, dir: 'to-extension', kind: 'reply', id, result: { key: 'x', fingerprint: 'x' } },
          { channel: CHANNEL, dir: 'to-extension', kind: 'ping' },
          { channel: CHANNEL, dir: 'to-extension', id, kind: 'event', event: 'disconnect', data: {} },
          { to: 'background', type: 'ui:resetIdentity' },
          { to: 'background', type: 'ui:saveSettings', settings: { signal: 'ws://evil.example/' } },
          { to: 'offscreen', type: 'start', session, config: {} },
          { from: 'offscreen', type: 'done', session, outputs: { total: 1 } },
          { type: 'approval:answer', id: 1, approved: true },
          { type: 'ui:changed' },
          request('approval:answer', { id: 1, approved: true, inputs: {} }),
          request('approval:get', { id: 1 }),
          request('ui:state'),
          request('ui:importIdentity', { backup: 'x', passphrase: 'y' }),
          request('ui:resetIdentity', {}),
          request('ui:revokeSite', { origin: location.origin }),
          request('ui:unblockSite', { origin: location.origin }),
          request('ui:saveSettings', { signal: 'ws://evil.example/', iceServers: [], iceTransportPolicy: 'all', fallbackMs: 4000 }),
          request('ui:addPeer', { peer: fixtures.key, petname: 'me' }),
          request('bench:run', {}),
          request('lobby', { session }),
          request('start', { session, config: {} }),
          request('sessions', {}),
          request('request', { method: 'identity' }),
          request('reply', { id: 1, result: {} }),
          { channel: CHANNEL, dir: 'to-page', kind: 'reply', id, result: { session } },
          { channel: CHANNEL, dir: 'to-page', kind: 'event', event: 'session', data: { session, stage: 'done' } },
          { channel: CHANNEL, dir: 'to-page', kind: 'event', event: 'disconnect', data: {} },
        ]));
        break;
      }
      case 'method': {
        // A method that is not one, named or typed wrong.
        const method = pick([
          '', ' ', 'Connect', 'CONNECT', ' connect', 'connect ', 'connect\u0000', 'identity\n', 'eth_requestAccounts', 'eth_sendTransaction',
          'wallet_requestPermissions', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__',
          'then', 'request', 'methods', 'handle', 'revoke', 'mine', big(64), 'joinSession'.repeat(5), big(65, 'c'), '中'.repeat(64), '\ud800'.repeat(64),
          '\ud83d\ude00'.repeat(32), '\ud83d\ude00'.repeat(33), randString(),
          undefined, null, 0, 1, true, ['connect'], {}, { toString: 'connect' }, new String('identity'), 1n, NaN, new Date(0),
        ]);
        const msg = request(method, chance(0.5) ? (chance(0.5) ? {} : undefined) : value(2));
        if (method === undefined) delete msg.method;
        post(msg);
        break;
      }
      case 'params': {
        const method = pick(KNOWN);
        post(request(method, badParams(method)));
        break;
      }
      case 'random-params': {
        // A real method with random parameters: objects with its field names among others, or anything else.
        const method = pick(KNOWN);
        let params = value(2);
        if (chance(0.6)) {
          params = {};
          for (const name of [...Object.keys(FIELDS[method] ?? {}), randKey(), randKey()]) if (chance(0.7)) put(params, name, value(2));
        }
        post(request(method, BARE.has(method) ? badParams(method) : params));
        break;
      }
      case 'huge': {
        const method = pick(KNOWN.filter((m) => !BARE.has(m)));
        post(pick([
          () => request(big(chance(0.5) ? 65 : MAX_REQUEST + 1)),
          () => request('createSession', { program: big(MAX_REQUEST), parties: 3 }),
          () => request('createSession', { program: big(MAX_REQUEST - 64, 'reveal '), parties: 3 }),
          () => request('joinSession', { invite: big(MAX_REQUEST - 64), program: fixtures.program }),
          () => request('joinSession', { invite: fixtures.invite, program: fixtures.program, timeout: big(MAX_REQUEST - 200, '9') }),
          () => request('status', { session: big(MAX_REQUEST - 64) }),
          () => request(method, { session: '\ud800'.repeat(200_000) }),
          () => request(method, { program: '\ud83d\ude00'.repeat(250_000), parties: 3 }),
          () => request(method, Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]))),
          () => request(pick([...BARE]), new Array(200_000).fill(0)),
          () => request(pick([...BARE]), big(MAX_REQUEST - 64)),
          () => request(method, { [big(MAX_REQUEST - 64)]: 1 }),
          () => request(method, { program: fixtures.program, parties: 3, roster: new Array(MAX_REQUEST) }),
        ])());
        break;
      }
      case 'deep': {
        // Nested around the depths parsers stop at (serde_json: 128).
        const depth = pick([16, 64, 126, 127, 128, 129, 130, 200, 1000, 3000]);
        const method = pick(KNOWN);
        if (BARE.has(method)) post(request(method, nest(depth, 0, false)));
        else {
          // Beside parameters that are wrong anyway.
          const params = badParams(method);
          put(params, pick(['x', '__proto__', 'deep']), nest(depth, pick([0, 'x', null, {}]), chance(0.5)));
          post(request(method, params));
        }
        break;
      }
      case 'ids': {
        // Forged ids: the same id twice at once, the largest, and ids a page's provider uses.
        const id = pick([freshId(), Number.MAX_SAFE_INTEGER, 1, 2, 2 ** 31]);
        for (const method of [pick(KNOWN), pick(KNOWN)]) post(request(method, badParams(method), id));
        break;
      }
      case 'frame': {
        // A frame of this page posts to it: the content script answers its own window only.
        const method = pick(KNOWN);
        post(request(method, chance(0.5) ? {} : badParams(method)), 'frame');
        break;
      }
      default:
        throw new Error(`no kind ${kind}`);
    }
    return { n, kind, posts };
  }

  /**
   * What the content script and the background must do with `msg` from
   * `via`: ignore it, or answer with one of `codes` (or only `exact`).
   * `legit`: a request a site may make (a method that takes no
   * parameters, given an object); the cases never send one.
   */
  function expectation(msg, via) {
    let m;
    try {
      m = structuredClone(msg);
    } catch (e) {
      return { uncloneable: String(e) };
    }
    if (via !== 'window' || !m || typeof m !== 'object' || m.channel !== CHANNEL || m.dir !== 'to-extension') return { ignored: true };
    if (!Number.isSafeInteger(m.id) || m.id <= 0) return { ignored: true };
    const { method, params } = m;
    const INVALID = errors.INVALID_PARAMS;
    if (typeof method !== 'string' || method.length > 64) return { exact: INVALID };
    let json;
    try {
      json = JSON.stringify(params ?? {});
    } catch {
      return { exact: INVALID };
    }
    if (json.length > MAX_REQUEST) return { exact: INVALID };
    const given = JSON.parse(json);
    const object = given === null || (typeof given === 'object' && !Array.isArray(given));
    if (!KNOWN.includes(method)) return { codes: [errors.UNSUPPORTED_METHOD, INVALID] };
    if (!connected && !OPEN.has(method)) return { exact: errors.UNAUTHORIZED };
    if (BARE.has(method)) return object ? { legit: true } : { exact: INVALID };
    return { codes: [INVALID, errors.INVALID_PROGRAM] };
  }

  /** What is wrong with `reply` as the answer to `post`, or null. */
  function verdict(post, reply) {
    const { error, result } = reply;
    if (result !== undefined || !error) return `answered without an error: ${describe(reply)}`;
    const { code, message } = error;
    if (!Number.isInteger(code) || !(code in CODE_NAMES)) return `an error without a code of the list: ${describe(error)}`;
    const allowed = post.expect.exact !== undefined ? [post.expect.exact] : post.expect.codes;
    if (!allowed.includes(code)) return `${CODE_NAMES[code]} (${message}); wanted ${allowed.map((k) => CODE_NAMES[k]).join(' or ')}`;
    if (typeof message !== 'string' || !message) return `an error without a message: ${describe(error)}`;
    return null;
  }

  const failures = [];
  const stats = { cases: 0, requests: 0, ignored: 0, uncloneable: 0, codes: {}, kinds: {}, slowestMs: 0 };
  const fail = (c, post, problem) => failures.push({
    case: c.n, kind: c.kind, message: describe(post?.msg), via: post?.via, problem,
  });

  // Everything the page hears on the channel, but its own copies of the extension's messages.
  const replies = new Map();
  const events = [];
  /** Called on each answer while a batch waits (timers are slow in a page that is not in front, so nothing polls). */
  let heard = () => {};
  const listener = (event) => {
    const m = event.data;
    if (event.source !== window || !m || m.channel !== CHANNEL || m.dir !== 'to-page' || m.fuzzSelf) return;
    if (m.kind === 'reply') {
      if (!replies.has(m.id)) replies.set(m.id, []);
      replies.get(m.id).push({ at: performance.now(), m });
      heard();
    } else events.push(m);
  };
  window.addEventListener('message', listener);
  const frame = document.createElement('iframe');
  frame.src = 'blank.html';
  await new Promise((resolve) => { frame.onload = resolve; document.body.append(frame); });
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  /**
   * Requests that once got through, sent on every run before the drawn
   * cases (as cases -1, -2, …): params nested past the Rust parser's depth
   * or with a lone surrogate were taken for none, a String wrapper read as
   * none in Firefox, and a party count wrapped into a usize.
   */
  const regressions = () => {
    const nest = (depth) => (depth ? [nest(depth - 1)] : 0);
    const request = (method, params, id) => ({ channel: CHANNEL, dir: 'to-extension', id, method, params });
    const create = (parties) => ({ program: fixtures.program, parties, signal: fixtures.signal });
    return [
      ['identity', nest(200)], ['disconnect', nest(129)], ['connect', ['\ud800']], ['identity', new String('x')], ['disconnect', new Number(3)],
      ['connect', new Boolean(true)], ['createSession', create(-(2 ** 32) + 3)], ['createSession', create(2 ** 32 + 3)],
      ['createSession', create(-1)],
    ].map(([method, params], i) => ({ n: -1 - i, kind: 'regression', posts: [{ msg: request(method, params, ID_BASE - 1 - i), via: 'window' }] }));
  };

  const cases = withRegressions ? regressions() : [];
  for (let n = first; n < first + count; n++) cases.push(makeCase(n));
  for (const c of cases) {
    const { n } = c;
    for (const p of c.posts) {
      p.expect = expectation(p.msg, p.via);
      // Mark the page's own copies of the extension's messages, so that they are not taken for the extension's.
      if (p.msg && typeof p.msg === 'object' && p.msg.dir === 'to-page') p.msg.fuzzSelf = true;
    }
    if (c.posts.some((p) => p.expect.legit)) throw new Error(`case ${n} makes a request a site may make: ${describe(c.posts.find((p) => p.expect.legit).msg)}`);
  }

  const started = performance.now();
  for (let at = 0; at < cases.length; at += batch) {
    const group = cases.slice(at, at + batch);
    /** Answers wanted, by id. */
    const wanted = new Map();
    const sent = performance.now();
    for (const c of group) {
      stats.cases += 1;
      stats.kinds[c.kind] = (stats.kinds[c.kind] ?? 0) + 1;
      for (const p of c.posts) {
        if (p.expect.uncloneable) {
          stats.uncloneable += 1;
          continue;
        }
        try {
          if (p.via === 'frame') {
            frame.contentWindow.fuzzMessage = p.msg;
            frame.contentWindow.eval('parent.postMessage(fuzzMessage, "*"); postMessage(fuzzMessage, "*")');
          } else window.postMessage(p.msg, '*');
        } catch (e) {
          fail(c, p, `posting it threw ${e}`);
          p.failed = true;
          continue;
        }
        if (p.expect.ignored) stats.ignored += 1;
        else {
          stats.requests += 1;
          wanted.set(p.msg.id, (wanted.get(p.msg.id) ?? 0) + 1);
        }
      }
    }
    const answered = () => [...wanted].every(([id, k]) => (replies.get(id)?.length ?? 0) >= k);
    await new Promise((resolve) => {
      const deadline = setTimeout(resolve, deadlineMs);
      heard = () => {
        if (answered()) {
          clearTimeout(deadline);
          resolve();
        }
      };
      heard();
    });
    heard = () => {};
    // Requests that share an id (forged so) take the answers to it in any
    // order: each the one that suits it, if any, those that want one code first.
    const requests = group.flatMap((c) => c.posts.filter((p) => !p.expect.ignored && !p.expect.uncloneable && !p.failed).map((p) => [c, p]));
    requests.sort(([, a], [, b]) => (b.expect.exact !== undefined) - (a.expect.exact !== undefined));
    for (const [c, p] of requests) {
      {
        const left = replies.get(p.msg.id) ?? [];
        if (!left.length) {
          fail(c, p, `no answer within ${deadlineMs} ms`);
          continue;
        }
        const suits = left.findIndex((got) => verdict(p, got.m) === null);
        const [got] = left.splice(suits < 0 ? 0 : suits, 1);
        stats.slowestMs = Math.max(stats.slowestMs, Math.round(got.at - sent));
        const code = got.m.error?.code;
        if (code !== undefined) stats.codes[CODE_NAMES[code] ?? code] = (stats.codes[CODE_NAMES[code] ?? code] ?? 0) + 1;
        const problem = verdict(p, got.m);
        if (problem) fail(c, p, problem);
      }
    }
  }
  // Answers that come late, or to messages that wanted none.
  await sleep(500);
  for (const [id, left] of replies) {
    for (const { m } of left) failures.push({ problem: `an answer no request of the run asked for (id ${describe(id)}): ${describe(m)}` });
  }
  for (const m of events) failures.push({ problem: `the page heard an event: ${describe(m)}` });
  window.removeEventListener('message', listener);
  frame.remove();
  stats.ms = Math.round(performance.now() - started);
  return { failures, stats };
}

/**
 * What the extension keeps, read from its own context: local and session
 * storage, the vault (IndexedDB), the extension's contexts (approval
 * windows, Chrome's offscreen document) where the browser lists them, and
 * whether Object.prototype there was polluted.
 */
const snapshot = (b) => inExtension(b, async () => {
  const vault = await new Promise((resolve, reject) => {
    const open = indexedDB.open('cohort');
    // Never made here: an upgrade is aborted.
    open.onupgradeneeded = () => open.transaction.abort();
    open.onerror = () => (open.error?.name === 'AbortError' ? resolve(null) : reject(open.error));
    open.onsuccess = () => {
      const db = open.result;
      const names = [...db.objectStoreNames];
      if (!names.length) {
        db.close();
        resolve({});
        return;
      }
      const tx = db.transaction(names, 'readonly');
      const read = names.map((name) => [name, tx.objectStore(name).getAllKeys(), tx.objectStore(name).getAll()]);
      tx.oncomplete = () => {
        db.close();
        resolve(Object.fromEntries(read.map(([name, keys, values]) => [name, { keys: keys.result, values: values.result }])));
      };
      tx.onerror = () => reject(tx.error);
    };
  });
  const contexts = typeof chrome.runtime.getContexts === 'function'
    ? (await chrome.runtime.getContexts({})).map((c) => `${c.contextType} ${c.documentUrl ?? ''}`).sort()
    : null;
  return {
    local: await chrome.storage.local.get(null), session: await chrome.storage.session.get(null), vault, contexts,
    polluted: 'cohortPolluted' in {},
  };
});

/** How many pages (tabs and windows) the browser has open. */
const openPages = async (b) => (b.engine === 'firefox' ? (await b.instance.pages()).length : b.context.pages().length);

for (const engine of ENGINES) describe(engine, () => {
  let signal, site, other, browser, me;
  const browsers = [];

  before(async () => {
    signal = await startSignal();
    site = await startSite();
    other = await startSite();
    browser = await launch(site, { signal: signal.url, iceServers: [], iceTransportPolicy: 'all', fallbackMs: 4000 }, { engine, keepWelcome: true });
    browsers.push(browser);
    me = await connect(browser);
  });

  after(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    signal?.stop();
    site?.stop();
    other?.stop();
  });

  test('random and malformed page messages get an error code or nothing, and change nothing', async (t) => {
    t.diagnostic(`seed ${SEED}: replay with COHORT_FUZZ_SEED=${SEED}`);
    const source = program('average_salary');
    const created = await browser.call('createSession', { program: source, parties: 3, signal: signal.url });
    assert.ifError(created.error);
    const fixtures = {
      program: source, other: program('millionaires'), invite: created.result.invite, session: created.result.session, signal: signal.url, key: me.key,
    };
    // A page of the connected site and one of a site that is not, neither with a script of its own.
    const pages = [
      { name: 'connected', connected: true, page: await openSite(browser, `${site.url}blank.html`), count: CASES, seed: SEED },
      {
        name: 'not connected', connected: false, page: await openSite(browser, `${other.url}blank.html`), count: Math.ceil(CASES / 4),
        seed: (SEED ^ 0x5bd1e995) >>> 0,
      },
    ];
    const beforeState = await snapshot(browser);
    const beforePages = await openPages(browser);
    assert.equal(beforeState.polluted, false);
    const { local, session, vault, contexts } = beforeState;
    t.diagnostic(`compared before and after: local storage ${Object.keys(local)}; session storage ${Object.keys(session)}; `
      + `vault ${Object.entries(vault ?? {}).map(([store, { keys }]) => `${store}: ${keys}`)}; contexts ${contexts?.join(', ') ?? '(not listed)'}`);

    const runs = await Promise.all(pages.map(({ page, connected, count, seed }) => page.evaluate(fuzzInPage, {
      seed, first: ONLY ?? 0, count: ONLY === null ? count : 1, withRegressions: ONLY === null, batch: BATCH, deadlineMs: DEADLINE_MS,
      connected, errors: ERRORS, fixtures,
    })));
    const afterState = await snapshot(browser);
    const report = [];
    for (const [i, { failures, stats }] of runs.entries()) {
      t.diagnostic(`${pages[i].name} page: ${JSON.stringify(stats)}`);
      for (const f of failures) {
        report.push(`${pages[i].name} page, case ${f.case ?? '-'} (${f.kind ?? '-'}): ${f.problem}\n`
          + `    message: ${f.message ?? '-'}${f.via === 'frame' ? ' (from a frame)' : ''}`);
      }
    }
    for (const key of Object.keys(beforeState)) {
      if (!isDeepStrictEqual(afterState[key], beforeState[key])) report.push(`the extension's ${key} changed: ${JSON.stringify(afterState[key]).slice(0, 400)}`);
    }
    if (report.length) {
      assert.fail(`${report.length} problems; replay with COHORT_FUZZ_SEED=${SEED} (and COHORT_FUZZ_CASE=N for one case):\n${report.slice(0, 25).join('\n')}`);
    }
    // The pages' content scripts still answer.
    const still = await Promise.all(pages.map(({ page }) => page.evaluate(() => window.cohort.request({ method: 'identity' }).then(
      (result) => ({ result }), (e) => ({ error: { code: e.code, message: e.message } })))));
    assert.equal(still[0].result?.fingerprint, me.fingerprint, JSON.stringify(still[0]));
    assert.equal(still[1].error?.code, ERRORS.UNAUTHORIZED, JSON.stringify(still[1]));
    for (const { page } of pages) await page.close();

    // Nothing stored changed (the identity request just now neither), nothing opened, nothing started.
    assert.deepEqual(await snapshot(browser), beforeState, 'the extension\'s state after the run');
    assert.equal(await openPages(browser), beforePages - pages.length, 'no page or window opened');
    assert.equal((await browser.extensionPages('/approve.html')).length, 0, 'no approval window');
  });

  test('the extension still works: it answers, asks, and computes', async () => {
    assert.equal((await browser.call('identity')).result?.fingerprint, me.fingerprint);
    // The other site is asked, once, and gets the same identity.
    const page = await openSite(browser, other.url);
    const [, reply] = await Promise.all([answerApproval(browser), page.evaluate(() => window.call('connect'))]);
    assert.equal(reply.result?.fingerprint, me.fingerprint, JSON.stringify(reply));
    await page.close();
    for (let i = 0; i < 2; i++) browsers.push(await launch(site, { signal: signal.url, iceServers: [], iceTransportPolicy: 'all', fallbackMs: 4000 }, { engine }));
    const ids = [me];
    for (const b of browsers.slice(1)) ids.push(await connect(b));
    const salaries = [41000, 58000, 63000];
    const run = await averageSalary(browsers, salaries, signal.url);
    await checkAverageSalary(browsers, salaries, ids, run, { total: 162000, average: 54000 });
  });
});
