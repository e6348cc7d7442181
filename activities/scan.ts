// Turns a ticket as read from Zendesk into references: the only shape that may leave an activity.
import { cardDigits, findCardNumbers, type CardFinding } from '../detection';
import { fingerprintCard } from '../security/fingerprint';
import { maskCardNumbers } from '../security/mask';
import type { AttachmentRef, CardFindingRef, Detection } from '../workflows/types';
import { mentionsLast4Only, pickMergeInstruction, type RoleOf } from './merge-instruction';

export interface AttachmentLike {
  id: number;
  file_name: string;
  content_url?: string | null;
  deleted?: boolean | null;
}

export interface CommentLike {
  id: number;
  author_id?: number | null;
  body?: string | null;
  html_body?: string | null;
  plain_body?: string | null;
  public: boolean;
  attachments?: AttachmentLike[] | null;
}

export interface TicketLike {
  id: number;
  subject?: string | null;
  status: string;
}

/** Zendesk replaces a redacted attachment with an empty file of this name. */
export const REDACTED_FILE_NAME = 'redacted.txt';

/** The text we scan and redact in: html_body when Zendesk gives it, else the plain body. */
export function commentText(comment: CommentLike): { text: string; html: boolean } {
  if (comment.html_body) return { text: comment.html_body, html: true };
  return { text: comment.plain_body ?? comment.body ?? '', html: false };
}

export function findingsIn(text: string, html: boolean): CardFinding[] {
  return findCardNumbers(text, { html });
}

export function toRef(key: string, commentId: number | null, text: string, finding: CardFinding): CardFindingRef {
  return {
    commentId,
    start: finding.start,
    end: finding.cvv ? Math.max(finding.end, finding.cvv.end) : finding.end,
    last4: finding.last4,
    brand: finding.brand,
    fingerprint: fingerprintCard(key, cardDigits(text, finding)),
    withCvv: finding.cvv !== undefined,
    ...(finding.redactable === false ? { redactable: false as const } : {}),
  };
}

function normaliseName(name: string): string {
  return maskCardNumbers(name).trim().toLowerCase();
}

export function isLiveAttachment(a: AttachmentLike): boolean {
  return !a.deleted && a.file_name !== REDACTED_FILE_NAME;
}

export function scanTicket(
  ticket: TicketLike,
  comments: CommentLike[],
  // roleOf: Zendesk role of each comment author; only internal notes by agents and admins count.
  options: { fingerprintKey: string; attachmentNames: string[]; roleOf?: RoleOf },
): Detection {
  const findings: CardFindingRef[] = [];
  const attachments: AttachmentRef[] = [];
  const wanted = new Set(options.attachmentNames.map(normaliseName));
  const matchedNames = new Set<string>();
  const fileIds: number[] = [];
  let last4Only = false;

  if (ticket.subject) {
    for (const f of findingsIn(ticket.subject, false)) findings.push(toRef(options.fingerprintKey, null, ticket.subject, f));
  }
  for (const comment of comments) {
    const { text, html } = commentText(comment);
    for (const f of findingsIn(text, html)) findings.push(toRef(options.fingerprintKey, comment.id, text, f));
    if (!last4Only && mentionsLast4Only(comment.plain_body ?? comment.body ?? '')) last4Only = true;
    for (const a of comment.attachments ?? []) {
      if (!isLiveAttachment(a)) continue;
      fileIds.push(a.id);
      const name = normaliseName(a.file_name);
      const cardInName = findCardNumbers(a.file_name).length > 0;
      if (cardInName || wanted.has(name)) {
        attachments.push({
          commentId: comment.id,
          attachmentId: a.id,
          fileName: maskCardNumbers(a.file_name),
          reason: wanted.has(name) ? 'named_by_agent' : 'card_number_in_name',
        });
        matchedNames.add(name);
      }
    }
  }
  const merge = pickMergeInstruction(comments, ticket.id, options.roleOf ?? ((): undefined => undefined));
  return {
    findings,
    attachments,
    unmatchedAttachmentNames: options.attachmentNames.filter((n) => !matchedNames.has(normaliseName(n))).map(maskCardNumbers),
    last4Only: findings.length === 0 && last4Only,
    mergeInstruction:
      merge.kind === 'merge'
        ? { kind: 'merge', target: merge.target, commentId: merge.commentId! }
        : merge.kind === 'unclear'
          ? { kind: 'unclear', reason: merge.reason, candidates: merge.candidates, commentId: merge.commentId! }
          : undefined,
    ticketStatus: ticket.status,
    fileIds,
  };
}
