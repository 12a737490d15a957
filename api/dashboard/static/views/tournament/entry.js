// An entry's portfolio — any entry, not only ours — in an optimisation run: its teams, bids,
// ownership, expected points and payout with totals; and from the simulations, how its payout and
// its rank were distributed (the simulation explorer).
import { get } from '../../api.js';
import {
  bars,
  card,
  chooseRun,
  empty,
  enc,
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
  teamLink,
  wirePickers,
} from './shared.js';

function portfolioTable(key, p) {
  if (!p.items.length) return empty('no-portfolio', 'This entry holds no teams.');
  const rows = p.items
    .map(
      (
        r,
      ) => `<tr data-team="${h(r.teamKey)}"><td>${teamLink(key, r)}${r.playIn ? ' <span class="status pending">First Four</span>' : ''} <span class="muted">${h(r.region)}</span></td>
        <td class="num">${h(r.seed)}</td><td class="num">${h(money(r.bid))}</td><td class="num">${h(money(r.totalBids))}</td><td class="num">${h(pct(r.ownership))}</td>
        <td class="num">${h(num(r.expectedWins, 2))}</td><td class="num">${h(money(r.expectedPayout))}</td><td class="num ${r.roi >= 0 ? 'ok' : 'error'}">${h(signedPct(r.roi))}</td></tr>`,
    )
    .join('');
  const t = p.totals;
  return `<div class="scroll"><table id="portfolio"><thead><tr><th>Team</th><th class="num">Seed</th><th class="num">Bid</th><th class="num">All bids</th><th class="num">Owns</th>
      <th class="num">E[wins]</th><th class="num">Expected payout</th><th class="num">ROI</th></tr></thead><tbody>${rows}</tbody>
    <tfoot><tr id="portfolio-totals"><th>Total (${h(t.teams)} teams)</th><th></th><th class="num" data-total="bid">${h(money(t.bid))}</th><th></th><th></th><th></th>
      <th class="num" data-total="payout">${h(money(t.expectedPayout))}</th><th class="num" data-total="roi">${h(signedPct(t.roi))}</th></tr></tfoot></table></div>`;
}

export async function entryView(main, key, entry, runId) {
  const loaded = await tournamentFor(main, key);
  if (!loaded) return;
  const { tournaments, tournament } = loaded;
  const k = tournament.key;
  const runs = await loadRuns(k);
  const run = await chooseRun(k, runs, runId);
  if (!run) {
    main.innerHTML = `${pickers(tournaments, tournament, runs, run)}${header(tournament)}${tabs(k, 'entries')}${empty('no-runs', 'No optimisation runs for this tournament yet.')}`;
    wirePickers(main, (key) => `#/tournament/${enc(key)}/entries`);
    return;
  }
  const rankings = await loadRankings(run.id);
  const name = entry ?? run.entry;
  const base = `/v1/optimisation-runs/${run.id}/entries/${enc(name)}`;
  const [detail, portfolio, payouts] = await Promise.all([get(base), get(`${base}/portfolio`), get(`${base}/payouts?buckets=12`)]);
  const options = rankings.items
    .map((e) => `<option value="${h(e.entry)}"${e.entry === name ? ' selected' : ''}>${h(e.rank)}. ${h(e.entry)}${e.ours ? ' (ours)' : ''}</option>`)
    .join('');
  const most = Math.max(...payouts.buckets.map((b) => b.count), 1);
  const ranks = detail.distribution?.rankHistogram ?? [];
  const mostRank = Math.max(...ranks.map((r) => r.count), 1);
  main.innerHTML = `${pickers(tournaments, tournament, runs, run)}${header(tournament)}${tabs(k, 'entries')}
    <div class="filters"><label>Entry <select id="entry-select">${options}</select></label></div>
    <h2 id="entry-name">${h(name)}${portfolio.ours ? ' <span class="status running">ours</span>' : ''}</h2>
    <div class="cards" id="entry-cards">${[
      card('Rank', h(detail.rank), ' data-card="rank"'),
      card('Mean normalised payout', h(num(detail.meanNormalisedPayout))),
      card('P(first)', h(pct(detail.pFirst)), ' data-card="p-first"'),
      card('Mean payout', h(money(detail.meanPayout))),
      card('Spend', h(money(detail.spend))),
    ].join('')}</div>
    <h2>Portfolio</h2>${portfolioTable(k, portfolio)}
    <div class="columns">
      <section><h2>Payout over ${h(Number(payouts.simulations).toLocaleString('en-US'))} simulations</h2>
        <p class="muted">Nothing paid in ${h(pct(payouts.pZero))} of them.</p>
        ${bars(
          'payout-histogram',
          payouts.buckets.map((b) => [`${h(money(b.from))} – ${h(money(b.to))}`, b.count / most, pct(b.share)]),
        )}</section>
      <section><h2>Rank</h2>${
        ranks.length
          ? bars(
              'rank-histogram',
              ranks.map((r) => [`rank ${h(r.rank)}`, r.count / mostRank, pct(r.share)]),
            )
          : empty('no-ranks', 'No simulated outcomes stored.')
      }</section>
    </div>`;
  wirePickers(main, (key, id) => (id ? `#/tournament/${enc(key)}/entries/${enc(name)}/${id}` : `#/tournament/${enc(key)}/entries`));
  main.querySelector('#entry-select').addEventListener('change', (e) => {
    location.hash = `#/tournament/${enc(k)}/entries/${enc(e.target.value)}/${run.id}`;
  });
}
