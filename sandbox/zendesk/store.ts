// In-memory state and behaviour of the emulated Zendesk account. HTTP-agnostic: throws ApiError.
import { randomBytes } from 'node:crypto';
import { ApiError, badRequest, notFound, recordInvalid } from './errors';
import { type IChat, ZendeskPlaces } from './places';
import { applyRedactMarkup, htmlToPlain, plainToHtml, RedactMarkupError, redactTextInHtml, REDACTION_GLYPH, stripRedactMarkup } from './html';
import {
  TICKET_STATUSES,
  type SandboxConfig,
  type SeedCommentInput,
  type SeededTicket,
  type SeedTicketInput,
  type TicketStatus,
  type ZdAttachment,
  type ZdComment,
  type ZdJobStatus,
  type ZdTicket,
  type ZdVia,
} from './types';
import { AttachmentFiles } from './uploads';

export const API_USER_ID = 900001; // the agent whose token the API uses

export interface IAttachment {
  id: number;
  fileName: string;
  contentType: string;
  size: number;
  inline: boolean;
  token: string;
}

export interface IComment {
  id: number;
  ticketId: number;
  authorId: number;
  /** Plain text; kept consistent with `html`. */
  body: string;
  /** Explicit html_body, or null when derived from `body`. */
  html: string | null;
  public: boolean;
  attachments: IAttachment[];
  auditId: number;
  createdAt: number;
  channel: string;
  /** A Zendesk Chat transcript: the comment is a ChatStartedEvent (places.ts). */
  chat?: IChat;
}

export interface ITicket {
  id: number;
  externalId: string | null;
  subject: string;
  status: TicketStatus;
  requesterId: number;
  submitterId: number;
  assigneeId: number | null;
  tags: string[];
  customFields: { id: number; value: unknown }[];
  createdAt: number;
  updatedAt: number;
  comments: IComment[];
  deletedAt: number | null;
  channel: string;
  isPublic: boolean;
}

interface IAuditEvent {
  type: 'Create' | 'Change' | 'Comment' | 'CommentRedactionEvent' | 'AttachmentRedactionEvent' | 'Merge' | 'ChatStartedEvent' | 'ChatEndedEvent';
  field?: string;
  value?: unknown;
  previous?: unknown;
  commentId?: number;
}

interface IAudit {
  id: number;
  ticketId: number;
  at: number;
  authorId: number;
  channel: string;
  events: IAuditEvent[] | null;
  commentId?: number;
}

interface IJob {
  id: string;
  createdAt: number;
  polls: number;
  status: ZdJobStatus['status'];
  targetId: number;
  sourceIds: number[];
  body: MergeBody;
  message: string | null;
  results: unknown[] | null;
}

interface MergeBody {
  ids: number[];
  target_comment?: string;
  source_comment?: string;
  target_comment_is_public?: boolean;
  source_comment_is_public?: boolean;
}

export const DEFAULT_CONFIG: SandboxConfig = {
  exportExclusionSeconds: 60,
  incrementalRateLimit: false,
  incrementalRequestsPerMinute: 10,
  accountRateLimit: 700,
  jobPollsToComplete: 2,
  jobCompleteAfterMs: 2000,
};

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function via(channel: string): ZdVia {
  return { channel, source: { from: {}, to: {}, rel: null } };
}

function toMs(v: string | number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const ms = typeof v === 'number' ? v : Date.parse(v);
  return Number.isFinite(ms) ? ms : fallback;
}

function normTags(v: unknown, field: string): string[] {
  const list = typeof v === 'string' ? v.split(/[\s,]+/) : v;
  if (!Array.isArray(list) || list.some((t) => typeof t !== 'string')) throw recordInvalid(field, `${field}: is invalid`);
  return (list as string[]).map((t) => t.trim().toLowerCase().replace(/\s+/g, '_')).filter((t) => t.length > 0);
}

function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

export class ZendeskStore {
  config: SandboxConfig;
  readonly tickets = new Map<number, ITicket>();
  readonly comments = new Map<number, IComment>();
  /** Attachment bytes and pending uploads (uploads.ts). */
  readonly files = new AttachmentFiles();
  readonly jobs = new Map<string, IJob>();
  audits: IAudit[] = [];
  private auditsSorted = true;
  private nextTicketId = 1;
  private nextCommentId = 100_000_001;
  private nextAuditId = 200_000_000_001;
  private nextAttachmentId = 300_000_000_001;
  private version = 0;
  private exportIndex: { version: number; list: ITicket[] } | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Ticket fields, users, side conversations and chats. */
  readonly places: ZendeskPlaces;

  constructor(
    readonly baseUrl: string,
    private readonly initialConfig: Partial<SandboxConfig> = {},
  ) {
    this.config = { ...DEFAULT_CONFIG, ...initialConfig };
    this.places = new ZendeskPlaces(this, API_USER_ID);
  }

  reset(): void {
    this.tickets.clear();
    this.comments.clear();
    this.jobs.clear();
    this.audits = [];
    this.auditsSorted = true;
    this.nextTicketId = 1;
    this.nextCommentId = 100_000_001;
    this.nextAuditId = 200_000_000_001;
    this.nextAttachmentId = 300_000_000_001;
    this.files.reset();
    this.touch();
    this.config = { ...DEFAULT_CONFIG, ...this.initialConfig };
    this.places.reset();
    this.dispose();
  }

