import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, defaultHome, loadConfig, redactUrl, requireUrl } from '../../lib/config.ts';
import { makeCertificates } from '../support/certificates.ts';

const load = (env: Record<string, string>) => loadConfig(env, { useRunningStack: false });

describe('configuration', () => {
  it('has working defaults when nothing is set', () => {
    const config = load({});
    expect(config.databaseUrl).toBeUndefined();
    expect(config.taskQueues).toEqual({ io: 'refinery-io', compute: 'refinery-compute' });
    expect(config.api.port).toBe(8080);
    expect(config.temporal.namespace).toBe('default');
    expect(config.api.live).toBe(true);
    expect(load({ REFINERY_LIVE: 'off' }).api.live).toBe(false);
  });

  it('fails with one line naming the variable and the reason', () => {
    expect(() => load({ API_PORT: 'eighty' })).toThrow(new ConfigError('API_PORT: must be a number (got "eighty")'));
    expect(() => load({ API_PORT: '70000' })).toThrow(/^API_PORT: must be between 0 and 65535/);
    expect(() => load({ TEMPORAL_ADDRESS: 'localhost' })).toThrow(/^TEMPORAL_ADDRESS: must be host:port/);
    expect(() => load({ LOG_LEVEL: 'loud' })).toThrow(/^LOG_LEVEL: /);
    expect(() => load({ REFINERY_LIVE: 'yes' })).toThrow(new ConfigError('REFINERY_LIVE: must be on or off (got "yes")'));
    expect(() => load({ REFINERY_TASK_QUEUE_IO: 'q', REFINERY_TASK_QUEUE_COMPUTE: 'q' })).toThrow(/must differ/);
  });

  it('never echoes a database URL, which may hold a password', () => {
    let message = '';
    try {
      load({ DATABASE_URL: 'mysql://user:secret@host/db' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^DATABASE_URL: must be a postgres:\/\/ URL/);
    expect(message).not.toContain('secret');
  });

  it('says which variable a command needs when a role URL is missing', () => {
    expect(() => requireUrl(load({}), 'api')).toThrow(/^API_DATABASE_URL: required/);
  });

  it('treats empty variables as unset', () => {
    expect(load({ API_PORT: '' }).api.port).toBe(8080);
  });

  it('hides passwords in URLs it prints', () => {
    expect(redactUrl('postgres://u:p4ss@h:5432/d')).toBe('postgres://u:***@h:5432/d');
  });
});

describe('Temporal TLS settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'refinery-config-tls-'));
  const certs = makeCertificates(dir);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the CA, the client pair and the server name once, as the SDK wants them', () => {
    const { tls, apiKey } = load({
      TEMPORAL_TLS_CA: certs.ca,
      TEMPORAL_TLS_CERT: certs.client.cert,
      TEMPORAL_TLS_KEY: certs.client.key,
      TEMPORAL_TLS_SERVER_NAME: 'localhost',
    }).temporal;
    expect(tls?.serverRootCACertificate?.toString()).toContain('BEGIN CERTIFICATE');
    expect(tls?.clientCertPair?.key.toString()).toContain('PRIVATE KEY');
    expect(tls?.serverNameOverride).toBe('localhost');
    expect(apiKey).toBeUndefined();
    expect(load({}).temporal.tls).toBeUndefined();
    expect(load({ TEMPORAL_API_KEY: 'secret-key' }).temporal).toMatchObject({ apiKey: 'secret-key', tls: undefined });
  });

  it('refuses half a pair, a key of another certificate, an unreadable or non-PEM file, with one line', () => {
    expect(() => load({ TEMPORAL_TLS_CERT: certs.client.cert })).toThrow(
      new ConfigError('TEMPORAL_TLS_KEY: required with TEMPORAL_TLS_CERT (a client certificate and its private key go together)'),
    );
    expect(() => load({ TEMPORAL_TLS_CERT: certs.client.cert, TEMPORAL_TLS_KEY: certs.otherClient.key })).toThrow(
      /^TEMPORAL_TLS_KEY: .* is not the private key of the certificate in /,
    );
    expect(() => load({ TEMPORAL_TLS_CA: join(dir, 'missing.pem') })).toThrow(/^TEMPORAL_TLS_CA: cannot read .*missing\.pem \(ENOENT\)$/);
    expect(() => load({ TEMPORAL_TLS_CA: certs.client.key })).toThrow(/^TEMPORAL_TLS_CA: .* is not a PEM certificate$/);
    expect(() => load({ TEMPORAL_TLS_SERVER_NAME: 'not a name' })).toThrow(/^TEMPORAL_TLS_SERVER_NAME: must be a host name/);
  });

  it('never echoes an API key', () => {
    expect(() => load({ TEMPORAL_API_KEY: '  \t ' })).toThrow(new ConfigError('TEMPORAL_API_KEY: must not be blank'));
    expect(() => load({ WORKER_METRICS_PORT: 'x' })).toThrow('WORKER_METRICS_PORT: must be a number (got "x")');
  });
});

describe('finding the embedded stack from any folder of the project', () => {
  const root = mkdtempSync(join(tmpdir(), 'refinery-config-home-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('uses the nearest .refinery above, else the project root, so a subfolder finds `refinery dev`', () => {
    const project = join(root, 'project');
    mkdirSync(join(project, 'domains', 'sensor'), { recursive: true });
    writeFileSync(join(project, 'package.json'), '{}');
    expect(defaultHome(join(project, 'domains', 'sensor'))).toBe(join(project, '.refinery'));
    mkdirSync(join(project, '.refinery'));
    // A running stack (this process stands in for `refinery dev`) is found from the subfolder.
    writeFileSync(join(project, '.refinery', 'stack.json'), JSON.stringify({ pid: process.pid, env: { TEMPORAL_ADDRESS: '127.0.0.1:7999' }, urls: {} }));
    const config = loadConfig({}, { cwd: join(project, 'domains', 'sensor') });
    expect(config.home).toBe(join(project, '.refinery'));
    expect(config.temporal.address).toBe('127.0.0.1:7999');
    expect(loadConfig({ REFINERY_HOME: join(root, 'elsewhere') }, { cwd: join(project, 'domains') }).temporal.address).toBeUndefined();
  });
});
