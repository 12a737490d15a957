// `refinery api`: serves the HTTP API until SIGINT/SIGTERM.
import type { Command } from 'commander';
import { startApi } from '../../api/server.ts';
import { loadConfig, requireUrl } from '../../lib/config.ts';
import { checkConnection } from '../../lib/db/pool.ts';
import { createLogger } from '../../lib/log.ts';
import { examples } from '../context.ts';

export function registerApiCommand(program: Command): void {
  program
    .command('api')
    .description('serve the HTTP API (ingest, analytics, docs)')
    .addHelpText('after', examples('API_HOST=0.0.0.0 API_PORT=8080 refinery api', 'curl -s localhost:8080/readyz'))
    .action(async () => {
      const config = loadConfig();
      const log = createLogger(config.logLevel, 'api');
      await checkConnection(requireUrl(config, 'api'), 'API_DATABASE_URL');
      await checkConnection(requireUrl(config, 'ingest'), 'INGEST_DATABASE_URL');
      await checkConnection(requireUrl(config, 'registrar'), 'REGISTRAR_DATABASE_URL');
      const api = await startApi(config, log);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await api.close();
      log.info('API stopped');
    });
}