  /** Numbers new tickets from `id` on (never backwards): test files sharing one Temporal server keep distinct ticket ids. */
  skipTicketIdsTo(id: number): void {
    if (Number.isSafeInteger(id) && id > this.nextTicketId) this.nextTicketId = id;
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private touch(): void {
    this.version++;
  }

  // ---------- rendering ----------

  renderAttachment(a: IAttachment): ZdAttachment {
    const contentUrl = `${this.baseUrl}/attachments/token/${a.token}/?name=${encodeURIComponent(a.fileName)}`;
    return {
      id: a.id,
      file_name: a.fileName,
      content_url: contentUrl,
      mapped_content_url: contentUrl,
      content_type: a.contentType,
      size: a.size,
      inline: a.inline,
      deleted: false,
      url: `${this.baseUrl}/api/v2/attachments/${a.id}.json`,
      width: null,
      height: null,
      thumbnails: [],
      malware_access_override: false,
      malware_scan_result: 'not_scanned',
    };
  }

  htmlOf(c: IComment): string {
    return c.html ?? plainToHtml(c.body);
  }

  renderComment(c: IComment): ZdComment {
    if (c.chat) {
      // Agent Workspace lists a chat transcript as a comment of type ChatStartedEvent whose `data` holds the chat.
      const chat = { chat_id: c.chat.chatId, visitor_id: c.chat.visitorId, history: structuredClone(c.chat.history) };
      return { ...this.renderComment({ ...c, chat: undefined }), type: 'ChatStartedEvent', body: '', html_body: '', plain_body: '', data: chat };
    }
    return {
      id: c.id,
      type: 'Comment',
      author_id: c.authorId,
      body: c.body,
      html_body: this.htmlOf(c),
      plain_body: c.body,
      public: c.public,
      attachments: c.attachments.map((a) => this.renderAttachment(a)),
      audit_id: c.auditId,
      via: via(c.channel),
      metadata: { system: { client: 'zendesk-sandbox', ip_address: '127.0.0.1' }, custom: {} },
      created_at: iso(c.createdAt),
    };
  }

  renderTicket(t: ITicket): ZdTicket {
    const first = t.comments[0];
    return {
      id: t.id,
      url: `${this.baseUrl}/api/v2/tickets/${t.id}.json`,
      external_id: t.externalId,
      via: via(t.channel),
      created_at: iso(t.createdAt),
      updated_at: iso(t.updatedAt),
      generated_timestamp: Math.floor(t.updatedAt / 1000),
      type: null,
      subject: t.subject,
      raw_subject: t.subject,
      description: first ? first.body : '',
      priority: null,
      status: t.deletedAt !== null ? 'deleted' : t.status,
      recipient: null,
      requester_id: t.requesterId,
      submitter_id: t.submitterId,
      assignee_id: t.assigneeId,
      organization_id: null,
      group_id: null,
      collaborator_ids: [],
      follower_ids: [],
      email_cc_ids: [],
      has_incidents: false,
      is_public: t.isPublic,
      due_at: null,
      tags: [...t.tags],
      custom_fields: t.customFields.map((f) => ({ ...f })),
      fields: t.customFields.map((f) => ({ ...f })),
      satisfaction_rating: null,
      sharing_agreement_ids: [],
      followup_ids: [],
      ticket_form_id: null,
      brand_id: null,
      allow_channelback: false,
      allow_attachments: true,
      from_messaging_channel: false,
    };
  }

  renderAudit(a: IAudit): Record<string, unknown> {
    return {
      id: a.id,
      ticket_id: a.ticketId,
      created_at: iso(a.at),
      author_id: a.authorId,
      metadata: { system: {}, custom: {} },
      via: via(a.channel),
      events: auditEvents(a).map((e, i) => this.renderAuditEvent(a, e, i, true)),
    };
  }

  private renderAuditEvent(a: IAudit, e: IAuditEvent, i: number, withComment: boolean): Record<string, unknown> {
    const id = a.id * 10 + i + 1;
    if (e.type === 'Comment') {
      const c = e.commentId !== undefined ? this.comments.get(e.commentId) : undefined;
      if (!c) return { id, type: 'Comment', event_type: 'Comment', comment_present: false };
      if (!withComment) return { id, event_type: 'Comment', comment_present: true, comment_public: c.public };
      const r = this.renderComment(c);
      return {
        id: c.id,
        type: 'Comment',
        event_type: 'Comment',
        author_id: r.author_id,
        body: r.body,
        html_body: r.html_body,
        plain_body: r.plain_body,
        public: r.public,
        attachments: r.attachments,
        audit_id: r.audit_id,
        created_at: r.created_at,
      };
    }
    if (e.type === 'ChatStartedEvent' || e.type === 'ChatEndedEvent') {
      const chat = e.commentId !== undefined ? this.comments.get(e.commentId)?.chat : undefined;
      if (!chat) return { id, type: e.type, event_type: e.type };
      const value = e.type === 'ChatStartedEvent' ? { chat_id: chat.chatId, visitor_id: chat.visitorId, history: structuredClone(chat.history) } : { chat_id: chat.chatId, visitor_id: chat.visitorId, is_served: true, tags: [] };
      return { id, type: e.type, event_type: e.type, value };
    }
    if (e.type === 'CommentRedactionEvent' || e.type === 'AttachmentRedactionEvent') {
      return { id, type: e.type, event_type: e.type, comment_id: e.commentId };
    }
    return { id, type: e.type, event_type: e.type, field_name: e.field, value: e.value, previous_value: e.previous };
  }

  // ---------- primitives ----------

  private addAudit(ticketId: number, at: number, authorId: number, channel: string, events: IAuditEvent[]): IAudit {
    const a: IAudit = { id: this.nextAuditId++, ticketId, at, authorId, channel, events };
    const last = this.audits[this.audits.length - 1];
    if (last && last.at > at) this.auditsSorted = false;
    this.audits.push(a);
    return a;
  }

  private newAttachment(fileName: string, contentType: string, size: number, inline = false): IAttachment {
    return { id: this.nextAttachmentId++, fileName, contentType, size, inline, token: randomBytes(12).toString('hex') };
  }

  /** Adds a comment; caller bumps the ticket and records audit events. */
  private addComment(
    t: ITicket,
    input: { body?: string; html?: string; public: boolean; authorId: number; attachments?: IAttachment[]; at: number; channel: string },
    auditId: number,
  ): IComment {
    const html = input.html ?? null;
    const body = html !== null ? htmlToPlain(html) : (input.body ?? '');
    const c: IComment = {
      id: this.nextCommentId++,
      ticketId: t.id,
      authorId: input.authorId,
      body,
      html,
      public: input.public,
      attachments: input.attachments ?? [],
      auditId,
      createdAt: input.at,
      channel: input.channel,
    };
    t.comments.push(c);
    this.comments.set(c.id, c);
    if (!t.comments.some((x) => x.public)) t.isPublic = false;
    else t.isPublic = true;
    return c;
  }

  private liveTicket(id: number): ITicket {
    const t = this.tickets.get(id);
    if (!t || t.deletedAt !== null) throw notFound();
    return t;
  }

  private bump(t: ITicket, at = Date.now()): void {
    // Strictly increasing per ticket so cursor exports see every change.
    t.updatedAt = Math.max(at, t.updatedAt + 1);
    this.touch();
  }

  // ---------- tickets ----------

  getTicket(id: number): ITicket {
    return this.liveTicket(id);
  }

  listTickets(externalId?: string): ITicket[] {
    const out: ITicket[] = [];
    for (const t of this.tickets.values()) {
      if (t.deletedAt !== null) continue;
      if (externalId !== undefined && t.externalId !== externalId) continue;
      out.push(t);
    }
    return out;
  }

  createTicket(payload: unknown): { ticket: ITicket; audit: IAudit } {
    const input = this.ticketPayload(payload);
    const comment = this.commentInput(input.comment, 'comment');
    if (!comment || (comment.body === undefined && comment.html === undefined) || (comment.body ?? comment.html ?? '').trim() === '') {
      throw recordInvalid('base', 'Description: cannot be blank', 'BlankValue');
    }
    const now = Date.now();
    const requesterId = typeof input.requester_id === 'number' ? input.requester_id : API_USER_ID;
    const status = input.status !== undefined ? this.status(input.status) : 'new';
    const t: ITicket = {
      id: this.nextTicketId++,
      externalId: this.externalId(input.external_id) ?? null,
      subject: typeof input.subject === 'string' ? input.subject : '',
      status,
      requesterId,
      submitterId: API_USER_ID,
      assigneeId: typeof input.assignee_id === 'number' ? input.assignee_id : null,
      tags: input.tags !== undefined ? uniq(normTags(input.tags, 'tags')) : [],
      customFields: input.custom_fields !== undefined ? this.customFields(input.custom_fields, []) : [],
      createdAt: now,
      updatedAt: now,
      comments: [],
      deletedAt: null,
      channel: 'api',
      isPublic: true,
    };
    if (input.additional_tags !== undefined) t.tags = uniq([...t.tags, ...normTags(input.additional_tags, 'additional_tags')]);
    const auditId = this.nextAuditId;
    const c = this.addComment(
      t,
      { body: comment.body, html: comment.html, public: comment.public ?? true, authorId: comment.authorId ?? requesterId, attachments: this.files.take(comment.uploads), at: now, channel: 'api' },
      auditId,
    );
    this.tickets.set(t.id, t);
    const audit = this.addAudit(t.id, now, API_USER_ID, 'api', [
      { type: 'Comment', commentId: c.id },
      { type: 'Create', field: 'subject', value: t.subject },
      { type: 'Create', field: 'status', value: t.status },
      ...t.customFields.filter((f) => f.value !== null && f.value !== undefined).map((f): IAuditEvent => ({ type: 'Create', field: String(f.id), value: f.value })),
    ]);
    this.touch();
    return { ticket: t, audit };
  }

  updateTicket(id: number, payload: unknown): { ticket: ITicket; audit: IAudit } {
    const t = this.liveTicket(id);
    const input = this.ticketPayload(payload);
    if (t.status === 'closed') throw recordInvalid('status', 'Status: closed prevents ticket update', 'ClosedTicket');
    // Validate everything before mutating anything.
    const comment = this.commentInput(input.comment, 'comment');
    const status = input.status !== undefined ? this.status(input.status) : undefined;
    const tags = input.tags !== undefined ? normTags(input.tags, 'tags') : undefined;
    const add = input.additional_tags !== undefined ? normTags(input.additional_tags, 'additional_tags') : [];
    const remove = input.remove_tags !== undefined ? normTags(input.remove_tags, 'remove_tags') : [];
    const customFields = input.custom_fields !== undefined ? this.customFields(input.custom_fields, t.customFields) : undefined;
    const externalId = this.externalId(input.external_id);
    if (input.subject !== undefined && typeof input.subject !== 'string') throw recordInvalid('subject', 'Subject: is invalid');
    if (comment && (comment.body ?? comment.html ?? '').trim() === '') throw recordInvalid('comment', 'Comment: cannot be blank', 'BlankValue');

    const now = Date.now();
    const events: IAuditEvent[] = [];
    const auditId = this.nextAuditId;
    if (comment) {
      const c = this.addComment(
        t,
        { body: comment.body, html: comment.html, public: comment.public ?? true, authorId: comment.authorId ?? API_USER_ID, attachments: this.files.take(comment.uploads), at: now, channel: 'api' },
        auditId,
      );
      events.push({ type: 'Comment', commentId: c.id });
    }
    const change = (field: string, value: unknown, previous: unknown): void => {
      if (JSON.stringify(value) !== JSON.stringify(previous)) events.push({ type: 'Change', field, value, previous });
    };
    let newStatus = status;
    if (newStatus === undefined && comment && t.status === 'new' && (comment.authorId ?? API_USER_ID) === API_USER_ID) newStatus = 'open';
    if (newStatus !== undefined) {
      change('status', newStatus, t.status);
      t.status = newStatus;
    }
    if (tags !== undefined || add.length > 0 || remove.length > 0) {
      const before = [...t.tags];
      let next = tags !== undefined ? uniq(tags) : [...t.tags];
      next = uniq([...next, ...add]).filter((x) => !remove.includes(x));
      t.tags = next;
      change('tags', next, before);
    }
    if (customFields) {
      // One Change event per field, `field_name` = the field id (as Zendesk's audits show it).
      const before = new Map(t.customFields.map((f) => [f.id, f.value]));
      for (const f of customFields) change(String(f.id), f.value, before.get(f.id) ?? null);
      t.customFields = customFields;
    }
    if (externalId !== undefined) {
      change('external_id', externalId, t.externalId);
      t.externalId = externalId;
    }
    if (typeof input.subject === 'string') {
      change('subject', input.subject, t.subject);
      t.subject = input.subject;
    }
    if (typeof input.assignee_id === 'number') {
      change('assignee_id', input.assignee_id, t.assigneeId);
      t.assigneeId = input.assignee_id;
    }
    this.bump(t, now);
    const audit = this.addAudit(t.id, t.updatedAt, API_USER_ID, 'api', events);
    return { ticket: t, audit };
  }

  deleteTicket(id: number): void {
    const t = this.liveTicket(id);
    t.deletedAt = Date.now();
    this.bump(t);
  }

  private ticketPayload(payload: unknown): Record<string, unknown> {
    if (!isObj(payload) || !isObj(payload.ticket)) throw badRequest('InvalidParam', 'Parameter ticket is required');
    return payload.ticket;
  }

  private status(v: unknown): TicketStatus {
    if (typeof v !== 'string' || !(TICKET_STATUSES as readonly string[]).includes(v)) throw recordInvalid('status', 'Status: is not valid');
    return v as TicketStatus;
  }

  private externalId(v: unknown): string | null | undefined {
    if (v === undefined) return undefined;
    if (v === null) return null;
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    throw recordInvalid('external_id', 'External id: is invalid');
  }

  private customFields(v: unknown, current: { id: number; value: unknown }[]): { id: number; value: unknown }[] {
    if (!Array.isArray(v)) throw recordInvalid('custom_fields', 'Custom fields: is invalid');
    const map = new Map(current.map((f) => [f.id, f.value]));
    for (const f of v as unknown[]) {
      if (!isObj(f) || typeof f.id !== 'number') throw recordInvalid('custom_fields', 'Custom fields: each needs a numeric id');
      map.set(f.id, f.value ?? null);
    }
    return [...map.entries()].map(([id, value]) => ({ id, value }));
  }

  private commentInput(v: unknown, field: string): { body?: string; html?: string; public?: boolean; authorId?: number; uploads?: unknown } | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return { body: v };
    if (!isObj(v)) throw recordInvalid(field, 'Comment: is invalid');
    const out: { body?: string; html?: string; public?: boolean; authorId?: number; uploads?: unknown } = {};
    if (v.uploads !== undefined) out.uploads = v.uploads;
    if (v.html_body !== undefined) {
      if (typeof v.html_body !== 'string') throw recordInvalid(field, 'Comment: html_body is invalid');
      out.html = v.html_body;
    } else if (v.body !== undefined) {
      if (typeof v.body !== 'string') throw recordInvalid(field, 'Comment: body is invalid');
      out.body = v.body;
    }
    if (v.public !== undefined) {
      if (typeof v.public !== 'boolean') throw recordInvalid(field, 'Comment: public is invalid');
      out.public = v.public;
    }
    if (v.author_id !== undefined) {
      if (typeof v.author_id !== 'number') throw recordInvalid(field, 'Comment: author_id is invalid');
      out.authorId = v.author_id;
    }
    return out;
  }

