// Placeholder until the tournament endpoints land.
export async function tournamentView(main) {
  main.innerHTML = '<p class="muted">No tournament data yet.</p>';
}
