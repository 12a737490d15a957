// The dashboard shell: asks for a reader key, routes #/views, and shows errors in place.
import { apiKey, forgetApiKey, get, paint, setApiKey, Unauthorized, h } from './api.js';
import { runsView } from './views/runs.js';
import { runView } from './views/run.js';
import { modelView } from './views/model.js';
import { devicesView } from './views/devices.js';
import { tournamentView } from './views/tournament.js';

const main = document.getElementById('view');
const dialog = document.getElementById('key-dialog');
// Whatever a view renders gets its colours and widths applied (see paint): one place, no view forgets.
new MutationObserver(() => paint(main)).observe(main, { childList: true, subtree: true });

const routes = [
  [/^#\/runs\/(\d+)$/, (m) => runView(main, Number(m[1]))],
  [/^#\/runs$/, () => runsView(main)],
  [/^#\/models(?:\/([^/]+))?$/, (m) => modelView(main, m[1] ? decodeURIComponent(m[1]) : undefined)],
  [/^#\/sensor$/, () => modelView(main)],
  [/^#\/devices(?:\/([^/]+))?$/, (m) => devicesView(main, m[1] ? decodeURIComponent(m[1]) : undefined)],
  [/^#\/tournament(?:\/([^/]+)(?:\/(\d+))?)?$/, (m) => tournamentView(main, m[1] ? decodeURIComponent(m[1]) : undefined, m[2] ? Number(m[2]) : undefined)],
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
