// The anchor of the orchestration benchmark: a bare Temporal workflow that runs n no-op activities
// one after another, with no run history, checks or recording, i.e. what Temporal alone costs.
import { proxyActivities } from '@temporalio/workflow';

const { bareNoop } = proxyActivities<{ bareNoop(): Promise<void> }>({ startToCloseTimeout: '1 minute' });

export async function bareChain(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await bareNoop();
}
