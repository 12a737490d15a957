// A model from the registry: its production version and the training run behind it — headline
// metrics, the confusion matrix as a heat-map, per-class metrics and the top feature importances.
import { get, h, status, time } from '../api.js';

// Headline metrics, each under the names a training run may record it as.
const HEADLINE = [
  ['Accuracy', ['accuracy', 'test_accuracy']],
  ['Macro precision', ['macro_precision', 'precision_macro']],
  ['Macro recall', ['macro_recall', 'recall_macro']],
  ['Macro F1', ['macro_f1', 'f1_macro']],
  ['OOB score', ['oob_score', 'oob_accuracy', 'oob']],
];
const PER_CLASS_ORDER = ['precision', 'recall', 'f1', 'support'];
const TOP_FEATURES = 20;

const fmt = (v) => (v === null || v === undefined ? '–' : Number.isInteger(v) ? String(v) : Number(v).toFixed(3));
const empty = (kind, text) => `<div class="empty" data-empty="${h(kind)}">${text}</div>`;

function headline(metrics) {
  const overall = new Map(metrics.filter((m) => m.label === null && m.step === null).map((m) => [m.name, m.value]));
  return `<div class="cards" id="headline">${HEADLINE.map(([title, names]) => {
    const name = names.find((n) => overall.has(n));
    return `<div class="card" data-metric="${h(name ?? names[0])}"><div class="label">${h(title)}</div>
      <div class="value">${name === undefined ? '<span class="muted">–</span>' : h(fmt(overall.get(name)))}</div></div>`;
  }).join('')}</div>`;
}

/** Rows are true classes, columns predictions; each cell is shaded by its share of the row. */
function confusion(cm) {
  if (!cm || !cm.labels?.length) return empty('no-confusion', 'This training run recorded no confusion matrix.');
  const labels = cm.labels;
  const rows = labels.map((_, i) => cm.matrix[i] ?? []);
  const head = labels.map((l) => `<th class="num" scope="col" data-col="${h(l)}">${h(l)}</th>`).join('');
  const body = rows
    .map((row, i) => {
      const total = row.reduce((a, b) => a + (Number(b) || 0), 0);
      const cells = labels
        .map((pred, j) => {
          const n = Number(row[j] ?? 0);
          const share = total ? n / total : 0;
          const bg = `rgba(21, 101, 192, ${(0.06 + share * 0.94).toFixed(3)})`;
          const fg = share > 0.55 ? '#fff' : 'var(--fg)';
          const tip = `true ${labels[i]}, predicted ${pred}: ${n} (${(share * 100).toFixed(1)}% of ${labels[i]})`;
          return `<td data-true="${h(labels[i])}" data-pred="${h(pred)}" data-share="${share.toFixed(4)}" title="${h(tip)}" data-bg="${bg}" data-fg="${fg}"${i === j ? ' class="diag"' : ''}>${n}</td>`;
        })
        .join('');
      return `<tr><th scope="row" data-row="${h(labels[i])}">${h(labels[i])}</th>${cells}<td class="num muted">${total}</td></tr>`;
    })
    .join('');
  return `<div class="scroll"><table class="heat" id="confusion">
    <thead><tr><th class="corner">true ↓ / predicted →</th>${head}<th class="num muted">total</th></tr></thead>
    <tbody>${body}</tbody></table></div>`;
}

function perClass(metrics) {
  const rows = new Map();
  const names = new Set();
  for (const m of metrics) {
    if (m.label === null || m.step !== null) continue;
    if (!rows.has(m.label)) rows.set(m.label, new Map());
    rows.get(m.label).set(m.name, m.value);
    names.add(m.name);
  }
  if (!rows.size) return empty('no-per-class', 'This training run recorded no per-class metrics.');
  const cols = [...PER_CLASS_ORDER.filter((n) => names.has(n)), ...[...names].filter((n) => !PER_CLASS_ORDER.includes(n)).sort()];
  return `<table id="per-class"><thead><tr><th>Class</th>${cols.map((c) => `<th class="num">${h(c)}</th>`).join('')}</tr></thead>
    <tbody>${[...rows]
      .map(
        ([label, vals]) => `<tr data-class="${h(label)}"><td>${h(label)}</td>${cols.map((c) => `<td class="num">${h(fmt(vals.get(c)))}</td>`).join('')}</tr>`,
      )
      .join('')}</tbody></table>`;
}

