// Typed gateway over node-zendesk 6.0.1. Every call goes through node-zendesk's generic
// `request`, with our own transport so that (a) every request has a timeout, (b) any HTTP
// error — including 429, which node-zendesk would hand back as a *result* — is thrown as a
// ZendeskApiError, and (c) we read the raw JSON (node-zendesk strips wrappers such as
// `meta`/`after_cursor` from results). Error messages never contain request or response
// bodies: comments can hold card numbers.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createClient } from 'node-zendesk';
import { z } from 'zod';

// ---------- schemas ----------

export const AttachmentSchema = z.looseObject({
  id: z.number(),
  file_name: z.string(),
  content_url: z.string(),
  mapped_content_url: z.string().optional(),
  content_type: z.string(),
  size: z.number(),
  inline: z.boolean().optional(),
  deleted: z.boolean().optional(),
  url: z.string().optional(),
  thumbnails: z.array(z.unknown()).optional(),
  malware_scan_result: z.string().optional(),
});
export type ZendeskAttachment = z.infer<typeof AttachmentSchema>;

/** One entry of a chat transcript's history (ChatMessage, ChatFileAttachment, joins, leaves…). */
export const ChatEntrySchema = z.looseObject({
  type: z.string(),
  chat_index: z.number().optional(),
  message_id: z.string().optional(),
  actor_type: z.string().optional(),
  message: z.string().optional(),
  filename: z.string().optional(),
});
export type ZendeskChatEntry = z.infer<typeof ChatEntrySchema>;

export const ChatDataSchema = z.looseObject({ chat_id: z.string(), visitor_id: z.string().optional(), history: z.array(ChatEntrySchema).default([]) });

export const CommentSchema = z.looseObject({
  id: z.number(),
  type: z.string().optional(),
  author_id: z.number(),
  body: z.string(),
  html_body: z.string(),
  plain_body: z.string().optional(),
  public: z.boolean(),
  attachments: z.array(AttachmentSchema).default([]),
  audit_id: z.number().optional(),
  via: z.unknown().optional(),
  metadata: z.unknown().optional(),
  created_at: z.string(),
  /** ChatStartedEvent comments (Agent Workspace): the chat transcript. */
  data: ChatDataSchema.optional(),
});
export type ZendeskComment = z.infer<typeof CommentSchema>;

export const TicketStatusSchema = z.enum(['new', 'open', 'pending', 'hold', 'solved', 'closed', 'deleted']);
export type ZendeskTicketStatus = z.infer<typeof TicketStatusSchema>;

const CustomFieldSchema = z.object({ id: z.number(), value: z.unknown() });

