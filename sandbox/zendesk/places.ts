// The other places a card number can sit on a ticket, as Zendesk documents them: ticket fields,
// users (their role), side conversations (Collaboration add-on), Zendesk Chat transcripts and
// their redaction endpoints. State lives here; tickets, comments and audits stay in store.ts.
import { AGENT_USER_ID } from './users';
import { randomBytes, randomUUID } from 'node:crypto';
import { badRequest, notFound, recordInvalid } from './errors';
import { REDACTION_GLYPH } from './html';
import type { IComment, ZendeskStore } from './store';
import type { SeedChatInput, ZdParticipant, SeedSideConversationInput, SeedUserInput, ZdChatEntry, ZdSideConversation, ZdSideConversationEvent, ZdTicketField, ZdUser } from './types';

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Ticket field types from the Ticket Fields reference (custom ones; system fields have their own). */
export const CUSTOM_FIELD_TYPES = ['text', 'textarea', 'checkbox', 'date', 'integer', 'decimal', 'regexp', 'partialcreditcard', 'multiselect', 'tagger', 'lookup'] as const;
const SYSTEM_FIELDS: [string, string][] = [
  ['subject', 'Subject'],
  ['description', 'Description'],
  ['status', 'Status'],
  ['tickettype', 'Type'],
  ['priority', 'Priority'],
  ['group', 'Group'],
  ['assignee', 'Assignee'],
];

export interface IChat {
  chatId: string;
  visitorId: string;
  history: ZdChatEntry[];
  /** null while the chat is active. */
  endedAt: number | null;
}

interface IField {
  id: number;
  type: string;
  title: string;
  description: string;
  active: boolean;
  required: boolean;
  tag: string | null;
  regexp: string | null;
  system: boolean;
  position: number;
  createdAt: number;
  updatedAt: number;
}

interface ISideConversation {
  id: string;
  ticketId: number;
  subject: string;
  state: 'open' | 'closed';
  participants: ZdParticipant[];
  events: ZdSideConversationEvent[];
  createdAt: number;
  updatedAt: number;
}

const FIRST_FIELD_ID = 360_000_000_001;

export class ZendeskPlaces {
  private fields = new Map<number, IField>();
  private users = new Map<number, ZdUser>();
  private sideConversations = new Map<number, ISideConversation[]>();
  private nextFieldId = FIRST_FIELD_ID;
  private nextChatEventId = 400_000_000_001;

  constructor(
    private readonly store: ZendeskStore,
    private readonly apiUserId: number,
  ) {
    this.reset();
  }

  reset(): void {
    this.fields.clear();
    this.users.clear();
    this.sideConversations.clear();
    this.nextFieldId = FIRST_FIELD_ID;
    const now = Date.now();
    SYSTEM_FIELDS.forEach(([type, title], i) => {
      const id = this.nextFieldId++;
      this.fields.set(id, { id, type, title, description: '', active: true, required: false, tag: null, regexp: null, system: true, position: i + 1, createdAt: now, updatedAt: now });
    });
    this.addUser({ id: this.apiUserId, name: 'Redaction bot', email: 'bot@example.com', role: 'admin' });
    this.addUser({ id: 10001, name: 'Sandbox requester', email: 'requester@example.com', role: 'end-user' });
    this.addUser({ id: AGENT_USER_ID, name: 'Sandbox agent', email: 'agent@example.com', role: 'agent' });
  }

  // ---------- ticket fields ----------

  private renderField(f: IField): ZdTicketField {
    return {
      id: f.id,
      url: `${this.store.baseUrl}/api/v2/ticket_fields/${f.id}.json`,
      type: f.type,
      title: f.title,
      raw_title: f.title,
      description: f.description,
      raw_description: f.description,
      position: f.position,
      active: f.active,
      required: f.required,
      collapsed_for_agents: false,
      regexp_for_validation: f.regexp,
      title_in_portal: f.title,
      raw_title_in_portal: f.title,
      visible_in_portal: false,
      editable_in_portal: false,
      required_in_portal: false,
      tag: f.tag,
      created_at: iso(f.createdAt),
      updated_at: iso(f.updatedAt),
      removable: !f.system,
      agent_description: null,
    };
  }

  listFields(): ZdTicketField[] {
    return [...this.fields.values()].map((f) => this.renderField(f));
  }

  getField(id: number): ZdTicketField {
    const f = this.fields.get(id);
    if (!f) throw notFound();
    return this.renderField(f);
  }

  /** A custom field's type, or undefined for system and unknown ids (used by ticket updates). */
  fieldType(id: number): string | undefined {
    const f = this.fields.get(id);
    return f && !f.system ? f.type : undefined;
  }

