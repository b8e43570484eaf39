// The declarations of cohort_web.js, the WebAssembly engine's JavaScript
// glue, which the build writes into dist/chrome/wasm/ (this file is for
// type checking only and is not shipped). Copied from what wasm-bindgen
// writes without --no-typescript, less the module's raw exports: when the
// exports of crates/web change, change them here.

/**
 * One party of a session. The page's network code delivers peers' frames
 * with `deliver`, reports lost peers with `peerFailed`, calls `stalled`
 * about once a second, and awaits `run()`.
 */
export class Party {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * A benchmark party (the engine's workloads, as `cohort bench`) from its
     * configuration (JSON); `run()` resolves to a JSON array of measurements.
     */
    static bench(config: string, secret: string, send: Function, progress: Function): Party;
    /**
     * Ends the session with `why`.
     */
    cancel(why: string): void;
    /**
     * A frame from party `from`.
     */
    deliver(from: number, frame: Uint8Array | number[]): void;
    /**
     * A party from its configuration (JSON), its identity (storage form),
     * `send(peer, bytes)` and `progress(stage)`.
     */
    constructor(config: string, secret: string, send: Function, progress: Function);
    /**
     * Party `from` is gone; reading from it fails with `why`.
     */
    peerFailed(from: number, why: string): void;
    /**
     * Runs the session; resolves to the outputs (JSON) or rejects with the error.
     */
    run(): Promise<any>;
    /**
     * The peer waited for longer than `timeout_ms` (its read then fails), if any.
     */
    stalled(now_ms: number, timeout_ms: number): number | undefined;
}

/**
 * What party `me` of `m` parties with threshold `t` is asked to approve
 * (the disclosure of every reveal, warnings, privacy), as JSON; `me`
 * undefined while the party's seat is not known.
 */
export function approvalView(source: string, m: number, t: number, me?: number | null): string;

/**
 * The benchmark room named `label`: `{"session", "token"}` as JSON.
 */
export function benchRoom(label: string): string;

/**
 * Checks one value (JSON) party `me` of `m` would give for input `name`; throws the reason.
 */
export function checkInput(source: string, m: number, me: number, name: string, value: string): void;

/**
 * Checks party `me`'s inputs (JSON object) for a session of `m`; throws the reason.
 */
export function checkInputs(source: string, m: number, me: number, inputs: string): void;

/**
 * A program's name, hash, party counts, canonical text and rendering, as JSON.
 */
export function checkProgram(source: string): string;

/**
 * The default Shamir threshold for `m` parties,
 * [`cohort_mpc::default_threshold`]: `(m − 1) / 2`, which is 0 (no
 * privacy) for fewer than 3 parties. The extension asks here rather than
 * computing it itself.
 */
export function defaultThreshold(m: number): number;

/**
 * The identity encrypted under a passphrase.
 */
export function exportIdentity(secret: string, passphrase: string): string;

/**
 * A fresh identity in its storage form.
 */
export function generateIdentity(): string;

/**
 * `{"key", "fingerprint"}` of a stored identity, as JSON.
 */
export function identityInfo(secret: string): string;

/**
 * An exported identity, decrypted, in its storage form.
 */
export function importIdentity(exported: string, passphrase: string): string;

/**
 * A new session: `{"session", "invite", "hash", "name", "open"}` as JSON.
 * With `roster_json` (`[{"party", "name"?}, …]`), a rostered invite signed
 * by the identity `secret` (storage form); without, an open one.
 */
export function newSession(source: string, parties: number, signal: string, roster_json?: string | null, secret?: string | null): string;

/**
 * An invite's fields: `{"session", "program", "parties", "signal", "token",
 * "open", "roster"}` as JSON; errors start with a stable code (`bad_signature: …`).
 */
export function parseInvite(text: string): string;

/**
 * The fingerprint of a public key or fingerprint.
 */
export function parsePeer(text: string): string;

/**
 * The inputs party `me` of `m` provides, as JSON.
 */
export function partyInputs(source: string, m: number, me: number): string;

/**
 * The `auth` message (JSON text) answering a signal server's challenge
 * nonce (hex), for the server reached at `server_url`.
 */
export function signChallenge(secret: string, nonce_hex: string, server_url: string): string;

/**
 * The crate's version.
 */
export function version(): string;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 */
export default function __wbg_init(module_or_path?: { module_or_path: InitInput | Promise<InitInput> }): Promise<unknown>;
