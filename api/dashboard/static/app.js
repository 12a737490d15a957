// The dashboard shell: asks for a reader key, routes #/views, and shows errors in place.
import { apiKey, forgetApiKey, get, paint, setApiKey, Unauthorized, h } from './api.js';
import { runsView } from './views/runs.js';
import { runView } from './views/run.js';
import { gridView } from './views/grid.js';
import { modelView } from './views/model.js';
import { devicesView } from './views/devices.js';
import { overviewView } from './views/tournament/overview.js';
import { rankingsView } from './views/tournament/rankings.js';
import { entryView } from './views/tournament/entry.js';
import { teamView } from './views/tournament/team.js';
import { matchupsView } from './views/tournament/matchups.js';
import { optimiserView } from './views/tournament/optimiser.js';

const dec = (s) => (s === undefined ? undefined : decodeURIComponent(s));
const int = (s) => (s === undefined ? undefined : Number(s));

const main = document.getElementById('view');
const dialog = document.getElementById('key-dialog');
// Whatever a view renders gets its colours and widths applied (see paint): one place, no view forgets.
new MutationObserver(() => paint(main)).observe(main, { childList: true, subtree: true });

const routes = [
  [/^#\/runs\/(\d+)(?:\?step=([a-z0-9_-]+))?$/, (m) => runView(main, Number(m[1]), m[2])],
  [/^#\/grid\/([^/?]+)(?:\?(.*))?$/, (m) => gridView(main, decodeURIComponent(m[1]), m[2])],
  [/^#\/runs$/, () => runsView(main)],
  [/^#\/models(?:\/([^/]+))?$/, (m) => modelView(main, m[1] ? decodeURIComponent(m[1]) : undefined)],
  [/^#\/sensor$/, () => modelView(main)],
  [/^#\/devices(?:\/([^/]+))?$/, (m) => devicesView(main, m[1] ? decodeURIComponent(m[1]) : undefined)],
  // The tournament's six views: overview, rankings, an entry's portfolio, a team, matchups, optimiser runs side by side.
  [/^#\/tournament(?:\/([^/]+))?$/, (m) => overviewView(main, dec(m[1]))],
  [/^#\/tournament\/([^/]+)\/(?:rankings\/)?(\d+)$|^#\/tournament\/([^/]+)\/rankings$/, (m) => rankingsView(main, dec(m[1] ?? m[3]), int(m[2]))],
  [/^#\/tournament\/([^/]+)\/entries(?:\/([^/]+)(?:\/(\d+))?)?$/, (m) => entryView(main, dec(m[1]), dec(m[2]), int(m[3]))],
  [/^#\/tournament\/([^/]+)\/teams(?:\/([^/]+))?$/, (m) => teamView(main, dec(m[1]), dec(m[2]))],
  [/^#\/tournament\/([^/]+)\/matchups(?:\/([^/]+)\/([^/]+))?$/, (m) => matchupsView(main, dec(m[1]), dec(m[2]), dec(m[3]))],
  [/^#\/tournament\/([^/]+)\/optimiser$/, (m) => optimiserView(main, dec(m[1]))],
];

async function askForKey(message) {
  document.getElementById('key-error').hidden = !message;
  document.getElementById('key-error').textContent = message ?? '';
  dialog.showModal();
  await new Promise((resolve) => dialog.addEventListener('close', resolve, { once: true }));
  setApiKey(document.getElementById('key-input').value.trim());
}

async function render() {
  const hash = location.hash || '#/runs';
  document.querySelectorAll('[data-nav]').forEach((a) => a.classList.toggle('active', hash.startsWith(`#/${a.dataset.nav}`)));
  const route = routes.find(([re]) => re.test(hash));
  if (!route) {
    main.innerHTML = `<p class="error">No page ${h(hash)}.</p>`;
    return;
  }
  if (!apiKey()) await askForKey();
  main.innerHTML = '<p class="muted">Loading…</p>';
  try {
    await route[1](hash.match(route[0]));
  } catch (e) {
    if (e instanceof Unauthorized) {
      forgetApiKey();
      await askForKey(`The API refused the key: ${e.message}`);
      return render();
    }
    main.innerHTML = `<p class="error" data-error>${h(e.message)}</p>`;
  }
}

document.getElementById('forget-key').addEventListener('click', () => {
  forgetApiKey();
  render();
});
window.addEventListener('hashchange', render);
render();
export { get };
