// mTLS on the production server: the right certificates connect (every other cluster test runs on
// them); a wrong CA, a missing client certificate, a client certificate from another CA and a
// plaintext client are refused at start, each with one line naming the setting to fix.
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { freePort } from '../../cli/stack/ports.ts';
import { clusterEnv } from '../support/cluster-env.ts';
import { startRefinery } from '../support/processes.ts';

const certs = inject('cluster').certs;

async function runToEnd(args: string[], env: NodeJS.ProcessEnv) {
  const p = startRefinery(args, env);
  const code = await Promise.race([p.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 60_000))]);
  if (code === 'hung') await p.kill();
  return { code, lines: p.output().trim().split('\n').filter(Boolean) };
}

describe('connecting to a cluster that requires mTLS', () => {
  it('works with the right CA and client certificate, by IP or by the name in the certificate', async () => {
    for (const env of [{}, { TEMPORAL_TLS_SERVER_NAME: 'localhost' }] as Record<string, string>[]) {
      const setup = await runToEnd(['temporal', 'setup'], clusterEnv(env));
      expect(setup.code).toBe(0);
      expect(setup.lines.join('\n')).toMatch(/registered: |already registered/);
    }
  });

  const refusals: [string, Record<string, string>, RegExp][] = [
    [
      'a CA that did not sign the server certificate',
      { TEMPORAL_TLS_CA: certs.otherCa },
      /^refinery: TEMPORAL_TLS_CA: the certificate of 127\.0\.0\.1:\d+ is not signed by the CA in TEMPORAL_TLS_CA/,
    ],
    ['no client certificate', { TEMPORAL_TLS_CERT: '', TEMPORAL_TLS_KEY: '' }, /^refinery: TEMPORAL_TLS_CERT: 127\.0\.0\.1:\d+ requires a client certificate/],
    [
      'a client certificate from another CA',
      { TEMPORAL_TLS_CERT: certs.otherClientCert, TEMPORAL_TLS_KEY: certs.otherClientKey },
      /^refinery: TEMPORAL_TLS_CERT: 127\.0\.0\.1:\d+ refused this client certificate/,
    ],
    [
      'a server name the certificate does not carry',
      { TEMPORAL_TLS_SERVER_NAME: 'temporal.example.org' },
      /^refinery: TEMPORAL_TLS_SERVER_NAME: the certificate of 127\.0\.0\.1:\d+ is not for this name/,
    ],
    ['no TLS at all', { TEMPORAL_TLS_CA: '', TEMPORAL_TLS_CERT: '', TEMPORAL_TLS_KEY: '' }, /^refinery: TEMPORAL_ADDRESS: 127\.0\.0\.1:\d+ requires TLS/],
  ];
  for (const [what, env, message] of refusals) {
    it(`a worker with ${what} stops at start with one line`, async () => {
      const worker = await runToEnd(['worker', '--queue', 'io'], clusterEnv(env));
      expect(worker.code).toBe(1);
      expect(worker.lines).toHaveLength(1);
      expect(worker.lines[0]).toMatch(message);
    });
  }

  it('the CLI refuses the same way', async () => {
    const cli = await runToEnd(['backfill', 'status', 'backfill/demo/none'], clusterEnv({ TEMPORAL_TLS_CA: certs.otherCa }));
    expect(cli.code).toBe(1);
    expect(cli.lines).toEqual([expect.stringMatching(/^refinery: TEMPORAL_TLS_CA: /)]);
  });

  it('a key that does not belong to the certificate, or a missing file, is a config error before any connection', async () => {
    const mismatch = await runToEnd(['temporal', 'setup'], clusterEnv({ TEMPORAL_TLS_KEY: certs.otherClientKey }));
    expect(mismatch.code).toBe(1);
    expect(mismatch.lines).toEqual([expect.stringMatching(/^refinery: TEMPORAL_TLS_KEY: .* is not the private key of the certificate in /)]);
    const missing = await runToEnd(['temporal', 'setup'], clusterEnv({ TEMPORAL_TLS_CA: '/nonexistent/ca.pem' }));
    expect(missing.lines).toEqual(['refinery: TEMPORAL_TLS_CA: cannot read /nonexistent/ca.pem (ENOENT)']);
  });

  it('the API starts without Temporal, logs one error naming the setting, and is not ready', async () => {
    const port = await freePort();
    const api = startRefinery(['api'], clusterEnv({ TEMPORAL_TLS_CA: certs.otherCa, API_PORT: String(port), LOG_LEVEL: 'warn' }));
    try {
      await api.waitFor(/TEMPORAL_TLS_CA: the certificate of/, 30_000);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(503);
      const errors = api
        .output()
        .split('\n')
        .filter((l) => l.includes('"level":50'));
      expect(errors).toHaveLength(1);
    } finally {
      await api.kill();
    }
  });
});
