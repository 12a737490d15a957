// `refinery temporal setup`: registers Refinery's search attributes on a Temporal cluster (the dev
// server started by `refinery dev` has them already). Safe to run again.
import type { Command } from 'commander';
import proto from '@temporalio/proto';
import { loadConfig } from '../../lib/config.ts';
import { connectClient } from '../../engine/temporal/client.ts';
import { searchAttributeKeys } from '../../engine/temporal/identity.ts';
import { examples } from '../context.ts';

export function registerTemporalCommands(program: Command): void {
  program
    .command('temporal')
    .description('Temporal cluster setup')
    .command('setup')
    .description('register the search attributes Refinery workflows carry (idempotent)')
    .addHelpText(
      'after',
      examples(
        'TEMPORAL_ADDRESS=temporal.internal:7233 TEMPORAL_TLS_CA=ca.pem TEMPORAL_TLS_CERT=client.pem TEMPORAL_TLS_KEY=client.key refinery temporal setup',
        'TEMPORAL_ADDRESS=my-ns.a1b2c.tmprl.cloud:7233 TEMPORAL_NAMESPACE=my-ns.a1b2c TEMPORAL_API_KEY=… refinery temporal setup',
      ),
    )
    .action(async () => {
      const config = loadConfig();
      const client = await connectClient(config);
      try {
        const existing = await client.connection.operatorService.listSearchAttributes({ namespace: config.temporal.namespace });
        const missing = searchAttributeKeys.filter((k) => !(k.name in (existing.customAttributes ?? {})));
        if (missing.length) {
          await client.connection.operatorService.addSearchAttributes({
            namespace: config.temporal.namespace,
            searchAttributes: Object.fromEntries(missing.map((k) => [k.name, proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
          });
        }
        console.log(missing.length ? `registered: ${missing.map((k) => k.name).join(', ')}` : 'search attributes already registered');
      } finally {
        await client.connection.close();
      }
    });
}
