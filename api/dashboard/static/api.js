// The dashboard's only door to data: the public API, with the reader key kept in this browser.
const KEY = 'refinery.apiKey';

export class Unauthorized extends Error {}

export function apiKey() {
  return localStorage.getItem(KEY);
}

export function setApiKey(key) {
  localStorage.setItem(KEY, key);
}

export function forgetApiKey() {
  localStorage.removeItem(KEY);
}

/** GET a JSON resource; throws Unauthorized on 401/403 and Error with the API's message otherwise. */
export async function get(path) {
  const res = await fetch(path, { headers: { authorization: `Bearer ${apiKey() ?? ''}` } });
  if (res.status === 401 || res.status === 403) throw new Unauthorized((await res.json().catch(() => ({}))).error?.message ?? 'not allowed');
  if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error?.message ?? `HTTP ${res.status}`);
  return res.json();
}

/**
 * Applies the colours and widths views give as data-bg, data-fg and data-width. The dashboard's
 * Content-Security-Policy refuses style attributes in markup; styles set through the CSSOM are allowed.
 */
export function paint(root) {
  for (const el of root.querySelectorAll('[data-bg]')) el.style.background = el.dataset.bg;
  for (const el of root.querySelectorAll('[data-fg]')) el.style.color = el.dataset.fg;
  for (const el of root.querySelectorAll('[data-width]')) el.style.width = el.dataset.width;
}

/** Escapes text for HTML. */
export function h(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

export function duration(ms) {
  if (ms === null || ms === undefined) return '';
  return ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function status(s) {
  return `<span class="status ${h(s)}" data-status="${h(s)}">${h(s)}</span>`;
}

export function time(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

/**
 * "As of …" for a gold answer, from its `freshness`: when its newest partition was written, by
 * which run (or how many: at least those of the partitions it names), whether checks passed, and a stale badge with the reason for each stale
 * partition (the first three).
 */
export function freshnessNote(f) {
  if (!f || !f.partitions.length) return '';
  const runs = new Set(f.partitions.map((p) => p.runId).filter((id) => id !== null));
  const only = f.partitions.length === 1 ? f.partitions[0] : null;
  const from = only
    ? only.runId === null
      ? 'no run on record'
      : `<a href="#/runs/${h(only.runId)}">run ${h(only.runId)}</a> (${h(only.trigger)})`
    : runs.size === 0
      ? `${f.partitions.length + f.omitted} partitions, no run on record`
      : `${f.partitions.length + f.omitted} partitions from ${runs.size}${f.omitted ? ' or more' : ''} run${runs.size === 1 && !f.omitted ? '' : 's'}`;
  const stale = f.partitions.filter((p) => p.stale);
  const badges = stale
    .slice(0, 3)
    .map(
      (p) =>
        `<span class="stale-item" data-stale-partition="${h(p.partition)}"><span class="badge stale" title="${h(p.staleReason)}">stale</span> ${only ? '' : `${h(p.partition)}: `}${h(p.staleReason)}</span>`,
    )
    .join('');
  const more = stale.length > 3 ? ` <span class="muted">and ${stale.length - 3} more stale</span>` : '';
  return `<p class="freshness" data-freshness data-stale="${f.stale}">As of <time datetime="${h(f.asOf ?? '')}">${h(time(f.asOf) || 'unknown')}</time> · ${from} · ${
    f.checksPassed ? '<span class="ok">checks passed</span>' : '<span class="error">checks failed</span>'
  }${stale.length ? `<br>${badges}${more}` : ''}</p>`;
}