  /** POST /ticket_fields `{ticket_field:{type,title,…}}` → 201; type and title are required. */
  createField(payload: unknown): ZdTicketField {
    const input = isObj(payload) && isObj(payload.ticket_field) ? payload.ticket_field : undefined;
    if (!input) throw badRequest('InvalidParam', 'Parameter ticket_field is required');
    if (typeof input.type !== 'string' || !(CUSTOM_FIELD_TYPES as readonly string[]).includes(input.type)) throw recordInvalid('type', 'Type: is not valid');
    if (typeof input.title !== 'string' || input.title.trim() === '') throw recordInvalid('title', 'Title: cannot be blank', 'BlankValue');
    const now = Date.now();
    const id = this.nextFieldId++;
    const f: IField = {
      id,
      type: input.type,
      title: input.title,
      description: typeof input.description === 'string' ? input.description : '',
      active: typeof input.active === 'boolean' ? input.active : true,
      required: typeof input.required === 'boolean' ? input.required : false,
      tag: typeof input.tag === 'string' ? input.tag : null,
      regexp: typeof input.regexp_for_validation === 'string' ? input.regexp_for_validation : null,
      system: false,
      position: this.fields.size + 1,
      createdAt: now,
      updatedAt: now,
    };
    this.fields.set(id, f);
    return this.renderField(f);
  }

  /** PUT /ticket_fields/{id}: title, description, active, required; the type cannot change (422). */
  updateField(id: number, payload: unknown): ZdTicketField {
    const f = this.fields.get(id);
    if (!f) throw notFound();
    const input = isObj(payload) && isObj(payload.ticket_field) ? payload.ticket_field : undefined;
    if (!input) throw badRequest('InvalidParam', 'Parameter ticket_field is required');
    if (input.type !== undefined && input.type !== f.type) throw recordInvalid('type', 'Type: cannot be changed');
    if (input.title !== undefined) {
      if (typeof input.title !== 'string' || input.title.trim() === '') throw recordInvalid('title', 'Title: cannot be blank', 'BlankValue');
      f.title = input.title;
    }
    if (typeof input.description === 'string') f.description = input.description;
    if (typeof input.active === 'boolean') f.active = input.active;
    if (typeof input.required === 'boolean') f.required = input.required;
    f.updatedAt = Date.now();
    return this.renderField(f);
  }

  // ---------- users ----------

  addUser(input: SeedUserInput & { id?: number }): ZdUser {
    if (!isObj(input) || typeof input.name !== 'string' || input.name === '') throw badRequest('InvalidParam', 'name is required');
    const role = input.role ?? 'end-user';
    if (!['end-user', 'agent', 'admin'].includes(role)) throw badRequest('InvalidParam', 'role must be end-user, agent or admin');
    const id = input.id ?? 20_000 + this.users.size;
    const now = iso(Date.now());
    const user: ZdUser = {
      id,
      url: `${this.store.baseUrl}/api/v2/users/${id}.json`,
      name: input.name,
      email: input.email ?? `user${id}@example.com`,
      role,
      role_type: role === 'end-user' ? null : 0,
      active: true,
      verified: true,
      suspended: false,
      created_at: now,
      updated_at: now,
      time_zone: 'UTC',
      iana_time_zone: 'Etc/UTC',
      locale: 'en-US',
      locale_id: 1,
      organization_id: null,
      tags: [],
      user_fields: {},
    };
    this.users.set(id, user);
    return user;
  }

  getUser(id: number): ZdUser {
    const u = this.users.get(id);
    if (!u) throw notFound();
    return u;
  }

  /** GET /users/show_many?ids=1,2 — unknown ids are left out (up to 100 ids). */
  showManyUsers(ids: string | undefined): ZdUser[] {
    if (!ids) throw badRequest('InvalidParam', 'ids or external_ids is required');
    const list = ids.split(',').map((s) => Number(s.trim()));
    if (list.length > 100) throw badRequest('InvalidParam', 'at most 100 ids');
    return list.map((id) => this.users.get(id)).filter((u): u is ZdUser => !!u);
  }

  // ---------- side conversations ----------

