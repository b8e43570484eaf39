// Globals the extension's scripts share without importing each other.

/** The page API's error codes by name, set by error-codes.js (generated from Rust). */
declare var COHORT_ERRORS: Readonly<Record<string, number>> | undefined;
