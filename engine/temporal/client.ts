// Temporal client factory: one connection per process, errors that say which setting to fix.
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../../lib/config.ts';
import { explainConnectFailure, temporalConnectionOptions } from './connection.ts';

export { requireTemporalAddress, TemporalUnreachable } from './connection.ts';

export async function connectClient(config: Config): Promise<Client> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...temporalConnectionOptions(config), connectTimeout: '5s' });
  } catch (e) {
    throw await explainConnectFailure(config, e);
  }
  return new Client({ connection, namespace: config.temporal.namespace });
}