export const TicketSchema = z.looseObject({
  id: z.number(),
  url: z.string().optional(),
  external_id: z.string().nullable().optional(),
  subject: z.string().nullable().transform((s) => s ?? ''),
  description: z.string().optional(),
  status: TicketStatusSchema,
  requester_id: z.number().nullable().optional(),
  assignee_id: z.number().nullable().optional(),
  tags: z.array(z.string()).default([]),
  custom_fields: z.array(CustomFieldSchema).default([]),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ZendeskTicket = z.infer<typeof TicketSchema>;

export const JobStatusSchema = z.looseObject({
  id: z.string(),
  job_type: z.string().nullable().optional(),
  url: z.string().nullable().optional(),
  status: z.enum(['queued', 'working', 'completed', 'failed', 'killed']),
  progress: z.number().nullable().optional(),
  total: z.number().nullable().optional(),
  results: z.unknown().optional(),
  message: z.string().nullable().optional(),
});
export type ZendeskJobStatus = z.infer<typeof JobStatusSchema>;

export const TicketExportPageSchema = z.object({
  tickets: z.array(TicketSchema),
  after_cursor: z.string().nullable(),
  after_url: z.string().nullable().optional(),
  before_cursor: z.string().nullable().optional(),
  before_url: z.string().nullable().optional(),
  end_of_stream: z.boolean(),
});
export type ZendeskTicketExportPage = z.infer<typeof TicketExportPageSchema>;

const CommentInputSchema = z.object({
  body: z.string().optional(),
  html_body: z.string().optional(),
  public: z.boolean().optional(),
  author_id: z.number().optional(),
});

const TicketFieldsSchema = z.object({
  subject: z.string().optional(),
  comment: CommentInputSchema.optional(),
  status: TicketStatusSchema.exclude(['deleted']).optional(),
  requester_id: z.number().optional(),
  assignee_id: z.number().optional(),
  external_id: z.string().nullable().optional(),
  tags: z.array(z.string()).optional(),
  custom_fields: z.array(CustomFieldSchema).optional(),
});
export const TicketCreateSchema = TicketFieldsSchema.extend({ comment: CommentInputSchema });
export type ZendeskTicketCreate = z.input<typeof TicketCreateSchema>;
export const TicketUpdateSchema = TicketFieldsSchema.extend({
  additional_tags: z.array(z.string()).optional(),
  remove_tags: z.array(z.string()).optional(),
});
export type ZendeskTicketUpdate = z.input<typeof TicketUpdateSchema>;

export const AuditEventSchema = z.looseObject({
  id: z.number(),
  type: z.string(),
  field_name: z.string().optional(),
  value: z.unknown().optional(),
  previous_value: z.unknown().optional(),
});
export const AuditSchema = z.looseObject({
  id: z.number(),
  ticket_id: z.number(),
  author_id: z.number().optional(),
  created_at: z.string(),
  events: z.array(AuditEventSchema).default([]),
});
export type ZendeskAudit = z.infer<typeof AuditSchema>;

export const TicketFieldSchema = z.looseObject({
  id: z.number(),
  type: z.string(),
  title: z.string(),
  active: z.boolean().optional(),
});
export type ZendeskTicketField = z.infer<typeof TicketFieldSchema>;
const TicketFieldInputSchema = z.object({
  type: z.string(),
  title: z.string().min(1),
  description: z.string().optional(),
  active: z.boolean().optional(),
  required: z.boolean().optional(),
});
export type ZendeskTicketFieldInput = z.input<typeof TicketFieldInputSchema>;

export const UserSchema = z.looseObject({
  id: z.number(),
  role: z.enum(['end-user', 'agent', 'admin']),
  name: z.string().optional(),
});
export type ZendeskUser = z.infer<typeof UserSchema>;

const ParticipantSchema = z.looseObject({
  user_id: z.number().nullable().optional(),
  name: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  slack_channel_id: z.string().nullable().optional(),
  msteams_channel_id: z.string().nullable().optional(),
  support_group_id: z.number().nullable().optional(),
  support_agent_id: z.number().nullable().optional(),
});
export const SideConversationSchema = z.looseObject({
  id: z.string(),
  ticket_id: z.number(),
  subject: z.string().nullable().optional(),
  state: z.string(),
  participants: z.array(ParticipantSchema).default([]),
});
export type ZendeskSideConversation = z.infer<typeof SideConversationSchema>;
export const SideConversationEventSchema = z.looseObject({
  id: z.string(),
  side_conversation_id: z.string(),
  type: z.string(),
  message: z
    .looseObject({
      subject: z.string().nullable().optional(),
      body: z.string().nullable().optional(),
      html_body: z.string().nullable().optional(),
    })
    .nullable()
    .optional(),
});
export type ZendeskSideConversationEvent = z.infer<typeof SideConversationEventSchema>;

export const ChatEventSchema = z.looseObject({
  id: z.number(),
  type: z.string(),
  value: z.looseObject({ chat_id: z.string(), history: z.array(ChatEntrySchema).default([]) }),
});
export type ZendeskChatEvent = z.infer<typeof ChatEventSchema>;

/** Offset pagination (`next_page`), used by the endpoints whose documented answer has no cursor. */
const offsetPage = <K extends string, S extends z.ZodType>(key: K, item: S) =>
  z.object({ [key]: z.array(item), next_page: z.string().nullable().optional() } as Record<K, z.ZodArray<S>> & { next_page: z.ZodOptional<z.ZodNullable<z.ZodString>> });

const CommentsPageSchema = z.object({
  comments: z.array(CommentSchema),
  meta: z.object({ has_more: z.boolean(), after_cursor: z.string().nullable() }),
});
const TicketsPageSchema = z.object({
  tickets: z.array(TicketSchema),
  meta: z.object({ has_more: z.boolean(), after_cursor: z.string().nullable() }),
});

// ---------- errors ----------

export class ZendeskApiError extends Error {
  override readonly name = 'ZendeskApiError';
  /** HTTP status; 0 when no response arrived (timeout, connection error). */
  readonly status: number;
  /** Zendesk's error code (`RecordNotFound`, `RecordInvalid`…) or ours (`Timeout`, `NetworkError`, `InvalidResponse`, `HTTP_<status>`). */
  readonly code: string;
  readonly retryable: boolean;
  readonly retryAfterSeconds?: number;
  readonly method: string;
  readonly path: string;
  /** Field names and error codes from a 422's `details` (never their descriptions). */
  readonly details?: { field: string; error?: string }[];

  constructor(init: {
    method: string;
    path: string;
    status: number;
    code: string;
    retryable: boolean;
    retryAfterSeconds?: number;
    details?: { field: string; error?: string }[];
    operation?: string;
  }) {
    const what = init.status ? `HTTP ${init.status} ${init.code}` : init.code;
    const retry = init.retryAfterSeconds !== undefined ? ` (retry after ${init.retryAfterSeconds}s)` : '';
    super(`Zendesk ${init.operation ? `${init.operation}: ` : ''}${init.method} ${init.path} failed: ${what}${retry}`);
    this.status = init.status;
    this.code = init.code;
    this.retryable = init.retryable;
    this.method = init.method;
    this.path = init.path;
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds;
    if (init.details) this.details = init.details;
  }

  /** Same error, message prefixed with the gateway operation. */
  withOperation(operation: string): ZendeskApiError {
    return new ZendeskApiError({ ...this, operation, details: this.details });
  }
}

export function isZendeskApiError(err: unknown): err is ZendeskApiError {
  return err instanceof ZendeskApiError || (typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'ZendeskApiError');
}

const SAFE_CODE = /^[A-Za-z_]{1,64}$/;
const STATUS_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  422: 'Unprocessable',
  429: 'TooManyRequests',
};

function parseRetryAfter(v: string | null): number | undefined {
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - Date.now()) / 1000)) : undefined;
}

