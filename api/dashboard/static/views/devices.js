// Placeholder until the devices endpoints land.
export async function devicesView(main) {
  main.innerHTML = '<p class="muted">No devices data yet.</p>';
}
