// Benchmark: 64-team bracket simulations (lib/tournament/simulate.ts), one thread, against numpy
// (bench/simulation_peer.py) in the same run. The anchor is the form a numpy user would write: all of
// a round's games drawn at once with numpy's own generator. A second numpy form runs our
// per-simulation generators game by game, so its wins must equal ours byte for byte. Both
// distributions must agree with the exact one; the benchmark fails otherwise.
// Usage: npx tsx bench/simulation.ts [simulations]   (needs python3 with numpy: pip install -r bench/requirements.txt)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bracketOrder } from '../lib/tournament/bracket.ts';
import { exactWinDistribution } from '../lib/tournament/exact.ts';
import { DEFAULT_GAME_MODEL, probabilityMatrix } from '../lib/tournament/game-model.ts';
import { sampleTournament } from '../lib/tournament/sample.ts';
import { simulateTournaments, winDistributionFromSimulations } from '../lib/tournament/simulate.ts';
import { repeated, verify, writeBenchResult } from './report.ts';

const SIMS = Number(process.argv[2] ?? 1_000_000);
const CHUNK = 100_000;
const SEED = 2026;
const REPEATS = 5;
const GOAL = 1_000_000;
/** Beyond this many standard errors from the exact distribution, a simulation is wrong (over ~400 cells, chance gives about 3.3). */
const MAX_Z = 5;
const here = dirname(fileURLToPath(import.meta.url));

const { teams } = sampleTournament(SEED);
const n = teams.length;
const bracket = bracketOrder(teams);
const p = probabilityMatrix(
  DEFAULT_GAME_MODEL,
  teams.map((t) => t.rating),
);

/** One full run in chunks, as a pipeline would write it; wins land in one buffer for the comparison. */
function runOurs(into: Uint8Array): void {
  for (let start = 0; start < SIMS; start += CHUNK) {
    into.set(simulateTournaments({ bracket, p, n, seed: SEED, start, count: Math.min(CHUNK, SIMS - start) }), start * n);
  }
}

function timeOurs(into: Uint8Array): { wall: number; cpu: number }[] {
  const pass = () => {
    const cpu0 = process.cpuUsage();
    const started = process.hrtime.bigint();
    runOurs(into);
    const cpu = process.cpuUsage(cpu0);
    return { wall: Number(process.hrtime.bigint() - started) / 1e9, cpu: (cpu.user + cpu.system) / 1e6 };
  };
  pass(); // warm-up: lets V8 optimise the loop before timing
  return Array.from({ length: REPEATS }, pass);
}

function timeExact(): number {
  const rounds = 2_000;
  for (let i = 0; i < 200; i++) exactWinDistribution(bracket, p, n);
  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) exactWinDistribution(bracket, p, n);
  return Number(process.hrtime.bigint() - started) / 1e3 / rounds;
}

interface PeerResult {
  sameTimes: number[];
  idiomaticTimes: number[];
  idiomaticCounts: number[];
  numpy: string;
}

function runPeer(dir: string): PeerResult {
  writeFileSync(join(dir, 'bracket.i32'), Int32Array.from(bracket));
  // The thresholds simulate.ts compares with, so the peer cannot round differently.
  writeFileSync(
    join(dir, 'threshold.u32'),
    Uint32Array.from(p, (q) => Math.round(Math.min(1, Math.max(0, q)) * 2147483648)),
  );
  const run = spawnSync('python3', [join(here, 'simulation_peer.py'), dir, String(SIMS), String(SEED), String(REPEATS)], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    maxBuffer: 1 << 20,
  });
  if (run.status !== 0) {
    throw new Error(`bench/simulation_peer.py failed (exit ${run.status}); is numpy installed? pip install -r bench/requirements.txt\n${run.stderr}`);
  }
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
}

