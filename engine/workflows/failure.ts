// The message a user needs from a failed step or child run: its own error, not the wrapper's
// ("Activity task failed", "Child Workflow execution failed").
import { ActivityFailure, ChildWorkflowFailure } from '@temporalio/workflow';

export function failureMessage(e: unknown): string {
  if ((e instanceof ActivityFailure || e instanceof ChildWorkflowFailure) && e.cause) return e.cause.message;
  return e instanceof Error ? e.message : String(e);
}
