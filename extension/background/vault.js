// @ts-check
// Secrets, in the extension origin's IndexedDB (database `cohort`, object
// store `secrets`, values by key). Only the extension's own pages and
// workers can open it: content scripts run in their page's origin, and
// `chrome.storage.local` is readable by content scripts by default.

const DATABASE = 'cohort';
const STORE = 'secrets';

/** @type {Promise<IDBDatabase> | null} */
let opened = null;

/** @returns {Promise<IDBDatabase>} the database, opened once (again after a failure or a version change) */
function open() {
  if (!opened) {
    const opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(DATABASE, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => {
        const db = request.result;
        db.onversionchange = () => {
          db.close();
          if (opened === opening) opened = null;
        };
        resolve(db);
      };
      request.onerror = () => reject(request.error);
    });
    opening.catch(() => {
      if (opened === opening) opened = null;
    });
    opened = opening;
  }
  return opened;
}

/**
 * Runs `operation` in a transaction on the store; resolves with its
 * request's result once the transaction has committed.
 * @param {IDBTransactionMode} mode
 * @param {(store: IDBObjectStore) => IDBRequest} operation
 * @returns {Promise<any>}
 */
async function transact(mode, operation) {
  const db = await open();
  return new Promise((resolve, reject) => {
    // A secret written must be on disk when the write resolves.
    const tx = db.transaction(STORE, mode, { durability: 'strict' });
    const request = operation(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = () => reject(tx.error ?? request.error);
    tx.onabort = () => reject(tx.error ?? new Error('the transaction was aborted'));
  });
}

/**
 * @param {string} key
 * @returns {Promise<any>} the value, or undefined if none is stored
 */
export const getSecret = (key) => transact('readonly', (store) => store.get(key));

/**
 * @param {string} key
 * @param {unknown} value
 * @returns {Promise<void>}
 */
export const putSecret = async (key, value) => {
  await transact('readwrite', (store) => store.put(value, key));
};

/**
 * @param {string} key
 * @returns {Promise<void>}
 */
export const deleteSecret = async (key) => {
  await transact('readwrite', (store) => store.delete(key));
};