  // ---------- comments & redaction ----------

  listComments(ticketId: number): IComment[] {
    return this.liveTicket(ticketId).comments;
  }

  /** GET /tickets/{id}/audits, oldest first. */
  listAudits(ticketId: number): IAudit[] {
    this.liveTicket(ticketId);
    return this.audits.filter((a) => a.ticketId === ticketId).sort((a, b) => a.id - b.id);
  }

  // ---------- chats (places.ts) ----------

  addChatComment(t: ITicket, chat: IChat, at: number): IComment {
    const auditId = this.nextAuditId;
    const c = this.addComment(t, { body: '', public: true, authorId: t.requesterId, at, channel: 'chat' }, auditId);
    c.chat = chat;
    this.bump(t, at);
    this.addAudit(t.id, t.updatedAt, t.requesterId, 'chat', [{ type: 'ChatStartedEvent', commentId: c.id }]);
    return c;
  }

  recordChatEvent(c: IComment, type: 'ChatEndedEvent'): void {
    const t = this.liveTicket(c.ticketId);
    this.bump(t);
    this.addAudit(t.id, t.updatedAt, API_USER_ID, 'chat', [{ type, commentId: c.id }]);
  }

  afterChatRedaction(c: IComment): void {
    this.afterRedaction(this.liveTicket(c.ticketId), [{ type: 'CommentRedactionEvent', commentId: c.id }]);
  }

