// The orchestration bench's split of PostgreSQL's statements and of the worker's profile: which
// statement is the steps' own SQL, a check, bookkeeping or transaction control, and which code a
// profiled function belongs to.
import { describe, expect, it } from 'vitest';
import { splitStatements, statementKind } from '../../../bench/support/statement-time.ts';
import { codeArea } from '../../../bench/support/worker-profile.ts';

describe('statement kinds (bench/support/statement-time.ts)', () => {
  it('tells step SQL, checks, bookkeeping and transactions apart, quoted names included', () => {
    expect(statementKind('COPY "bronze"."demo_events" ("partition_date") FROM STDIN')).toBe('step SQL');
    expect(statementKind('INSERT INTO "silver"."demo_events_clean" (a) SELECT a FROM bronze.demo_events')).toBe('step SQL');
    expect(statementKind('SELECT pg_advisory_xact_lock(hashtextextended($1, $2))')).toBe('step SQL');
    expect(statementKind('SELECT count(*) AS n FROM "silver"."demo_events_clean" WHERE "partition_date" = $1')).toBe('checks');
    expect(statementKind('SELECT count(*) AS failures FROM gold.demo_daily_summary s')).toBe('checks');
    expect(
      statementKind('SELECT count(*) AS c0, count(*) FILTER (WHERE "value" IS NULL) AS c1 FROM "silver"."demo_events_clean" WHERE "partition_date" = $1'),
    ).toBe('checks');
    expect(statementKind('WITH attempt AS (INSERT INTO ops.step_runs (a) VALUES ($1) RETURNING id) SELECT id FROM attempt')).toBe('bookkeeping');
    expect(statementKind('SELECT $2 FROM ONLY "ops"."pipeline_runs" x WHERE "id" = $1 FOR KEY SHARE OF x')).toBe('bookkeeping');
    expect(statementKind('COMMIT')).toBe('transactions');
    expect(statementKind('SELECT 1')).toBe('other');
    // A table merely named like a schema is not one.
    expect(statementKind('SELECT * FROM props.gold')).toBe('other');
  });

  it('sums each kind per partition', () => {
    const split = splitStatements(
      [
        { query: 'COMMIT', calls: 20, ms: 2 },
        { query: 'INSERT INTO ops.lineage (a) VALUES ($1)', calls: 10, ms: 4 },
        { query: 'UPDATE ops.step_runs SET a = $1', calls: 10, ms: 6 },
      ],
      10,
    );
    expect(split.byKind.bookkeeping).toEqual({ ms: 1, calls: 2 });
    expect(split.byKind.transactions).toEqual({ ms: 0.2, calls: 2 });
    expect(split.top[0]!.query).toMatch(/step_runs/);
  });
});

describe('profile areas (bench/support/worker-profile.ts)', () => {
  it('groups scripts by what they are', () => {
    expect(codeArea('file:///w/node_modules/@temporalio/worker/lib/worker.js', 'x')).toBe('Temporal SDK');
    expect(codeArea('file:///w/node_modules/pg-protocol/dist/parser.js', 'x')).toBe('pg driver');
    expect(codeArea('file:///w/engine/activities/step-runner.ts', 'x')).toBe('engine (step runner, checks, history)');
    expect(codeArea('file:///w/lib/db/copy-encoder.ts', 'x')).toBe('COPY writer and db layer');
    expect(codeArea('file:///w/domains/demo/steps/land-events.ts', 'x')).toBe('demo steps (generating events)');
    expect(codeArea('node:internal/streams/writable', 'x')).toBe('Node.js runtime (streams, sockets, timers)');
    expect(codeArea('', '(garbage collector)')).toBe('garbage collection');
    expect(codeArea('', '(idle)')).toBe('idle');
    expect(codeArea('', 'temporal_sdk_typescript_bridge::worker::poll')).toBe('native calls (Temporal bridge, sockets, thread messages)');
    expect(codeArea('', 'writev')).toBe('native calls (Temporal bridge, sockets, thread messages)');
  });
});
