// Rankings: the entries of an optimisation run by mean normalised payout, with the API's rank (tied
// entries share the better rank) and ours highlighted; each entry links to its portfolio. Below, our
// investment report with its totals.
import { get } from '../../api.js';
import {
  chooseRun,
  empty,
  enc,
  entryLink,
  h,
  header,
  loadRankings,
  loadRuns,
  money,
  tournamentFor,
  num,
  pct,
  pickers,
  signedPct,
  tabs,
  time,
  wirePickers,
  card,
} from './shared.js';

function rankingsTable(key, runId, { items, truncated }) {
  if (!items.length) return empty('no-rankings', 'This run has no entry performance yet.');
  const rows = items
    .map(
      (e) => `<tr data-entry="${h(e.entry)}"${e.ours ? ' class="ours selected" data-ours="true"' : ''}>
        <td class="num" data-rank="${h(e.rank)}">${h(e.rank)}</td><td>${entryLink(key, e.entry, runId)}${e.ours ? ' <span class="status running">ours</span>' : ''}</td>
        <td class="num" data-mnp="${h(e.meanNormalisedPayout)}">${h(num(e.meanNormalisedPayout))}</td>
        <td class="num">${h(pct(e.pFirst))}</td><td class="num">${h(pct(e.meanPercentile))}</td>
        <td class="num">${h(money(e.meanPayout))}</td><td class="num">${h(money(e.spend))}</td></tr>`,
    )
    .join('');
  return `<div class="scroll"><table id="rankings"><thead><tr><th class="num" title="Tied entries share the better rank">Rank</th><th>Entry</th>
      <th class="num">Mean normalised payout</th><th class="num">P(first)</th><th class="num">Mean percentile</th><th class="num">Mean payout</th><th class="num">Spend</th></tr></thead>
    <tbody>${rows}</tbody></table></div>${truncated ? `<p class="muted">First ${items.length} entries.</p>` : ''}`;
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
  return `<div class="scroll"><table id="report"><thead><tr><th>Team</th><th class="num">Seed</th><th class="num">Bid</th><th class="num">Ownership</th>
      <th class="num">Expected points</th><th class="num">Expected payout</th><th class="num">ROI</th></tr></thead>
    <tbody>${rows}</tbody>
    <tfoot><tr id="report-totals"><th>Total (${h(t.teams)} teams)</th><th></th><th class="num" data-total="bid">${h(money(t.bid))}</th><th></th>
      <th class="num">${h(num(t.expectedPoints, 2))}</th><th class="num" data-total="payout">${h(money(t.expectedPayout))}</th>
      <th class="num" data-total="roi">${h(signedPct(t.roi))}</th></tr></tfoot></table></div>`;
}

export async function rankingsView(main, key, runId) {
  const loaded = await tournamentFor(main, key);
  if (!loaded) return;
  const { tournaments, tournament } = loaded;
  const k = tournament.key;
  const runs = await loadRuns(k);
  const run = await chooseRun(k, runs, runId);
  let body;
  if (!run) body = empty('no-runs', 'No optimisation runs for this tournament yet.');
  else {
    const [detail, rankings, report] = await Promise.all([
      get(`/v1/optimisation-runs/${run.id}`),
      loadRankings(run.id),
      get(`/v1/optimisation-runs/${run.id}/investment-report`),
    ]);
    const cards = [
      card('Strategy', h(detail.strategy)),
      card('Method', h(detail.method)),
      card('Objective', h(num(detail.objective))),
      card('Expected payout', h(money(detail.expectedPayout))),
      card('Spend', `${h(money(detail.spend))} <span class="muted">/ ${h(money(detail.budget))}</span>`),
      card('Simulations', h(Number(detail.simulations).toLocaleString('en-US'))),
    ];
    body = `<p class="muted" id="run-summary">Run #${h(detail.id)} for <strong>${h(detail.entry)}</strong> · seed ${h(detail.seed)} · updated ${h(time(detail.updatedAt))}</p>
      <div class="cards">${cards.join('')}</div>
      <h2>Rankings</h2>${rankingsTable(k, run.id, rankings)}
      <h2>Investment report</h2>${reportTable(report)}`;
  }
  main.innerHTML = `${pickers(tournaments, tournament, runs, run)}${header(tournament)}${tabs(k, 'rankings')}${body}`;
  wirePickers(main, (key, id) => `#/tournament/${enc(key)}/rankings${id ? `/${id}` : ''}`);
}
