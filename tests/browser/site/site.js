// A site using Cohort as a page developer would: find the provider through
// its announcement, and keep every message and event the page can see, so
// tests can check that nothing private reached the page.
window.seen = [];
window.events = [];
/** The other events, in order: [name, data]. */
window.otherEvents = [];
window.addEventListener('message', (e) => window.seen.push(JSON.stringify(e.data)));
window.addEventListener('cohort:announceProvider', (e) => {
  window.announced = e.detail.info;
  document.getElementById('provider').textContent = `provider: ${e.detail.info.name}`;
  e.detail.provider.on('session', (data) => window.events.push(data));
  for (const name of ['connect', 'identityChanged', 'disconnect']) e.detail.provider.on(name, (data) => window.otherEvents.push([name, data]));
});
window.dispatchEvent(new Event('cohort:requestProvider'));
/** Calls the provider; resolves to {result} or {error: {code, message, data}}. */
window.call = (method, params) =>
  window.cohort.request({ method, params }).then((result) => ({ result }), (e) => ({ error: { code: e.code, message: e.message, data: e.data } }));
