// @ts-check
// The WebAssembly engine in the worker: identities, invites, program checks
// and what an approval shows are computed by it, never by this JavaScript.

import init, * as wasm from '../wasm/cohort_worker.js';
import initBackup, * as backupModule from '../wasm/cohort_backup.js';
import { assetUrl } from './platform.js';

export { wasm };

/** Resolves once the engine is loaded: await it before calling `wasm`. */
export const ready = init({ module_or_path: assetUrl('wasm/cohort_worker_bg.wasm') });

/** @type {Promise<typeof backupModule> | null} */
let backupLoaded = null;

/**
 * The identity backup's own small module (Argon2id export and import),
 * loaded the first time the participant backs up or restores.
 */
export function backup() {
  backupLoaded ??= initBackup({ module_or_path: assetUrl('wasm/cohort_backup_bg.wasm') }).then(() => backupModule);
  return backupLoaded;
}

/**
 * How long start-up took (ms): the worker's WebAssembly, and the session
 * host's creation (host.js fills those in).
 * @type {{worker: number | null, host: number | null, hostWasm: number | null}}
 */
export const startup = { worker: null, host: null, hostWasm: null };
ready.then(() => { startup.worker = performance.now(); });
