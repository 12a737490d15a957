// `refinery notify add|list|remove|test|deliveries`: webhook targets (generic JSON or Slack) and
// what was delivered to them. Target URLs are secrets: listings show their host only.
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { raiseEvent } from '../../engine/notifications/dispatch.ts';
import { eventTypes, type EventType } from '../../engine/notifications/events.ts';
import { getTarget, listDeliveries, listTargets, removeTarget, saveTarget, TargetError } from '../../engine/notifications/store.ts';
import { positiveInt, printJson, withClient, withOwnerPool, withReaderPool } from '../context.ts';
import { UserError } from '../user-error.ts';

function shownUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}/…`;
}

const deliveryStatuses = ['pending', 'retrying', 'delivered', 'failed'];

export function registerNotifyCommands(program: Command): void {
  const cmd = program.command('notify').description('notification targets (webhooks) and deliveries');
  cmd
    .command('add <name>')
    .description('add or replace a webhook target')
    .requiredOption('--url <url>', 'where to POST (http or https)')
    .option('--format <format>', 'json (the event as is) or slack (an incoming-webhook message)', 'json')
    .option('--events <list>', `only these events (default all): ${eventTypes.join(', ')}`)
    .option('--default', 'notify for every pipeline that names no targets of its own')
    .action(async (name: string, opts: { url: string; format: string; events?: string; default?: boolean }) => {
      const target = {
        name,
        url: opts.url,
        format: opts.format as 'json' | 'slack',
        events: opts.events ? (opts.events.split(',').map((e) => e.trim()) as EventType[]) : null,
        isDefault: Boolean(opts.default),
      };
      await withOwnerPool((pool) => saveTarget(pool, target)).catch((e: unknown) => {
        throw e instanceof TargetError ? new UserError(e.message) : e;
      });
      console.log(`target ${name}: ${opts.format} to ${shownUrl(opts.url)}${opts.default ? ', default' : ''}${opts.events ? ` (${opts.events})` : ''}`);
    });
  cmd
    .command('list')
    .description('webhook targets (URLs shown by host only)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const targets = (await withOwnerPool((pool) => listTargets(pool))).map((t) => ({ ...t, url: shownUrl(t.url) }));
      if (opts.json) return printJson(targets);
      if (!targets.length) return console.log('no targets; add one with refinery notify add NAME --url URL');
      for (const t of targets)
        console.log(`${t.name.padEnd(16)} ${t.format.padEnd(6)} ${t.url.padEnd(36)} ${t.isDefault ? 'default ' : ''}${t.events?.join(',') ?? 'all events'}`);
    });
  cmd
    .command('remove <name>')
    .description('remove a target')
    .action(async (name: string) => {
      if (!(await withOwnerPool((pool) => removeTarget(pool, name)))) throw new UserError(`no target ${name}`);
      console.log(`removed ${name}`);
    });
  cmd
    .command('test <name>')
    .description('send a test event to a target (delivered with retries, like any event)')
    .action(async (name: string) => {
      await withOwnerPool(async (pool) => {
        if (!(await getTarget(pool, name))) throw new UserError(`no target ${name}`);
        const id = `test/${name}/${randomBytes(4).toString('hex')}`;
        await withClient((client, config) =>
          raiseEvent(
            pool,
            client,
            config.taskQueues.io,
            { id, type: 'test', occurredAt: new Date().toISOString(), title: `test notification to ${name}`, facts: {}, links: {} },
            [name],
          ),
        );
        console.log(`sent ${id}; see refinery notify deliveries`);
      });
    });
  cmd
    .command('deliveries')
    .description('recent deliveries with their status, attempts, response code and last error')
    .option('--status <status>', `only ${deliveryStatuses.join(', ')}`)
    .option('--limit <n>', 'at most this many', positiveInt('--limit'), 50)
    .option('--json', 'print JSON')
    .action(async (opts: { status?: string; limit: number; json?: boolean }) => {
      if (opts.status && !deliveryStatuses.includes(opts.status)) throw new UserError(`--status: must be one of ${deliveryStatuses.join(', ')}`);
      const rows = await withReaderPool((pool) => listDeliveries(pool, opts));
      if (opts.json) return printJson(rows);
      if (!rows.length) return console.log('no deliveries match');
      for (const d of rows) {
        console.log(
          `${d.createdAt.toISOString().slice(0, 19)}  ${d.type.padEnd(18)} ${d.target.padEnd(14)} ${d.status.padEnd(9)} ${String(d.attempts).padStart(2)} tries ${d.responseCode ?? '   '}  ${d.eventId}${d.lastError && d.status !== 'delivered' ? `  ${d.lastError}` : ''}`,
        );
      }
    });
}
