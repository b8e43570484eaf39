// The approval window says what will be learned, computed from the program:
// the average salary reads as a participant needs it, and a hostile program
// that reveals one party's salary under a reassuring name is shown with a
// warning naming whose salary it is. The Approve button works only after
// the window has been in view for a second. Screenshots of both windows are
// saved under target/screenshots/.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT, answerApproval, averageSalary, clickClosing, connect, join, launch, nextApprovalWindow, servers } from './harness.mjs';

const env = servers();

const HOSTILE = `program "Average salary"
parties 3 or more

input salary: secint(32) from each typed between 0 and 100000000
reveal average = salary[1] to all
`;

test('the approval window shows what each reveal discloses, with a warning for a hostile program', async () => {
  for (let i = 0; i < 3; i++) env.browsers.push(await launch(env.site));
  for (const b of env.browsers) await connect(b);

  const fair = await averageSalary(env.browsers, [52000, 61000, 47500], env.signal.url, {
    screenshot: 'approval-average-salary.png', meetScreenshot: 'approval-average-salary-before-meeting.png',
  });
  // Before meeting anyone: what will be learned, about any party, and no input yet.
  const meet = fair.joined[0].meet.text;
  for (const phrase of [
    'total — Every party learns the sum of every party\'s salary.',
    'Any 2 parties together can work out the remaining party\'s salary from the total.',
    'Once the seats are taken, you will see who took them and type your input',
    env.signal.url,
  ]) assert.ok(meet.includes(phrase), `${phrase} in:\n${meet}`);
  assert.ok(!meet.includes('Your salary'), meet);
  const text = fair.joined[0].approval.text;
  for (const phrase of [
    'What will be learned',
    'total — Every party learns the sum of every party\'s salary.',
    'average — Every party learns the mean of every party\'s salary.',
    'The other 2 parties together can work out your salary from the total',
    'each input stays private unless 2 or more of the other 2 parties pool what they received',
    'Your salary',
    'A whole number from 0 to 100,000,000. The site will not see it.',
    'Anyone with the link can take a seat',
    env.signal.url,
  ]) assert.ok(text.includes(phrase), `${phrase} in:\n${text}`);
  assert.ok(!/Warning/.test(text), text);
  for (const r of fair.results) assert.deepEqual(r.result.outputs, { total: 160500, average: 53500 });

  const hostile = await averageSalary(env.browsers, [52000, 61000, 47500], env.signal.url, {
    source: HOSTILE, screenshot: 'approval-hostile.png',
  });
  // Party numbers follow the identities' order, not the browsers'.
  const asParty = (n) => hostile.joined.find((j) => j.reply.result.party === n).approval.text;
  assert.ok(hostile.joined[0].meet.text.includes('Warning: “average” reveals party 1\'s salary itself to every party.'), hostile.joined[0].meet.text);
  const warned = asParty(0);
  assert.ok(warned.includes('Warning: “average” reveals party 1\'s salary itself to every party.'), warned);
  assert.ok(warned.includes('average — Every party learns party 1\'s salary.'), warned);
  assert.ok(asParty(1).includes('Warning: “average” reveals your salary itself to every party.'), asParty(1));
});

test('Approve works only after the window has been in view for a second; a bad value is shown beside its field', async () => {
  const [b] = env.browsers;
  const created = await b.call('createSession', { program: HOSTILE, parties: 3, signal: env.signal.url });
  // The others join and would approve; this session ends when b refuses.
  const others = env.browsers.slice(1).map((o) => join(o, created.result.invite, HOSTILE, { inputs: { salary: 1 } }).catch(() => null));
  const joining = b.call('joinSession', { invite: created.result.invite, program: HOSTILE });
  await answerApproval(b); // before meeting anyone
  const popup = await nextApprovalWindow(b);
  await popup.waitForSelector('#actions:not([hidden])');
  // The window arms Approve a second after it comes into view or focus; under
  // load more than that second can pass before the test first looks (a run
  // once found it armed), so the window loses and regains focus, as when a
  // participant switches back to it: Approve is disabled at once.
  const disabledOnFocus = await popup.evaluate(() => {
    window.dispatchEvent(new Event('blur'));
    window.dispatchEvent(new Event('focus'));
    return document.getElementById('approve').disabled;
  });
  assert.equal(disabledOnFocus, true, 'Approve starts disabled');
  // A value that is not a number: the engine's words, beside the field.
  await popup.fill('input[data-input="salary"]', '52,000');
  await popup.waitForFunction(() => /got "52,000", which is not a number: write it with digits and a minus sign only/.test(document.querySelector('.field-error').textContent));
  mkdirSync(path.join(ROOT, 'target/screenshots'), { recursive: true });
  await popup.screenshot({ path: path.join(ROOT, 'target/screenshots', 'approval-bad-value.png') });
  await popup.fill('input[data-input="salary"]', '200000000');
  await popup.waitForFunction(() => /from 0 to 100,000,000; got 200,000,000/.test(document.querySelector('.field-error').textContent));
  await popup.waitForFunction(() => !document.getElementById('approve').disabled, null, { timeout: 5000 });
  await clickClosing(popup, '#refuse');
  const reply = await joining;
  assert.equal(reply.error?.code, 4001);
  await Promise.all(others);
});
