// Devices: every device seen in gold, then for one device its live predictions as they arrive (SSE),
// its daily activity over a date range (an inline SVG bar chart stacked by exercise) and its recent
// sessions with the model's prediction.
import { duration, freshnessNote, get, h, time } from '../api.js';
import { followEvents } from '../live.js';

const PALETTE = ['#1565c0', '#2e7d32', '#ef6c00', '#6a1b9a', '#00838f', '#c62828', '#827717', '#4e342e', '#ad1457', '#37474f'];
const OTHER = 'other';
const DAY_MS = 86_400_000;

const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
const ms = (day) => Date.parse(`${day}T00:00:00Z`);
const minutes = (v) => (v >= 100 ? Math.round(v).toString() : Number(v).toFixed(1));
const empty = (kind, text) => `<div class="empty" data-empty="${h(kind)}">${h(text)}</div>`;

function niceStep(max, ticks = 4) {
  const raw = max / ticks;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
}

/** Per-day segments: minutes by exercise, plus whatever active time no exercise accounts for. */
function segmentsOf(day) {
  const segs = Object.entries(day.minutesByExercise ?? {})
    .filter(([, v]) => Number(v) > 0)
    .map(([k, v]) => [k, Number(v)]);
  const rest = Number(day.activeMinutes ?? 0) - segs.reduce((a, [, v]) => a + v, 0);
  if (rest > 0.05) segs.push([OTHER, rest]);
  return segs.sort(([a], [b]) => a.localeCompare(b));
}

export function activityChart(days, from, to, stale = new Map()) {
  if (!days.length) return empty('no-activity', `No activity between ${from} and ${to}.`);
  const n = Math.round((ms(to) - ms(from)) / DAY_MS) + 1;
  const W = 960,
    H = 260,
    L = 48,
    R = 12,
    T = 14,
    B = 40;
  const slot = (W - L - R) / n;
  const bw = Math.max(1, slot * 0.75);
  const perDay = days.map((d) => ({
    d,
    segs: segmentsOf(d),
    total: Math.max(
      Number(d.activeMinutes) || 0,
      segmentsOf(d).reduce((a, [, v]) => a + v, 0),
    ),
  }));
  const exercises = [...new Set(perDay.flatMap((p) => p.segs.map(([k]) => k)))].sort((a, b) => (a === OTHER) - (b === OTHER) || a.localeCompare(b));
  const colour = new Map(exercises.map((e, i) => [e, e === OTHER ? '#bdbdbd' : PALETTE[i % PALETTE.length]]));
  const step = niceStep(Math.max(1, ...perDay.map((p) => p.total)));
  const top = step * Math.ceil(Math.max(1, ...perDay.map((p) => p.total)) / step);
  const y = (v) => T + (H - T - B) * (1 - v / top);
  const grid = [];
  for (let v = 0; v <= top + 1e-9; v += step) {
    grid.push(
      `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#e6e6e0"/><text x="${L - 6}" y="${y(v) + 4}" text-anchor="end" fill="#6b6b66">${h(minutes(v))}</text>`,
    );
  }
  const every = Math.ceil(n / 12);
  const xLabels = [];
  for (let i = 0; i < n; i += every) {
    const day = iso(ms(from) + i * DAY_MS);
    xLabels.push(`<text x="${L + i * slot + slot / 2}" y="${H - B + 16}" text-anchor="middle" fill="#6b6b66">${h(day.slice(5))}</text>`);
  }
  const bars = perDay.map(({ d, segs, total }) => {
    const x = L + ((ms(d.day) - ms(from)) / DAY_MS) * slot + (slot - bw) / 2;
    let acc = 0;
    const rects = segs.map(([ex, v]) => {
      const r = `<rect data-exercise="${h(ex)}" x="${x.toFixed(1)}" y="${y(acc + v).toFixed(1)}" width="${bw.toFixed(1)}" height="${(y(acc) - y(acc + v)).toFixed(1)}" fill="${colour.get(ex)}"/>`;
      acc += v;
      return r;
    });
    const tip = [
      `${d.day}: ${minutes(total)} active min, ${d.sessions} sessions, ${d.windows} windows`,
      ...segs.map(([ex, v]) => `${ex}: ${minutes(v)} min`),
      ...(stale.has(d.day) ? [`STALE: ${stale.get(d.day)}`] : []),
    ].join('\n');
    return `<g class="day${stale.has(d.day) ? ' stale' : ''}" data-day="${h(d.day)}" data-minutes="${total}"${stale.has(d.day) ? ' data-stale="true"' : ''}><title>${h(tip)}</title>
      <rect x="${x.toFixed(1)}" y="${T}" width="${bw.toFixed(1)}" height="${H - T - B}" fill="transparent"/>${rects.join('')}${
        stale.has(d.day)
          ? `<text class="stale-mark" x="${(x + bw / 2).toFixed(1)}" y="${Math.max(T + 10, y(total) - 4).toFixed(1)}" text-anchor="middle" fill="#b34700" font-size="11" font-weight="600">STALE</text>`
          : ''
      }</g>`;
  });
  const legend = exercises.map((e) => `<span class="key" data-legend="${h(e)}"><i data-bg="${colour.get(e)}"></i>${h(e)}</span>`).join('');
  return `<div class="graph"><svg id="activity-chart" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="daily active minutes from ${h(from)} to ${h(to)}">
      ${grid.join('')}
      <line x1="${L}" x2="${W - R}" y1="${y(0)}" y2="${y(0)}" stroke="#999"/>
      ${xLabels.join('')}
      <text x="14" y="${(H - B) / 2}" transform="rotate(-90 14 ${(H - B) / 2})" text-anchor="middle" fill="#6b6b66">active minutes</text>
      <text x="${(W + L) / 2}" y="${H - 4}" text-anchor="middle" fill="#6b6b66">day (UTC)</text>
      ${bars.join('')}
    </svg></div><div class="legend">${legend}</div>`;
}

