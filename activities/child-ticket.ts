// The child ticket carries the request, as agents' macros do today. It lists only last 4
// digits, brands and masked file names: never a full number.
import { Context } from '@temporalio/activity';
import { describeFile, describeNotScanned } from '../workflows/file-lines';
import type { Detection } from '../workflows/types';
import { zendeskCall } from './failures';
import { markerFor, markerLine } from './write-marker';
import type { ZendeskApi } from './zendesk-api';

export const CHILD_TICKET_TAG = 'pan_redaction_request';

export interface ChildTicketDeps {
  zendesk: ZendeskApi;
  zendeskUrl: string;
}

export function ticketLink(zendeskUrl: string, ticketId: number): string {
  return `${zendeskUrl}/agent/tickets/${ticketId}`;
}

export function childTicketBody(zendeskUrl: string, ticketId: number, detection: Detection, denialReason?: string): string {
  const lines = [`Parent ticket: #${ticketId} (${ticketLink(zendeskUrl, ticketId)})`, ''];
  if (denialReason) {
    lines.push(`Redaction request denied: ${denialReason}.`);
  } else {
    lines.push('To redact:');
    for (const f of detection.findings) {
      const where = f.commentId === null ? 'ticket subject' : `comment ${f.commentId}`;
      lines.push(`- ${where}: card ending ${f.last4} (${f.brand})${f.withCvv ? ' with CVV' : ''}`);
    }
    // A file with a card is redacted whole: Zendesk cannot redact part of one.
    for (const a of detection.attachments) lines.push(`- comment ${a.commentId}: ${describeFile(a)}`);
    if (detection.unmatchedAttachmentNames.length > 0) {
      lines.push(`Not found on the ticket: ${detection.unmatchedAttachmentNames.join(', ')}`);
    }
    const merge = detection.mergeInstruction;
    if (merge?.kind === 'merge') lines.push('', `Merge requested into #${merge.target}, after redaction.`);
    if (merge?.kind === 'unclear') lines.push('', `A note mentions a merge, but ${merge.reason}: a lead decides after redaction.`);
  }
  if (detection.notScanned?.length) {
    lines.push('', 'Not scanned (check these files by hand):');
    for (const n of detection.notScanned) lines.push(`- ${describeNotScanned(n)}`);
  }
  return lines.join('\n');
}

export function createChildTicketActivities({ zendesk, zendeskUrl }: ChildTicketDeps) {
  async function hasMarker(ticketId: number, marker: string): Promise<boolean> {
    const line = markerLine(marker);
    return (await zendesk.listRecentComments(ticketId)).some((c) => c.body.includes(line) || c.html_body.includes(line));
  }

  return {
    /** Opens the child ticket once per workflow run: a retry or a restarted worker finds it by external id. */
    async openChildTicket(input: {
      ticketId: number;
      workflowId: string;
      requestedBy?: number;
      detection: Detection;
      denialReason?: string;
    }): Promise<{ childTicketId: number }> {
      // One child per workflow run: retries and restarted workers find the same one.
      const runId = Context.current().info.workflowExecution?.runId ?? 'standalone';
      const externalId = `pan-redaction:${input.workflowId}:${runId}`;
      return zendeskCall(`open child ticket for ${input.ticketId}`, async () => {
        const existing = await zendesk.findTicketsByExternalId(externalId);
        if (existing[0]) return { childTicketId: existing[0].id };
        // An attempt that timed out may still create the ticket after the retry looked for it: with
        // the external id as Idempotency-Key, the retry's create returns that same ticket.
        const created = await zendesk.createTicket(
          {
            subject: input.denialReason
              ? `Denied: card data redaction request for ticket #${input.ticketId}`
              : `Card data redaction for ticket #${input.ticketId}`,
            comment: { body: childTicketBody(zendeskUrl, input.ticketId, input.detection, input.denialReason), public: false },
            requester_id: input.requestedBy,
            external_id: externalId,
            tags: [CHILD_TICKET_TAG],
            status: 'open',
          },
          { idempotencyKey: externalId },
        );
        return { childTicketId: created.id };
      });
    },

    /** Once per `writeId` in this run: a retry finds the note's marker and does not write it again. */
    async addInternalNote(input: { ticketId: number; body: string; writeId: string }): Promise<void> {
      const marker = markerFor(input.writeId);
      await zendeskCall(`add note to ticket ${input.ticketId}`, async () => {
        if (await hasMarker(input.ticketId, marker)) return;
        await zendesk.updateTicket(input.ticketId, { comment: { body: `${input.body}\n\n${markerLine(marker)}`, public: false } });
      });
    },

    /**
     * Tells the requesting agent (the child ticket's requester, emailed by Zendesk: so never twice) and
     * solves the child. A retry that finds the reply only makes sure the ticket is solved.
     */
    async closeChildTicket(input: { childTicketId: number; requesterReply: string; writeId: string }): Promise<void> {
      const marker = markerFor(input.writeId);
      await zendeskCall(`solve child ticket ${input.childTicketId}`, async () => {
        if (await hasMarker(input.childTicketId, marker)) {
          const child = await zendesk.getTicket(input.childTicketId);
          if (child.status !== 'solved' && child.status !== 'closed') await zendesk.updateTicket(input.childTicketId, { status: 'solved' });
          return;
        }
        await zendesk.updateTicket(input.childTicketId, { status: 'solved', comment: { body: `${input.requesterReply}\n\n${markerLine(marker)}`, public: true } });
      });
    },
  };
}