function importance(features) {
  if (!features?.length) return empty('no-importance', 'This training run recorded no feature importance.');
  const top = [...features].sort((a, b) => b.importance - a.importance).slice(0, TOP_FEATURES);
  const max = Math.max(...top.map((f) => f.importance), Number.EPSILON);
  return `<ol class="bars" id="importance">${top
    .map((f) => {
      const pct = Math.max(0, (f.importance / max) * 100).toFixed(1);
      return `<li data-feature="${h(f.feature)}" title="${h(`${f.feature}: ${f.importance}`)}"><span class="bar-label">${h(f.feature)}</span>
        <span class="bar-track"><span class="bar" data-width="${pct}%"></span></span><span class="num">${h(fmt(f.importance))}</span></li>`;
    })
    .join('')}</ol>${features.length > TOP_FEATURES ? `<p class="muted">Top ${TOP_FEATURES} of ${features.length} features.</p>` : ''}`;
}

function versionsTable(versions) {
  if (!versions.length) return '<p class="muted">No versions yet.</p>';
  return `<table id="versions"><thead><tr><th class="num">Version</th><th>Status</th><th class="num">Training run</th><th class="num">Features</th><th>Created</th><th>Promoted</th></tr></thead>
    <tbody>${versions
      .map(
        (v) => `<tr data-version="${v.version}"><td class="num">${v.version}</td><td>${status(v.status)}</td><td class="num">${v.trainingRunId ?? ''}</td>
          <td class="num">${v.features}</td><td>${time(v.createdAt)}</td><td>${time(v.promotedAt)}</td></tr>`,
      )
      .join('')}</tbody></table>`;
}

export async function modelView(main, name) {
  const models = (await get('/v1/models')).items;
  if (!models.length) {
    main.innerHTML = `<h1>Model</h1>${empty('no-models', 'No models are registered yet. Train one with a pipeline, then come back.')}`;
    return;
  }
  const model = models.find((m) => m.name === name) ?? (name ? undefined : (models.find((m) => m.production) ?? models[0]));
  if (!model) throw new Error(`no model ${name}`);
  const versions = (await get(`/v1/models/${encodeURIComponent(model.name)}/versions`)).items;
  const prod = model.production;
  const picker = `<div class="filters"><label>Model <select id="model-select">${models
    .map((m) => `<option value="${h(m.name)}"${m.name === model.name ? ' selected' : ''}>${h(m.name)}${m.production ? '' : ' (no production)'}</option>`)
    .join('')}</select></label></div>`;
  const header = `<h1>${h(model.name)}</h1>
    <p class="muted">${h(model.task)} · ${h(model.algorithm)} · ${model.versions} version${model.versions === 1 ? '' : 's'}${model.description ? ` · ${h(model.description)}` : ''}</p>`;
  let body;
  if (!prod) {
    body = empty(
      'no-production',
      `<strong>No production model yet.</strong> ${versions.length ? `${versions.length} version${versions.length === 1 ? ' is' : 's are'} registered, none promoted.` : 'No version has been trained.'}`,
    );
  } else if (prod.trainingRunId === null) {
    body = `<p>Production: version ${prod.version}, promoted ${time(prod.promotedAt)}.</p>${empty('no-training-run', 'The production version has no training run recorded.')}`;
  } else {
    const run = await get(`/v1/training-runs/${prod.trainingRunId}`);
    const ds = run.dataset;
    body = `
      <p id="production">Production: <strong>version ${prod.version}</strong> ${status(prod.status)} · promoted ${time(prod.promotedAt)} ·
        training run ${run.id} ${status(run.status)}${run.partition ? ` · partition ${h(run.partition)}` : ''}
        ${ds ? ` · dataset ${h(ds.name)} (${ds.rows} rows, ${ds.features} features)` : ''}</p>
      ${headline(run.metrics)}
      <h2>Confusion matrix</h2>${confusion(run.confusionMatrix)}
      <h2>Per-class metrics</h2>${perClass(run.metrics)}
      <h2>Feature importance</h2>${importance(run.featureImportance)}`;
  }
  main.innerHTML = `${picker}${header}${body}<h2>Versions</h2>${versionsTable(versions)}`;
  main.querySelector('#model-select').addEventListener('change', (e) => {
    location.hash = `#/models/${encodeURIComponent(e.target.value)}`;
  });
}
