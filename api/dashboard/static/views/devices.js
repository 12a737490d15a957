// Devices: every device seen in gold, then for one device its daily activity over a date range
// (an inline SVG bar chart stacked by exercise) and its recent sessions with the model's prediction.
import { duration, get, h, time } from '../api.js';

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

export function activityChart(days, from, to) {
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
    ].join('\n');
    return `<g class="day" data-day="${h(d.day)}" data-minutes="${total}"><title>${h(tip)}</title>
      <rect x="${x.toFixed(1)}" y="${T}" width="${bw.toFixed(1)}" height="${H - T - B}" fill="transparent"/>${rects.join('')}</g>`;
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

async function deviceDetail(section, device) {
  const id = encodeURIComponent(device.deviceId);
  const to = device.lastDay ?? iso(Date.now());
  const from = iso(Math.max(ms(device.firstDay ?? to), ms(to) - 29 * DAY_MS));
  section.innerHTML = `
    <h2>${h(device.deviceId)}</h2>
    <div class="filters"><label>From <input type="date" id="f-from" value="${h(from)}"></label>
      <label>To <input type="date" id="f-to" value="${h(to)}"></label><span class="error" id="range-error"></span></div>
    <div id="activity"></div>
    <h2>Recent sessions</h2>
    <table id="sessions"><thead><tr><th>Session</th><th>Started</th><th class="num">Took</th><th class="num">Windows</th><th>Predicted</th><th class="num">Confidence</th><th>Label</th><th>Agrees</th></tr></thead><tbody></tbody></table>
    <p><button id="more-sessions" type="button" hidden>More sessions</button></p>`;
  const fromInput = section.querySelector('#f-from');
  const toInput = section.querySelector('#f-to');
  const chart = section.querySelector('#activity');
  const rangeError = section.querySelector('#range-error');
  async function loadActivity() {
    rangeError.textContent = '';
    try {
      const { days } = await get(`/v1/devices/${id}/activity?${new URLSearchParams({ from: fromInput.value, to: toInput.value })}`);
      chart.innerHTML = activityChart(days, fromInput.value, toInput.value);
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
  await Promise.all([loadActivity(), loadSessions()]);
}

export async function devicesView(main, deviceId) {
  const devices = (await get('/v1/devices?limit=200')).items;
  if (!devices.length) {
    main.innerHTML = `<h1>Devices</h1>${empty('no-devices', 'No device activity in gold yet.')}`;
    return;
  }
  main.innerHTML = `<h1>Devices</h1>${devicesTable(devices, deviceId)}<section id="device"></section>`;
  const section = main.querySelector('#device');
  if (!deviceId) {
    section.innerHTML = '<p class="muted">Choose a device to see its daily activity and sessions.</p>';
    return;
  }
  const device = devices.find((d) => d.deviceId === deviceId) ?? { deviceId, firstDay: null, lastDay: null };
  await deviceDetail(section, device);
}
