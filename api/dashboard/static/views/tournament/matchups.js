// Matchups: any two teams — who wins if they meet, in which round they would, and how likely that
// meeting is — and every team's chances of reaching each round, as a shaded table.
import { get } from '../../api.js';
import { card, empty, enc, h, header, tournamentFor, num, pct, pickers, tabs, teamLink, wirePickers } from './shared.js';

function heatTable(key, teams) {
  if (!teams.items.length) return empty('no-teams', 'No teams for this tournament yet.');
  const head = teams.rounds.map((r) => `<th class="num" scope="col">${h(r)}</th>`).join('');
  // Colours as data attributes: the dashboard's CSP refuses style attributes (app.js paints them).
  const shade = (p) => `data-bg="rgba(21, 101, 192, ${(0.04 + Number(p) * 0.9).toFixed(3)})" data-fg="${p > 0.55 ? '#fff' : 'var(--fg)'}"`;
  const rows = teams.items
    .map((t) => {
      const cells = t.pAdvance.map((p) => `<td ${shade(p)}>${h(pct(p, 0))}</td>`).join('');
      return `<tr data-team="${h(t.teamKey)}"><td class="num">${h(t.seed)}</td><td>${teamLink(key, t)}${t.playIn ? ` <span class="muted" title="First Four: P(reaching the round of 64)">FF ${h(pct(t.pRoundOf64, 0))}</span>` : ''}</td>
        <td class="muted">${h(t.region)}</td>${cells}<td class="num">${h(num(t.expectedWins, 2))}</td><td class="num">${h(pct(t.valueShare, 2))}</td></tr>`;
    })
    .join('');
  return `<div class="scroll"><table class="heat" id="teams"><thead><tr><th class="num">Seed</th><th>Team</th><th>Region</th>${head}
      <th class="num">E[wins]</th><th class="num">Value</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

export async function matchupsView(main, key, a, b) {
  const loaded = await tournamentFor(main, key);
  if (!loaded) return;
  const { tournaments, tournament } = loaded;
  const k = tournament.key;
  const teams = await get(`/v1/tournaments/${enc(k)}/teams?sort=seed`);
  const first = a ?? teams.items[0]?.teamKey;
  const second = b ?? teams.items.find((t) => t.teamKey !== first)?.teamKey;
  const byRegion = [...teams.items].sort((x, y) => x.region.localeCompare(y.region) || x.seed - y.seed || x.name.localeCompare(y.name));
  const options = (chosen) =>
    byRegion
      .map((t) => `<option value="${h(t.teamKey)}"${t.teamKey === chosen ? ' selected' : ''}>${h(t.region)} ${h(t.seed)} · ${h(t.name)}</option>`)
      .join('');
  let result = empty('no-pair', 'Pick two different teams.');
  if (first && second && first !== second) {
    // A tournament published before matchups were: say so here and still show the table below.
    const m = await get(`/v1/tournaments/${enc(k)}/matchups/${enc(first)}/${enc(second)}`).catch((e) => ({ error: e.message }));
    if (m.error) result = `<p class="error" data-error>${h(m.error)}</p>`;
    else
      result = `<div class="cards" id="matchup">${[
        card(`${m.a.name} wins`, h(pct(m.pAWins)), ' data-card="p-a"'),
        card(`${m.b.name} wins`, h(pct(m.pBWins)), ' data-card="p-b"'),
        card('They would meet in', h(m.roundName), ' data-card="round"'),
        card('P(they meet)', h(pct(m.pMeet, 2)), ' data-card="p-meet"'),
      ].join('')}</div><p class="muted">${teamLink(k, m.a)} · ${teamLink(k, m.b)}: see each team's most likely path.</p>`;
  }
  main.innerHTML = `${pickers(tournaments, tournament, null, null)}${header(tournament)}${tabs(k, 'matchups')}
    <div class="filters"><label>Team A <select id="team-a">${options(first)}</select></label><label>Team B <select id="team-b">${options(second)}</select></label></div>
    ${result}
    <h2>Round-reaching probabilities</h2>${heatTable(k, teams)}`;
  wirePickers(main, (key) => `#/tournament/${enc(key)}/matchups`);
  const go = () => {
    location.hash = `#/tournament/${enc(k)}/matchups/${enc(main.querySelector('#team-a').value)}/${enc(main.querySelector('#team-b').value)}`;
  };
  main.querySelector('#team-a').addEventListener('change', go);
  main.querySelector('#team-b').addEventListener('change', go);
}
