// `refinery simulate`: simulated wrist devices post exercise sessions through the running API, as
// real devices would (device keys, batches, retries under the same batch ids): days of sessions as
// fast as the API takes them, or with --live in real time while their live predictions stream in.
import { InvalidArgumentError, type Command } from 'commander';
import { checkPartition } from '../../engine/pipeline/partitions.ts';
import { withOwnerPool } from '../context.ts';
import { daysEnding, simulateDays } from '../simulator/days.ts';
import { simulateLive } from '../simulator/live.ts';
import { UserError } from '../user-error.ts';

const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};

interface SimulateOptions {
  live?: boolean;
  devices?: number;
  days: number;
  day?: string;
  sessions?: number;
  seconds: number;
  unlabelled: string;
  seed: number;
}

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('simulated devices post IMU exercise sessions through the API (the running stack, or API_HOST/API_PORT)')
    .option('--live', 'exercise in real time (a batch a second) and print each device’s live predictions as they arrive')
    .option('--devices <n>', 'devices (default 8; 4 with --live)', positive('--devices'))
    .option('--days <n>', 'days of data, ending with --day', positive('--days'), 1)
    .option('--day <YYYY-MM-DD>', 'the last day (default: yesterday, UTC)')
    .option('--sessions <n>', 'sessions per device per day (default 6; 1 with --live)', positive('--sessions'))
    .option('--seconds <n>', 'seconds per session', positive('--seconds'), 60)
    .option('--unlabelled <share>', 'share of sessions posted without a label', '0.25')
    .option('--seed <n>', 'seed (same seed, same data)', positive('--seed'), 1)
    .action(async (o: SimulateOptions, command: Command) => {
      if (o.live) {
        for (const flag of ['day', 'days', 'unlabelled'] as const) {
          if (command.getOptionValueSource(flag) === 'cli') throw new UserError(`--${flag} does not go with --live (live sessions happen now, labelled)`);
        }
      }
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
        const apiUrl = `http://${host}:${config.api.port}`;
        const say = (line: string) => console.log(line);
        if (o.live) {
          const devices = await simulateLive({
            ownerPool,
            apiUrl,
            devices: o.devices ?? 4,
            sessionsPerDevice: o.sessions ?? 1,
            sessionSeconds: o.seconds,
            seed: o.seed,
            say,
          });
          for (const d of devices) {
            const share = d.judged ? ` (${d.right} of ${d.judged} windows wholly inside the exercise right)` : '';
            say(`${d.deviceId}: ${d.predictions} predictions${share}`);
          }
          return;
        }
        await simulateDays({
          ownerPool,
          apiUrl,
          devices: o.devices ?? 8,
          days: daysEnding(last, o.days),
          sessionsPerDevice: o.sessions ?? 6,
          sessionSeconds: o.seconds,
          unlabelledShare,
          seed: o.seed,
          say,
        });
      });
    });
}
