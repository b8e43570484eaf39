// The playground (served by `cohort signal` at /) driven as participants
// would: shared by tests/browser/playground.test.mjs and `scripts/demo
// --browser` (tests/browser/demo.mjs). Each browser has the extension; the
// first creates the session, the others open the invite link; everyone
// approves in the extension's windows and types a salary there.

import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { answerApproval, waitInPage } from './harness.mjs';

const JSQR = readFileSync(createRequire(import.meta.url).resolve('jsqr/dist/jsQR.js'), 'utf8');

/** Records every `session` event a page hears, in `window.sessionEvents`. */
export function recordEvents(page) {
  return page.evaluate(() => {
    window.sessionEvents = [];
    window.cohort.on('session', (s) => window.sessionEvents.push(s));
  });
}

/**
 * Decodes the QR code the playground shows, in a blank page of the same
 * browser: the SVG drawn on a canvas, read by jsQR. Returns its text.
 */
export async function decodeQr(b, page) {
  const svg = await page.evaluate(() => new XMLSerializer().serializeToString(document.querySelector('#qr svg')));
  const blank = await b.newPage();
  try {
    await blank.evaluate(JSQR);
    return await blank.evaluate(async (xml) => {
      const img = new Image();
      img.src = `data:image/svg+xml;base64,${btoa(xml)}`;
      await img.decode();
      const size = 600;
      const canvas = Object.assign(document.createElement('canvas'), { width: size, height: size });
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, size, size);
      ctx.drawImage(img, 0, 0, size, size);
      const found = window.jsQR(ctx.getImageData(0, 0, size, size).data, size, size);
      return found ? found.data : null;
    }, svg);
  } finally {
    await blank.close();
  }
}

/**
 * Runs a session of the example shown first (the average salary) through
 * the playground at `url`, in `browsers` (already showing it), each typing
 * its salary. Screenshots go to `shots` (a directory) when given. Returns
 * the invite link, the QR code's text, and each page's outputs and events.
 */
export async function playgroundSession(browsers, url, salaries, { shots = null } = {}) {
  const shot = async (page, name) => {
    if (!shots) return;
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, name), fullPage: true });
  };
  const [creator, ...others] = browsers;
  for (const b of browsers) await recordEvents(b.page);
  // The program is checked by the extension before it can be created.
  await waitInPage(creator, creator.page, () => !document.getElementById('create').disabled);
  await shot(creator.page, 'playground.png');
  await creator.page.click('#create');
  await answerApproval(creator); // connect this page
  await answerApproval(creator); // join: before meeting anyone
  await waitInPage(creator, creator.page, () => document.getElementById('link').value.includes('#cohort-invite='));
  const link = await creator.page.evaluate(() => document.getElementById('link').value);
  const qr = await decodeQr(creator, creator.page);
  await shot(creator.page, 'playground-invite.png');
  const pages = [creator.page];
  for (const [i, b] of others.entries()) {
    // The first opens the link in the tab that shows the playground (only
    // the fragment changes: hashchange); the next in a new tab (a load).
    let page = b.page;
    if (i === 0) await page.goto(link);
    else {
      page = await b.newPage();
      await page.goto(link);
      await waitInPage(b, page, () => window.cohort?.isCohort);
      await recordEvents(page);
    }
    pages.push(page);
    await answerApproval(b); // connect
    await answerApproval(b); // join
  }
  // Every seat taken: each participant sees the parties and types a salary.
  await Promise.all(browsers.map((b, i) => answerApproval(b, { inputs: { salary: salaries[i] }, screenshot: i === 0 && shots ? 'playground-approval.png' : null })));
  await Promise.all(browsers.map((b, i) => waitInPage(b, pages[i], () => document.getElementById('result').dataset.outputs, null, 60_000)));
  await shot(creator.page, 'playground-result.png');
  const outputs = [];
  const events = [];
  for (const page of pages) {
    outputs.push(await page.evaluate(() => JSON.parse(document.getElementById('result').dataset.outputs)));
    events.push(await page.evaluate(() => window.sessionEvents));
  }
  return { link, qr, outputs, events, pages };
}
