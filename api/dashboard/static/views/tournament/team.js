// Team detail: a team's chances of reaching each round (its First Four game first, if it plays one),
// its value against what the auction paid, the distribution of its games won (exact and simulated),
// who owns it in the latest optimisation run, and its most likely path through the bracket.
import { get } from '../../api.js';
import { bars, card, empty, enc, entryLink, h, header, money, tournamentFor, num, pct, pickers, signedPct, tabs, teamLink, wirePickers } from './shared.js';

function winsTable(wins) {
  const rows = wins.exact
    .map((e, k) => [k, e, wins.simulated[k] ?? 0])
    .filter(([, e, s]) => e > 0 || s > 0)
    .map(([k, e, s]) => `<tr data-wins="${k}"><td class="num">${k}</td><td class="num">${h(pct(e, 2))}</td><td class="num">${h(pct(s, 2))}</td></tr>`)
    .join('');
  return `<div class="scroll"><table id="wins"><thead><tr><th class="num">Games won</th><th class="num">Exact</th>
    <th class="num">Simulated (${h(Number(wins.simulations).toLocaleString('en-US'))})</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function ownersTable(key, owners) {
  if (!owners) return empty('no-owners', 'No optimisation run yet, so no owners.');
  if (!owners.items.length) return empty('no-owners', 'Nobody bid on this team.');
  const rows = owners.items
    .map(
      (
        o,
      ) => `<tr data-owner="${h(o.entry)}"${o.ours ? ' class="ours selected"' : ''}><td>${entryLink(key, o.entry, owners.optimisationRunId)}${o.ours ? ' <span class="status running">ours</span>' : ''}</td>
        <td class="num">${h(money(o.bid))}</td><td class="num">${h(pct(o.ownership))}</td><td class="num">${h(money(o.expectedPayout))}</td><td class="num ${o.roi >= 0 ? 'ok' : 'error'}">${h(signedPct(o.roi))}</td></tr>`,
    )
    .join('');
  return `<div class="scroll"><table id="owners"><thead><tr><th>Entry</th><th class="num">Bid</th><th class="num">Owns</th><th class="num">Expected payout</th>
    <th class="num">ROI</th></tr></thead><tbody>${rows}</tbody></table></div><p class="muted">In optimisation run #${h(owners.optimisationRunId)}.</p>`;
}

function pathTable(key, path) {
  const rows = path.steps
    .map(
      (
        s,
      ) => `<tr data-round="${h(s.round)}"><td>${h(s.roundName)}</td><td>${teamLink(key, s.opponent)} <span class="muted">${h(s.opponent.region)} ${h(s.opponent.seed)}</span></td>
        <td class="num">${h(pct(s.pReach))}</td><td class="num">${h(pct(s.pOpponentThere))}</td><td class="num">${h(pct(s.pWinIfMet))}</td><td class="num">${h(pct(s.pWin))}</td></tr>`,
    )
    .join('');
  return `<div class="scroll"><table id="path"><thead><tr><th>Round</th><th>Likeliest opponent</th><th class="num">P(playing it)</th><th class="num">P(that opponent)</th>
    <th class="num">P(beating it)</th><th class="num">P(winning the round)</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

export async function teamView(main, key, team) {
  const loaded = await tournamentFor(main, key);
  if (!loaded) return;
  const { tournaments, tournament } = loaded;
  const k = tournament.key;
  const teams = (await get(`/v1/tournaments/${enc(k)}/teams?sort=seed`)).items;
  const chosen = team ?? teams[0]?.teamKey;
  if (!chosen) {
    main.innerHTML = `${header(tournament)}${tabs(k, 'teams')}${empty('no-teams', 'No teams for this tournament yet.')}`;
    return;
  }
  const [t, path] = await Promise.all([get(`/v1/tournaments/${enc(k)}/teams/${enc(chosen)}`), get(`/v1/tournaments/${enc(k)}/teams/${enc(chosen)}/path`)]);
  const byRegion = [...teams].sort((a, b) => a.region.localeCompare(b.region) || a.seed - b.seed || a.name.localeCompare(b.name));
  const options = byRegion
    .map((x) => `<option value="${h(x.teamKey)}"${x.teamKey === chosen ? ' selected' : ''}>${h(x.region)} ${h(x.seed)} · ${h(x.name)}</option>`)
    .join('');
  const rounds = [...(t.playIn ? [['round of 64', t.pRoundOf64]] : []), ...t.rounds.map((r, i) => [r, t.pAdvance[i]])];
  main.innerHTML = `${pickers(tournaments, tournament, null, null)}${header(tournament)}${tabs(k, 'teams')}
    <div class="filters"><label>Team <select id="team-select">${options}</select></label></div>
    <h2 id="team-name">${h(t.name)}${t.playIn ? ' <span class="status pending">First Four</span>' : ''}</h2>
    <p class="muted">${h(t.region)} · seed ${h(t.seed)} · rating ${h(num(t.rating, 1))}</p>
    <div class="cards" id="team-cards">${[
      card('Value (share of pool)', h(pct(t.valueShare, 2))),
      card('Expected payout', h(money(t.expectedPayout))),
      card('Predicted price', h(money(t.predictedPrice))),
      card('Actual bids', h(money(t.actualBids))),
      card('Expected wins', h(num(t.expectedWins, 2))),
    ].join('')}</div>
    <div class="columns">
      <section><h2>Reaching each round</h2>${bars(
        'rounds',
        rounds.map(([r, p]) => [h(r), p, pct(p)]),
      )}</section>
      <section><h2>Games won</h2>${winsTable(t.wins)}</section>
    </div>
    <h2>Owners</h2>${ownersTable(k, t.owners)}
    <h2>Most likely path</h2>${pathTable(k, path)}`;
  wirePickers(main, (key) => `#/tournament/${enc(key)}/teams`);
  main.querySelector('#team-select').addEventListener('change', (e) => {
    location.hash = `#/tournament/${enc(k)}/teams/${enc(e.target.value)}`;
  });
}