/** The one mapping of a Zendesk HTTP error answer, for the gateway and the export client alike. */
export function httpError(method: string, path: string, status: number, body: unknown, headers: Pick<Headers, 'get'>): ZendeskApiError {
  const b = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  // Only identifier-like codes are copied; free text could echo submitted content.
  const code = typeof b.error === 'string' && SAFE_CODE.test(b.error) ? b.error : (STATUS_CODES[status] ?? (status >= 500 ? 'ServerError' : `HTTP_${status}`));
  let details: { field: string; error?: string }[] | undefined;
  if (typeof b.details === 'object' && b.details !== null) {
    details = [];
    for (const [field, list] of Object.entries(b.details as Record<string, unknown>)) {
      if (!SAFE_CODE.test(field)) continue;
      const first = Array.isArray(list) ? (list[0] as { error?: unknown } | undefined) : undefined;
      const error = typeof first?.error === 'string' && SAFE_CODE.test(first.error) ? first.error : undefined;
      details.push(error ? { field, error } : { field });
    }
  }
  return new ZendeskApiError({
    method,
    path,
    status,
    code,
    // 409: Zendesk's answer to colliding concurrent updates of one ticket; a retry re-applies.
    retryable: status === 429 || status === 409 || status >= 500,
    retryAfterSeconds: parseRetryAfter(headers.get('retry-after')),
    details,
  });
}

