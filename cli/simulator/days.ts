// Simulated devices over several days: a device key per simulated device (the previous keys of the
// same names revoked, so keys never pile up), then each day's sessions posted through the API.
import { createApiKey, revokeApiKeys } from '../../lib/db/api-keys.ts';
import type { Pool } from '../../lib/db/pool.ts';
import { simulateFleet, type FleetResult, type SimulatedDevice } from './fleet.ts';

export interface SimulateDaysOptions {
  ownerPool: Pool;
  apiUrl: string;
  devices: number;
  days: string[];
  sessionsPerDevice: number;
  sessionSeconds: number;
  unlabelledShare?: number;
  seed?: number;
  /** The n-th day gets the same sessions whatever its date (`npm start`: the same first model every day, never one a date-drawn day leaves below the promotion minimum). */
  sameOnAnyDate?: boolean;
  say?: (line: string) => void;
}

/** Device keys for sim-wrist-01 … sim-wrist-NN, replacing the simulator's earlier keys of the same names. */
export async function simulatedDevices(ownerPool: Pool, count: number): Promise<SimulatedDevice[]> {
  const devices = [];
  for (let i = 1; i <= count; i++) {
    const deviceId = `sim-wrist-${String(i).padStart(2, '0')}`;
    const name = `simulator/${deviceId}`;
    await revokeApiKeys(ownerPool, { name });
    devices.push({ deviceId, token: (await createApiKey(ownerPool, { name, role: 'device', deviceId })).token });
  }
  return devices;
}

export async function simulateDays(o: SimulateDaysOptions): Promise<FleetResult[]> {
  const devices = await simulatedDevices(o.ownerPool, o.devices);
  const results: FleetResult[] = [];
  for (const [i, day] of o.days.entries()) {
    const r = await simulateFleet({
      seedKey: o.sameOnAnyDate ? `day-${i}` : undefined,
      apiUrl: o.apiUrl,
      devices,
      day,
      sessionsPerDevice: o.sessionsPerDevice,
      sessionSeconds: o.sessionSeconds,
      unlabelledShare: o.unlabelledShare,
      seed: o.seed,
    });
    o.say?.(
      `simulated ${day}: ${devices.length} devices posted ${r.sessions} sessions (${r.labelled} labelled), ${r.readings.toLocaleString('en-US')} readings in ${r.batches} batches${r.duplicates ? `, ${r.duplicates} duplicates` : ''}`,
    );
    results.push(r);
  }
  return results;
}

/** The `count` days ending with `last` (YYYY-MM-DD), oldest first. */
export function daysEnding(last: string, count: number): string[] {
  const end = Date.parse(`${last}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(end - (count - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}
