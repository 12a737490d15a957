// A pool of slots shared by every run and backfill (one workflow per pool, id pool/<name>). A step
// that names the pool asks for a lease and waits in its own workflow (no worker slot spent waiting);
// the pool grants leases in priority order, then arrival, while fewer than `slots` are held.
// Leases are held by pipeline-run workflows, not by worker processes: a killed worker's step is
// retried under the same lease, and the lease ends when the step does. A holder that ends without
// releasing (terminated) is found by asking Temporal while others wait, and its slot comes back.
import {
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { PoolActivities } from '../activities/index.ts';

export interface LeaseRequest {
  leaseId: string;
  holder: { workflowId: string; runId: string };
  step: string;
  slots: number;
  /** Task priority of the asking run: 1 goes first. */
  priority: number;
}

interface Lease extends LeaseRequest {
  since: number;
}

export interface PoolState {
  name: string;
  slots: number;
  holders: Lease[];
  waiting: Lease[];
  /** Leases granted over the pool's life (carried across continue-as-new). */
  granted: number;
}

export function poolWorkflowId(name: string): string {
  return `pool/${name}`;
}

export const acquireSignal = defineSignal<[LeaseRequest]>('acquire');
export const releaseSignal = defineSignal<[string]>('release');
/** Sent to the holder's workflow with the lease id it was granted. */
export const slotGrantedSignal = defineSignal<[string]>('slotGranted');
export const poolStateQuery = defineQuery<PoolState>('poolState');

const { closedPoolHolders } = proxyActivities<PoolActivities>({ startToCloseTimeout: '30 seconds', retry: { maximumInterval: '30 seconds' } });

/** How long the pool waits with every slot held and someone waiting before it asks whether holders still run. */
const LIVENESS_CHECK_MS = 10_000;
/** A pool with nothing held or waiting this long ends; the next request starts it again. */
const IDLE_MS = 10 * 60_000;

export async function pool(input: { name: string; slots: number; carried?: PoolState }): Promise<PoolState> {
  const state: PoolState = input.carried ?? { name: input.name, slots: input.slots, holders: [], waiting: [], granted: 0 };
  let changes = 0;
  setHandler(poolStateQuery, () => state);
  setHandler(acquireSignal, (req) => {
    changes++;
    state.slots = req.slots;
    if (state.holders.some((l) => l.leaseId === req.leaseId) || state.waiting.some((l) => l.leaseId === req.leaseId)) return;
    state.waiting.push({ ...req, since: Date.now() });
    state.waiting.sort((a, b) => a.priority - b.priority || a.since - b.since);
  });
  setHandler(releaseSignal, (leaseId) => {
    changes++;
    state.holders = state.holders.filter((l) => l.leaseId !== leaseId);
    state.waiting = state.waiting.filter((l) => l.leaseId !== leaseId);
  });

  const canGrant = () => state.waiting.length > 0 && state.holders.length < state.slots;
  for (;;) {
    const seen = changes;
    const blocked = state.waiting.length > 0;
    const woke = await condition(() => canGrant() || changes !== seen, blocked ? LIVENESS_CHECK_MS : IDLE_MS);
    if (!woke && blocked) {
      const closed = new Set(await closedPoolHolders(state.holders.map((l) => l.holder)));
      state.holders = state.holders.filter((l) => !closed.has(`${l.holder.workflowId}/${l.holder.runId}`));
    } else if (!woke && !state.holders.length && !state.waiting.length) {
      return state;
    }
    const grants: Promise<void>[] = [];
    while (canGrant()) {
      const lease = state.waiting.shift()!;
      state.holders.push({ ...lease, since: Date.now() });
      state.granted++;
      grants.push(
        getExternalWorkflowHandle(lease.holder.workflowId, lease.holder.runId)
          .signal(slotGrantedSignal, lease.leaseId)
          .catch(() => {
            // The holder has ended: the slot was never used.
            state.holders = state.holders.filter((l) => l.leaseId !== lease.leaseId);
          }),
      );
    }
    await Promise.all(grants);
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > 5000) {
      await continueAsNew<typeof pool>({ name: state.name, slots: state.slots, carried: state });
    }
  }
}
