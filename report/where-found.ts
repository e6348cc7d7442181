// "Where found" (PCI DSS 12.5.2) in words an auditor reads: comment 123, file receipt.pdf page 2 in comment
// 123, chat transcript, field "Notes", side conversation, audit trail. Built from the references of the
// workflow's `status` query (ids, masked file names, field titles), never from ticket text.
//
// A place carries `kind` and `ref` (e.g. `comment 123`, `file x.pdf in comment 123`, or only `chat`) and,
// when the workflow provides them, the ids each kind is known by; a label uses what is there.
import { z } from 'zod';
import { maskCardNumbers } from '../security/mask';

const id = z.union([z.number(), z.string()]);

export const ReportPlaceSchema = z.object({
  kind: z.string(),
  ref: z.string().default(''),
  last4: z.string().default(''),
  brand: z.string().default(''),
  commentId: id.optional(),
  /** A public comment Zendesk emailed to the requester or CCs (a copy outside Zendesk). */
  emailed: z.boolean().optional(),
  fileName: z.string().optional(),
  page: z.number().int().optional(),
  chatId: z.string().optional(),
  chatEntry: z.enum(['message', 'file']).optional(),
  chatIndex: z.number().int().optional(),
  messageId: z.string().optional(),
  fieldId: id.optional(),
  fieldTitle: z.string().optional(),
  sideConversationId: z.string().optional(),
  eventId: z.string().optional(),
  channel: z.string().optional(),
  auditId: id.optional(),
  auditField: z.string().optional(),
});
export type ReportPlace = z.infer<typeof ReportPlaceSchema>;

/** The places of a status as the report reads them; an entry of another shape is dropped, not fatal. */
export function readPlaces(value: unknown): ReportPlace[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((p) => {
    const parsed = ReportPlaceSchema.safeParse(p);
    return parsed.success ? [parsed.data] : [];
  });
}

const CHANNELS: Record<string, string> = { email: 'emailed', slack: 'posted to Slack', msteams: 'posted to Microsoft Teams', child_ticket: 'on a child ticket' };
const join = (...parts: (string | undefined | false)[]): string => parts.filter(Boolean).join(', ');

/** What `ref` says, for workflows that give no structured ids: `comment 123`, `file x.pdf (page 2) in comment 123`. */
function fromRef(ref: string): { commentId?: string; fileName?: string; page?: number } {
  const file = /^file (.+?)(?: \(page (\d+)\))? in comment (\d+)$/.exec(ref);
  if (file) return { fileName: file[1], commentId: file[3], ...(file[2] ? { page: Number(file[2]) } : {}) };
  const comment = /^comment (\d+)$/.exec(ref);
  return comment ? { commentId: comment[1] } : {};
}

/** A bare ref that only repeats the kind (`chat`, `field`) adds nothing to the label. */
const extra = (p: ReportPlace): string | undefined => {
  const ref = p.ref.trim();
  return ref && ref !== p.kind && ref.replace(/_/g, ' ') !== p.kind.replace(/_/g, ' ') && ref !== 'email' ? maskCardNumbers(ref) : undefined;
};

/** Field titles by field id, from a request's field places: an audit event names a custom field by its id. */
export function fieldTitles(places: ReportPlace[]): ReadonlyMap<string, string> {
  return new Map(places.flatMap((p) => (p.kind === 'field' && p.fieldId !== undefined && p.fieldTitle !== undefined ? [[String(p.fieldId), p.fieldTitle] as const] : [])));
}

// Ids (comment, audit, field, chat, side conversation) print as Zendesk gives them, so an auditor can search for
// them: real ones often have 12 or more digits, which the masking pass would turn into `[card ••••NNNN]`. Every
// free text (file names, field titles, refs) is masked here instead; the renderer does not mask this column again.
export function whereFound(p: ReportPlace, titles: ReadonlyMap<string, string> = new Map()): string {
  const parsed = fromRef(p.ref);
  const commentId = p.commentId ?? parsed.commentId;
  switch (p.kind) {
    case 'subject':
      return 'ticket subject';
    case 'comment': {
      const emailed = p.emailed === true || p.ref === 'email';
      if (commentId === undefined) return emailed ? 'comment (emailed copy)' : join('comment', extra(p));
      return `comment ${commentId}${emailed ? ' (emailed copy)' : ''}`;
    }
    case 'email':
      return commentId === undefined ? 'comment (emailed copy)' : `comment ${commentId} (emailed copy)`;
    case 'file': {
      const name = p.fileName ?? parsed.fileName;
      if (name === undefined) return join('file', extra(p));
      const page = p.page ?? parsed.page;
      return `file ${maskCardNumbers(name)}${page !== undefined ? ` (page ${page})` : ''}${commentId !== undefined ? ` in comment ${commentId}` : ''}`;
    }
    case 'chat': {
      if (p.chatId === undefined) return join('chat transcript', extra(p));
      const entry = p.chatIndex !== undefined ? `#${p.chatIndex}` : p.messageId !== undefined ? `id ${p.messageId}` : undefined;
      return join(`chat ${p.chatId}`, entry && `${p.chatEntry === 'file' ? 'file name of message' : 'message'} ${entry}`);
    }
    case 'field': {
      if (p.fieldTitle !== undefined) return `field "${maskCardNumbers(p.fieldTitle)}"`;
      if (p.fieldId !== undefined) return `field ${p.fieldId}`;
      return join('ticket field', extra(p));
    }
    case 'side_conversation': {
      if (p.sideConversationId === undefined) return join('side conversation', extra(p));
      const copies = p.channel !== undefined ? CHANNELS[p.channel] : undefined;
      return join(`side conversation ${p.sideConversationId}`, p.eventId !== undefined && `message ${p.eventId}`, copies);
    }
    case 'audit':
      if (p.auditId === undefined) return join('audit trail', extra(p));
      if (p.auditField === undefined) return `audit trail, event ${p.auditId}`;
      return `audit trail, event ${p.auditId}, field ${titles.has(p.auditField) ? `"${maskCardNumbers(titles.get(p.auditField)!)}"` : maskCardNumbers(p.auditField)}`;
    default:
      return join(p.kind.replace(/_/g, ' '), extra(p));
  }
}
