// @ts-check
// Benchmark builds only: scripts/build-extension --bench keeps the
// `BENCH:` statement in session-host.js that calls countCrossings(), and
// the store's build drops it (esbuild --drop-labels=BENCH), so this module
// is not in the store's extension.
//
// Counts every call across the boundary of the WebAssembly modules
// instantiated afterwards: into a module (its exported functions, through
// which wasm-bindgen's glue runs every event handler, timer and promise
// callback the Rust code registered) and out of it (its imports: every
// web-sys and js-sys call, and the glue's helpers). Calls through a
// module's function table (wasm-bindgen's closure destructors) are not
// counted. The session host's benchmark reads the counts around each
// run (crates/host, `bench_meter`) and reports them per workload.

/** The counts so far, read by the session host's WebAssembly as `cohortCrossings.into()` and `.out()`. */
const counts = { into: 0, out: 0 };

/**
 * Counts the calls of every function in `object`, as `key`.
 * @param {Record<string, unknown>} object
 * @param {'into' | 'out'} key
 * @returns {Record<string, unknown>}
 */
function counted(object, key) {
  return Object.fromEntries(Object.entries(object).map(([name, value]) => {
    if (typeof value !== 'function') return [name, value];
    const f = /** @type {(...args: unknown[]) => unknown} */ (value);
    return [name, function (/** @type {unknown[]} */ ...args) { counts[key] += 1; return f.apply(this, args); }];
  }));
}

/**
 * `imports` with every function counted as a call out of the module.
 * @param {WebAssembly.Imports | undefined} imports
 * @returns {WebAssembly.Imports}
 */
function countedImports(imports) {
  return /** @type {WebAssembly.Imports} */ (Object.fromEntries(Object.entries(imports ?? {}).map(([ns, fns]) => [ns, counted(fns, 'out')])));
}

/**
 * An instance whose exported functions count their calls into it; still an
 * `instanceof WebAssembly.Instance`, as wasm-bindgen's glue checks.
 * @param {WebAssembly.Instance} instance
 * @returns {WebAssembly.Instance}
 */
function countedInstance(instance) {
  const exports = Object.freeze(counted(/** @type {Record<string, unknown>} */ (instance.exports), 'into'));
  return Object.create(WebAssembly.Instance.prototype, { exports: { value: exports, enumerable: true } });
}

/**
 * From now on, WebAssembly modules instantiated through
 * `WebAssembly.instantiate` or `WebAssembly.instantiateStreaming` count
 * their crossings in `globalThis.cohortCrossings`.
 */
export function countCrossings() {
  const { instantiate, instantiateStreaming } = WebAssembly;
  /** @type {any} */ (globalThis).cohortCrossings = Object.freeze({ into: () => counts.into, out: () => counts.out });
  /** @type {any} */ (WebAssembly).instantiate = async (/** @type {any} */ source, /** @type {WebAssembly.Imports | undefined} */ imports) => {
    const made = await instantiate(source, countedImports(imports));
    if (made instanceof WebAssembly.Instance) return countedInstance(made);
    return { module: made.module, instance: countedInstance(made.instance) };
  };
  if (typeof instantiateStreaming === 'function') {
    WebAssembly.instantiateStreaming = async (source, imports) => {
      const made = await instantiateStreaming(source, countedImports(imports));
      return { module: made.module, instance: countedInstance(made.instance) };
    };
  }
}
