// Detect and verify: read the whole ticket from Zendesk and return references only.
import { ApplicationFailure, log } from '@temporalio/activity';
import type { AttachmentRef, CardFindingRef, Detection, MergeInstruction } from '../workflows/types';
import { zendeskFailure } from './failures';
import { isLiveAttachment, scanTicket } from './scan';
import { verifyTicket } from '../verification';
import type { ZendeskApi } from './zendesk-api';
import { isZendeskApiError } from './zendesk-api';

export interface Verification {
  remaining: CardFindingRef[];
  attachmentsRemaining: AttachmentRef[];
  /**
   * Numbers the independent verifier (verification/) still sees that the detector cannot target, e.g. in
   * an HTML comment or a URL: no further pass removes them, a person must.
   */
  residuals: LeftoverCard[];
  /** The merge instruction as the notes say it now (read after the redaction). */
  mergeInstruction?: MergeInstruction;
}

export interface LeftoverCard {
  commentId: number | null;
  field: string;
  last4: string;
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

const ROLE_TTL_MS = 10 * 60_000;

export function createDetectActivities({ zendesk, fingerprintKey }: ScanDeps) {
  // Roles of note authors, cached: only notes by agents and admins can ask for a merge.
  const roles = new Map<number, { role: string; at: number }>();
  async function rolesOf(comments: { public: boolean; author_id?: number | null }[]): Promise<(id: number) => string | undefined> {
    const now = Date.now();
    const wanted = [...new Set(comments.flatMap((c) => (!c.public && typeof c.author_id === 'number' ? [c.author_id] : [])))];
    const missing = wanted.filter((id) => (roles.get(id)?.at ?? 0) + ROLE_TTL_MS < now);
    if (missing.length > 0) {
      try {
        for (const u of await zendesk.showManyUsers(missing)) roles.set(u.id, { role: u.role, at: now });
      } catch (err) {
        // Unknown authors make a merge note unclear (a lead decides); the scan itself goes on.
        log.warn('note authors could not be read', { failure: zendeskFailure(err, 'read note authors').message });
      }
    }
    return (id) => roles.get(id)?.role;
  }

  return {
    /** Step 1: every comment (all pages), the subject and attachment names, scanned for card data. */
    async detectCardData(input: { ticketId: number; attachmentNames: string[] }): Promise<Detection> {
      const { ticket, comments } = await readTicket(zendesk, input.ticketId);
      return scanTicket(ticket, comments, { fingerprintKey, attachmentNames: input.attachmentNames, roleOf: await rolesOf(comments) });
    },

    /** Step 7: read the ticket again and scan it again; anything left is reported. */
    async verifyRedaction(input: { ticketId: number; attachments: AttachmentRef[] }): Promise<Verification> {
      const { ticket, comments } = await readTicket(zendesk, input.ticketId);
      const scan = scanTicket(ticket, comments, { fingerprintKey, attachmentNames: [], roleOf: await rolesOf(comments) });
      const live = new Set(
        comments.flatMap((c) => (c.attachments ?? []).filter(isLiveAttachment).map((a) => `${c.id}:${a.id}`)),
      );
      const requested = input.attachments.filter((a) => live.has(`${a.commentId}:${a.attachmentId}`));
      const byId = new Map([...requested, ...scan.attachments].map((a) => [a.attachmentId, a]));
      // A second opinion that shares none of the detector's blind spots: raw html_body, body and plain_body.
      const known = new Set(scan.findings.map((f) => `${f.commentId ?? 's'}:${f.fingerprint}`));
      const residuals = new Map<string, LeftoverCard>();
      for (const left of verifyTicket(ticket, comments, { fingerprintKey })) {
        const key = `${left.commentId ?? 's'}:${left.fingerprint}`;
        if (left.targetable || known.has(key) || residuals.has(key)) continue;
        residuals.set(key, { commentId: left.commentId, field: left.field, last4: left.last4 });
      }
      return { remaining: scan.findings, attachmentsRemaining: [...byId.values()], residuals: [...residuals.values()], mergeInstruction: scan.mergeInstruction };
    },
  };
}
