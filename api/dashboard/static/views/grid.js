// The partition grid, as Airflow draws it: one column per partition (its run on top), one row per
// step; each cell is a link to its run and step. Drawn as one string of HTML in one go, so a year
// of partitions × a dozen steps renders in a single layout.
import { get, h } from '../api.js';

const day = (d) => d.toISOString().slice(0, 10);

function cell(partition, run, step, c) {
  const state = c?.status ?? 'none';
  const title = `${partition} · ${step} · ${c ? `${c.status}${c.attempts > 1 ? ` after ${c.attempts} attempts` : ''}${c.reusedFrom ? ` (reused from run ${c.reusedFrom})` : ''}` : 'not run'}`;
  return run && c
    ? `<a class="cell ${h(state)}" href="#/runs/${run.id}?step=${encodeURIComponent(step)}" title="${h(title)}" data-step="${h(step)}" data-status="${h(state)}"></a>`
    : `<span class="cell none" title="${h(title)}"></span>`;
}

export async function gridView(main, pipeline, query) {
  const params = new URLSearchParams(query ?? '');
  const to = params.get('to') ?? day(new Date(Date.now() - 86_400_000));
  const from = params.get('from') ?? day(new Date(Date.parse(to) - 29 * 86_400_000));
  const q = new URLSearchParams({ from, to });
  const started = performance.now();
  const grid = await get(`/v1/pipelines/${encodeURIComponent(pipeline)}/partitions?${q}`);
  const columns = grid.partitions.length;
  const counts = {};
  for (const p of grid.partitions) counts[p.run?.status ?? 'no run'] = (counts[p.run?.status ?? 'no run'] ?? 0) + 1;
  const runs = grid.partitions
    .map((p) =>
      p.run
        ? `<a class="cell run ${h(p.run.status)}" href="#/runs/${p.run.id}" title="${h(`${p.partition} · run ${p.run.id} · ${p.run.status}`)}" data-partition="${h(p.partition)}"></a>`
        : `<span class="cell none" title="${h(`${p.partition} · no run`)}" data-partition="${h(p.partition)}"></span>`,
    )
    .join('');
  const rows = grid.steps
    .map((step, i) => `<div class="label">${h(step)}</div>${grid.partitions.map((p) => cell(p.partition, p.run, step, p.cells[i])).join('')}`)
    .join('');
  main.innerHTML = `
    <p><a href="#/runs">← pipelines</a></p>
    <h1>${h(pipeline)} · partitions</h1>
    <form class="filters" id="range">
      <label>from <input type="date" name="from" value="${h(from)}" /></label>
      <label>to <input type="date" name="to" value="${h(to)}" /></label>
      <button type="submit">Show</button>
      <span class="muted">${columns} partitions: ${Object.entries(counts)
        .map(([s, n]) => `${n} ${h(s)}`)
        .join(', ')}</span>
    </form>
    <div class="grid-scroll"><div class="grid" id="grid">
      <div class="label muted">run</div>${runs}${rows}
    </div></div>
    <p class="legend">${[...['succeeded', 'failed', 'skipped', 'reused', 'running', 'cancelled'].map((s) => [s, s]), ['none', 'not run']]
      .map(([s, label]) => `<span class="key"><span class="cell ${s}"></span>${label}</span>`)
      .join('')}</p>
    <p class="muted" id="grid-timing"></p>`;
  // Set through the CSSOM: the dashboard's CSP allows no inline style attribute.
  main.querySelector('#grid').style.gridTemplateColumns = `10rem repeat(${columns}, var(--cell))`;
  // The newest partitions are what an operator looks at first: a wide grid opens scrolled to its end.
  const scroller = main.querySelector('.grid-scroll');
  scroller.scrollLeft = scroller.scrollWidth;
  main.querySelector('#grid-timing').textContent = `${columns} × ${grid.steps.length} cells fetched and drawn in ${Math.round(performance.now() - started)} ms`;
  main.querySelector('#range').addEventListener('submit', (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    location.hash = `#/grid/${encodeURIComponent(pipeline)}?from=${f.get('from')}&to=${f.get('to')}`;
  });
}
