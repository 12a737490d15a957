// One run: its steps as a graph (columns by dependency depth, coloured by status), then each
// step's attempts, timings, rows, lineage and checks, a link to the run in the Temporal UI, and the
// logs of the chosen step (every attempt, with its error, stack and causes). A wide graph shrinks
// to fit the page down to 85% of its size (text stays legible); wider still, it scrolls sideways.
import { duration, get, h, status, time } from '../api.js';

const colours = { succeeded: '#2e7d32', failed: '#c62828', skipped: '#9e9e9e', running: '#1565c0', cancelled: '#8d6e63', reused: '#00838f' };

function stepGraph(steps) {
  const byId = new Map(steps.map((s) => [s.stepId, s]));
  const depth = new Map();
  const depthOf = (id) => {
    if (depth.has(id)) return depth.get(id);
    const deps = byId.get(id)?.dependsOn ?? [];
    const d = deps.length ? 1 + Math.max(...deps.map(depthOf)) : 0;
    depth.set(id, d);
    return d;
  };
  steps.forEach((s) => depthOf(s.stepId));
  const columns = [];
  for (const s of steps) (columns[depth.get(s.stepId)] ??= []).push(s);
  const W = 200,
    H = 56,
    GX = 60,
    GY = 24;
  const pos = new Map();
  columns.forEach((col, x) => col.forEach((s, y) => pos.set(s.stepId, { x: 20 + x * (W + GX), y: 20 + y * (H + GY) })));
  const width = 40 + columns.length * (W + GX) - GX;
  const height = 40 + Math.max(...columns.map((c) => c.length)) * (H + GY) - GY;
  const edges = steps.flatMap((s) =>
    (s.dependsOn ?? [])
      .filter((d) => pos.has(d))
      .map((d) => {
        const a = pos.get(d),
          b = pos.get(s.stepId);
        return `<path d="M${a.x + W},${a.y + H / 2} C${a.x + W + GX / 2},${a.y + H / 2} ${b.x - GX / 2},${b.y + H / 2} ${b.x},${b.y + H / 2}" fill="none" stroke="#999" marker-end="url(#arrow)"/>`;
      }),
  );
  const nodes = steps.map((s) => {
    const p = pos.get(s.stepId);
    return `<g data-step="${h(s.stepId)}" data-status="${h(s.status)}">
      <rect x="${p.x}" y="${p.y}" width="${W}" height="${H}" rx="6" fill="#fff" stroke="${colours[s.status] ?? '#999'}" stroke-width="2"/>
      <rect x="${p.x}" y="${p.y}" width="6" height="${H}" rx="3" fill="${colours[s.status] ?? '#999'}"/>
      <text x="${p.x + 14}" y="${p.y + 20}" font-weight="600">${h(s.stepId)}</text>
      <text x="${p.x + 14}" y="${p.y + 38}" fill="#6b6b66">${h(s.layer ?? '')} · ${h(s.status)}${s.durationMs !== null ? ` · ${duration(s.durationMs)}` : ''}</text>
    </g>`;
  });
  return `<svg class="steps" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" data-columns="${columns.length}" role="img" aria-label="step graph">
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#999"/></marker></defs>
    ${edges.join('')}${nodes.join('')}</svg>`;
}

function checks(s) {
  return s.checks
    .map(
      (c) =>
        `<div class="check ${c.passed ? 'passed' : c.severity}" title="${h(c.detail)}">${c.passed ? '✓' : c.severity === 'warn' ? '!' : '✗'} ${h(c.name)}: ${h(c.detail)}</div>`,
    )
    .join('');
}

function fields(f) {
  if (!f) return '';
  return Object.entries(f)
    .filter(([k]) => !['stack', 'causes', 'type'].includes(k))
    .map(([k, v]) => `${h(k)}=${h(typeof v === 'string' ? v : JSON.stringify(v))}`)
    .join(' ');
}

