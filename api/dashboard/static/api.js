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
