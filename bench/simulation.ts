// Benchmark: 64-team bracket simulations (lib/tournament/simulate.ts), one thread, against the same
// algorithm vectorised with numpy (bench/simulation_peer.py) in the same run; the peer runs the same
// per-simulation generators, so both must produce the same wins byte for byte.
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
import { writeBenchResult } from './report.ts';

const SIMS = Number(process.argv[2] ?? 1_000_000);
const CHUNK = 100_000;
const SEED = 2026;
const REPEATS = 5;
const GOAL = 1_000_000;
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

function timeOurs(into: Uint8Array): { wall: number; cpu: number } {
  const pass = () => {
    const cpu0 = process.cpuUsage();
    const started = process.hrtime.bigint();
    runOurs(into);
    const cpu = process.cpuUsage(cpu0);
    return { wall: Number(process.hrtime.bigint() - started) / 1e9, cpu: (cpu.user + cpu.system) / 1e6 };
  };
  pass(); // warm-up: lets V8 optimise the loop before timing
  const passes = Array.from({ length: REPEATS }, pass).sort((a, b) => a.wall - b.wall);
  return passes[REPEATS >> 1];
}

function timeExact(): number {
  const rounds = 2_000;
  for (let i = 0; i < 200; i++) exactWinDistribution(bracket, p, n);
  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) exactWinDistribution(bracket, p, n);
  return Number(process.hrtime.bigint() - started) / 1e3 / rounds;
}

interface PeerResult {
  sameSeconds: number;
  idiomaticSeconds: number;
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
  const run = spawnSync('python3', [join(here, 'simulation_peer.py'), dir, String(SIMS), String(SEED)], {
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

    const rate = SIMS / ours.wall;
    const same = SIMS / peer.sameSeconds;
    const idiomatic = SIMS / peer.idiomaticSeconds;
    writeBenchResult({
      id: 'simulation',
      title: 'Tournament simulation: 64-team brackets, one thread',
      reproduce: 'npx tsx bench/simulation.ts',
      workload:
        `${SIMS.toLocaleString('en-US')} simulations of the 64-team sample field (sampleTournament(${SEED}), default game model), ` +
        `run in chunks of ${CHUNK.toLocaleString('en-US')} into one preallocated wins buffer (simulations × 64 bytes); 63 games per ` +
        `bracket, one sfc32 generator per simulation keyed by (seed, index). Median of ${REPEATS} passes after a warm-up; numpy: ` +
        `median of 3 passes in batches of 65,536 simulations, file I/O excluded, OMP/OpenBLAS/MKL threads 1.`,
      figures: [
        {
          name: 'lib/tournament simulate (TypeScript)',
          value: rate,
          unit: 'brackets/s',
          ratio: rate / same,
          goal: `≥${GOAL.toLocaleString('en-US')} brackets/s/core`,
          met: rate >= GOAL,
        },
        { name: `numpy ${peer.numpy}, same generators (anchor)`, value: same, unit: 'brackets/s' },
        { name: `numpy ${peer.numpy}, PCG64 uniforms per round`, value: idiomatic, unit: 'brackets/s', ratio: idiomatic / same },
        { name: 'TypeScript, per process CPU second', value: SIMS / ours.cpu, unit: 'brackets/s' },
        { name: 'exact win distribution (DP), per field', value: exactMicros, unit: 'µs' },
      ],
      notes: [
        identical
          ? `numpy with the same generators wrote the same ${wins.length.toLocaleString('en-US')} bytes of wins as TypeScript.`
          : `numpy with the same generators wrote DIFFERENT wins from TypeScript (${theirs.length} bytes vs ${wins.length}).`,
        `Simulated vs exact win distribution (64 teams × 7 win counts), worst deviation: ${worstZ(winDistributionFromSimulations(wins, n, SIMS)).toFixed(2)} ` +
          `standard errors for ours, ${worstZ(peer.idiomaticCounts.map((c) => c / SIMS)).toFixed(2)} for numpy PCG64 (cells expected ≥20 times; the largest of ~400 standard normals is typically about 3.3).`,
        `TypeScript is ${(rate / idiomatic).toFixed(2)}× the faster, idiomatic numpy form.`,
        "The idiomatic numpy form draws all of a round's games at once, which is faster in numpy but cannot reproduce a simulation from (seed, index) alone.",
      ],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
