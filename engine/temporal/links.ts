// Links to a workflow in the Temporal Web UI, for every run the CLI, the API, the dashboard and
// notifications show. Pure.

/** The UI page of one workflow execution, or undefined when no UI address is configured. */
export function temporalWorkflowUrl(uiBase: string | undefined, namespace: string, workflowId: string, runId?: string): string | undefined {
  if (!uiBase) return undefined;
  const base = uiBase.replace(/\/+$/, '');
  const path = `${base}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${path}/${encodeURIComponent(runId)}/history` : path;
}