function devicesTable(devices, chosen) {
  return `<table id="devices"><thead><tr><th>Device</th><th>First day</th><th>Last day</th><th class="num">Days</th><th class="num">Readings</th><th class="num">Sessions</th><th class="num">Active min</th></tr></thead>
    <tbody>${devices
      .map(
        (
          d,
        ) => `<tr data-device="${h(d.deviceId)}"${d.deviceId === chosen ? ' class="selected"' : ''}><td><a href="#/devices/${h(encodeURIComponent(d.deviceId))}">${h(d.deviceId)}</a></td>
          <td>${h(d.firstDay)}</td><td>${h(d.lastDay)}</td><td class="num">${h(d.days)}</td><td class="num">${h(d.readings)}</td><td class="num">${h(d.sessions)}</td><td class="num">${h(minutes(d.activeMinutes))}</td></tr>`,
      )
      .join('')}</tbody></table>`;
}

function sessionRows(items) {
  return items
    .map(
      (
        s,
      ) => `<tr data-session="${h(s.sessionId)}"><td>${h(s.sessionId)}</td><td>${time(s.startedAt)}</td><td class="num">${duration(Math.round(s.durationS * 1000))}</td>
        <td class="num">${h(s.windows)}</td><td data-predicted>${h(s.predictedExercise)}</td><td class="num" data-confidence>${(s.confidence * 100).toFixed(1)}%</td>
        <td>${h(s.label ?? '')}</td><td>${s.agrees === null ? '' : s.agrees ? '<span class="ok">✓</span>' : '<span class="error">✗</span>'}</td></tr>`,
    )
    .join('');
}

const LIVE_ROWS = 20;
/** The stream of the device on screen; aborted when another page (or device) is shown. */
let liveStream = null;
window.addEventListener('hashchange', () => liveStream?.abort());

function liveNow(p) {
  const top = Object.entries(p.probabilities)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3);
  const bars = top
    .map(
      ([k, v]) =>
        `<li data-class="${h(k)}"><span class="name">${h(k)}</span><span class="track"><span class="bar" data-width="${(v * 100).toFixed(1)}%"></span></span><span class="num">${(v * 100).toFixed(0)}%</span></li>`,
    )
    .join('');
  return `<div class="live-card" data-event-id="${h(p.eventId)}"><div class="label">Now, window ${h(p.windowIndex)} ending ${h(time(p.endTs))}</div>
      <div class="value" data-now>${h(p.predicted)}</div><ul class="live-bars">${bars}</ul>
      <div class="muted">${h(p.model)} v${h(p.version)}${p.sessionId ? ` · session ${h(p.sessionId)}` : ''}</div></div>`;
}

function liveRow(p) {
  return `<tr data-event-id="${h(p.eventId)}"><td>${h(time(p.endTs))}</td><td>${h(p.sessionId ?? '')}</td><td class="num">${h(p.windowIndex)}</td>
    <td data-predicted>${h(p.predicted)}</td><td class="num">${(p.probability * 100).toFixed(0)}%</td><td>v${h(p.version)}</td></tr>`;
}