async function showLogs(panel, runId, step) {
  panel.innerHTML = `<h2>Logs · ${h(step)}</h2><p class="muted">Loading…</p>`;
  const logs = await get(`/v1/runs/${runId}/steps/${encodeURIComponent(step)}/logs`);
  const attempts = logs.attempts
    .map(
      (a) => `<section class="attempt" data-attempt="${a.attempt}">
        <h3>attempt ${a.attempt} ${status(a.status)}</h3>
        ${a.dropped ? `<p class="muted">… ${a.dropped} earlier lines dropped (an attempt keeps its last 2,000 lines or 1 MiB)</p>` : ''}
        <pre class="log">${a.lines.map((l) => `<span class="${h(l.level)}">${h(l.at.slice(11, 23))} ${h(l.level.toUpperCase().padEnd(5))} ${h(l.message)}${l.fields ? `  <span class="muted">${fields(l.fields)}</span>` : ''}</span>`).join('\n') || '<span class="muted">no lines</span>'}</pre>
        ${a.error ? `<pre class="log error-detail">${h(`${a.error.type}: ${a.error.message}\n${(a.error.stack ?? '').split('\n').slice(1).join('\n')}`)}${a.error.causes.map((c) => h(`\nCaused by ${c.type}: ${c.message}`)).join('')}</pre>` : ''}
      </section>`,
    )
    .join('');
  panel.innerHTML = `<h2>Logs · ${h(step)}</h2>${attempts || '<p class="muted">This step has no attempts on record.</p>'}`;
}

export async function runView(main, id, step) {
  const run = await get(`/v1/runs/${id}`);
  main.innerHTML = `
    <p><a href="#/runs">← all runs</a> · <a href="#/grid/${encodeURIComponent(run.pipeline)}">${h(run.pipeline)} grid</a></p>
    <h1>${h(run.pipeline)} · ${h(run.partition)} ${status(run.status)}</h1>
    <p class="muted">run ${run.id} · ${h(run.trigger)} · started ${time(run.startedAt)} · took ${duration(run.durationMs)} ·
      ${run.temporalUrl ? `<a id="temporal-link" href="${h(run.temporalUrl)}" target="_blank" rel="noopener">open in Temporal</a>` : `Temporal ${h(run.workflowId)}`}
      ${run.selection ? ` · partial run ${h(JSON.stringify(run.selection))}` : ''}</p>
    ${run.reason ? `<p data-reason>Why: ${h(run.reason)}</p>` : ''}
    ${run.error ? `<p class="error">${h(run.error)}</p>` : ''}
    <div class="graph" id="step-graph">${stepGraph(run.steps)}</div>
    <p class="muted graph-hint" id="graph-hint">The graph is wider than the page: scroll it sideways to see every step.</p>
    <h2>Steps</h2>
    <table id="steps"><thead><tr><th>Step</th><th>Layer</th><th>Status</th><th class="num">Attempts</th><th class="num">Took</th><th class="num">Rows read</th><th class="num">Rows written</th><th>Lineage</th><th>Checks</th><th>Error</th></tr></thead>
    <tbody>${run.steps
      .map(
        (
          s,
        ) => `<tr data-step="${h(s.stepId)}"><td><a href="#/runs/${run.id}?step=${encodeURIComponent(s.stepId)}">${h(s.stepId)}</a></td><td>${h(s.layer ?? '')}</td><td>${status(s.status)}${s.reusedFrom ? ` <a class="muted" href="#/runs/${s.reusedFrom}">from run ${s.reusedFrom}</a>` : ''}</td><td class="num">${s.attempts}</td><td class="num">${duration(s.durationMs)}</td>
        <td class="num">${s.rowsRead ?? ''}</td><td class="num">${s.rowsWritten ?? ''}</td>
        <td>${s.lineage.map((l) => `${l.direction === 'read' ? '←' : '→'} ${h(l.table)}${l.partition ? `[${h(l.partition)}]` : ''}`).join('<br>')}</td>
        <td>${checks(s)}</td>
        <td class="error">${h(s.error ?? '')}</td></tr>`,
      )
      .join('')}</tbody></table>
    <div id="logs"></div>`;
  fitGraph(main.querySelector('#step-graph'));
  const chosen = step ?? run.steps.find((s) => s.status === 'failed')?.stepId;
  if (chosen) {
    main.querySelector(`tr[data-step="${CSS.escape(chosen)}"]`)?.classList.add('chosen');
    await showLogs(main.querySelector('#logs'), run.id, chosen);
  }
}

/** Shrinks the graph to the page (not below 85%, where its text stays legible); past that it scrolls, and the hint under it shows. */
function fitGraph(box) {
  const svg = box.querySelector('svg');
  const natural = Number(svg.getAttribute('width'));
  svg.style.width = '100%';
  svg.style.height = 'auto';
  svg.style.maxWidth = `${natural}px`;
  svg.style.minWidth = `${Math.round(natural * 0.85)}px`;
  const mark = () => box.classList.toggle('scrolls', box.scrollWidth > box.clientWidth + 1);
  mark();
  new ResizeObserver(mark).observe(box);
}
