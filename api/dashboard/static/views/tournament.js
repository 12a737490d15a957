// Tournament: pick a tournament and one of its optimisation runs; the entries ranked by mean
// normalised payout (ours highlighted), the run's investment report with totals, and every team's
// probability of reaching each round as a compact shaded table. All text from the API is escaped.
import { get, h, time } from '../api.js';

const MAX_ENTRIES = 1000;
const money = (v) => (v === null || v === undefined ? '–' : Number(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
const pct = (v, digits = 1) => (v === null || v === undefined ? '–' : `${(Number(v) * 100).toFixed(digits)}%`);
const num = (v, digits = 3) => (v === null || v === undefined ? '–' : Number(v).toFixed(digits));
const signedPct = (v) => (v === null || v === undefined ? '–' : `${v >= 0 ? '+' : ''}${(Number(v) * 100).toFixed(1)}%`);
const empty = (kind, text) => `<div class="empty" data-empty="${h(kind)}">${h(text)}</div>`;
const enc = encodeURIComponent;

/** Every page of a run's rankings (the API pages by mean normalised payout, then entry). */
async function allRankings(runId) {
  const items = [];
  let cursor = null;
  do {
    const page = await get(`/v1/optimisation-runs/${runId}/rankings?limit=200${cursor ? `&cursor=${enc(cursor)}` : ''}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < MAX_ENTRIES);
  return { items, truncated: Boolean(cursor) };
}

function pickers(tournaments, tournament, runs, run) {
  const tOptions = tournaments
    .map((t) => `<option value="${h(t.key)}"${t.key === tournament.key ? ' selected' : ''}>${h(t.name)} (${h(t.year)})</option>`)
    .join('');
  const rOptions = runs
    .map(
      (r) => `<option value="${h(r.id)}"${run && r.id === run.id ? ' selected' : ''}>#${h(r.id)} · ${h(r.method)} · seed ${h(r.seed)} · ${h(r.entry)}</option>`,
    )
    .join('');
  return `<div class="filters">
    <label>Tournament <select id="tournament-select">${tOptions}</select></label>
    <label>Optimisation run <select id="run-select"${runs.length ? '' : ' disabled'}>${rOptions || '<option>none yet</option>'}</select></label>
  </div>`;
}

function header(t) {
  const c = t.calcutta ?? {};
  const rules = [
    c.name ? h(c.name) : '',
    c.budgetPerEntry !== undefined ? `budget ${h(money(c.budgetPerEntry))} per entry` : '',
    c.minBid !== undefined ? `min bid ${h(money(c.minBid))}` : '',
  ].filter(Boolean);
  return `<h1 id="tournament-name">${h(t.name)}</h1>
    <p class="muted">${h(t.year)} · ${h(t.teams)} teams · ${h(t.entries)} entries · pool ${h(money(t.pool))} · market ${h(t.marketMethod)} ·
      ${h(Number(t.simulations).toLocaleString('en-US'))} simulations${rules.length ? ` · ${rules.join(' · ')}` : ''}</p>`;
}

function runSummary(run) {
  const cards = [
    ['Method', h(run.method)],
    ['Objective', h(num(run.objective))],
    ['Expected payout', h(money(run.expectedPayout))],
    ['Spend', `${h(money(run.spend))} <span class="muted">/ ${h(money(run.budget))}</span>`],
    ['Simulations', h(Number(run.simulations).toLocaleString('en-US'))],
  ];
  return `<p class="muted" id="run-summary">Run #${h(run.id)} for <strong>${h(run.entry)}</strong> · seed ${h(run.seed)} · updated ${h(time(run.updatedAt))}</p>
    <div class="cards">${cards.map(([label, value]) => `<div class="card"><div class="label">${h(label)}</div><div class="value">${value}</div></div>`).join('')}</div>`;
}

function rankingsTable({ items, truncated }) {
  if (!items.length) return empty('no-rankings', 'This run has no entry performance yet.');
  const rows = items
    .map(
      (e, i) => `<tr data-entry="${h(e.entry)}"${e.ours ? ' class="ours selected" data-ours="true"' : ''}>
        <td class="num">${i + 1}</td><td>${h(e.entry)}${e.ours ? ' <span class="status running">ours</span>' : ''}</td>
        <td class="num" data-mnp="${h(e.meanNormalisedPayout)}">${h(num(e.meanNormalisedPayout))}</td>
        <td class="num">${h(pct(e.pFirst))}</td><td class="num">${h(pct(e.meanPercentile))}</td>
        <td class="num">${h(money(e.meanPayout))}</td><td class="num">${h(money(e.spend))}</td></tr>`,
    )
    .join('');
  return `<table id="rankings"><thead><tr><th class="num">#</th><th>Entry</th><th class="num">Mean normalised payout</th>
      <th class="num">P(first)</th><th class="num">Mean percentile</th><th class="num">Mean payout</th><th class="num">Spend</th></tr></thead>
    <tbody>${rows}</tbody></table>${truncated ? `<p class="muted">First ${items.length} entries.</p>` : ''}`;
}

function reportTable(report) {
  if (!report.items.length) return empty('no-report', 'This run recommends no bids.');
  const rows = report.items
    .map(
      (r) => `<tr data-team="${h(r.teamKey)}"><td>${h(r.name)} <span class="muted">${h(r.region)}</span></td><td class="num">${h(r.seed)}</td>
        <td class="num">${h(money(r.bid))}</td><td class="num">${h(pct(r.ownership))}</td><td class="num">${h(num(r.expectedPoints, 2))}</td>
        <td class="num">${h(money(r.expectedPayout))}</td><td class="num ${r.roi >= 0 ? 'ok' : 'error'}">${h(signedPct(r.roi))}</td></tr>`,
    )
    .join('');
  const t = report.totals;
  return `<table id="report"><thead><tr><th>Team</th><th class="num">Seed</th><th class="num">Bid</th><th class="num">Ownership</th>
      <th class="num">Expected points</th><th class="num">Expected payout</th><th class="num">ROI</th></tr></thead>
    <tbody>${rows}</tbody>
    <tfoot><tr id="report-totals"><th>Total (${h(t.teams)} teams)</th><th></th><th class="num" data-total="bid">${h(money(t.bid))}</th><th></th>
      <th class="num">${h(num(t.expectedPoints, 2))}</th><th class="num" data-total="payout">${h(money(t.expectedPayout))}</th>
      <th class="num" data-total="roi">${h(signedPct(t.roi))}</th></tr></tfoot></table>`;
}

function teamsTable(teams) {
  if (!teams.items.length) return empty('no-teams', 'No teams for this tournament yet.');
  const head = teams.rounds.map((r) => `<th class="num" scope="col">${h(r)}</th>`).join('');
  const rows = teams.items
    .map((t) => {
      const cells = t.pAdvance
        .map(
          (p) => `<td data-bg="rgba(21, 101, 192, ${(0.04 + Number(p) * 0.9).toFixed(3)})" data-fg="${p > 0.55 ? '#fff' : 'var(--fg)'}">${h(pct(p, 0))}</td>`,
        )
        .join('');
      return `<tr data-team="${h(t.teamKey)}"><td class="num">${h(t.seed)}</td><td>${h(t.name)}</td><td class="muted">${h(t.region)}</td>${cells}
        <td class="num">${h(num(t.expectedWins, 2))}</td><td class="num">${h(pct(t.valueShare, 2))}</td><td class="num">${h(pct(t.predictedShare, 2))}</td></tr>`;
    })
    .join('');
  return `<div class="scroll"><table class="heat" id="teams"><thead><tr><th class="num">Seed</th><th>Team</th><th>Region</th>${head}
      <th class="num">E[wins]</th><th class="num">Value</th><th class="num">Predicted</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

export async function tournamentView(main, key, runId) {
  const tournaments = (await get('/v1/tournaments?limit=200')).items;
  if (!tournaments.length) {
    main.innerHTML = `<h1>Tournament</h1>${empty('no-tournaments', 'No tournaments in gold yet. Run the tournament pipeline, then come back.')}`;
    return;
  }
  const chosen = key === undefined ? tournaments[0] : tournaments.find((t) => t.key === key);
  if (!chosen) throw new Error(`no tournament ${key}`);
  const [tournament, runs, teams] = await Promise.all([
    get(`/v1/tournaments/${enc(chosen.key)}`),
    get(`/v1/tournaments/${enc(chosen.key)}/optimisation-runs?limit=200`).then((p) => p.items),
    get(`/v1/tournaments/${enc(chosen.key)}/teams?sort=seed`),
  ]);
  const run = runId === undefined ? runs[0] : runs.find((r) => r.id === runId);
  if (runId !== undefined && !run) throw new Error(`no optimisation run ${runId} for ${chosen.key}`);
  let body;
  if (!run) {
    body = empty('no-runs', 'No optimisation runs for this tournament yet.');
  } else {
    const [detail, rankings, report] = await Promise.all([
      get(`/v1/optimisation-runs/${run.id}`),
      allRankings(run.id),
      get(`/v1/optimisation-runs/${run.id}/investment-report`),
    ]);
    body = `${runSummary(detail)}
      <h2>Rankings</h2>${rankingsTable(rankings)}
      <h2>Investment report</h2>${reportTable(report)}`;
  }
  main.innerHTML = `${pickers(tournaments, chosen, runs, run)}${header(tournament)}${body}
    <h2>Round-reaching probabilities</h2>${teamsTable(teams)}`;
  main.querySelector('#tournament-select').addEventListener('change', (e) => {
    location.hash = `#/tournament/${enc(e.target.value)}`;
  });
  main.querySelector('#run-select').addEventListener('change', (e) => {
    location.hash = `#/tournament/${enc(chosen.key)}/${enc(e.target.value)}`;
  });
}
