// Types of Cohort's provider library (cohort.js). See README.md.

/** The page API's error codes, by name. */
export declare const ERRORS: Readonly<{
  USER_REJECTED: 4001;
  REQUEST_PENDING: 4002;
  UNAUTHORIZED: 4100;
  UNSUPPORTED_METHOD: 4200;
  INVALID_PROGRAM: 4300;
  PEER_UNREACHABLE: 4400;
  SESSION_FAILED: 4500;
  INTERRUPTED: 4600;
  INVALID_PARAMS: -32602;
}>;

/** One of the page API's error codes. */
export type ErrorCode = (typeof ERRORS)[keyof typeof ERRORS];

/** The fragment key an invite link carries its invite under. */
export declare const INVITE_KEY: 'cohort-invite';
/** The fragment key an invite link may carry the program under. */
export declare const PROGRAM_KEY: 'program';

/** What a failed request carries beyond its code and message. */
export interface ErrorData {
  /** The cause, stable and snake_case (`private_signal`, `input_out_of_range`, …). */
  reason?: string;
  /** For INVALID_PROGRAM from `checkProgram`: where the error is, 1-based. */
  line?: number;
  column?: number;
  [key: string]: unknown;
}

/** A failed request: `code` says which kind of failure, `data.reason` the cause. */
export declare class CohortError extends Error {
  constructor(code: number, message: string, data?: ErrorData);
  readonly name: 'CohortError';
  code: ErrorCode | number;
  data?: ErrorData;
}

/** What the extension announces about itself. */
export interface ProviderInfo {
  uuid: string;
  name: string;
  rdns: string;
  /** A data: URL of the extension's icon. */
  icon?: string;
  /** The extension's version. */
  version?: string;
  /** The methods it supports. */
  methods?: string[];
}

/** A participant's public identity: their ed25519 key and its fingerprint. */
export interface Identity {
  key: string;
  fingerprint: string;
}

/** A session's stage, in order; it ends `done`, `failed` or `cancelled`. */
export type Stage =
  | 'waiting'
  | 'approving'
  | 'connecting'
  | 'handshaking'
  | 'agreeing'
  | 'running'
  | 'done'
  | 'failed'
  | 'cancelled';

/** A session as `status` returns it and `session` events carry it (an event only when something changed). */
export interface SessionStatus {
  session: string;
  /** The program's name. */
  name: string;
  stage: Stage;
  /** This browser's seat (0-based), once known. */
  party: number | null;
  /** Every party's fingerprint in party order, once every seat is taken. */
  parties: string[] | null;
  /** How many parties the session has. */
  count: number | null;
  /** How many parties are in the room while it fills (null until the extension hears). */
  arrived: number | null;
  /** How many parties approved and started connecting, this one included (null until known). */
  approved: number | null;
  /** Communication rounds done, and the run's total, known before the run (null: not yet, or unknown). */
  roundsDone: number | null;
  roundsTotal: number | null;
  /** The path to each peer, by party number, once chosen. */
  paths: Record<number, 'direct' | 'turn' | 'relay'>;
  /** Why it failed or was cancelled: a message, its code, a stable reason, and the party it is about (if one). */
  error: string | null;
  code: ErrorCode | null;
  reason: string | null;
  errorParty: number | null;
  /** The site that joined it. */
  origin: string;
  /** When this browser joined it (ms since the epoch). */
  startedAt: number | null;
}

/** One output's value: a number while exact (|v| ≤ 2^53 − 1), else its exact decimal digits; a list for a vector. */
export type OutputValue = number | string | OutputValue[];

/** A fixed-point output's exact decimal text; a list for a vector. */
export type ExactValue = string | ExactValue[];

export interface SessionResult {
  session: string;
  /** Each output this party learns. */
  outputs: Record<string, OutputValue>;
  /** Each fixed-point output's exact decimal text (integers are exact in `outputs`). */
  exact: Record<string, ExactValue>;
}

