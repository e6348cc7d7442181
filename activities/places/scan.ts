// Scans the other places of a ticket — chat transcripts, text custom fields, side conversations,
// audit values, public comments already emailed — and turns what it finds into references. Pure.
import { cardDigits, findCardNumbers, type CardFinding } from '../../detection';
import { fingerprintCard } from '../../security/fingerprint';
import { REDACTED_FILE_NAME } from '../scan';
import type { ZendeskAudit, ZendeskComment, ZendeskSideConversation, ZendeskSideConversationEvent, ZendeskTicket } from '../zendesk-api';
import { REDACTABLE_PLACES, type PlaceFinding, type Residual } from './types';

export interface PlacesInput {
  ticket: ZendeskTicket;
  comments: ZendeskComment[];
  audits: ZendeskAudit[];
  sideConversations: { conversation: ZendeskSideConversation; events: ZendeskSideConversationEvent[] }[];
  /** Ids of the text and textarea custom fields (Ticket Fields API). */
  textFieldIds: ReadonlySet<number>;
  /** Their titles, for the evidence report's "where found". */
  fieldTitles?: ReadonlyMap<number, string>;
  fingerprintKey: string;
}

interface CardRef {
  last4: string;
  brand: string;
  fingerprint: string;
}

export function cardsIn(key: string, text: string): (CardRef & { finding: CardFinding })[] {
  return findCardNumbers(text).map((f) => ({ last4: f.last4, brand: f.brand, fingerprint: fingerprintCard(key, cardDigits(text, f)), finding: f }));
}

const card = ({ last4, brand, fingerprint }: CardRef): CardRef => ({ last4, brand, fingerprint });