  seedSideConversation(ticketId: number, input: SeedSideConversationInput): { side_conversation: ZdSideConversation; events: ZdSideConversationEvent[] } {
    this.store.getTicket(ticketId);
    if (!isObj(input) || !Array.isArray(input.messages) || input.messages.length === 0) throw badRequest('InvalidParam', 'messages must be a non-empty array');
    const now = Date.now();
    const sc: ISideConversation = {
      id: randomUUID(),
      ticketId,
      subject: input.subject ?? 'Side conversation',
      state: input.state ?? 'open',
      participants: [],
      events: [],
      createdAt: now,
      updatedAt: now,
    };
    input.messages.forEach((m, i) => {
      const from = m.from ?? { name: 'Redaction bot', email: 'bot@example.com', user_id: this.apiUserId };
      const to = m.to ?? [{ name: 'Partner', email: 'partner@example.net' }];
      for (const p of [from, ...to]) if (!sc.participants.some((x) => JSON.stringify(x) === JSON.stringify(p))) sc.participants.push({ ...p });
      const at = now + i;
      sc.events.push({
        id: randomUUID(),
        side_conversation_id: sc.id,
        ticket_id: ticketId,
        type: i === 0 ? 'create' : 'reply',
        actor: { ...from },
        via: 'email',
        created_at: iso(at),
        message: { subject: sc.subject, preview_text: m.body.slice(0, 100), body: m.body, html_body: `<div>${m.body}</div>`, from: { ...from }, to: to.map((t) => ({ ...t })), attachments: [] },
        updates: {},
        url: `${this.store.baseUrl}/api/v2/tickets/${ticketId}/side_conversations/${sc.id}/events`,
      });
      sc.updatedAt = at;
    });
    const list = this.sideConversations.get(ticketId) ?? [];
    list.push(sc);
    this.sideConversations.set(ticketId, list);
    return { side_conversation: this.renderSideConversation(sc), events: structuredClone(sc.events) };
  }

  private renderSideConversation(sc: ISideConversation): ZdSideConversation {
    const last = sc.events[sc.events.length - 1];
    return {
      id: sc.id,
      url: `${this.store.baseUrl}/api/v2/tickets/${sc.ticketId}/side_conversations/${sc.id}`,
      ticket_id: sc.ticketId,
      subject: sc.subject,
      preview_text: last?.message?.preview_text ?? '',
      state: sc.state,
      participants: sc.participants.map((p) => ({ ...p })),
      external_ids: {},
      created_at: iso(sc.createdAt),
      updated_at: iso(sc.updatedAt),
      message_added_at: iso(sc.updatedAt),
      state_updated_at: iso(sc.createdAt),
    };
  }

  listSideConversations(ticketId: number): ZdSideConversation[] {
    this.store.getTicket(ticketId);
    return (this.sideConversations.get(ticketId) ?? []).map((sc) => this.renderSideConversation(sc));
  }

  sideConversationEvents(ticketId: number, id: string): ZdSideConversationEvent[] {
    this.store.getTicket(ticketId);
    const sc = (this.sideConversations.get(ticketId) ?? []).find((x) => x.id === id);
    if (!sc) throw notFound();
    return structuredClone(sc.events);
  }

  // ---------- chats ----------

  /** A Zendesk Chat transcript on a ticket: one ChatStartedEvent comment (+ audit), ended or active. */
  seedChat(ticketId: number, input: SeedChatInput): { comment_id: number; chat_id: string; history: ZdChatEntry[] } {
    if (!isObj(input) || !Array.isArray(input.messages) || input.messages.length === 0) throw badRequest('InvalidParam', 'messages must be a non-empty array');
    const t = this.store.getTicket(ticketId);
    const start = Date.now();
    const visitor = { id: t.requesterId, name: 'Visitor' };
    const chat: IChat = { chatId: input.chat_id ?? `2109.${t.id}.${randomBytes(6).toString('base64url')}`, visitorId: `${t.id}-${randomBytes(5).toString('hex')}`, history: [], endedAt: null };
    input.messages.forEach((m, i) => {
      const actor = m.actor_type === 'agent' ? { actor_id: this.apiUserId, actor_name: 'Agent', actor_type: 'agent' as const } : { actor_id: visitor.id, actor_name: visitor.name, actor_type: 'end-user' as const };
      const base = { ...actor, timestamp: start + i, ...(m.message_id !== undefined ? { message_id: m.message_id } : { chat_index: i }) };
      if (m.file) {
        const token = randomBytes(12).toString('hex');
        chat.history.push({ ...base, type: 'ChatFileAttachment', filename: m.file.filename, mime_type: m.file.mime_type ?? 'application/octet-stream', size: m.file.size ?? 1024, url: `${this.store.baseUrl}/chat/files/${token}/${encodeURIComponent(m.file.filename)}` });
      } else {
        chat.history.push({ ...base, type: 'ChatMessage', message: m.message ?? '' });
      }
    });
    const comment = this.store.addChatComment(t, chat, start);
    if (input.active === false) this.endChat(ticketId, chat.chatId);
    return { comment_id: comment.id, chat_id: chat.chatId, history: structuredClone(chat.history) };
  }

  endChat(ticketId: number, chatId: string): void {
    const { comment, chat } = this.chatOf(ticketId, chatId);
    if (chat.endedAt !== null) return;
    chat.endedAt = Date.now();
    this.store.recordChatEvent(comment, 'ChatEndedEvent');
  }

