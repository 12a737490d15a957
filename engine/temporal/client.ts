// Temporal client factory: one connection per process, errors that say which setting to fix.
import { Client, Connection } from '@temporalio/client';
import { ConfigError, type Config } from '../../lib/config.ts';

export class TemporalUnreachable extends Error {
  override name = 'TemporalUnreachable';
}

export function requireTemporalAddress(config: Config): string {
  if (!config.temporal.address) {
    throw new ConfigError('TEMPORAL_ADDRESS: required for this command (run `refinery dev` for a local Temporal server)');
  }
  return config.temporal.address;
}

export async function connectClient(config: Config): Promise<Client> {
  const address = requireTemporalAddress(config);
  let connection: Connection;
  try {
    connection = await Connection.connect({ address, connectTimeout: '5s' });
  } catch (e) {
    throw new TemporalUnreachable(`TEMPORAL_ADDRESS: cannot connect to ${address} (${(e as Error).message.split('\n')[0]})`);
  }
  return new Client({ connection, namespace: config.temporal.namespace });
}
