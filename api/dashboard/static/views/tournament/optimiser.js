// Optimiser runs side by side: the newest runs of a tournament (one per strategy from the latest
// pipeline run, by default), each with its parameters, what it planned to reach, how our entry fared
// over the simulations, and the bids it recommends, team by team.
import { get } from '../../api.js';
import { empty, enc, h, header, loadRuns, money, tournamentFor, num, pct, pickers, tabs, teamLink, wirePickers } from './shared.js';

const SIDE_BY_SIDE = 6;

function params(r) {
  const p = r.strategyParams ?? {};
  if (r.strategy === 'mean-variance') return `risk ${p.risk}`;
  if (p.kind === 'finish') return `top ${p.place}${p.percentile ? ` (${p.percentile}%)` : ''}`;
  return p.method ?? r.method;
}

export async function optimiserView(main, key) {
  const loaded = await tournamentFor(main, key);
  if (!loaded) return;
  const { tournaments, tournament } = loaded;
  const k = tournament.key;
  // Oldest of them on the left: a pipeline run writes the payout strategy first.
  const runs = (await loadRuns(k)).slice(0, SIDE_BY_SIDE).reverse();
  if (!runs.length) {
    main.innerHTML = `${pickers(tournaments, tournament, null, null)}${header(tournament)}${tabs(k, 'optimiser')}${empty('no-runs', 'No optimisation runs for this tournament yet.')}`;
    wirePickers(main, (key) => `#/tournament/${enc(key)}/optimiser`);
    return;
  }
  const bids = await Promise.all(runs.map((r) => get(`/v1/optimisation-runs/${r.id}/bids`)));
  const metric = (label, f, attr = '') => `<tr${attr}><th scope="row">${h(label)}</th>${runs.map((r, i) => `<td class="num">${f(r, i)}</td>`).join('')}</tr>`;
  const best = (f) => {
    const values = runs.map((r) => f(r) ?? -Infinity);
    return Math.max(...values);
  };
  const mark = (f, digits, format) => (r) => {
    const v = f(r);
    return v === null || v === undefined
      ? '–'
      : `${v === best(f) && runs.length > 1 ? '<strong>' : ''}${h(format(v, digits))}${v === best(f) && runs.length > 1 ? '</strong>' : ''}`;
  };
  const head = runs
    .map((r) => `<th class="num" scope="col" data-run="${h(r.id)}"><a href="#/tournament/${enc(k)}/rankings/${r.id}">#${h(r.id)}</a><br>${h(r.strategy)}</th>`)
    .join('');
  const table = `<div class="scroll"><table id="compare"><thead><tr><th></th>${head}</tr></thead><tbody>
    ${metric('Parameters', (r) => h(params(r)))}
    ${metric('Scenarios planned on', (r) => h(r.strategyParams?.scenarios ?? '–'))}
    ${metric('Score it maximised', (r) => h(num(r.strategyScore)))}
    ${metric(
      'Expected normalised payout (model)',
      mark((r) => r.objective, 3, num),
    )}
    ${metric(
      'Mean normalised payout (simulations)',
      mark((r) => r.ours?.meanNormalisedPayout, 3, num),
      ' data-metric="mean"',
    )}
    ${metric(
      'P(first) (simulations)',
      mark((r) => r.ours?.pFirst, 1, pct),
      ' data-metric="p-first"',
    )}
    ${metric(
      'Mean percentile',
      mark((r) => r.ours?.meanPercentile, 1, pct),
    )}
    ${metric('Spend', (r) => h(money(r.spend)))}
    ${metric('Teams bid on', (_, i) => h(bids[i].items.length))}
  </tbody></table></div>`;
  const teams = new Map();
  bids.forEach((b, i) => b.items.forEach((x) => teams.set(x.teamKey, { ...x, amounts: { ...(teams.get(x.teamKey)?.amounts ?? {}), [i]: x.amount } })));
  const order = [...teams.values()].sort((a, b) => Object.keys(b.amounts).length - Object.keys(a.amounts).length || (a.seed ?? 99) - (b.seed ?? 99));
  const bidRows = order
    .map(
      (
        t,
      ) => `<tr data-team="${h(t.teamKey)}"><th scope="row">${teamLink(k, { teamKey: t.teamKey, name: t.name ?? t.teamKey })} <span class="muted">${h(t.region)} ${h(t.seed)}</span></th>
        ${runs.map((_, i) => `<td class="num">${t.amounts[i] === undefined ? '<span class="muted">–</span>' : h(money(t.amounts[i]))}</td>`).join('')}</tr>`,
    )
    .join('');
  main.innerHTML = `${pickers(tournaments, tournament, null, null)}${header(tournament)}${tabs(k, 'optimiser')}
    <p class="muted">The ${h(runs.length)} newest optimisation runs. <em>Model</em>: under the predicted market; <em>simulations</em>: our entry scored against every
      other entry in the pipeline's simulated tournaments, which the strategies did not plan with. Best of each row in bold.</p>
    ${table}
    <h2>Recommended bids</h2><div class="scroll"><table id="compare-bids"><thead><tr><th>Team</th>${head}</tr></thead><tbody>${bidRows}</tbody></table></div>`;
  wirePickers(main, (key) => `#/tournament/${enc(key)}/optimiser`);
}
