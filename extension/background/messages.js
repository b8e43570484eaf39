// @ts-check
// Every message the background sends or receives, by name. The content
// script (content.js) is not a module, so it spells its own out: a change
// of the page port's messages here is a change there too.

/** The name of the port a page's content script opens to the background. */
export const PAGE_PORT = 'cohort-page';

/**
 * The kinds of message on a page's port: the page's requests and pings, and
 * the background's receipts (sent as a request arrives, before any of its
 * work), replies and events.
 */
export const PORT_KIND = Object.freeze({ REQUEST: 'request', RECEIVED: 'received', REPLY: 'reply', EVENT: 'event', PING: 'ping' });

/** The events a page hears (`window.cohort.on(...)`). */
export const PAGE_EVENT = Object.freeze({
  SESSION: 'session',
  DISCONNECT: 'disconnect',
  CONNECT: 'connect',
  IDENTITY_CHANGED: 'identityChanged',
});

/**
 * Who a runtime message is for (`to`) or from (`from`): every extension
 * context hears every runtime message, so each picks out its own.
 */
export const ADDRESS = Object.freeze({ BACKGROUND: 'background', HOST: 'offscreen' });

/** Requests of the extension's own pages (approval window, popup, options, benchmark) to the background. */
export const UI = Object.freeze({
  APPROVAL_GET: 'approval:get',
  APPROVAL_CHECK: 'approval:check',
  APPROVAL_ANSWER: 'approval:answer',
  BENCH_RUN: 'bench:run',
  BENCH_STARTUP: 'bench:startup',
  STATE: 'ui:state',
  EXPORT_IDENTITY: 'ui:exportIdentity',
  IMPORT_IDENTITY: 'ui:importIdentity',
  RESET_IDENTITY: 'ui:resetIdentity',
  SET_PETNAME: 'ui:setPetname',
  ADD_PEER: 'ui:addPeer',
  REMOVE_PEER: 'ui:removePeer',
  REVOKE_SITE: 'ui:revokeSite',
  UNBLOCK_SITE: 'ui:unblockSite',
  SAVE_SETTINGS: 'ui:saveSettings',
  CANCEL_SESSION: 'ui:cancelSession',
});

/** The background's broadcast to its open pages: something they show changed, so refresh. */
export const UI_CHANGED = 'ui:changed';

/** The background's commands to the session host. */
export const HOST_COMMAND = Object.freeze({ LOBBY: 'lobby', START: 'start', CANCEL: 'cancel', PING: 'ping', SESSIONS: 'sessions' });

/** The session host's messages to the background. */
export const HOST_EVENT = Object.freeze({
  READY: 'ready',
  ARRIVED: 'arrived',
  /** `{session, approved}`: how many parties are known to have approved and started connecting. */
  APPROVED: 'approved',
  /** `{session, roundsDone, roundsTotal}` (`roundsTotal` null when unknown): the computation's progress, throttled. */
  PROGRESS: 'progress',
  PARTIES: 'parties',
  STAGE: 'stage',
  PATH: 'path',
  DONE: 'done',
  FAILED: 'failed',
  KEEPALIVE: 'keepalive',
});
