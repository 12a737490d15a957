// `refinery simulate`: simulated wrist devices post exercise sessions through the running API, as
// real devices would (device keys, batches, retries under the same batch ids).
import { InvalidArgumentError, type Command } from 'commander';
import { checkPartition } from '../../engine/pipeline/partitions.ts';
import { withOwnerPool } from '../context.ts';
import { daysEnding, simulateDays } from '../simulator/days.ts';
import { UserError } from '../user-error.ts';

const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('simulated devices post IMU exercise sessions through the API (the running stack, or API_HOST/API_PORT)')
    .option('--devices <n>', 'devices', positive('--devices'), 8)
    .option('--days <n>', 'days of data, ending with --day', positive('--days'), 1)
    .option('--day <YYYY-MM-DD>', 'the last day (default: yesterday, UTC)')
    .option('--sessions <n>', 'sessions per device per day', positive('--sessions'), 6)
    .option('--seconds <n>', 'seconds per session', positive('--seconds'), 60)
    .option('--unlabelled <share>', 'share of sessions posted without a label', '0.25')
    .option('--seed <n>', 'seed (same seed, same data)', positive('--seed'), 1)
    .action(async (o: { devices: number; days: number; day?: string; sessions: number; seconds: number; unlabelled: string; seed: number }) => {
      const last = o.day ?? new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      try {
        checkPartition({ kind: 'daily', timezone: 'UTC' }, last);
      } catch (e) {
        throw new UserError(`--day: ${(e as Error).message}`);
      }
      const unlabelledShare = Number(o.unlabelled);
      if (!(unlabelledShare >= 0 && unlabelledShare <= 1)) throw new UserError('--unlabelled must be a share between 0 and 1');
      await withOwnerPool(async (ownerPool, config) => {
        const host = config.api.host === '0.0.0.0' ? '127.0.0.1' : config.api.host;
        await simulateDays({
          ownerPool,
          apiUrl: `http://${host}:${config.api.port}`,
          devices: o.devices,
          days: daysEnding(last, o.days),
          sessionsPerDevice: o.sessions,
          sessionSeconds: o.seconds,
          unlabelledShare,
          seed: o.seed,
          say: (line) => console.log(line),
        });
      });
    });
}
