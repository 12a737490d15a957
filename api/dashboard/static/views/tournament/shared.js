// What the six tournament views share: number formats, the tab bar, the tournament and run pickers,
// and the API reads several views make. Every text from the API goes through h() before it is shown.
import { freshnessNote, get, h, time } from '../../api.js';

export const enc = encodeURIComponent;
export const money = (v) => (v === null || v === undefined ? '–' : Number(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
export const pct = (v, digits = 1) => (v === null || v === undefined ? '–' : `${(Number(v) * 100).toFixed(digits)}%`);
export const num = (v, digits = 3) => (v === null || v === undefined ? '–' : Number(v).toFixed(digits));
export const signedPct = (v) => (v === null || v === undefined ? '–' : `${v >= 0 ? '+' : ''}${(Number(v) * 100).toFixed(1)}%`);
export const empty = (kind, text) => `<div class="empty" data-empty="${h(kind)}">${h(text)}</div>`;
export const card = (label, value, attrs = '') => `<div class="card"${attrs}><div class="label">${h(label)}</div><div class="value">${value}</div></div>`;
export { h, time };

export const TABS = [
  ['overview', 'Overview'],
  ['rankings', 'Rankings'],
  ['entries', 'Portfolio'],
  ['teams', 'Team'],
  ['matchups', 'Matchups'],
  ['optimiser', 'Optimiser runs'],
];

/** The tab bar of a tournament's views; `current` is one of TABS' ids. */
export function tabs(key, current) {
  return `<nav class="tabs" aria-label="Tournament views">${TABS.map(
    ([id, label]) =>
      `<a href="#/tournament/${enc(key)}${id === 'overview' ? '' : `/${id}`}" data-tab="${id}"${id === current ? ' class="active" aria-current="page"' : ''}>${h(label)}</a>`,
  ).join('')}</nav>`;
}

/** The tournaments in gold and the chosen one (the newest when `key` is not given), with its detail. */
export async function loadTournament(key) {
  const tournaments = (await get('/v1/tournaments?limit=200')).items;
  if (!tournaments.length) return { tournaments, tournament: null };
  const chosen = key === undefined ? tournaments[0] : tournaments.find((t) => t.key === key);
  if (!chosen) throw new Error(`no tournament ${key}`);
  return { tournaments, tournament: await get(`/v1/tournaments/${enc(chosen.key)}`) };
}

const noTournaments = () => `<h1>Tournament</h1>${empty('no-tournaments', 'No tournaments in gold yet. Run the tournament pipeline, then come back.')}`;

/** loadTournament for a view: null, with "no tournaments yet" shown in `main`, when gold holds none. */
export async function tournamentFor(main, key) {
  const loaded = await loadTournament(key);
  if (loaded.tournament) return loaded;
  main.innerHTML = noTournaments();
  return null;
}

/** A tournament's optimisation runs, newest first (every page). */
export async function loadRuns(key) {
  const runs = [];
  let cursor = null;
  do {
    const page = await get(`/v1/tournaments/${enc(key)}/optimisation-runs?limit=200${cursor ? `&cursor=${enc(cursor)}` : ''}`);
    runs.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && runs.length < 1000);
  return runs;
}

/** The run with id `runId`, or the tournament's latest (the API's choice: the newest pipeline run's payout strategy). */
export async function chooseRun(key, runs, runId) {
  if (runId !== undefined) {
    const run = runs.find((r) => r.id === runId);
    if (!run) throw new Error(`no optimisation run ${runId} for ${key}`);
    return run;
  }
  if (!runs.length) return null;
  const latest = await get(`/v1/tournaments/${enc(key)}/optimisation-runs/latest`);
  return runs.find((r) => r.id === latest.id) ?? runs[0];
}

export const runLabel = (r) => `#${r.id} · ${r.strategy} · ${r.method} · seed ${r.seed}`;

/** Tournament and run pickers (no run picker when `runs` is null); see wirePickers. */
export function pickers(tournaments, tournament, runs, run) {
  const tOptions = tournaments
    .map((t) => `<option value="${h(t.key)}"${t.key === tournament.key ? ' selected' : ''}>${h(t.name)} (${h(t.year)})</option>`)
    .join('');
  const rOptions = (runs ?? []).map((r) => `<option value="${h(r.id)}"${run && r.id === run.id ? ' selected' : ''}>${h(runLabel(r))}</option>`).join('');
  const runPicker =
    runs === null
      ? ''
      : `<label>Optimisation run <select id="run-select"${runs.length ? '' : ' disabled'}>${rOptions || '<option>none yet</option>'}</select></label>`;
  return `<div class="filters"><label>Tournament <select id="tournament-select">${tOptions}</select></label>${runPicker}</div>`;
}

export function wirePickers(main, hashFor) {
  main.querySelector('#tournament-select')?.addEventListener('change', (e) => {
    location.hash = hashFor(e.target.value);
  });
  main.querySelector('#run-select')?.addEventListener('change', (e) => {
    location.hash = hashFor(main.querySelector('#tournament-select').value, Number(e.target.value));
  });
}

export function header(t) {
  const c = t.calcutta ?? {};
  const rules = [
    c.name ? h(c.name) : '',
    c.budgetPerEntry !== undefined ? `budget ${h(money(c.budgetPerEntry))} per entry` : '',
    c.minBid !== undefined ? `min bid ${h(money(c.minBid))}` : '',
  ].filter(Boolean);
  return `<h1 id="tournament-name">${h(t.name)}</h1>
    <p class="muted">${h(t.year)} · ${h(t.teams)} teams${t.teams > 64 ? ' (First Four)' : ''} · ${h(t.entries)} entries · pool ${h(money(t.pool))} ·
      market ${h(t.marketMethod)} · ${h(Number(t.simulations).toLocaleString('en-US'))} simulations${rules.length ? ` · ${rules.join(' · ')}` : ''}</p>
    ${freshnessNote(t.freshness)}`;
}

/** Every page of a run's rankings (by mean normalised payout, then entry, each with its rank). */
export async function loadRankings(runId) {
  const items = [];
  let cursor = null;
  do {
    const page = await get(`/v1/optimisation-runs/${runId}/rankings?limit=200${cursor ? `&cursor=${enc(cursor)}` : ''}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < 1000);
  return { items, truncated: Boolean(cursor) };
}

/** Horizontal bars: rows of [label HTML, value 0..1, shown text]. */
export function bars(id, rows, attr = () => '') {
  return `<ul class="bars named" id="${h(id)}">${rows
    .map(
      ([label, value, text], i) =>
        `<li${attr(i)}><span class="bar-label">${label}</span><span class="bar-track"><span class="bar" data-width="${(Math.max(0, Math.min(1, value)) * 100).toFixed(2)}%"></span></span><span class="num">${h(text)}</span></li>`,
    )
    .join('')}</ul>`;
}

export const teamLink = (key, t) => `<a href="#/tournament/${enc(key)}/teams/${enc(t.teamKey)}" data-team-link="${h(t.teamKey)}">${h(t.name)}</a>`;
export const entryLink = (key, entry, runId) =>
  `<a href="#/tournament/${enc(key)}/entries/${enc(entry)}/${runId}" data-entry-link="${h(entry)}">${h(entry)}</a>`;