/** Values of Create/Change audit events worth scanning: strings (subjects, text fields). */
function auditTexts(e: ZendeskAudit['events'][number]): string[] {
  if (e.type !== 'Create' && e.type !== 'Change') return [];
  return [e.value, e.previous_value].filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** Whether Zendesk emails a public comment by this author to someone else: an agent's reply, or any comment on a ticket with CCs. */
function emailedToOthers(ticket: PlacesInput['ticket'], authorId: number | null | undefined): boolean {
  const t = ticket as { requester_id?: number | null; email_cc_ids?: unknown; collaborator_ids?: unknown };
  const ccs = [t.email_cc_ids, t.collaborator_ids].some((ids) => Array.isArray(ids) && ids.length > 0);
  return ccs || (authorId != null && t.requester_id != null && authorId !== t.requester_id);
}

export function scanPlaces(input: PlacesInput): PlaceFinding[] {
  const key = input.fingerprintKey;
  const out: PlaceFinding[] = [];
  const seen = new Set<string>();
  const push = (f: PlaceFinding): void => {
    const id = `${refOf(f)}|${f.fingerprint}`;
    if (seen.has(id)) return;
    seen.add(id);
    out.push(f);
  };

  for (const c of input.comments) {
    if (c.data) {
      for (const entry of c.data.history) {
        const at = entry.chat_index !== undefined ? { chatIndex: entry.chat_index } : entry.message_id !== undefined ? { messageId: entry.message_id } : undefined;
        if (!at) continue;
        if (entry.type === 'ChatMessage' && entry.message) {
          for (const x of cardsIn(key, entry.message)) push({ place: 'chat', kind: 'message', chatId: c.data.chat_id, ...at, ...card(x) });
        } else if (entry.type === 'ChatFileAttachment' && entry.filename && entry.filename !== REDACTED_FILE_NAME) {
          for (const x of cardsIn(key, entry.filename)) push({ place: 'chat', kind: 'file', chatId: c.data.chat_id, ...at, ...card(x) });
        }
      }
    } else if (c.public && emailedToOthers(input.ticket, c.author_id)) {
      // Zendesk emailed this public comment to the requester or CCs: that copy stays with them. The
      // requester's own message is not emailed back to them, so alone it leaves no copy.
      for (const x of cardsIn(key, c.plain_body ?? c.body)) push({ place: 'email', commentId: c.id, ...card(x) });
    }
  }
  for (const f of input.ticket.custom_fields) {
    if (!input.textFieldIds.has(f.id) || typeof f.value !== 'string') continue;
    const title = input.fieldTitles?.get(f.id);
    for (const x of cardsIn(key, f.value)) push({ place: 'field', fieldId: f.id, ...(title !== undefined ? { fieldTitle: title } : {}), ...card(x) });
  }
  for (const { conversation, events } of input.sideConversations) {
    const channel = sideConversationChannel(conversation);
    for (const e of events) {
      const texts = [e.message?.subject, e.message?.body].filter((v): v is string => typeof v === 'string');
      for (const t of texts) for (const x of cardsIn(key, t)) push({ place: 'side_conversation', sideConversationId: conversation.id, eventId: e.id, channel, ...card(x) });
    }
  }
  for (const a of input.audits) {
    for (const e of a.events) {
      for (const t of auditTexts(e)) for (const x of cardsIn(key, t)) push({ place: 'audit', auditId: a.id, fieldName: e.field_name ?? 'unknown', ...card(x) });
    }
  }
  return out;
}

/** Where a side conversation's messages went, from its participants (one kind per conversation). */
function sideConversationChannel(c: ZendeskSideConversation): 'email' | 'slack' | 'msteams' | 'child_ticket' {
  if (c.participants.some((p) => p.slack_channel_id)) return 'slack';
  if (c.participants.some((p) => p.msteams_channel_id)) return 'msteams';
  if (c.participants.some((p) => p.support_group_id || p.support_agent_id)) return 'child_ticket';
  return 'email';
}

const SIDE_CONVERSATION_COPIES: Record<'email' | 'slack' | 'msteams' | 'child_ticket', string> = {
  email: 'the emails its participants already received stay with them: ask them to delete them.',
  slack: 'it was also posted to a Slack channel: a Slack workspace admin must delete that message there.',
  msteams: 'it was also posted to a Microsoft Teams channel: a Teams admin must delete that message there.',
  child_ticket: 'it is also on the child ticket this side conversation created: redact it there too (an ordinary ticket).',
};

/** Ids only: where a finding sits. */
export function refOf(f: PlaceFinding): string {
  switch (f.place) {
    case 'chat':
      return `chat ${f.chatId} ${f.kind} ${f.chatIndex !== undefined ? `#${f.chatIndex}` : `id ${f.messageId}`}`;
    case 'field':
      return `field ${f.fieldId}`;
    case 'side_conversation':
      return `side conversation ${f.sideConversationId} message ${f.eventId}`;
    case 'audit':
      return `audit ${f.auditId} field ${f.fieldName}`;
    case 'email':
      return `comment ${f.commentId}`;
  }
}

/** The same card at the same place (offsets aside). */
export function samePlace(a: PlaceFinding, b: PlaceFinding): boolean {
  return a.fingerprint === b.fingerprint && refOf(a) === refOf(b);
}

/**
 * What the API cannot erase, with the step that does. Audit values are grouped per card: one
 * request to Zendesk purges them all.
 */
export function residualsOf(ticketId: number, findings: PlaceFinding[]): Residual[] {
  const out: Residual[] = [];
  const audits = new Map<string, { last4: string; refs: string[] }>();
  for (const f of findings) {
    if (REDACTABLE_PLACES.has(f.place)) continue;
    if (f.place === 'audit') {
      const g = audits.get(f.fingerprint) ?? { last4: f.last4, refs: [] };
      g.refs.push(`${f.auditId} (${f.fieldName})`);
      audits.set(f.fingerprint, g);
    } else if (f.place === 'side_conversation') {
      out.push({
        place: 'side_conversation',
        ref: refOf(f),
        last4: f.last4,
        manualStep: `Zendesk's API cannot redact side conversations: open ticket #${ticketId} in Agent Workspace and redact this side-conversation message by hand; ${SIDE_CONVERSATION_COPIES[f.channel]}`,
      });
    } else if (f.place === 'email') {
      out.push({
        place: 'email',
        ref: refOf(f),
        last4: f.last4,
        manualStep: `Zendesk emailed public comment ${f.commentId} of ticket #${ticketId} to the requester and CCs before it was redacted; that email cannot be recalled: ask them to delete it.`,
      });
    }
  }
  for (const g of audits.values()) {
    out.push({
      place: 'audit',
      ref: `audits ${g.refs.join(', ')}`,
      last4: g.last4,
      manualStep: `Zendesk keeps old values in the audit trail and its API cannot redact them: ask Zendesk Support to purge the card number from the audits of ticket #${ticketId}, or delete the ticket once its content is saved.`,
    });
  }
  return out;
}
