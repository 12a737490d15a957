// `refinery keys create|list|revoke`: API keys, stored hashed; the token is printed once.
import type { Command } from 'commander';
import { createApiKey, KeyInputError, listApiKeys, revokeApiKeys } from '../../lib/db/api-keys.ts';
import type { KeyRole } from '../../lib/keys.ts';
import { withOwnerPool, withReaderPool, examples } from '../context.ts';
import { UserError } from '../user-error.ts';

export function registerKeysCommands(program: Command): void {
  const keys = program
    .command('keys')
    .description('manage API keys')
    .addHelpText(
      'after',
      examples(
        'refinery keys create --role reader --name dashboard',
        'refinery keys create --role device --name wrist-07 --device wrist-07',
        'refinery keys list                # read-only: API_DATABASE_URL is enough',
        'refinery keys revoke k_1a2b3c4d5e6f',
      ),
    );
  keys
    .command('create')
    .description('create a key and print it once (only its hash is stored)')
    .requiredOption('--role <role>', 'device | reader | data_scientist | admin')
    .requiredOption('--name <name>', 'who or what the key is for')
    .option('--device <id>', 'the device a device key may post for')
    .option('--json', 'print JSON')
    .action(async (opts: { role: KeyRole; name: string; device?: string; json?: boolean }) => {
      const key = await withOwnerPool((pool) =>
        createApiKey(pool, { role: opts.role, name: opts.name, deviceId: opts.device, createdBy: 'cli' }).catch((e) => {
          throw e instanceof KeyInputError ? new UserError(e.message) : e;
        }),
      );
      if (opts.json) console.log(JSON.stringify(key));
      else console.log(`created ${opts.role} key ${key.id} — store it now, it is not shown again:\n${key.token}`);
    });
  keys
    .command('list')
    .description('list keys (never their secrets)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const rows = await withReaderPool((pool) => listApiKeys(pool));
      if (opts.json) return console.log(JSON.stringify(rows, null, 2));
      if (!rows.length) return console.log('no keys yet: refinery keys create --role reader --name me');
      console.table(
        rows.map((k) => ({
          id: k.id,
          name: k.name,
          role: k.role,
          device: k.deviceId ?? '',
          created: k.createdAt.toISOString(),
          revoked: k.revokedAt?.toISOString() ?? '',
        })),
      );
    });
  keys
    .command('revoke <id>')
    .description('revoke a key (takes effect in the API within 30 s)')
    .action(async (id: string) => {
      const n = await withOwnerPool((pool) => revokeApiKeys(pool, { id }));
      if (!n) throw new UserError(`no live key with id ${id}`);
      console.log(`revoked ${id}`);
    });
}
