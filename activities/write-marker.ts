// Exactly-once writes. Zendesk honours Idempotency-Key only when creating tickets, and Slack has no
// idempotency at all, so each note, reply and thread post carries a marker derived from the workflow
// run and the write's id: a retry (after a lost answer or a killed worker) reads back first and skips
// a write that already landed.
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';

/** Letters only: a marker never looks like a number to the log masker or to a reader. */
export function writeMarker(workflowId: string, runId: string, writeId: string): string {
  const hex = createHash('sha256').update(`${workflowId}\u0000${runId}\u0000${writeId}`).digest('hex').slice(0, 16);
  return `pr-${[...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('')}`;
}

/** The marker of a write made by the current activity's workflow run. */
export function markerFor(writeId: string): string {
  const run = Context.current().info.workflowExecution;
  return writeMarker(run?.workflowId ?? 'standalone', run?.runId ?? 'standalone', writeId);
}

/** The line a Zendesk note or reply ends with; agents see a short reference, nothing else. */
export const markerLine = (marker: string) => `Ref: ${marker}`;
