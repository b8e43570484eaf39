// Globals the extension's scripts share without importing each other.

/** The page API's error codes by name, set by error-codes.js (generated from Rust). */
declare var COHORT_ERRORS: Readonly<Record<string, number>> | undefined;

/** The page API's methods, set by error-codes.js (generated from Rust). */
declare var COHORT_METHODS: readonly string[] | undefined;

/** The provider's version and icon (a data: URL), set by the build before inpage.js. */
declare var COHORT_PROVIDER: Readonly<{ version: string, icon: string }> | undefined;

/** Firefox's content scripts only: the page's own view of an object seen through Xray vision. */
declare var XPCNativeWrapper: (((object: unknown) => unknown) & { unwrap<T>(object: T): T }) | undefined;
