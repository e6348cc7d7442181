// Step 8: merge into the ticket a note asked for. The workflow calls this only after verification.
import { zendeskCall } from './failures';
import type { ZendeskApi } from './zendesk-api';
import { isZendeskApiError } from './zendesk-api';

export type MergeStart =
  | { status: 'started'; jobId: string }
  | { status: 'target_unavailable'; reason: string }
  /** An earlier attempt's merge went through (its answer was lost: timeout, killed worker). */
  | { status: 'already_merged' };

/** The private note Zendesk adds to the source ticket; also how a retry recognises our own merge. */
export const sourceMergeComment = (targetTicketId: number) => `Merged into #${targetTicketId} after card data redaction.`;

export function createMergeActivities({ zendesk }: { zendesk: ZendeskApi }) {
  /** True when the source was closed by a merge that left our note naming this target. */
  async function alreadyMerged(sourceTicketId: number, targetTicketId: number): Promise<boolean> {
    const source = await zendesk.getTicket(sourceTicketId);
    if (source.status !== 'closed' || !source.tags.includes('closed_by_merge')) return false;
    const note = sourceMergeComment(targetTicketId);
    return (await zendesk.listComments(sourceTicketId)).some((c) => c.body.includes(note) || c.html_body.includes(note));
  }

  return {
    async startMerge(input: { sourceTicketId: number; targetTicketId: number }): Promise<MergeStart> {
      const { sourceTicketId, targetTicketId } = input;
      if (sourceTicketId === targetTicketId) return { status: 'target_unavailable', reason: 'the target is this same ticket' };
      return zendeskCall(`merge ${sourceTicketId} into ${targetTicketId}`, async () => {
        // A retried start must not merge twice: the first request may have gone through unanswered.
        if (await alreadyMerged(sourceTicketId, targetTicketId)) return { status: 'already_merged' };
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
          sourceMergeComment(targetTicketId),
        );
        return { status: 'started', jobId: job.id };
      });
    },

    /**
     * With the ticket ids, a failed job whose merge an earlier job already did (a retried start
     * raced it) reports `completed`.
     */
    async checkMergeJob(input: { jobId: string; sourceTicketId?: number; targetTicketId?: number }): Promise<{ status: string; message?: string }> {
      return zendeskCall(`check merge job ${input.jobId}`, async () => {
        const job = await zendesk.getJobStatus(input.jobId);
        const failed = job.status === 'failed' || job.status === 'killed';
        if (failed && input.sourceTicketId !== undefined && input.targetTicketId !== undefined && (await alreadyMerged(input.sourceTicketId, input.targetTicketId))) {
          return { status: 'completed', message: 'merged by an earlier attempt' };
        }
        return { status: job.status, message: job.message ?? undefined };
      });
    },
  };
}