/** One thing a program reveals, in the words of the approval window. */
export interface Reveal {
  reveal: string;
  to: string;
  class: string;
  classWords: string;
  what: string;
  text: string;
  pooled: string | null;
}

/** What a participant is asked to approve for a program. */
export interface Approval {
  privacy: string;
  threshold: number;
  reveals: Reveal[];
  warnings: string[];
}

/** One input of a program. */
export interface ProgramInput {
  name: string;
  /** Typed by the participant in the approval window (the page must not supply it), or supplied by the page. */
  typed: boolean;
  /** The role whose input it is, or null for an input of every party. */
  role: string | null;
  /** What a value must be, in words. */
  takes: string;
}

export interface CheckedProgram {
  name: string;
  hash: string;
  parties: { min: number; max: number };
  /** The program as the approval window shows it. */
  rendering: string;
  inputs: ProgramInput[];
  /** What a participant is asked to approve for that many parties (null if the program allows no private session). */
  approval: Approval | null;
}

export interface CreatedSession {
  session: string;
  invite: string;
  /** The requesting page's address with the invite in its fragment. */
  link: string;
  hash: string;
  name: string;
  /** Whether anyone holding the invite can take a seat (no roster). */
  open: boolean;
}

export interface JoinedSession {
  session: string;
  party: number;
  parties: string[];
}

export type CohortEvent = 'session' | 'connect' | 'identityChanged' | 'disconnect';

export interface EventData {
  session: SessionStatus;
  connect: Identity;
  identityChanged: Identity;
  disconnect: { origin: string };
}

/** The provider object the extension puts in the page (`window.cohort`). */
export interface Provider {
  isCohort: true;
  info?: ProviderInfo;
  errors: typeof ERRORS;
  request(args: { method: string; params?: object }): Promise<unknown>;
  on(event: string, handler: (data: any) => void): Provider;
  removeListener(event: string, handler: (data: any) => void): Provider;
}

/**
 * Finds the Cohort extension: resolves to a `Cohort`, or to null when none
 * answered within `timeout` ms (default 1000): not installed, or the page is
 * in an iframe.
 */
export declare function discover(options?: { timeout?: number; window?: Window }): Promise<Cohort | null>;

/** The page API of one provider, a method per request. Failures reject with a CohortError. */
export declare class Cohort {
  constructor(provider: Provider);
  readonly provider: Provider;
  readonly info: ProviderInfo | null;
  request(method: string, params?: object): Promise<unknown>;
  connect(): Promise<Identity>;
  identity(): Promise<Identity>;
  checkProgram(params: { program: string; parties?: number }): Promise<CheckedProgram>;
  createSession(params: {
    program: string;
    parties: number;
    signal?: string;
    roster?: { party: string; name?: string }[];
  }): Promise<CreatedSession>;
  joinSession(params: {
    invite: string;
    program: string;
    inputs?: Record<string, number | string | (number | string)[]>;
    timeout?: number;
  }): Promise<JoinedSession>;
  status(session: string): Promise<SessionStatus>;
  result(session: string): Promise<SessionResult>;
  cancel(session: string): Promise<SessionStatus>;
  disconnect(): Promise<true>;
  on<E extends CohortEvent>(event: E, handler: (data: EventData[E]) => void): () => void;
  /** Calls `handler` with the session's status now and on every change. */
  watch(session: string, handler: (status: SessionStatus) => void): () => void;
}

/** A link to `base` (default: this page) carrying the invite, and the program if given, in its fragment. */
export declare function inviteLink(invite: string, options?: { base?: string; program?: string }): Promise<string>;

/** The invite (and program) a link carries, or null. */
export declare function readInviteLink(link?: string): Promise<{ invite: string; program: string | null } | null>;

/** Calls `handler` with this page's invite now and whenever the fragment changes to one; returns a function that stops. */
export declare function onInviteLink(
  handler: (found: { invite: string; program: string | null }) => void,
  options?: { window?: Window; onError?: (error: CohortError) => void },
): () => void;
