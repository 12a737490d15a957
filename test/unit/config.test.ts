import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactUrl, requireUrl } from '../../lib/config.ts';

const load = (env: Record<string, string>) => loadConfig(env, { useRunningStack: false });

describe('configuration', () => {
  it('has working defaults when nothing is set', () => {
    const config = load({});
    expect(config.databaseUrl).toBeUndefined();
    expect(config.taskQueues).toEqual({ io: 'refinery-io', compute: 'refinery-compute' });
    expect(config.api.port).toBe(8080);
    expect(config.temporal.namespace).toBe('default');
  });

  it('fails with one line naming the variable and the reason', () => {
    expect(() => load({ API_PORT: 'eighty' })).toThrow(new ConfigError('API_PORT: must be a number (got "eighty")'));
    expect(() => load({ API_PORT: '70000' })).toThrow(/^API_PORT: must be between 0 and 65535/);
    expect(() => load({ TEMPORAL_ADDRESS: 'localhost' })).toThrow(/^TEMPORAL_ADDRESS: must be host:port/);
    expect(() => load({ LOG_LEVEL: 'loud' })).toThrow(/^LOG_LEVEL: /);
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
