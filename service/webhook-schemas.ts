// Bodies Zendesk POSTs to /webhooks/zendesk (fact sheet §6d, §6e) and their mapping to a RedactionRequest.
// A trigger body may carry the new comment's text (`comment_text`) for the edge scan
// (service/edge-scan.ts); it stays in memory, never enters a RedactionRequest, a log or an error.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { RedactionRequest } from '../workflows/types';

/** Placeholders render as text (`"123"`), so ids may be strings; anything non-numeric is rejected. */
export const zendeskId = z
  .union([z.number(), z.string().trim().regex(/^\d+$/, { message: 'expected a numeric id' })], {
    error: (issue) => (issue.input === undefined ? 'is required' : 'expected a numeric id'),
  })
  .transform(Number)
  .pipe(z.number().int({ message: 'expected a whole number' }).positive({ message: 'expected a positive id' }).max(Number.MAX_SAFE_INTEGER, { message: 'id is too large' }));

/** An empty placeholder (`""`) or null means "not given". */
const optionalId = z.preprocess((v) => (v === '' || v === null ? undefined : v), zendeskId.optional());

const attachmentNames = z
  .union([z.array(z.string()), z.string()], { error: 'expected a list of file names or a comma-separated string' })
  .transform((v) => (typeof v === 'string' ? v.split(/[,\n]/) : v).map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string().max(255)).max(50));

/** Body of a trigger/automation webhook, defined by us in the trigger's JSON template. */
export const triggerBodySchema = z.object({
  ticket_id: zendeskId,
  comment_id: optionalId,
  type: z.enum(['comment_added', 'redaction_request']),
  requested_by: optionalId,
  attachment_names: z.preprocess((v) => (v === null ? undefined : v), attachmentNames.optional()),
  /** `{{ticket.latest_comment.value | truncate: N}}`: scanned in memory, never stored. */
  comment_text: z.string().optional(),
  /** `{{ticket.latest_comment.value | size}}`: tells a complete text from a truncated one. */
  comment_chars: z.preprocess((v) => (v === '' || v === null ? undefined : v), z.union([z.number(), z.string().regex(/^\d+$/, { message: 'expected a count' })]).transform(Number).optional()),
  /** `{{ticket.latest_comment.attachments | size}}`: files cannot be scanned at the edge, so any file starts the workflow. */
  comment_attachments: z.preprocess((v) => (v === '' || v === null ? undefined : v), z.union([z.number(), z.string().regex(/^\d+$/, { message: 'expected a count' })]).transform(Number).optional()),
  /** `{{ticket.title}}`: scanned with the comment (a subject can carry a number too). */
  subject: z.string().optional(),
});
export type TriggerBody = z.infer<typeof triggerBodySchema>;

export const COMMENT_ADDED_EVENT = 'zen:event-type:ticket.comment_added';

/** Event-subscription envelope for `ticket.comment_added`. `comment.body` is deliberately not in the schema. */
export const commentAddedEventSchema = z
  .object({
    type: z.literal(COMMENT_ADDED_EVENT),
    id: z.string().min(1),
    account_id: z.union([z.string(), z.number()]),
    time: z.string(),
    subject: z.string().regex(/^zen:ticket:\d+$/, { message: 'expected zen:ticket:<id>' }),
    detail: z.object({ id: zendeskId }),
    event: z.object({
      comment: z.object({
        id: zendeskId,
        is_public: z.boolean().optional(),
        author: z.object({ id: z.union([z.string(), z.number()]), is_staff: z.boolean().optional() }).optional(),
      }),
    }),
  })
  .refine((e) => Number(e.subject.slice('zen:ticket:'.length)) === e.detail.id, {
    message: 'subject and detail.id name different tickets',
    path: ['subject'],
  });
export type CommentAddedEvent = z.infer<typeof commentAddedEventSchema>;

/** Any other event-subscription type: acknowledged and ignored, so Zendesk's circuit breaker stays closed. */
const otherEventSchema = z.object({ type: z.string().startsWith('zen:event-type:') });

export type ParsedWebhook =
  | { kind: 'trigger'; body: TriggerBody }
  | { kind: 'comment_event'; body: CommentAddedEvent }
  | { kind: 'ignored_event'; eventType: string }
  | { kind: 'invalid'; problems: string[] };

/** Issue paths and messages only: zod messages here never quote input values. */
function problemsOf(error: z.ZodError): string[] {
  return [...new Set(error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`))];
}

export function parseWebhookBody(json: unknown): ParsedWebhook {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { kind: 'invalid', problems: ['body: expected a JSON object'] };
  }
  const type = (json as { type?: unknown }).type;
  if (type === COMMENT_ADDED_EVENT) {
    const parsed = commentAddedEventSchema.safeParse(json);
    return parsed.success ? { kind: 'comment_event', body: parsed.data } : { kind: 'invalid', problems: problemsOf(parsed.error) };
  }
  const other = otherEventSchema.safeParse(json);
  if (other.success) return { kind: 'ignored_event', eventType: other.data.type };
  const parsed = triggerBodySchema.safeParse(json);
  return parsed.success ? { kind: 'trigger', body: parsed.data } : { kind: 'invalid', problems: problemsOf(parsed.error) };
}

export interface MappedRequest {
  ticketId: number;
  request: RedactionRequest;
}

/**
 * Builds the workflow's request. `deliveryId`: the invocation id header when present, else
 * `comment:<id>` for comment events, else a hash of the raw body (same body ⇒ same id).
 */
export function toRedactionRequest(
  parsed: { kind: 'trigger'; body: TriggerBody } | { kind: 'comment_event'; body: CommentAddedEvent },
  opts: { invocationId?: string; rawBody: Buffer | string; mask: (text: string) => string },
): MappedRequest {
  // A body that carries text is hashed without it: an unkeyed hash of a card number must not reach Temporal.
  const hashed = () =>
    parsed.kind === 'trigger' && (parsed.body.comment_text !== undefined || parsed.body.subject !== undefined)
      ? JSON.stringify({ ...parsed.body, comment_text: undefined, subject: undefined })
      : opts.rawBody;
  const fallbackId = (commentId: number | undefined) =>
    commentId !== undefined ? `comment:${commentId}` : `body:${createHash('sha256').update(hashed()).digest('hex').slice(0, 32)}`;

  if (parsed.kind === 'comment_event') {
    const commentId = parsed.body.event.comment.id;
    return {
      ticketId: parsed.body.detail.id,
      request: { deliveryId: opts.invocationId || fallbackId(commentId), source: 'detection', commentId },
    };
  }
  const body = parsed.body;
  const isCommentEvent = body.type === 'comment_added';
  const request: RedactionRequest = {
    deliveryId: opts.invocationId || fallbackId(isCommentEvent ? body.comment_id : undefined),
    source: body.type === 'redaction_request' ? 'agent' : 'detection',
  };
  if (body.comment_id !== undefined) request.commentId = body.comment_id;
  if (body.requested_by !== undefined) request.requestedBy = body.requested_by;
  if (body.attachment_names?.length) request.attachmentNames = body.attachment_names.map(opts.mask);
  return { ticketId: body.ticket_id, request };
}