  // ---------- tags (PUT adds, POST sets, DELETE removes) ----------

  /** `safe_update` with a stale `updated_stamp` → 409, as the Tags reference documents. */
  changeTags(ticketId: number, mode: 'add' | 'set' | 'remove', payload: unknown): ITicket {
    const t = this.liveTicket(ticketId);
    if (!isObj(payload) || payload.tags === undefined) throw badRequest('InvalidParam', 'tags is required');
    const safe = payload.safe_update === true || payload.safe_update === 'true';
    if (safe && payload.updated_stamp !== iso(t.updatedAt)) {
      throw new ApiError(409, { error: 'UpdateConflict', description: 'Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again.' });
    }
    const key = mode === 'add' ? 'additional_tags' : mode === 'set' ? 'tags' : 'remove_tags';
    return this.updateTicket(ticketId, { ticket: { [key]: payload.tags } }).ticket;
  }

  private commentOf(ticketId: number, commentId: number): { t: ITicket; c: IComment } {
    const t = this.liveTicket(ticketId);
    const c = this.comments.get(commentId);
    if (!c || c.ticketId !== t.id) throw notFound();
    return { t, c };
  }

  /**
   * PUT /comment_redactions/{id}. Decisions (open questions in the fact sheet):
   * - `ticket_id` missing → 400; not the comment's ticket → 404 (as for any unknown pair).
   * - `html_body` minus redact markup must equal the stored html_body exactly, else 422 — a stale
   *   copy must never overwrite newer content.
   * - neither html_body nor external_attachment_urls → 400; an url not on this comment → 422.
   * - allowed on closed tickets; re-redacting an already redacted comment is fine.
   */
  redactCommentHtml(commentId: number, payload: unknown): IComment {
    if (!isObj(payload)) throw badRequest('InvalidParam', 'Body must be a JSON object');
    const ticketId = payload.ticket_id;
    if (typeof ticketId !== 'number') throw badRequest('InvalidParam', 'ticket_id is required');
    const { t, c } = this.commentOf(ticketId, commentId);
    const html = payload.html_body;
    const urls = payload.external_attachment_urls;
    if (html === undefined && urls === undefined) throw badRequest('InvalidParam', 'html_body or external_attachment_urls is required');
    if (html !== undefined && typeof html !== 'string') throw recordInvalid('html_body', 'html_body is invalid');
    if (urls !== undefined && (!Array.isArray(urls) || urls.some((u) => typeof u !== 'string'))) {
      throw recordInvalid('external_attachment_urls', 'external_attachment_urls is invalid');
    }
    let newHtml: string | undefined;
    if (typeof html === 'string') {
      if (stripRedactMarkup(html) !== this.htmlOf(c)) {
        throw recordInvalid('html_body', "html_body does not match the comment's current html_body", 'ContentMismatch');
      }
      try {
        newHtml = applyRedactMarkup(html).html;
      } catch (e) {
        if (e instanceof RedactMarkupError) throw recordInvalid('html_body', `html_body: ${e.message}`);
        throw e;
      }
    }
    const attachmentIdx: number[] = [];
    for (const u of (urls as string[] | undefined) ?? []) {
      const idx = c.attachments.findIndex((a) => this.renderAttachment(a).content_url === u);
      if (idx < 0) throw recordInvalid('external_attachment_urls', 'external_attachment_urls: not an attachment of this comment');
      attachmentIdx.push(idx);
    }
    const events: IAuditEvent[] = [];
    if (newHtml !== undefined) {
      c.html = newHtml;
      c.body = htmlToPlain(newHtml);
      events.push({ type: 'CommentRedactionEvent', commentId: c.id });
    }
    for (const idx of attachmentIdx) {
      c.attachments[idx] = this.redactedAttachment(c.attachments[idx] as IAttachment);
      events.push({ type: 'AttachmentRedactionEvent', commentId: c.id });
    }
    this.afterRedaction(t, events);
    return c;
  }

