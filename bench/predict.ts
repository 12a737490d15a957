// Benchmark: POST /v1/predict, one 4-second window (200 readings of a simulated wearer) classified by
// the production model (a 100-tree forest) on `refinery api` in its own process, hit by autocannon
// with 16 connections. Every answer is first checked against the same model run in this process.
// The anchor is GET /healthz on the same server in the same run: the cheapest request it answers.
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { createApiKey } from '../lib/db/api-keys.ts';
import { cleanReadings, deviceColumns, extractFeatures, FEATURE_COUNT, generateSession } from '../lib/imu/index.ts';
import { windowClass } from '../lib/ml/exercise-model.ts';
import { loadModelVersion } from '../domains/registry/sql/models.ts';
import { modelStack } from './support/model-stack.ts';
import { writeBenchResult } from './report.ts';

const CONNECTIONS = 16;
const SECONDS = Number(process.argv[2] ?? 15);
const WARMUP_SECONDS = 3;

async function load(url: string, options: Partial<autocannon.Options>, seconds: number) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, ...options });
  if (result.non2xx || result.errors || result.timeouts)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  return result;
}

async function main() {
  const loadAtStart = loadavg()[0]!;
  const stack = await modelStack('predict');
  const { owner, modelVersionId } = stack;
  const model = await loadModelVersion(owner, modelVersionId);
  const token = (await createApiKey(owner, { name: 'bench reader', role: 'reader' })).token;
  try {
    const { url: base } = await stack.startApi();
    const session = generateSession({
      exercise: 'jogging',
      deviceId: 'bench-wrist',
      sessionId: 'p',
      start: Date.UTC(2026, 5, 1),
      durationS: 10,
      seed: 5,
      onlyExercise: true,
    });
    const readings = session.readings.slice(0, 200);
    const body = JSON.stringify({ readings });
    const url = `${base}/v1/predict`;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    // The answer the model gives in this process, which the API must give too.
    const { columns } = cleanReadings(deviceColumns('bench', null, readings));
    const window = { start: 0, end: columns.length, startTs: columns.timestamp[0], endTs: columns.timestamp[columns.length - 1] };
    const expected = windowClass(model.forest.predictProba({ data: extractFeatures(columns, [window]), rows: 1, cols: FEATURE_COUNT }), 0, model.classes);
    const check = await fetch(url, { method: 'POST', headers, body });
    const answer = (await check.json()) as { predicted: string; probability: number; modelVersionId: number };
    if (
      check.status !== 200 ||
      answer.predicted !== expected.predicted ||
      answer.probability !== expected.probability ||
      answer.modelVersionId !== modelVersionId
    )
      throw new Error(`the API answered ${check.status} ${JSON.stringify(answer)}, the model says ${JSON.stringify(expected)}`);

    // In this process: features and forest for one window, no HTTP.
    const started = process.hrtime.bigint();
    const rounds = 2000;
    for (let i = 0; i < rounds; i++) model.forest.predictProba({ data: extractFeatures(columns, [window]), rows: 1, cols: FEATURE_COUNT });
    const inProcessMs = Number(process.hrtime.bigint() - started) / 1e6 / rounds;

    const predictOptions = { method: 'POST' as const, headers, body };
    await load(url, predictOptions, WARMUP_SECONDS);
    const predict = await load(url, predictOptions, SECONDS);
    const healthUrl = `${base}/healthz`;
    await load(healthUrl, {}, WARMUP_SECONDS);
    const health = await load(healthUrl, {}, SECONDS);
    const rps = predict.requests.average;
    writeBenchResult({
      id: 'predict',
      title: 'Exercise classification over HTTP: POST /v1/predict',
      reproduce: 'npx tsx bench/predict.ts [seconds]',
      workload: `autocannon, ${CONNECTIONS} connections, ${SECONDS} s (after ${WARMUP_SECONDS} s of warm-up) against \`refinery api\` in its own process: a reader key, one window of 200 readings (9 axes, ${body.length.toLocaleString('en-US')} bytes of JSON) classified by the production model, a 100-tree forest over ${FEATURE_COUNT} features; every answer of the check request equal to the same model run in the bench process; anchor: GET /healthz on the same server in the same run`,
      figures: [
        { name: 'predict latency p99', value: predict.latency.p99, unit: 'ms', goal: '<50 ms', met: predict.latency.p99 < 50 },
        { name: 'predict latency p50', value: predict.latency.p50, unit: 'ms' },
        { name: 'predict requests per second', value: rps, unit: 'req/s', ratio: rps / health.requests.average },
        { name: 'features + forest for one window, in process', value: inProcessMs, unit: 'ms' },
        { name: 'GET /healthz on the same server (anchor)', value: health.requests.average, unit: 'req/s', ratio: 1 },
        { name: 'GET /healthz latency p99', value: health.latency.p99, unit: 'ms' },
      ],
      notes: [
        'Each request checks the key (cached), validates 200 readings (each flat or nested), cleans them, computes the 299 features and runs the forest; the model is held in memory and rechecked against the registry every 5 s.',
        `Client, API and PostgreSQL share the machine’s cores (load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end).`,
      ],
    });
  } finally {
    await stack.stop();
  }
}

await main();