/** A request that got no answer (timeout, reset, refused). */
export function transportError(method: string, path: string, err: unknown): ZendeskApiError {
  const e = err as { name?: string; cause?: { code?: unknown } } | undefined;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return new ZendeskApiError({ method, path, status: 0, code: 'Timeout', retryable: true });
  const cause = typeof e?.cause?.code === 'string' && SAFE_CODE.test(e.cause.code) ? e.cause.code : 'NetworkError';
  return new ZendeskApiError({ method, path, status: 0, code: cause === 'NetworkError' ? cause : `NetworkError_${cause}`, retryable: true });
}

// ---------- transport ----------

/** What our transport hands to node-zendesk (and what `request` returns as `response`). */
export interface RawResponse {
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  json(): Promise<unknown>;
  /** Parsed JSON body (undefined when empty). */
  data: unknown;
}

interface TransportOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Headers for the requests of one gateway call (node-zendesk's `request` takes none). */
const callHeaders = new AsyncLocalStorage<Record<string, string>>();

export function makeTransport(timeoutMs: number) {
  return {
    async transportFn(uri: string, options: TransportOptions): Promise<RawResponse> {
      const method = (options.method ?? 'GET').toUpperCase();
      const extra = callHeaders.getStore();
      if (extra) options = { ...options, headers: { ...options.headers, ...extra } };
      const path = new URL(uri).pathname; // no query: keep even ids-in-query out of messages
      const signal = AbortSignal.timeout(timeoutMs);
      let text: string;
      let res: Response;
      try {
        res = await fetch(uri, { method, headers: options.headers, body: options.body, signal });
        text = await res.text(); // the signal also bounds reading the body
      } catch (err) {
        throw transportError(method, path, err);
      }
      let data: unknown = undefined;
      if (text.length > 0) {
        try {
          data = JSON.parse(text);
        } catch {
          if (res.ok) throw new ZendeskApiError({ method, path, status: res.status, code: 'InvalidResponse', retryable: false });
        }
      }
      if (!res.ok) throw httpError(method, path, res.status, data, res.headers);
      return {
        status: res.status,
        statusText: res.statusText,
        headers: { get: (name) => res.headers.get(name) },
        json: () => Promise.resolve(data),
        data,
      };
    },
    responseAdapter: (r: RawResponse): RawResponse => r,
  };
}

// ---------- gateway ----------

export interface ZendeskApiOptions {
  /** Account URL, e.g. https://acme.zendesk.com (no /api/v2). */
  url: string;
  email: string;
  token: string;
  /** Per request, including reading the body. */
  timeoutMs: number;
}

type Segment = string | number;
type Query = Record<string, string | number>;

export function createZendeskApi(opts: ZendeskApiOptions) {
  // Tolerate a URL given with /api/v2 already on it.
  const endpointUri = `${opts.url.replace(/\/+$/, '').replace(/\/api\/v2$/, '')}/api/v2`;
  const client = createClient({
    username: opts.email,
    token: opts.token,
    endpointUri,
    throwOriginalException: true, // our ZendeskApiError must reach the caller unwrapped
    transportConfig: makeTransport(opts.timeoutMs),
  });
  // Any sub-client exposes the generic request; we only use its raw response.
  const generic = client.tickets as unknown as {
    request(method: string, path: Segment[] | string, body?: unknown): Promise<{ response: RawResponse }>;
  };

  async function call<S extends z.ZodType>(
    operation: string,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: Segment[] | string,
    schema: S,
    body?: unknown,
  ): Promise<z.infer<S>> {
    let data: unknown;
    try {
      // node-zendesk mutates the array (pops a trailing query object): pass a copy.
      const { response } = await generic.request(method, Array.isArray(path) ? [...path] : path, body);
      data = response.data;
    } catch (err) {
      if (err instanceof ZendeskApiError) throw err.withOperation(operation);
      // e.g. node-zendesk's own errors; their text may quote the payload, so drop it.
      throw new ZendeskApiError({ operation, method, path: describe(path), status: 0, code: 'ClientError', retryable: false });
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      throw new ZendeskApiError({ operation, method, path: describe(path), status: 200, code: 'InvalidResponse', retryable: false });
    }
    return parsed.data;
  }

  function describe(path: Segment[] | string): string {
    if (typeof path === 'string') return new URL(path, endpointUri).pathname;
    return `/api/v2/${path.filter((p) => typeof p !== 'object').join('/')}.json`;
  }

  const pick = <K extends string, S extends z.ZodType>(key: K, schema: S) => z.object({ [key]: schema } as Record<K, S>);

  /** Follows `next_page` to the end (absolute URLs on this account only). */
  async function pages<S extends z.ZodType>(operation: string, first: Segment[], key: string, item: S): Promise<z.infer<S>[]> {
    const schema = offsetPage(key, item);
    const all: z.infer<S>[] = [];
    let next: string | null = null;
    for (let n = 0; ; n++) {
      const page = (await call(operation, 'GET', next ?? [...first, { per_page: 100 } as unknown as Segment], schema)) as Record<string, unknown> & { next_page?: string | null };
      all.push(...(page[key] as z.infer<S>[]));
      const url = page.next_page;
      if (!url) return all;
      // Never send our credentials elsewhere, never loop.
      if (!url.startsWith(`${endpointUri}/`) || url === next || n > 10_000) {
        throw new ZendeskApiError({ operation, method: 'GET', path: describe(first), status: 200, code: 'InvalidResponse', retryable: false });
      }
      next = url;
    }
  }

  return {
    async getTicket(id: number): Promise<ZendeskTicket> {
      return (await call('getTicket', 'GET', ['tickets', id], pick('ticket', TicketSchema))).ticket;
    },

    /** Every comment, oldest first, following cursor pagination (page[size]=100) to the end. */
    async listComments(ticketId: number): Promise<ZendeskComment[]> {
      const all: ZendeskComment[] = [];
      let after: string | null = null;
      for (;;) {
        const query: Query = { 'page[size]': 100 };
        if (after) query['page[after]'] = after;
        const page = await call('listComments', 'GET', ['tickets', ticketId, 'comments', query as unknown as Segment], CommentsPageSchema);
        all.push(...page.comments);
        if (!page.meta.has_more) return all;
        if (!page.meta.after_cursor || page.meta.after_cursor === after) {
          throw new ZendeskApiError({ operation: 'listComments', method: 'GET', path: describe(['tickets', ticketId, 'comments']), status: 200, code: 'InvalidResponse', retryable: false });
        }
        after = page.meta.after_cursor;
      }
    },

    /** The newest comments first, one page (a retried write looks for its own marker among them). */
    async listRecentComments(ticketId: number, count = 100): Promise<ZendeskComment[]> {
      const query: Query = { 'page[size]': Math.min(100, count), sort: '-created_at' };
      return (await call('listRecentComments', 'GET', ['tickets', ticketId, 'comments', query as unknown as Segment], CommentsPageSchema)).comments;
    },

    /**
     * `idempotencyKey` (Zendesk's Idempotency-Key header): a repeat of the request within Zendesk's
     * key lifetime (2 h) returns the ticket the first one created, even when the first answer was lost.
     */
    async createTicket(ticket: ZendeskTicketCreate, opts: { idempotencyKey?: string } = {}): Promise<ZendeskTicket> {
      const body = { ticket: TicketCreateSchema.parse(ticket) };
      const create = () => call('createTicket', 'POST', ['tickets'], pick('ticket', TicketSchema), body);
      const created = opts.idempotencyKey ? await callHeaders.run({ 'Idempotency-Key': opts.idempotencyKey }, create) : await create();
      return created.ticket;
    },

    async updateTicket(id: number, ticket: ZendeskTicketUpdate): Promise<ZendeskTicket> {
      const body = { ticket: TicketUpdateSchema.parse(ticket) };
      return (await call('updateTicket', 'PUT', ['tickets', id], pick('ticket', TicketSchema), body)).ticket;
    },

    /** All tickets with this external id (not unique in Zendesk). */
    async findTicketsByExternalId(externalId: string): Promise<ZendeskTicket[]> {
      const all: ZendeskTicket[] = [];
      let after: string | null = null;
      for (;;) {
        const query: Query = { external_id: externalId, 'page[size]': 100 };
        if (after) query['page[after]'] = after;
        const page = await call('findTicketsByExternalId', 'GET', ['tickets', query as unknown as Segment], TicketsPageSchema);
        all.push(...page.tickets);
        if (!page.meta.has_more || !page.meta.after_cursor || page.meta.after_cursor === after) return all;
        after = page.meta.after_cursor;
      }
    },

    /** PUT /comment_redactions/{id}: `htmlBody` is the comment's current html_body with `<redact>` markup. */
    async redactCommentHtml(ticketId: number, commentId: number, htmlBody: string, externalAttachmentUrls?: string[]): Promise<ZendeskComment> {
      const body: Record<string, unknown> = { ticket_id: ticketId, html_body: htmlBody };
      if (externalAttachmentUrls && externalAttachmentUrls.length > 0) body.external_attachment_urls = externalAttachmentUrls;
      return (await call('redactCommentHtml', 'PUT', ['comment_redactions', commentId], pick('comment', CommentSchema), body)).comment;
    },

    /** Legacy string redaction; fails on closed tickets. Check the returned body: absent text may be a no-op. */
    async redactCommentText(ticketId: number, commentId: number, text: string): Promise<ZendeskComment> {
      return (await call('redactCommentText', 'PUT', ['tickets', ticketId, 'comments', commentId, 'redact'], pick('comment', CommentSchema), { text })).comment;
    },

    /** PUT …/attachments/{id}/redact (node-zendesk's redactAttachmentComment sends DELETE, which 404s). */
    async redactAttachment(ticketId: number, commentId: number, attachmentId: number): Promise<ZendeskAttachment> {
      const path = ['tickets', ticketId, 'comments', commentId, 'attachments', attachmentId, 'redact'];
      return (await call('redactAttachment', 'PUT', path, pick('attachment', AttachmentSchema))).attachment;
    },

    /** Starts a merge job; both notes are private. Poll getJobStatus until completed/failed. */
    async mergeTickets(targetId: number, sourceIds: number[], targetComment: string, sourceComment: string): Promise<ZendeskJobStatus> {
      const body = { ids: sourceIds, target_comment: targetComment, source_comment: sourceComment, target_comment_is_public: false, source_comment_is_public: false };
      return (await call('mergeTickets', 'POST', ['tickets', targetId, 'merge'], pick('job_status', JobStatusSchema), body)).job_status;
    },

    async getJobStatus(id: string): Promise<ZendeskJobStatus> {
      return (await call('getJobStatus', 'GET', ['job_statuses', id], pick('job_status', JobStatusSchema))).job_status;
    },

    /** One page of the cursor-based incremental ticket export; resume with `after_cursor`. */
    async exportTicketsCursor(from: { startTime: number } | { cursor: string }, perPage = 1000): Promise<ZendeskTicketExportPage> {
      const q = new URLSearchParams('cursor' in from ? { cursor: from.cursor } : { start_time: String(Math.floor(from.startTime)) });
      q.set('per_page', String(perPage));
      // An absolute URL: node-zendesk then sends it as is (for this path it would otherwise add
      // page[size]=100, and exportCursor() sends start_time=undefined alongside a cursor).
      return call('exportTicketsCursor', 'GET', `${endpointUri}/incremental/tickets/cursor.json?${q.toString()}`, TicketExportPageSchema);
    },

    /**
     * PUT /tickets/{id}/tags: adds tags (Zendesk's OpenAPI document does not list the
     * `additional_tags` ticket property this product used before). Returns the ticket's tags.
     */
    async addTags(ticketId: number, tags: string[]): Promise<string[]> {
      const body = { tags: z.array(z.string().min(1)).min(1).parse(tags) };
      return (await call('addTags', 'PUT', ['tickets', ticketId, 'tags'], pick('tags', z.array(z.string())), body)).tags;
    },

    /** Every ticket field, system and custom (`type` says text, textarea, …). */
    async listTicketFields(): Promise<ZendeskTicketField[]> {
      return pages('listTicketFields', ['ticket_fields'], 'ticket_fields', TicketFieldSchema);
    },

    async createTicketField(field: ZendeskTicketFieldInput): Promise<ZendeskTicketField> {
      const body = { ticket_field: TicketFieldInputSchema.parse(field) };
      return (await call('createTicketField', 'POST', ['ticket_fields'], pick('ticket_field', TicketFieldSchema), body)).ticket_field;
    },

    /** Every audit of a ticket, oldest first (offset pages of 100). */
    async listAudits(ticketId: number): Promise<ZendeskAudit[]> {
      return pages('listAudits', ['tickets', ticketId, 'audits'], 'audits', AuditSchema);
    },

    async getUser(id: number): Promise<ZendeskUser> {
      return (await call('getUser', 'GET', ['users', id], pick('user', UserSchema))).user;
    },

    /** Users by id (unknown ids are left out), 100 per request. */
    async showManyUsers(ids: number[]): Promise<ZendeskUser[]> {
      const out: ZendeskUser[] = [];
      const unique = [...new Set(ids)];
      for (let i = 0; i < unique.length; i += 100) {
        const q = new URLSearchParams({ ids: unique.slice(i, i + 100).join(',') });
        out.push(...(await call('showManyUsers', 'GET', `${endpointUri}/users/show_many.json?${q.toString()}`, pick('users', z.array(UserSchema)))).users);
      }
      return out;
    },

    async listSideConversations(ticketId: number): Promise<ZendeskSideConversation[]> {
      return pages('listSideConversations', ['tickets', ticketId, 'side_conversations'], 'side_conversations', SideConversationSchema);
    },

    async listSideConversationEvents(ticketId: number, sideConversationId: string): Promise<ZendeskSideConversationEvent[]> {
      return pages('listSideConversationEvents', ['tickets', ticketId, 'side_conversations', sideConversationId, 'events'], 'events', SideConversationEventSchema);
    },

    /** PUT /chat_redactions/{ticket_id}: `text` is the message with `<redact>` tags. Refused for active chats. */
    async redactChatMessage(ticketId: number, ref: { chatId: string; chatIndex?: number; messageId?: string }, text: string): Promise<ZendeskChatEvent> {
      const body: Record<string, unknown> = { chat_id: ref.chatId, text };
      if (ref.chatIndex !== undefined) body.chat_index = ref.chatIndex;
      else if (ref.messageId !== undefined) body.message_id = ref.messageId;
      return (await call('redactChatMessage', 'PUT', ['chat_redactions', ticketId], pick('chat_event', ChatEventSchema), body)).chat_event;
    },

    /** PUT /chat_file_redactions/{ticket_id}: the files become empty. Refused for active chats. */
    async redactChatFiles(ticketId: number, ref: { chatId: string; chatIndexes?: number[]; messageIds?: string[] }): Promise<ZendeskChatEvent> {
      const body: Record<string, unknown> = { chat_id: ref.chatId };
      if (ref.chatIndexes && ref.chatIndexes.length > 0) body.chat_indexes = ref.chatIndexes;
      else body.message_ids = ref.messageIds ?? [];
      return (await call('redactChatFiles', 'PUT', ['chat_file_redactions', ticketId], pick('chat_event', ChatEventSchema), body)).chat_event;
    },

    async deleteTicket(id: number): Promise<void> {
      await call('deleteTicket', 'DELETE', ['tickets', id], z.unknown());
    },
  };
}

export type ZendeskApi = ReturnType<typeof createZendeskApi>;
