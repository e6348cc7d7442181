// Detect and verify: read the whole ticket from Zendesk and return references only.
import { ApplicationFailure } from '@temporalio/activity';
import type { AttachmentRef, CardFindingRef, Detection } from '../workflows/types';
import { zendeskFailure } from './failures';
import { isLiveAttachment, scanTicket } from './scan';
import type { ZendeskApi } from './zendesk-api';
import { isZendeskApiError } from './zendesk-api';

export interface Verification {
  remaining: CardFindingRef[];
  attachmentsRemaining: AttachmentRef[];
  mergeTarget?: number;
}

export interface ScanDeps {
  zendesk: ZendeskApi;
  fingerprintKey: string;
}

export async function readTicket(zendesk: ZendeskApi, ticketId: number) {
  try {
    const ticket = await zendesk.getTicket(ticketId);
    const comments = await zendesk.listComments(ticketId);
    return { ticket, comments };
  } catch (err) {
    if (isZendeskApiError(err) && err.status === 404) {
      throw ApplicationFailure.create({ type: 'TicketNotFound', message: `ticket ${ticketId} not found in Zendesk`, nonRetryable: true });
    }
    throw zendeskFailure(err, `read ticket ${ticketId}`);
  }
}

export function createDetectActivities({ zendesk, fingerprintKey }: ScanDeps) {
  return {
    /** Step 1: every comment (all pages), the subject and attachment names, scanned for card data. */
    async detectCardData(input: { ticketId: number; attachmentNames: string[] }): Promise<Detection> {
      const { ticket, comments } = await readTicket(zendesk, input.ticketId);
      return scanTicket(ticket, comments, { fingerprintKey, attachmentNames: input.attachmentNames });
    },

    /** Step 7: read the ticket again and scan it again; anything left is reported. */
    async verifyRedaction(input: { ticketId: number; attachments: AttachmentRef[] }): Promise<Verification> {
      const { ticket, comments } = await readTicket(zendesk, input.ticketId);
      const scan = scanTicket(ticket, comments, { fingerprintKey, attachmentNames: [] });
      const live = new Set(
        comments.flatMap((c) => (c.attachments ?? []).filter(isLiveAttachment).map((a) => `${c.id}:${a.id}`)),
      );
      const requested = input.attachments.filter((a) => live.has(`${a.commentId}:${a.attachmentId}`));
      const byId = new Map([...requested, ...scan.attachments].map((a) => [a.attachmentId, a]));
      return { remaining: scan.findings, attachmentsRemaining: [...byId.values()], mergeTarget: scan.mergeTarget };
    },
  };
}
