// All activities, built once per worker from their dependencies (see temporal/worker.ts).
import { createDemoEventActivities } from './bronze/demo-events.ts';
import type { ActivityDeps } from './deps.ts';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createDemoEventActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps };
