// Activities for the places beyond comments and the subject: chat transcripts, text custom fields,
// side conversations, audit values and emails already sent. They take and return references only;
// each reads Zendesk again for the text it needs.
import { countResiduals } from '../../metrics/worker';
import { residualsByPlace } from './format';
import { log } from '@temporalio/activity';
import { zendeskCall } from '../failures';
import { type ZendeskApi, type ZendeskComment, isZendeskApiError } from '../zendesk-api';
import { createTextFieldCache } from './field-types';
import { cardsIn, residualsOf, samePlace, scanPlaces } from './scan';
import { type PlaceDetection, type PlaceFinding, type PlaceRedaction, type PlaceVerification, PlaceFindingSchema, REDACTABLE_PLACES } from './types';

export * from './types';
export { refOf, residualsOf } from './scan';
export { residualLines, residualsByPlace } from './format';

export interface PlaceDeps {
  zendesk: ZendeskApi;
  fingerprintKey: string;
  /** How long the list of text fields is trusted; default 10 minutes. */
  fieldTypesTtlMs?: number;
}

type ChatFinding = Extract<PlaceFinding, { place: 'chat' }>;
type FieldFinding = Extract<PlaceFinding, { place: 'field' }>;

const GLYPH = '\u2587';

/** Each digit inside the spans becomes ▇; separators stay, so the field keeps its shape. */
export function blockOutDigits(text: string, spans: { start: number; end: number }[]): string {
  const chars = Array.from(text);
  let out = '';
  let i = 0;
  for (const ch of chars) {
    const inSpan = spans.some((s) => i >= s.start && i < s.end);
    out += inSpan && /\p{Nd}/u.test(ch) ? GLYPH : ch;
    i += ch.length;
  }
  return out;
}

/** `a 4111… b` → `a <redact>4111…</redact> b` for chat_redactions (plain text). */
function wrapPlain(text: string, spans: { start: number; end: number }[]): string {
  let out = '';
  let cursor = 0;
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    if (s.start < cursor) continue;
    out += `${text.slice(cursor, s.start)}<redact>${text.slice(s.start, s.end)}</redact>`;
    cursor = s.end;
  }
  return out + text.slice(cursor);
}

const entryKey = (f: { chatIndex?: number; messageId?: string }): string => (f.chatIndex !== undefined ? `i${f.chatIndex}` : `m${f.messageId ?? ''}`);

export function createPlaceActivities({ zendesk, fingerprintKey, fieldTypesTtlMs = 10 * 60_000 }: PlaceDeps) {
  const fields = createTextFieldCache(zendesk, fieldTypesTtlMs);

  async function sideConversationsOf(ticketId: number) {
    try {
      const list = await zendesk.listSideConversations(ticketId);
      return await Promise.all(list.map(async (conversation) => ({ conversation, events: await zendesk.listSideConversationEvents(ticketId, conversation.id) })));
    } catch (err) {
      // Without the Collaboration add-on the endpoint is not there: no side conversations to scan.
      if (isZendeskApiError(err) && (err.status === 403 || err.status === 404)) {
        log.info('side conversations unavailable; not scanned', { ticketId, status: err.status });
        return [];
      }
      throw err;
    }
  }

  async function scan(ticketId: number): Promise<PlaceFinding[]> {
    return zendeskCall(`scan the other places of ticket ${ticketId}`, async () => {
      const [ticket, comments, audits, sideConversations] = await Promise.all([
        zendesk.getTicket(ticketId),
        zendesk.listComments(ticketId),
        zendesk.listAudits(ticketId),
        sideConversationsOf(ticketId),
      ]);
      const textFieldIds = await fields.textFieldIds(ticket.custom_fields.map((f) => f.id));
      return scanPlaces({ ticket, comments, audits, sideConversations, textFieldIds, fieldTitles: fields.fieldTitles(), fingerprintKey });
    });
  }

  /** A chat has ended once the ticket's audits hold its ChatEndedEvent. */
  async function endedChats(ticketId: number): Promise<Set<string>> {
    const audits = await zendesk.listAudits(ticketId);
    const ended = new Set<string>();
    for (const a of audits) {
      for (const e of a.events) {
        const chatId = (e.value as { chat_id?: unknown } | undefined)?.chat_id;
        if (e.type === 'ChatEndedEvent' && typeof chatId === 'string') ended.add(chatId);
      }
    }
    return ended;
  }

  async function redactChat(ticketId: number, comment: ZendeskComment, wanted: ChatFinding[], report: PlaceRedaction): Promise<void> {
    const history = comment.data?.history ?? [];
    const chatId = comment.data!.chat_id;
    const files: ChatFinding[] = [];
    // One call per message, however many of its cards are wanted.
    for (const key of new Set(wanted.map((f) => `${f.kind}:${entryKey(f)}`))) {
      const group = wanted.filter((f) => `${f.kind}:${entryKey(f)}` === key);
      const first = group[0]!;
      const entry = history.find((h) => (first.chatIndex !== undefined ? h.chat_index === first.chatIndex : h.message_id === first.messageId));
      const text = (first.kind === 'message' ? entry?.message : entry?.filename) ?? '';
      const hits = cardsIn(fingerprintKey, text).filter((x) => group.some((f) => f.fingerprint === x.fingerprint));
      const present = group.filter((f) => hits.some((h) => h.fingerprint === f.fingerprint));
      report.alreadyGone.push(...group.filter((f) => !present.includes(f)));
      if (present.length === 0) continue;
      if (first.kind === 'file') {
        files.push(...present);
        continue;
      }
      const spans = hits.map((x) => ({ start: x.finding.start, end: x.finding.cvv ? Math.max(x.finding.end, x.finding.cvv.end) : x.finding.end }));
      await zendesk.redactChatMessage(ticketId, { chatId, chatIndex: first.chatIndex, messageId: first.messageId }, wrapPlain(text, spans));
      report.redacted.push(...present);
    }
    if (files.length > 0) {
      const byIndex = files.filter((f) => f.chatIndex !== undefined);
      const byId = files.filter((f) => f.chatIndex === undefined);
      if (byIndex.length > 0) await zendesk.redactChatFiles(ticketId, { chatId, chatIndexes: [...new Set(byIndex.map((f) => f.chatIndex!))] });
      if (byId.length > 0) await zendesk.redactChatFiles(ticketId, { chatId, messageIds: [...new Set(byId.map((f) => f.messageId!))] });
      report.redacted.push(...files);
    }
  }

  async function redactFields(ticketId: number, wanted: FieldFinding[], report: PlaceRedaction): Promise<void> {
    const ticket = await zendesk.getTicket(ticketId);
    const updates: { id: number; value: string }[] = [];
    const targets: FieldFinding[] = [];
    for (const id of new Set(wanted.map((f) => f.fieldId))) {
      const mine = wanted.filter((f) => f.fieldId === id);
      const value = ticket.custom_fields.find((c) => c.id === id)?.value;
      const hits = typeof value === 'string' ? cardsIn(fingerprintKey, value).filter((x) => mine.some((f) => f.fingerprint === x.fingerprint)) : [];
      const present = new Set(hits.map((h) => h.fingerprint));
      report.alreadyGone.push(...mine.filter((f) => !present.has(f.fingerprint)));
      if (hits.length === 0 || typeof value !== 'string') continue;
      updates.push({ id, value: blockOutDigits(value, hits.map((h) => h.finding)) });
      targets.push(...mine.filter((f) => present.has(f.fingerprint)));
    }
    if (updates.length === 0) return;
    await zendesk.updateTicket(ticketId, { custom_fields: updates });
    // Read back: only what is gone counts as redacted (verification reports the rest).
    const after = await zendesk.getTicket(ticketId);
    for (const f of targets) {
      const value = after.custom_fields.find((c) => c.id === f.fieldId)?.value;
      const still = typeof value === 'string' && cardsIn(fingerprintKey, value).some((x) => x.fingerprint === f.fingerprint);
      if (!still) report.redacted.push(f);
      else log.warn('custom field still holds the card after the update', { ticketId, fieldId: f.fieldId, last4: f.last4 });
    }
  }

  return {
    /** Every other place of the ticket, scanned; residuals name what the API cannot erase. */
    async detectPlaces(input: { ticketId: number }): Promise<PlaceDetection> {
      const findings = await scan(input.ticketId);
      return { findings, residuals: residualsOf(input.ticketId, findings) };
    },

    /**
     * Redacts chat messages and files (ended chats only) and text fields; everything else is a
     * residual. `chat_active`: call again with `waiting` after a durable timer.
     */
    async redactPlaces(input: { ticketId: number; findings: PlaceFinding[] }): Promise<PlaceRedaction> {
      const { ticketId } = input;
      const findings = input.findings.map((f) => PlaceFindingSchema.parse(f));
      const report: PlaceRedaction = { outcome: 'done', redacted: [], alreadyGone: [], waiting: [], residuals: residualsOf(ticketId, findings) };
      await zendeskCall(`redact the other places of ticket ${ticketId}`, async () => {
        const chats = findings.filter((f): f is ChatFinding => f.place === 'chat');
        if (chats.length > 0) {
          const ended = await endedChats(ticketId);
          const comments = await zendesk.listComments(ticketId);
          for (const chatId of new Set(chats.map((f) => f.chatId))) {
            const wanted = chats.filter((f) => f.chatId === chatId);
            const comment = comments.find((c) => c.data?.chat_id === chatId);
            if (!comment) report.alreadyGone.push(...wanted);
            else if (!ended.has(chatId)) report.waiting.push(...wanted);
            else {
              try {
                await redactChat(ticketId, comment, wanted, report);
              } catch (err) {
                // Ended by its audit, yet refused: Zendesk still sees it active. Wait and retry.
                if (!(isZendeskApiError(err) && err.status === 422 && err.details?.some((d) => d.error === 'ChatActive'))) throw err;
                report.waiting.push(...wanted.filter((f) => !report.redacted.includes(f)));
              }
            }
          }
        }
        const fieldFindings = findings.filter((f): f is FieldFinding => f.place === 'field');
        if (fieldFindings.length > 0) await redactFields(ticketId, fieldFindings, report);
      });
      if (report.waiting.length > 0) report.outcome = 'chat_active';
      return report;
    },

    /** Reads and scans again: what is still at a redacted place, and every residual. */
    async verifyPlaces(input: { ticketId: number; findings: PlaceFinding[] }): Promise<PlaceVerification> {
      const wanted = input.findings.map((f) => PlaceFindingSchema.parse(f));
      const fresh = await scan(input.ticketId);
      // Anything still at a redactable place is reported, not only what was asked for.
      const remaining = fresh.filter((f) => REDACTABLE_PLACES.has(f.place));
      // An email sent or a side-conversation copy delivered stays a residual even when no longer visible.
      const kept = wanted.filter((f) => !REDACTABLE_PLACES.has(f.place) && !fresh.some((x) => samePlace(x, f)));
      const residuals = residualsOf(input.ticketId, [...fresh, ...kept]);
      countResiduals(residualsByPlace(residuals));
      return { remaining, residuals };
    },
  };
}

export type PlaceActivities = ReturnType<typeof createPlaceActivities>;
