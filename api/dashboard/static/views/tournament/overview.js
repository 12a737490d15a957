// Overview: the tournament at a glance — its field, pool and simulations, our entry in the latest
// optimisation run, the teams worth most, and the First Four pairs with their chances of getting in.
import { get } from '../../api.js';
import { bars, card, chooseRun, empty, enc, h, header, loadRuns, money, tournamentFor, num, pct, pickers, tabs, teamLink, wirePickers } from './shared.js';

export async function overviewView(main, key) {
  const loaded = await tournamentFor(main, key);
  if (!loaded) return;
  const { tournaments, tournament } = loaded;
  const k = tournament.key;
  const [runs, teams] = await Promise.all([loadRuns(k), get(`/v1/tournaments/${enc(k)}/teams?sort=value`)]);
  const run = await chooseRun(k, runs, undefined);
  const playIns = teams.items.filter((t) => t.playIn).sort((a, b) => a.region.localeCompare(b.region) || a.seed - b.seed || b.pRoundOf64 - a.pRoundOf64);
  const top = teams.items.slice(0, 8);
  const ours = run?.ours;
  const oursCards = run
    ? `<h2>Our entry in the latest run</h2>
      <p class="muted" id="latest-run">Run #${h(run.id)} · strategy <strong>${h(run.strategy)}</strong> · ${h(run.entry)} · spend ${h(money(run.spend))} of ${h(money(run.budget))}</p>
      <div class="cards" id="ours-cards">${[
        card('Mean normalised payout', ours ? h(num(ours.meanNormalisedPayout)) : '–'),
        card('P(first)', ours ? h(pct(ours.pFirst)) : '–', ' data-card="p-first"'),
        card('Mean rank', ours ? h(num(ours.meanRank, 1)) : '–'),
        card('Expected payout (model)', h(money(run.expectedPayout))),
      ].join('')}</div>
      <p><a href="#/tournament/${enc(k)}/rankings/${run.id}">Rankings</a> · <a href="#/tournament/${enc(k)}/entries/${enc(run.entry)}/${run.id}">Our portfolio</a> ·
        <a href="#/tournament/${enc(k)}/optimiser">Compare the ${h(runs.length)} runs</a></p>`
    : empty('no-runs', 'No optimisation runs for this tournament yet.');
  const maxValue = Math.max(...top.map((t) => t.valueShare), 1e-9);
  const firstFour = playIns.length
    ? `<h2>First Four</h2><p class="muted">Play-in pairs share a slot; the winner goes on to the round of 64.</p>
       ${bars(
         'first-four',
         playIns.map((t) => [`${teamLink(k, t)} <span class="muted">${h(t.region)} ${h(t.seed)}</span>`, t.pRoundOf64, pct(t.pRoundOf64)]),
         (i) => ` data-team="${h(playIns[i].teamKey)}"`,
       )}`
    : '';
  main.innerHTML = `${pickers(tournaments, tournament, null, null)}${header(tournament)}${tabs(k, 'overview')}
    <div class="cards" id="overview-cards">${[
      card('Teams', `${h(tournament.teams)}${playIns.length ? ` <span class="muted">(${playIns.length} in the First Four)</span>` : ''}`),
      card('Entries', h(tournament.entries)),
      card('Pool', h(money(tournament.pool))),
      card('Simulations', h(Number(tournament.simulations).toLocaleString('en-US'))),
      card('Optimisation runs', h(runs.length)),
    ].join('')}</div>
    ${oursCards}
    <h2>Most valuable teams</h2><p class="muted">Expected share of the pool each team pays out.</p>
    ${bars(
      'top-teams',
      top.map((t) => [`${teamLink(k, t)} <span class="muted">${h(t.region)} ${h(t.seed)}</span>`, t.valueShare / maxValue, pct(t.valueShare, 2)]),
      (i) => ` data-team="${h(top[i].teamKey)}"`,
    )}
    ${firstFour}`;
  wirePickers(main, (key) => `#/tournament/${enc(key)}`);
}