  private chatOf(ticketId: number, chatId: unknown): { comment: IComment; chat: IChat } {
    const t = this.store.getTicket(ticketId);
    if (typeof chatId !== 'string' || chatId === '') throw badRequest('InvalidParam', 'chat_id is required');
    const comment = t.comments.find((c) => c.chat?.chatId === chatId);
    if (!comment?.chat) throw notFound();
    return { comment, chat: comment.chat };
  }

  private entryOf(chat: IChat, ref: { chat_index?: unknown; message_id?: unknown }): ZdChatEntry {
    const byIndex = typeof ref.chat_index === 'number';
    const byId = typeof ref.message_id === 'string';
    if (!byIndex && !byId) throw badRequest('InvalidParam', 'chat_index or message_id is required');
    const e = chat.history.find((h) => (byIndex ? h.chat_index === ref.chat_index : h.message_id === ref.message_id));
    if (!e) throw notFound();
    return e;
  }

  /** Zendesk: "This does not work on active chats". Its answer is not documented; ours is a 422. */
  private assertEnded(chat: IChat): void {
    if (chat.endedAt === null) throw recordInvalid('chat_id', 'Chat is still active and cannot be redacted', 'ChatActive');
  }

  private chatEvent(comment: IComment, chat: IChat, entries: ZdChatEntry[]): Record<string, unknown> {
    return { chat_event: { id: this.nextChatEventId++, type: 'ChatStartedEvent', value: { chat_id: chat.chatId, visitor_id: chat.visitorId, history: structuredClone(entries) } } };
  }

  /**
   * PUT /chat_redactions/{ticket_id} `{chat_id, chat_index | message_id, text}`: `text` minus its
   * `<redact>` tags must equal the message (else 422 ContentMismatch); tagged characters become ▇.
   */
  redactChat(ticketId: number, payload: unknown): Record<string, unknown> {
    if (!isObj(payload)) throw badRequest('InvalidParam', 'Body must be a JSON object');
    const { comment, chat } = this.chatOf(ticketId, payload.chat_id);
    const entry = this.entryOf(chat, payload);
    if (entry.type !== 'ChatMessage') throw recordInvalid('chat_index', 'Not a chat message', 'InvalidValue');
    if (typeof payload.text !== 'string' || payload.text === '') throw badRequest('InvalidParam', 'text is required');
    this.assertEnded(chat);
    const applied = applyPlainRedact(payload.text);
    if (applied === null) throw recordInvalid('text', 'text: unbalanced <redact> tags');
    if (applied.original !== entry.message) throw recordInvalid('text', 'text does not match the chat message', 'ContentMismatch');
    entry.message = applied.redacted;
    this.store.afterChatRedaction(comment);
    return this.chatEvent(comment, chat, [entry]);
  }

  /** PUT /chat_file_redactions/{ticket_id} `{chat_id, chat_indexes | message_ids}`: files become an empty `redacted.txt`. */
  redactChatFiles(ticketId: number, payload: unknown): Record<string, unknown> {
    if (!isObj(payload)) throw badRequest('InvalidParam', 'Body must be a JSON object');
    const { comment, chat } = this.chatOf(ticketId, payload.chat_id);
    const refs: { chat_index?: unknown; message_id?: unknown }[] = Array.isArray(payload.chat_indexes)
      ? payload.chat_indexes.map((i: unknown) => ({ chat_index: i }))
      : Array.isArray(payload.message_ids)
        ? payload.message_ids.map((m: unknown) => ({ message_id: m }))
        : [];
    if (refs.length === 0) throw badRequest('InvalidParam', 'chat_indexes or message_ids is required');
    const entries = refs.map((r) => this.entryOf(chat, r));
    if (entries.some((e) => e.type !== 'ChatFileAttachment')) throw recordInvalid('chat_indexes', 'Not a chat file', 'InvalidValue');
    this.assertEnded(chat);
    for (const e of entries) {
      e.filename = 'redacted.txt';
      e.mime_type = 'text/plain';
      e.size = 0;
      e.url = `${this.store.baseUrl}/chat/files/${randomBytes(12).toString('hex')}/redacted.txt`;
    }
    this.store.afterChatRedaction(comment);
    return this.chatEvent(comment, chat, entries);
  }
}

/** `a <redact>b</redact> c` → original `a b c`, redacted `a ▇ c`; null when tags do not balance. */
export function applyPlainRedact(text: string): { original: string; redacted: string } | null {
  let original = '';
  let redacted = '';
  let depth = 0;
  for (const part of text.split(/(<\/?redact>)/)) {
    if (part === '<redact>') depth++;
    else if (part === '</redact>') {
      if (depth === 0) return null;
      depth--;
    } else {
      original += part;
      redacted += depth > 0 ? REDACTION_GLYPH.repeat(Array.from(part).length) : part;
    }
  }
  return depth === 0 ? { original, redacted } : null;
}

