// @ts-check
// A complete page using the provider library: the creator starts a survey
// and shares its link; everyone who opens the link joins; each types a
// salary in Cohort's approval window; everyone sees the total and average.
// scripts/check-js type-checks this file against ../cohort.d.ts.

import { ERRORS, CohortError, discover, inviteLink, onInviteLink } from '../cohort.js';

const PROGRAM = `program "Average salary"
parties 3 or more
input salary: secint(32) from each typed between 0 and 100000000
reveal total = sum(salary) to all
reveal average = mean(salary) to all
`;

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @param {import('../cohort.js').SessionStatus} s */
function show(s) {
  const progress = s.roundsTotal ? ` (${Math.round((100 * (s.roundsDone ?? 0)) / s.roundsTotal)}%)` : '';
  $('status').textContent = `${s.stage}: ${s.arrived ?? 0} of ${s.count} arrived, ${s.approved ?? 0} approved${progress}`;
}

/**
 * @param {import('../cohort.js').Cohort} cohort
 * @param {string} invite
 */
async function join(cohort, invite) {
  const stop = cohort.on('session', show);
  try {
    const { session } = await cohort.joinSession({ invite, program: PROGRAM });
    const { outputs } = await cohort.result(session);
    const average = outputs.average;
    $('result').textContent = `Total ${outputs.total}, average ${typeof average === 'number' ? average.toLocaleString() : average}`;
  } catch (e) {
    if (e instanceof CohortError && e.code === ERRORS.USER_REJECTED) $('result').textContent = 'You declined.';
    else $('result').textContent = `Failed: ${e instanceof Error ? e.message : String(e)}`;
  } finally {
    stop();
  }
}

async function main() {
  const cohort = await discover();
  if (!cohort) {
    $('status').textContent = 'Install the Cohort extension to take part.';
    return;
  }
  $('status').textContent = `Found ${cohort.info?.name ?? 'Cohort'} ${cohort.info?.version ?? ''}`;
  await cohort.connect();
  onInviteLink(({ invite }) => { join(cohort, invite); });
  const start = /** @type {HTMLButtonElement} */ ($('start'));
  start.hidden = false;
  start.onclick = async () => {
    // This page's own server would be a public one: the invite carries it to every participant.
    const made = await cohort.createSession({ program: PROGRAM, parties: 3, signal: 'wss://signal.example.org/' });
    const link = /** @type {HTMLAnchorElement} */ ($('invite'));
    link.href = await inviteLink(made.invite);
    link.hidden = false;
    await join(cohort, made.invite);
  };
}

main();