  /**
   * Legacy PUT /tickets/{t}/comments/{c}/redact {text}. Decisions: missing/empty text → 400;
   * text not present → 200 with the comment unchanged (no tag) — callers must check the result;
   * match is exact and case-sensitive, every occurrence; closed ticket → 422.
   */
  redactCommentText(ticketId: number, commentId: number, payload: unknown): IComment {
    const { t, c } = this.commentOf(ticketId, commentId);
    const text = isObj(payload) ? payload.text : undefined;
    if (typeof text !== 'string' || text.length === 0) throw badRequest('InvalidParam', 'text is required');
    if (t.status === 'closed') throw recordInvalid('status', 'Status: closed tickets cannot be redacted', 'ClosedTicket');
    if (!c.body.includes(text) && !this.htmlOf(c).includes(text)) return c;
    const glyphs = REDACTION_GLYPH.repeat(Array.from(text).length);
    if (c.html === null) {
      c.body = c.body.split(text).join(glyphs);
    } else {
      // Only text within one text node matches (the real endpoint has "limited support" for formatting).
      const html = redactTextInHtml(c.html, text);
      if (html === c.html) return c;
      c.html = html;
      c.body = htmlToPlain(html);
    }
    this.afterRedaction(t, [{ type: 'CommentRedactionEvent', commentId: c.id }]);
    return c;
  }

