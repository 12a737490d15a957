// Placeholder until the sensor endpoints land.
export async function sensorView(main) {
  main.innerHTML = '<p class="muted">No sensor data yet.</p>';
}