/** Largest |simulated − exact| in standard errors, over (team, wins) cells expected at least 20 times (below that the normal approximation fails). */
function worstZ(simulated: ArrayLike<number>): number {
  const exact = exactWinDistribution(bracket, p, n);
  let worst = 0;
  for (let i = 0; i < exact.length; i++) {
    if (exact[i] * SIMS < 20) continue;
    const se = Math.sqrt((exact[i] * (1 - exact[i])) / SIMS);
    worst = Math.max(worst, Math.abs(simulated[i] - exact[i]) / se);
  }
  return worst;
}

function main() {
  const wins = new Uint8Array(SIMS * n);
  const ours = timeOurs(wins);
  const exactMicros = timeExact();
  const dir = mkdtempSync(join(tmpdir(), 'bench-simulation-'));
  try {
    const peer = runPeer(dir);
    const theirs = readFileSync(join(dir, 'peer.u8'));
    const identical = theirs.length === wins.length && Buffer.from(wins.buffer, wins.byteOffset, wins.byteLength).equals(theirs);

    verify(identical, `numpy with our generators wrote different wins from TypeScript (${theirs.length} bytes vs ${wins.length})`);
    const oursZ = worstZ(winDistributionFromSimulations(wins, n, SIMS));
    const numpyZ = worstZ(peer.idiomaticCounts.map((c) => c / SIMS));
    verify(oursZ <= MAX_Z, `our win distribution is ${oursZ.toFixed(2)} standard errors from the exact one`);
    verify(numpyZ <= MAX_Z, `numpy's win distribution is ${numpyZ.toFixed(2)} standard errors from the exact one`);

    const rate = repeated(ours.map((p) => SIMS / p.wall));
    const idiomatic = repeated(peer.idiomaticTimes.map((t) => SIMS / t));
    const same = repeated(peer.sameTimes.map((t) => SIMS / t));
    writeBenchResult({
      id: 'simulation',
      title: 'Tournament simulation: 64-team brackets, one thread',
      reproduce: 'npx tsx bench/simulation.ts',
      workload:
        `${SIMS.toLocaleString('en-US')} simulations of the 64-team sample field (sampleTournament(${SEED}), default game model), ` +
        `run in chunks of ${CHUNK.toLocaleString('en-US')} into one preallocated wins buffer (simulations × 64 bytes); 63 games per ` +
        `bracket, one sfc32 generator per simulation keyed by (seed, index). ${REPEATS} passes after an untimed pass, for every side; numpy ` +
        `in batches of 65,536 simulations, file I/O excluded, OMP/OpenBLAS/MKL threads 1.`,
      figures: [
        {
          name: 'lib/tournament simulate (TypeScript)',
          ...rate,
          unit: 'brackets/s',
          ratio: rate.value / idiomatic.value,
          goal: `≥${GOAL.toLocaleString('en-US')} brackets/s/core`,
          met: rate.value >= GOAL,
        },
        { name: `numpy ${peer.numpy}, a round's games at once, PCG64 (anchor)`, ...idiomatic, unit: 'brackets/s', ratio: 1 },
        { name: `numpy ${peer.numpy}, our generators, game by game`, ...same, unit: 'brackets/s', ratio: same.value / idiomatic.value },
        { name: 'TypeScript, per process CPU second', ...repeated(ours.map((p) => SIMS / p.cpu)), unit: 'brackets/s' },
        { name: 'exact win distribution (DP), per field', value: exactMicros, unit: 'µs' },
      ],
      notes: [
        `Checked: numpy with our generators wrote the same ${wins.length.toLocaleString('en-US')} bytes of wins as TypeScript.`,
        `Checked: simulated vs exact win distribution (64 teams × 7 win counts, cells expected ≥20 times), worst deviation ${oursZ.toFixed(2)} ` +
          `standard errors for ours, ${numpyZ.toFixed(2)} for numpy PCG64; the benchmark fails beyond ${MAX_Z} (the largest of ~400 standard normals is typically about 3.3).`,
        "The anchor draws all of a round's games at once, the fastest plain-numpy form; it cannot reproduce one simulation from (seed, index) alone, which ours and the game-by-game form can.",
      ],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