  /** PUT /tickets/{t}/comments/{c}/attachments/{a}/redact; refused on closed tickets (422). */
  redactAttachment(ticketId: number, commentId: number, attachmentId: number): IAttachment {
    const { t, c } = this.commentOf(ticketId, commentId);
    const idx = c.attachments.findIndex((a) => a.id === attachmentId);
    if (idx < 0) throw notFound();
    if (t.status === 'closed') throw recordInvalid('status', 'Status: closed tickets cannot be redacted', 'ClosedTicket');
    const a = this.redactedAttachment(c.attachments[idx] as IAttachment);
    c.attachments[idx] = a;
    this.afterRedaction(t, [{ type: 'AttachmentRedactionEvent', commentId: c.id }]);
    return a;
  }

  private redactedAttachment(a: IAttachment): IAttachment {
    return { ...a, fileName: 'redacted.txt', contentType: 'text/plain', size: 0, inline: false, token: randomBytes(12).toString('hex') };
  }

  private afterRedaction(t: ITicket, events: IAuditEvent[]): void {
    if (!t.tags.includes('redacted_content')) t.tags = [...t.tags, 'redacted_content'];
    this.bump(t);
    this.addAudit(t.id, t.updatedAt, API_USER_ID, 'api', events);
  }

  // ---------- merge & jobs ----------

