// Step 8: merge into the ticket a note asked for. The workflow calls this only after verification.
import { zendeskCall } from './failures';
import type { ZendeskApi } from './zendesk-api';
import { isZendeskApiError } from './zendesk-api';

export type MergeStart = { status: 'started'; jobId: string } | { status: 'target_unavailable'; reason: string };

export function createMergeActivities({ zendesk }: { zendesk: ZendeskApi }) {
  return {
    async startMerge(input: { sourceTicketId: number; targetTicketId: number }): Promise<MergeStart> {
      const { sourceTicketId, targetTicketId } = input;
      if (sourceTicketId === targetTicketId) return { status: 'target_unavailable', reason: 'the target is this same ticket' };
      return zendeskCall(`merge ${sourceTicketId} into ${targetTicketId}`, async () => {
        let target;
        try {
          target = await zendesk.getTicket(targetTicketId);
        } catch (err) {
          if (isZendeskApiError(err) && err.status === 404) return { status: 'target_unavailable', reason: `ticket #${targetTicketId} does not exist` };
          throw err;
        }
        if (target.status === 'closed' || target.status === 'solved') {
          return { status: 'target_unavailable', reason: `ticket #${targetTicketId} is ${target.status}` };
        }
        const job = await zendesk.mergeTickets(
          targetTicketId,
          [sourceTicketId],
          `Ticket #${sourceTicketId} was merged into this ticket after its card data was redacted.`,
          `Merged into #${targetTicketId} after card data redaction.`,
        );
        return { status: 'started', jobId: job.id };
      });
    },

    async checkMergeJob(input: { jobId: string }): Promise<{ status: string; message?: string }> {
      return zendeskCall(`check merge job ${input.jobId}`, async () => {
        const job = await zendesk.getJobStatus(input.jobId);
        return { status: job.status, message: job.message ?? undefined };
      });
    },
  };
}