async function liveSection(section, deviceId) {
  liveStream?.abort();
  const controller = new AbortController();
  liveStream = controller;
  const id = encodeURIComponent(deviceId);
  const now = section.querySelector('#live-now');
  const body = section.querySelector('#live-predictions tbody');
  const status = section.querySelector('#live-status');
  const show = (p) => {
    now.innerHTML = liveNow(p);
    body.insertAdjacentHTML('afterbegin', liveRow(p));
    while (body.rows.length > LIVE_ROWS) body.deleteRow(-1);
    section.querySelector('#live-predictions').hidden = false;
  };
  const recent = await get(`/v1/devices/${id}/predictions?limit=${LIVE_ROWS}`);
  for (const p of recent.items) show(p);
  if (!recent.items.length)
    now.innerHTML = `<div class="empty" data-empty="no-live">Waiting for ${h(deviceId)} to post: each window of 4 s is classified as it completes.</div>`;
  const labels = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', refused: 'not allowed' };
  followEvents(`/v1/devices/${id}/live`, {
    lastEventId: recent.lastEventId,
    signal: controller.signal,
    onEvent: (name, p) => name === 'prediction' && show(p),
    onStatus: (state, message) => {
      status.dataset.status = state;
      status.textContent = message ? `${labels[state]}: ${message}` : labels[state];
    },
  });
}

async function deviceDetail(section, device) {
  const id = encodeURIComponent(device.deviceId);
  const to = device.lastDay ?? iso(Date.now());
  const from = iso(Math.max(ms(device.firstDay ?? to), ms(to) - 29 * DAY_MS));
  section.innerHTML = `
    <h2 class="device-name">${h(device.deviceId)}</h2>
    <section class="live">
      <h3>Live <span class="live-status" id="live-status" data-status="connecting">connecting…</span></h3>
      <div id="live-now"></div>
      <table id="live-predictions" hidden><thead><tr><th>Window end</th><th>Session</th><th class="num">Window</th><th>Predicted</th><th class="num">Confidence</th><th>Model</th></tr></thead><tbody></tbody></table>
    </section>
    <h3>Daily activity</h3>
    <div class="filters"><label>From <input type="date" id="f-from" value="${h(from)}"></label>
      <label>To <input type="date" id="f-to" value="${h(to)}"></label><span class="error" id="range-error"></span></div>
    <div id="activity"></div>
    <h3>Recent sessions</h3>
    <table id="sessions"><thead><tr><th>Session</th><th>Started</th><th class="num">Took</th><th class="num">Windows</th><th>Predicted</th><th class="num">Confidence</th><th>Label</th><th>Agrees</th></tr></thead><tbody></tbody></table>
    <p><button id="more-sessions" type="button" hidden>More sessions</button></p>`;
  const fromInput = section.querySelector('#f-from');
  const toInput = section.querySelector('#f-to');
  const chart = section.querySelector('#activity');
  const rangeError = section.querySelector('#range-error');
  async function loadActivity() {
    rangeError.textContent = '';
    try {
      const { days, freshness } = await get(`/v1/devices/${id}/activity?${new URLSearchParams({ from: fromInput.value, to: toInput.value })}`);
      const stale = new Map(freshness.partitions.filter((p) => p.stale).map((p) => [p.partition, p.staleReason]));
      chart.innerHTML = freshnessNote(freshness) + activityChart(days, fromInput.value, toInput.value, stale);
    } catch (e) {
      rangeError.textContent = e.message;
    }
  }
  fromInput.addEventListener('change', loadActivity);
  toInput.addEventListener('change', loadActivity);

  const body = section.querySelector('#sessions tbody');
  const more = section.querySelector('#more-sessions');
  let cursor = null;
  async function loadSessions() {
    const q = new URLSearchParams({ limit: '20' });
    if (cursor) q.set('cursor', cursor);
    const page = await get(`/v1/devices/${id}/sessions?${q}`);
    body.insertAdjacentHTML('beforeend', sessionRows(page.items) || (cursor ? '' : '<tr><td colspan="8" class="muted">No sessions.</td></tr>'));
    cursor = page.nextCursor;
    more.hidden = !cursor;
  }
  more.addEventListener('click', () => loadSessions());
  await Promise.all([liveSection(section, device.deviceId), loadActivity(), loadSessions()]);
}

export async function devicesView(main, deviceId) {
  const { items: devices, freshness } = await get('/v1/devices?limit=200');
  // A device posting today is not in gold until tonight's run; its own page still shows it live.
  if (!devices.length && !deviceId) {
    main.innerHTML = `<h1>Devices</h1>${empty('no-devices', 'No device activity in gold yet.')}`;
    return;
  }
  const list = devices.length ? devicesTable(devices, deviceId) : empty('no-devices', 'No device activity in gold yet.');
  main.innerHTML = `<h1>Devices</h1>${freshnessNote(freshness)}${list}<section id="device"></section>`;
  const section = main.querySelector('#device');
  if (!deviceId) {
    section.innerHTML = '<p class="muted">Choose a device to see its live predictions, daily activity and sessions.</p>';
    return;
  }
  const device = devices.find((d) => d.deviceId === deviceId) ?? { deviceId, firstDay: null, lastDay: null };
  await deviceDetail(section, device);
}