  /** Missing target → 404 up front; every other rule (closed/solved target, bad sources) fails the job. */
  merge(targetId: number, payload: unknown): IJob {
    this.liveTicket(targetId);
    if (!isObj(payload) || !Array.isArray(payload.ids) || payload.ids.length === 0 || payload.ids.some((x) => typeof x !== 'number')) {
      throw badRequest('InvalidParam', 'ids must be a non-empty array of ticket ids');
    }
    const body = payload as unknown as MergeBody;
    const job: IJob = {
      id: randomBytes(16).toString('hex'),
      createdAt: Date.now(),
      polls: 0,
      status: 'queued',
      targetId,
      sourceIds: [...body.ids],
      body,
      message: null,
      results: null,
    };
    this.jobs.set(job.id, job);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.finishJob(job);
    }, this.config.jobCompleteAfterMs);
    timer.unref();
    this.timers.add(timer);
    return job;
  }

  pollJob(id: string): IJob {
    const job = this.jobs.get(id);
    if (!job) throw notFound();
    if (job.status === 'queued' || job.status === 'working') {
      job.polls++;
      if (job.polls >= this.config.jobPollsToComplete || Date.now() - job.createdAt >= this.config.jobCompleteAfterMs) this.finishJob(job);
      else job.status = 'working';
    }
    return job;
  }

  renderJob(job: IJob): ZdJobStatus {
    const done = job.status === 'completed';
    return {
      id: job.id,
      job_type: 'TicketMergeJob',
      url: `${this.baseUrl}/api/v2/job_statuses/${job.id}.json`,
      status: job.status,
      progress: done ? job.sourceIds.length : job.status === 'working' ? 0 : null,
      total: job.sourceIds.length,
      results: job.results,
      message: job.message,
    };
  }

  private finishJob(job: IJob): void {
    if (job.status !== 'queued' && job.status !== 'working') return;
    const fail = (message: string): void => {
      job.status = 'failed';
      job.message = message;
      job.results = [];
    };
    const target = this.tickets.get(job.targetId);
    if (!target || target.deletedAt !== null) return fail(`Target ticket ${job.targetId} not found`);
    if (target.status === 'closed' || target.status === 'solved') return fail(`Target ticket ${target.id} is ${target.status} and cannot be merged into`);
    const sources: ITicket[] = [];
    for (const sid of job.sourceIds) {
      const s = this.tickets.get(sid);
      if (!s || s.deletedAt !== null) return fail(`Source ticket ${sid} not found`);
      if (s.id === target.id) return fail(`Ticket ${sid} cannot be merged into itself`);
      if (s.status === 'closed') return fail(`Source ticket ${sid} is closed and cannot be merged`);
      sources.push(s);
    }
    const now = Date.now();
    const b = job.body;
    const copied: IAttachment[] = [];
    for (const s of sources) {
      const text = b.source_comment ?? `This request was closed and merged into request #${target.id} "${target.subject}".`;
      const auditId = this.nextAuditId;
      const c = this.addComment(s, { body: text, public: b.source_comment_is_public ?? false, authorId: API_USER_ID, at: now, channel: 'api' }, auditId);
      const prev = s.status;
      s.status = 'closed';
      s.tags = uniq([...s.tags, 'closed_by_merge']);
      this.bump(s, now);
      this.addAudit(s.id, s.updatedAt, API_USER_ID, 'api', [
        { type: 'Comment', commentId: c.id },
        { type: 'Change', field: 'status', value: 'closed', previous: prev },
        { type: 'Merge', value: target.id },
      ]);
      for (const sc of s.comments) for (const a of sc.attachments) copied.push(this.newAttachment(a.fileName, a.contentType, a.size, a.inline));
    }
    const text = b.target_comment ?? `Requests ${sources.map((s) => `#${s.id}`).join(', ')} were closed and merged into this request.`;
    const auditId = this.nextAuditId;
    const c = this.addComment(
      target,
      { body: text, public: b.target_comment_is_public ?? false, authorId: API_USER_ID, attachments: copied, at: now, channel: 'api' },
      auditId,
    );
    this.bump(target, now);
    this.addAudit(target.id, target.updatedAt, API_USER_ID, 'api', [{ type: 'Comment', commentId: c.id }]);
    job.status = 'completed';
    job.message = `Completed at ${iso(now)}`;
    job.results = [
      { action: 'merge', id: target.id, status: 'Merged', success: true, merged_ids: job.sourceIds },
    ];
  }

  // ---------- incremental exports ----------

  private exportList(): ITicket[] {
    if (!this.exportIndex || this.exportIndex.version !== this.version) {
      const list = [...this.tickets.values()].sort((a, b) => a.updatedAt - b.updatedAt || a.id - b.id);
      this.exportIndex = { version: this.version, list };
    }
    return this.exportIndex.list;
  }

  /** Cursor export. A cursor is `base64url("<updatedAtMs>.<ticketId>")` of the last item seen. */
  exportTicketsCursor(q: { startTime?: string; cursor?: string; perPage?: string }): Record<string, unknown> {
    const perPage = q.perPage !== undefined ? Number(q.perPage) : 1000;
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 1000) throw badRequest('InvalidValue', 'per_page must be between 1 and 1000');
    const horizon = Date.now() - this.config.exportExclusionSeconds * 1000;
    let after: { ms: number; id: number };
    if (q.cursor !== undefined) {
      after = decodeCursor(q.cursor);
    } else {
      if (q.startTime === undefined || !/^\d+$/.test(q.startTime)) throw badRequest('InvalidValue', 'start_time is required');
      const start = Number(q.startTime) * 1000;
      if (start > horizon) throw badRequest('InvalidValue', `Too recent start_time. Use a start_time older than ${this.config.exportExclusionSeconds} seconds`);
      after = { ms: start - 1, id: Number.MAX_SAFE_INTEGER };
    }
    const list = this.exportList();
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = list[mid] as ITicket;
      if (m.updatedAt < after.ms || (m.updatedAt === after.ms && m.id <= after.id)) lo = mid + 1;
      else hi = mid;
    }
    const page: ITicket[] = [];
    let i = lo;
    while (i < list.length && page.length < perPage) {
      const t = list[i] as ITicket;
      if (t.updatedAt > horizon) break;
      page.push(t);
      i++;
    }
    const nextEligible = i < list.length && (list[i] as ITicket).updatedAt <= horizon;
    const last = page[page.length - 1];
    const first = page[0];
    const afterCursor = last ? encodeCursor(last.updatedAt, last.id) : encodeCursor(after.ms, after.id);
    const beforeCursor = first ? encodeCursor(first.updatedAt, first.id - 1) : null;
    const url = (c: string): string => `${this.baseUrl}/api/v2/incremental/tickets/cursor.json?cursor=${c}&per_page=${perPage}`;
    return {
      tickets: page.map((t) => this.renderTicket(t)),
      after_cursor: afterCursor,
      after_url: url(afterCursor),
      before_cursor: beforeCursor,
      before_url: beforeCursor ? url(beforeCursor) : null,
      end_of_stream: !nextEligible,
    };
  }

  /** Time-based ticket events; paging by `next_page` (start_time = end_time), may repeat items. */
  ticketEvents(q: { startTime?: string; perPage?: string; include?: string }): Record<string, unknown> {
    if (q.startTime === undefined || !/^\d+$/.test(q.startTime)) throw badRequest('InvalidValue', 'start_time is required');
    const perPage = q.perPage !== undefined ? Number(q.perPage) : 1000;
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 1000) throw badRequest('InvalidValue', 'per_page must be between 1 and 1000');
    const start = Number(q.startTime) * 1000;
    const horizon = Date.now() - this.config.exportExclusionSeconds * 1000;
    if (start > horizon) throw badRequest('InvalidValue', `Too recent start_time. Use a start_time older than ${this.config.exportExclusionSeconds} seconds`);
    if (!this.auditsSorted) {
      this.audits.sort((a, b) => a.at - b.at || a.id - b.id);
      this.auditsSorted = true;
    }
    let lo = 0;
    let hi = this.audits.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.audits[mid] as IAudit).at < start) lo = mid + 1;
      else hi = mid;
    }
    const sec = (ms: number): number => Math.floor(ms / 1000);
    const page: IAudit[] = [];
    let i = lo;
    for (; i < this.audits.length && page.length < perPage; i++) {
      const a = this.audits[i] as IAudit;
      if (a.at > horizon) break;
      page.push(a);
    }
    const firstA = page[0];
    const lastA = page[page.length - 1];
    let endTime = lastA ? sec(lastA.at) : sec(start);
    const endOfStream = page.length < perPage;
    // A full page within one second would loop forever (next start_time = end_time): the page
    // then grows to hold that whole second, and the next one starts after it.
    if (!endOfStream && firstA && lastA && sec(firstA.at) === sec(lastA.at)) {
      for (; i < this.audits.length; i++) {
        const a = this.audits[i] as IAudit;
        if (a.at > horizon || sec(a.at) !== endTime) break;
        page.push(a);
      }
      endTime += 1;
    }
    const withComments = (q.include ?? '').split(',').includes('comment_events');
    const include = q.include ? `&include=${encodeURIComponent(q.include)}` : '';
    return {
      ticket_events: page.map((a) => ({
        id: a.id,
        ticket_id: a.ticketId,
        timestamp: sec(a.at),
        created_at: iso(a.at),
        updater_id: a.authorId,
        via: a.channel,
        system: {},
        metadata: {},
        event_type: 'Audit',
        merged_ticket_ids: [],
        child_events: auditEvents(a).map((e, i) => this.renderAuditEvent(a, e, i, withComments)),
      })),
      next_page: endOfStream ? null : `${this.baseUrl}/api/v2/incremental/ticket_events.json?start_time=${endTime}&per_page=${perPage}${include}`,
      count: page.length,
      end_of_stream: endOfStream,
      end_time: endTime,
    };
  }

  // ---------- control ----------

  seedTicket(input: SeedTicketInput): SeededTicket {
    if (typeof input !== 'object' || input === null || !Array.isArray(input.comments) || input.comments.length === 0) {
      throw badRequest('InvalidParam', 'comments must be a non-empty array');
    }
    const at = toMs(input.created_at, Date.now());
    const requesterId = input.requester_id ?? 10001;
    const t: ITicket = {
      id: this.nextTicketId++,
      externalId: input.external_id ?? null,
      subject: input.subject ?? 'Sandbox ticket',
      status: input.status !== undefined ? this.status(input.status) : 'open',
      requesterId,
      submitterId: requesterId,
      assigneeId: null,
      tags: uniq(input.tags ?? []),
      customFields: input.custom_fields ?? [],
      createdAt: at,
      updatedAt: at,
      comments: [],
      deletedAt: null,
      channel: 'web',
      isPublic: true,
    };
    this.tickets.set(t.id, t);
    const created = input.comments.map((ci, idx) => this.seedComment(t, ci, idx === 0 ? at : Math.max(at, toMs(ci.created_at, at + idx))));
    t.updatedAt = Math.max(t.updatedAt, ...created.map((c) => c.createdAt));
    this.touch();
    return { ticket: this.renderTicket(t), comments: created.map((c) => this.renderComment(c)) };
  }

  /** A comment as an end user (or given author) would add it; reopens pending/solved tickets. */
  addCommentAs(ticketId: number, input: SeedCommentInput): { ticket: ZdTicket; comment: ZdComment } {
    const t = this.liveTicket(ticketId);
    if (t.status === 'closed') throw recordInvalid('status', 'Status: closed prevents ticket update', 'ClosedTicket');
    const c = this.seedComment(t, input, Math.max(Date.now(), t.updatedAt + 1));
    if (t.status === 'pending' || t.status === 'solved' || t.status === 'hold') t.status = 'open';
    this.bump(t, c.createdAt);
    return { ticket: this.renderTicket(t), comment: this.renderComment(c) };
  }

  private seedComment(t: ITicket, ci: SeedCommentInput, at: number): IComment {
    if (typeof ci !== 'object' || ci === null || (typeof ci.body !== 'string' && typeof ci.html_body !== 'string')) throw badRequest('InvalidParam', 'each comment needs body or html_body');
    const auditId = this.nextAuditId;
    const attachments = (ci.attachments ?? []).map((a) => {
      const bytes = a.content_base64 !== undefined ? Buffer.from(a.content_base64, 'base64') : undefined;
      const att = this.newAttachment(a.file_name, a.content_type ?? 'application/octet-stream', bytes?.length ?? a.size ?? 1024, a.inline ?? false);
      if (bytes) this.files.put(att, bytes);
      return att;
    });
    const c = this.addComment(
      t,
      { body: ci.body, html: ci.html_body, public: ci.public ?? true, authorId: ci.author_id ?? t.requesterId, attachments, at, channel: 'web' },
      auditId,
    );
    this.addAudit(t.id, at, c.authorId, 'web', [{ type: 'Comment', commentId: c.id }]);
    return c;
  }

  /** Fast path for the bulk generator: no validation, no rendering; ids are assigned in place. */
  insertRaw(t: ITicket): ITicket {
    t.id = this.nextTicketId++;
    this.tickets.set(t.id, t);
    for (const c of t.comments) {
      c.id = this.nextCommentId++;
      c.ticketId = t.id;
      c.auditId = this.nextAuditId++;
      this.comments.set(c.id, c);
      const last = this.audits[this.audits.length - 1];
      if (last && last.at > c.createdAt) this.auditsSorted = false;
      // Comment-only audit: `commentId` instead of an events array keeps 300k audits small.
      this.audits.push({ id: c.auditId, ticketId: t.id, at: c.createdAt, authorId: c.authorId, channel: c.channel, events: null, commentId: c.id });
    }
    this.touch();
    return t;
  }

  /** The live attachment with this download token (a redacted one has a new token). */
  attachmentByToken(token: string): IAttachment | undefined {
    for (const c of this.comments.values()) for (const a of c.attachments) if (a.token === token) return a;
    return undefined;
  }

  newRawAttachment(fileName: string, contentType: string, size: number): IAttachment {
    return this.newAttachment(fileName, contentType, size);
  }

  state(ticketId?: number): { tickets: (ZdTicket & { comments: ZdComment[] })[] } {
    const list = ticketId !== undefined ? [this.tickets.get(ticketId)].filter((t): t is ITicket => !!t) : [...this.tickets.values()];
    return { tickets: list.map((t) => ({ ...this.renderTicket(t), comments: t.comments.map((c) => this.renderComment(c)) })) };
  }
}

function auditEvents(a: IAudit): IAuditEvent[] {
  return a.events ?? [{ type: 'Comment', commentId: a.commentId }];
}

function encodeCursor(ms: number, id: number): string {
  return Buffer.from(`${ms}.${id}`).toString('base64url');
}

function decodeCursor(c: string): { ms: number; id: number } {
  const m = /^(-?\d+)\.(\d+)$/.exec(Buffer.from(c, 'base64url').toString('utf8'));
  if (!m) throw new ApiError(400, { error: 'InvalidCursor', description: 'Invalid cursor' });
  return { ms: Number(m[1]), id: Number(m[2]) };
}
