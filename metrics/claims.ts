// How long requests wait for a lead's claim: observed by the service when a claim is accepted (from the
// workflow's start, i.e. the first request), for the dashboard's claim-wait panel and its percentiles.
import type { Client } from '@temporalio/client';
import { Histogram, Registry } from 'prom-client';

export const claimRegistry = new Registry();
export const claimWait = new Histogram({
  name: 'pan_claim_wait_seconds',
  help: 'Time from a redaction request to its accepted claim',
  buckets: [30, 60, 300, 600, 1800, 3600, 7200, 14400, 28800, 86400],
  registers: [claimRegistry],
});

/** Records the accepted claim's wait; a failed lookup only loses the sample. */
export function observeClaimWait(temporal: Client, workflowId: string, now = Date.now()): void {
  temporal.workflow
    .getHandle(workflowId)
    .describe()
    .then((d) => claimWait.observe(Math.max(0, (now - d.startTime.getTime()) / 1000)))
    .catch(() => undefined);
}
