export const REDACTION_WORKFLOW_PREFIX = 'redaction-ticket-';

/** One workflow per ticket at a time: the id is derived from the ticket id. */
export function redactionWorkflowId(ticketId: number): string {
  return `${REDACTION_WORKFLOW_PREFIX}${ticketId}`;
}

export function ticketIdFromWorkflowId(workflowId: string): number | undefined {
  if (!workflowId.startsWith(REDACTION_WORKFLOW_PREFIX)) return undefined;
  const id = Number(workflowId.slice(REDACTION_WORKFLOW_PREFIX.length));
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}
