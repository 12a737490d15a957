// Pipelines and their runs: the last run and schedule of each pipeline, then every run, newest
// first, filtered by pipeline and status, a page at a time.
import { duration, get, h, status, time } from '../api.js';

export async function runsView(main) {
  const params = new URLSearchParams(location.search);
  const pipelines = (await get('/v1/pipelines')).items;
  main.innerHTML = `
    <h1>Pipelines</h1>
    <div class="cards">${pipelines
      .map(
        (p) => `<div class="card" data-pipeline="${h(p.name)}">
          <div class="label">${h(p.name)} · ${p.steps.length} steps</div>
          <div class="value">${p.lastRun ? status(p.lastRun.status) : '<span class="muted">never run</span>'}</div>
          <div class="muted">${p.lastRun ? `${h(p.lastRun.partition)} · ${time(p.lastRun.startedAt)}` : ''}</div>
          <div class="muted">${p.schedule ? `${h(p.schedule.spec)} ${h(p.schedule.timezone)}${p.schedule.paused ? ' · paused' : ''}` : 'not scheduled'}</div>
          ${p.deadline ? `<div class="muted">due ${h(p.deadline)}${p.freshness ? ` · fresh within ${h(p.freshness.maxAge)}` : ''}</div>` : ''}
          ${p.alerts.map((a) => `<div class="error alert" data-alert="${h(a.id)}">⚠ ${h(a.detail)}</div>`).join('')}
          <div><a href="#/grid/${encodeURIComponent(p.name)}">partition grid →</a></div>
        </div>`,
      )
      .join('')}</div>
    <h2>Runs</h2>
    <div class="filters">
      <select id="f-pipeline"><option value="">all pipelines</option>${pipelines.map((p) => `<option>${h(p.name)}</option>`).join('')}</select>
      <select id="f-status"><option value="">any status</option>${['running', 'succeeded', 'failed', 'cancelled'].map((s) => `<option>${s}</option>`).join('')}</select>
    </div>
    <table id="runs"><thead><tr><th>Run</th><th>Pipeline</th><th>Partition</th><th>Status</th><th>Trigger</th><th>Started</th><th class="num">Took</th><th>Error</th></tr></thead><tbody></tbody></table>
    <p><button id="more" type="button" hidden>More runs</button></p>`;
  const body = main.querySelector('#runs tbody');
  const more = main.querySelector('#more');
  const pipeline = main.querySelector('#f-pipeline');
  const state = main.querySelector('#f-status');
  pipeline.value = params.get('pipeline') ?? '';
  state.value = params.get('status') ?? '';
  let cursor = null;

  async function load(reset) {
    if (reset) {
      body.innerHTML = '';
      cursor = null;
    }
    const q = new URLSearchParams({ limit: '25' });
    if (pipeline.value) q.set('pipeline', pipeline.value);
    if (state.value) q.set('status', state.value);
    if (cursor) q.set('cursor', cursor);
    const page = await get(`/v1/runs?${q}`);
    body.insertAdjacentHTML(
      'beforeend',
      page.items
        .map(
          (r) => `<tr data-run="${r.id}">
            <td><a href="#/runs/${r.id}">${r.id}</a></td><td>${h(r.pipeline)}</td><td>${h(r.partition)}</td><td>${status(r.status)}</td>
            <td>${h(r.trigger)}</td><td>${time(r.startedAt)}</td><td class="num">${duration(r.durationMs)}</td><td class="error">${h(r.error ?? '')}</td>
          </tr>`,
        )
        .join('') || (reset ? '<tr><td colspan="8" class="muted">No runs.</td></tr>' : ''),
    );
    cursor = page.nextCursor;
    more.hidden = !cursor;
  }
  pipeline.addEventListener('change', () => load(true));
  state.addEventListener('change', () => load(true));
  more.addEventListener('click', () => load(false));
  await load(true);
}
