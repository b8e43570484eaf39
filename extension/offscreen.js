// @ts-check
// Chrome's session host document (offscreen, reason WEB_RTC): runs the
// session host (session-host.js) and relays between it and the background
// over runtime messages.

import { startSessionHost } from './session-host.js';
import { ADDRESS, HOST_EVENT } from './background/messages.js';

/** @param {object} msg */
const toBackground = (msg) => chrome.runtime.sendMessage({ from: ADDRESS.HOST, ...msg }).catch(() => {});
// A message to the background keeps its worker awake.
const host = await startSessionHost(chrome.runtime.getURL('wasm/cohort_host_bg.wasm'), toBackground, () => toBackground({ type: HOST_EVENT.KEEPALIVE }));

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  // Only the extension's own background may command the host.
  if (sender.id !== chrome.runtime.id || sender.url !== chrome.runtime.getURL('background.js')) return false;
  if (msg?.to !== ADDRESS.HOST) return false;
  sendResponse(host.command(msg));
  return false;
});

toBackground({ type: HOST_EVENT.READY, readyMs: host.readyMs });
