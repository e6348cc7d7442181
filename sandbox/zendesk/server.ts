// HTTP front of the Zendesk emulator (node:http, so faults like connection resets are possible).
import http from 'node:http';
import { type AddressInfo } from 'node:net';
import { AdminStore, registerAdminRoutes } from './admin';
import { ZendeskControl } from './control';
import { ApiError, badRequest, invalidEndpoint } from './errors';
import { seedTickets } from './seed';
import { type IComment, type ITicket, ZendeskStore } from './store';
import type {
  CallLogEntry,
  FaultInfo,
  FaultSpec,
  SandboxConfig,
  SeedChatInput,
  SeedCommentInput,
  SeedSideConversationInput,
  SeedTicketInput,
  SeedTicketsOptions,
  SeedUserInput,
} from './types';
import { attachmentDownload, handleUpload, startStorageOrigin, type StorageOrigin } from './uploads';

export interface ZendeskSandboxOptions {
  port?: number;
  host?: string;
  email?: string;
  token?: string;
  subdomain?: string;
  config?: Partial<SandboxConfig>;
}

export interface ZendeskSandbox {
  /** http://127.0.0.1:PORT — no /api/v2. */
  url: string;
  email: string;
  token: string;
  subdomain: string;
  close(): Promise<void>;
  control: ZendeskControl;
  /** In-process access, e.g. for seeding 100k tickets without HTTP. */
  store: ZendeskStore;
  /** The second origin serving attachment bytes at signed URLs (uploads.ts). */
  storage: StorageOrigin;
  /** Webhooks, triggers and macros (admin.ts). */
  admin: AdminStore;
}

type Query = Record<string, string>;
interface Ctx {
  method: string;
  path: string; // under /api/v2, without .json
  query: Query;
  body: unknown;
  base: string;
  /** `Idempotency-Key` request header (ticket creation). */
  idempotencyKey?: string;
  /** The body's bytes and type (the Uploads API takes binary bodies). */
  raw: Buffer;
  contentType?: string;
}
interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
type Handler = (ctx: Ctx, params: string[]) => Reply;

const JSON_TYPE = 'application/json; charset=utf-8';
const MAX_CALL_LOG = 10_000;

export async function startZendeskSandbox(opts: ZendeskSandboxOptions = {}): Promise<ZendeskSandbox> {
  const host = opts.host ?? '127.0.0.1';
  const email = opts.email ?? 'bot@example.com';
  const token = opts.token ?? 'sandbox-token';
  const subdomain = opts.subdomain ?? 'sandbox';
  const expectedAuth = 'Basic ' + Buffer.from(`${email}/token:${token}`).toString('base64');

  let store: ZendeskStore | undefined = undefined; // set once listening (needs the port)
  const admin = new AdminStore();
  let calls: CallLogEntry[] = [];
  let faults: FaultInfo[] = [];
  let nextFaultId = 1;
  let incrementalHits: number[] = [];
  /** Idempotency-Key → the ticket its first request created and that request's body (as JSON). */
  let idempotencyKeys = new Map<string, { ticketId: number; body: string }>();
  let accountHits: number[] = [];

  const s = (): ZendeskStore => {
    if (!store) throw new Error('sandbox not started');
    return store;
  };

  const id = (v: string | undefined): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n <= 0) throw new ApiError(404, { error: 'RecordNotFound', description: 'Not found' });
    return n;
  };

  const listPage = <T>(ctx: Pick<Ctx, 'query' | 'base' | 'path'>, items: T[], key: string, render: (x: T) => unknown, cursorOf: (x: T) => number): Reply => {
    const q = ctx.query;
    const cursorMode = ['page[size]', 'page[after]', 'page[before]'].some((k) => q[k] !== undefined);
    const desc = q.sort === '-created_at' || q.sort_order === 'desc';
    const sorted = desc ? [...items].reverse() : items;
    const url = (params: Record<string, string | number>): string =>
      `${ctx.base}/api/v2/${ctx.path}.json?` + new URLSearchParams(Object.entries({ ...q, ...params }).map(([k, v]): [string, string] => [k, String(v)])).toString();
    if (cursorMode) {
      const size = q['page[size]'] !== undefined ? Number(q['page[size]']) : 100;
      if (!Number.isInteger(size) || size < 1 || size > 100) throw badRequest('InvalidPaginationParameter', 'page[size] must be between 1 and 100');
      let startIdx = 0;
      let endIdx = sorted.length;
      if (q['page[after]'] !== undefined) {
        const after = decodeId(q['page[after]']);
        const i = sorted.findIndex((x) => cursorOf(x) === after);
        startIdx = i < 0 ? sorted.length : i + 1;
        endIdx = Math.min(sorted.length, startIdx + size);
      } else if (q['page[before]'] !== undefined) {
        const before = decodeId(q['page[before]']);
        const i = sorted.findIndex((x) => cursorOf(x) === before);
        endIdx = i < 0 ? 0 : i;
        startIdx = Math.max(0, endIdx - size);
      } else {
        endIdx = Math.min(sorted.length, size);
      }
      const page = sorted.slice(startIdx, endIdx);
      const firstItem = page[0];
      const lastItem = page[page.length - 1];
      const hasMore = endIdx < sorted.length;
      const afterCursor = lastItem !== undefined ? encodeId(cursorOf(lastItem)) : null;
      const beforeCursor = firstItem !== undefined ? encodeId(cursorOf(firstItem)) : null;
      const strip = (): Query => {
        const rest = { ...q };
        delete rest['page[after]'];
        delete rest['page[before]'];
        return rest;
      };
      const link = (k: 'page[after]' | 'page[before]', c: string): string =>
        `${ctx.base}/api/v2/${ctx.path}.json?` + new URLSearchParams({ ...strip(), 'page[size]': String(size), [k]: c }).toString();
      return {
        status: 200,
        body: {
          [key]: page.map(render),
          meta: { has_more: hasMore, after_cursor: afterCursor, before_cursor: beforeCursor },
          links: {
            next: hasMore && afterCursor ? link('page[after]', afterCursor) : null,
            prev: startIdx > 0 && beforeCursor ? link('page[before]', beforeCursor) : null,
          },
        },
      };
    }
    const perPage = Math.min(100, Math.max(1, q.per_page !== undefined ? Number(q.per_page) || 100 : 100));
    const pageNo = Math.max(1, q.page !== undefined ? Number(q.page) || 1 : 1);
    if (pageNo * perPage > 10_000) throw badRequest('InvalidPaginationParameter', 'Offset pagination is limited to the first 10,000 records; use cursor pagination');
    const page = sorted.slice((pageNo - 1) * perPage, pageNo * perPage);
    return {
      status: 200,
      body: {
        [key]: page.map(render),
        next_page: pageNo * perPage < sorted.length ? url({ page: pageNo + 1, per_page: perPage }) : null,
        previous_page: pageNo > 1 ? url({ page: pageNo - 1, per_page: perPage }) : null,
        count: sorted.length,
      },
    };
  };

  const incrementalGate = (): void => {
    const st = s();
    if (!st.config.incrementalRateLimit) return;
    const now = Date.now();
    incrementalHits = incrementalHits.filter((t) => now - t < 60_000);
    if (incrementalHits.length >= st.config.incrementalRequestsPerMinute) {
      const retry = Math.max(1, Math.ceil((60_000 - (now - (incrementalHits[0] ?? now))) / 1000));
      throw new ApiError(429, { error: 'TooManyRequests', description: 'Rate limit for incremental exports exceeded' }, { 'Retry-After': String(retry) });
    }
    incrementalHits.push(now);
  };

  const ticketReply = (status: number, r: { ticket: ITicket; audit?: Parameters<ZendeskStore['renderAudit']>[0] }, extra: Record<string, string> = {}): Reply => ({
    status,
    body: { ticket: s().renderTicket(r.ticket), ...(r.audit ? { audit: s().renderAudit(r.audit) } : {}) },
    headers: extra,
  });

  const routes: { method: string; re: RegExp; handler: Handler }[] = [];
  const route = (method: string, pattern: string, handler: Handler): void => {
    routes.push({ method, re: new RegExp('^' + pattern.replace(/:id/g, '([^/]+)') + '$'), handler });
  };


  route('GET', 'tickets', (ctx) =>
    listPage(ctx, s().listTickets(ctx.query.external_id), 'tickets', (t) => s().renderTicket(t), (t) => t.id),
  );
  route('POST', 'tickets', (ctx) => {
    // Zendesk's idempotent ticket creation: a repeated key answers with the ticket the first
    // request created (`x-idempotency-lookup: hit`); the same key with another body is a 400.
    const key = ctx.idempotencyKey;
    const seen = key ? idempotencyKeys.get(key) : undefined;
    if (seen) {
      if (seen.body !== JSON.stringify(ctx.body)) throw badRequest('IdempotentRequestError', 'Idempotency-Key reused with a different request body');
      const ticket = s().getTicket(seen.ticketId);
      return ticketReply(201, { ticket }, { Location: `${ctx.base}/api/v2/tickets/${ticket.id}.json`, 'x-idempotency-lookup': 'hit' });
    }
    const r = s().createTicket(ctx.body);
    if (key) idempotencyKeys.set(key, { ticketId: r.ticket.id, body: JSON.stringify(ctx.body) });
    return ticketReply(201, r, { Location: `${ctx.base}/api/v2/tickets/${r.ticket.id}.json`, ...(key ? { 'x-idempotency-lookup': 'miss' } : {}) });
  });
  route('GET', 'tickets/:id', (_ctx, [t]) => ticketReply(200, { ticket: s().getTicket(id(t)) }));
  route('PUT', 'tickets/:id', (ctx, [t]) => ticketReply(200, s().updateTicket(id(t), ctx.body)));
  route('DELETE', 'tickets/:id', (_ctx, [t]) => {
    s().deleteTicket(id(t));
    return { status: 204 };
  });
  route('GET', 'tickets/:id/comments', (ctx, [t]) =>
    listPage(ctx, s().listComments(id(t)), 'comments', (c: IComment) => s().renderComment(c), (c) => c.id),
  );
  route('PUT', 'tickets/:id/comments/:id/redact', (ctx, [t, c]) => ({
    status: 200,
    body: { comment: s().renderComment(s().redactCommentText(id(t), id(c), ctx.body)) },
  }));
  route('PUT', 'tickets/:id/comments/:id/attachments/:id/redact', (_ctx, [t, c, a]) => ({
    status: 200,
    body: { attachment: s().renderAttachment(s().redactAttachment(id(t), id(c), id(a))) },
  }));
  route('PUT', 'comment_redactions/:id', (ctx, [c]) => ({
    status: 200,
    body: { comment: s().renderComment(s().redactCommentHtml(id(c), ctx.body)) },
  }));
  route('POST', 'tickets/:id/merge', (ctx, [t]) => ({ status: 200, body: { job_status: s().renderJob(s().merge(id(t), ctx.body)) } }));
  route('GET', 'job_statuses/:id', (_ctx, [j]) => ({ status: 200, body: { job_status: s().renderJob(s().pollJob(j ?? '')) } }));
  // Tags (the product adds tags here: `additional_tags` on a ticket update is not in Zendesk's OpenAPI document).
  route('GET', 'tickets/:id/tags', (_ctx, [t]) => ({ status: 200, body: { tags: [...s().getTicket(id(t)).tags] } }));
  route('PUT', 'tickets/:id/tags', (ctx, [t]) => ({ status: 200, body: { tags: [...s().changeTags(id(t), 'add', ctx.body).tags] } }));
  route('POST', 'tickets/:id/tags', (ctx, [t]) => ({ status: 201, body: { tags: [...s().changeTags(id(t), 'set', ctx.body).tags] } }));
  route('DELETE', 'tickets/:id/tags', (ctx, [t]) => {
    s().changeTags(id(t), 'remove', ctx.body);
    return { status: 204 };
  });
  route('GET', 'tickets/:id/audits', (ctx, [t]) => listPage(ctx, s().listAudits(id(t)), 'audits', (a) => s().renderAudit(a), (a) => a.id));
  // Other places (places.ts).
  route('GET', 'ticket_fields', () => ({ status: 200, body: { ticket_fields: s().places.listFields(), next_page: null, previous_page: null, count: s().places.listFields().length } }));
  route('POST', 'ticket_fields', (ctx) => ({ status: 201, body: { ticket_field: s().places.createField(ctx.body) } }));
  route('GET', 'ticket_fields/:id', (_ctx, [f]) => ({ status: 200, body: { ticket_field: s().places.getField(id(f)) } }));
  route('PUT', 'ticket_fields/:id', (ctx, [f]) => ({ status: 200, body: { ticket_field: s().places.updateField(id(f), ctx.body) } }));
  route('GET', 'users/show_many', (ctx) => ({ status: 200, body: { users: s().places.showManyUsers(ctx.query.ids), next_page: null, previous_page: null } }));
  route('GET', 'users/:id', (_ctx, [u]) => ({ status: 200, body: { user: s().places.getUser(id(u)) } }));
  // Their ids are UUIDs: the cursor is the position in the list.
  const byPosition = <T>(ctx: Ctx, list: T[], key: string): Reply => listPage(ctx, list, key, (x) => x, (x) => list.indexOf(x) + 1);
  route('GET', 'tickets/:id/side_conversations', (ctx, [t]) => byPosition(ctx, s().places.listSideConversations(id(t)), 'side_conversations'));
  route('GET', 'tickets/:id/side_conversations/:id/events', (ctx, [t, sc]) => byPosition(ctx, s().places.sideConversationEvents(id(t), sc ?? ''), 'events'));
  route('PUT', 'chat_redactions/:id', (ctx, [t]) => ({ status: 200, body: s().places.redactChat(id(t), ctx.body) }));
  route('PUT', 'chat_file_redactions/:id', (ctx, [t]) => ({ status: 200, body: s().places.redactChatFiles(id(t), ctx.body) }));
  route('POST', 'uploads', (ctx) => handleUpload(s(), s().files, ctx.query, ctx.contentType, ctx.raw));
  route('DELETE', 'uploads/:id', (_ctx, [tok]) => {
    s().files.deleteUpload(tok ?? '');
    return { status: 204 };
  });
  route('GET', 'incremental/tickets/cursor', (ctx) => {
    incrementalGate();
    return { status: 200, body: s().exportTicketsCursor({ startTime: ctx.query.start_time, cursor: ctx.query.cursor, perPage: ctx.query.per_page }) };
  });
  route('GET', 'incremental/ticket_events', (ctx) => {
    incrementalGate();
    return { status: 200, body: s().ticketEvents({ startTime: ctx.query.start_time, perPage: ctx.query.per_page, include: ctx.query.include }) };
  });

  registerAdminRoutes(route, () => admin, listPage, id);

  // ---- control API (no auth) ----
  const controlRoutes: { method: string; re: RegExp; handler: (body: unknown, params: string[], query: Query) => Reply }[] = [];
  const control = (method: string, pattern: string, handler: (body: unknown, params: string[], query: Query) => Reply): void => {
    controlRoutes.push({ method, re: new RegExp('^' + pattern.replace(/:id/g, '([^/]+)') + '$'), handler });
  };
  control('POST', 'tickets', (body) => ({ status: 201, body: s().seedTicket(body as SeedTicketInput) }));
  control('GET', 'tickets/:id', (_b, [t]) => {
    const st = s().state(id(t));
    if (st.tickets.length === 0) throw new ApiError(404, { error: 'RecordNotFound', description: 'Not found' });
    return { status: 200, body: { ticket: st.tickets[0] } };
  });
  control('POST', 'tickets/:id/comments', (body, [t]) => ({ status: 201, body: s().addCommentAs(id(t), body as SeedCommentInput) }));
  control('POST', 'tickets/:id/chats', (body, [t]) => ({ status: 201, body: s().places.seedChat(id(t), body as SeedChatInput) }));
  control('POST', 'tickets/:id/chats/:id/end', (_b, [t, c]) => {
    s().places.endChat(id(t), decodeURIComponent(c ?? ''));
    return { status: 204 };
  });
  control('POST', 'tickets/:id/side_conversations', (body, [t]) => ({ status: 201, body: s().places.seedSideConversation(id(t), body as SeedSideConversationInput) }));
  control('POST', 'users', (body) => ({ status: 201, body: { user: s().places.addUser(body as SeedUserInput) } }));
  control('GET', 'state', () => ({ status: 200, body: s().state() }));
  control('GET', 'calls', () => ({ status: 200, body: { calls } }));
  control('DELETE', 'calls', () => {
    calls = [];
    return { status: 204 };
  });
  control('POST', 'reset', () => {
    s().reset();
    admin.reset();
    calls = [];
    faults = [];
    incrementalHits = [];
    idempotencyKeys = new Map();
    return { status: 204 };
  });
  control('GET', 'faults', () => ({ status: 200, body: { faults } }));
  control('POST', 'faults', (body) => {
    const f = body as FaultSpec;
    if (!f || typeof f !== 'object' || !f.match || typeof f.match.path !== 'string' || !f.response) throw badRequest('InvalidParam', 'fault needs match.path and response');
    new RegExp(f.match.path); // validate early
    const info: FaultInfo = { ...f, id: nextFaultId++, remaining: f.times ?? 1 };
    faults.push(info);
    return { status: 201, body: { fault: info } };
  });
  control('DELETE', 'faults', () => {
    faults = [];
    return { status: 204 };
  });
  control('GET', 'config', () => ({ status: 200, body: { config: s().config } }));
  control('PUT', 'config', (body) => {
    s().config = { ...s().config, ...(body as Partial<SandboxConfig>) };
    return { status: 200, body: { config: s().config } };
  });
  control('POST', 'seed', (body) => {
    const b = (body ?? {}) as SeedTicketsOptions & { count?: number };
    if (typeof b.count !== 'number' || b.count < 0) throw badRequest('InvalidParam', 'count is required');
    return { status: 201, body: seedTickets(s(), b.count, b) };
  });

  const send = (res: http.ServerResponse, reply: Reply): void => {
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    const now = Date.now();
    accountHits = accountHits.filter((t) => now - t < 60_000);
    const limit = store?.config.accountRateLimit ?? 700;
    headers['X-Rate-Limit'] = String(limit);
    headers['X-Rate-Limit-Remaining'] = String(Math.max(0, limit - accountHits.length));
    if (reply.status === 204 || reply.body === undefined) {
      res.writeHead(reply.status, headers);
      res.end();
      return;
    }
    const payload = JSON.stringify(reply.body);
    headers['Content-Type'] = JSON_TYPE;
    headers['Content-Length'] = String(Buffer.byteLength(payload));
    res.writeHead(reply.status, headers);
    res.end(payload);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const started = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const base = `http://${req.headers.host ?? `${host}`}`;
    const u = new URL(req.url ?? '/', base);
    const query: Query = {};
    for (const [k, v] of u.searchParams) query[k] = v;
    const rawBytes = await readBody(req);
    const raw = rawBytes.toString('utf8');
    const binaryBody = /^\/api\/v2\/uploads(\.json)?$/.test(u.pathname);
    let body: unknown = undefined;
    let bodyError = false;
    if (raw.length > 0 && !binaryBody) {
      try {
        body = JSON.parse(raw);
      } catch {
        bodyError = true;
        body = raw;
      }
    }

    if (u.pathname.startsWith('/__control/')) {
      const p = u.pathname.slice('/__control/'.length).replace(/\/$/, '');
      try {
        if (bodyError) throw badRequest('InvalidJSON', 'Body is not valid JSON');
        for (const r of controlRoutes) {
          const m = r.method === method ? r.re.exec(p) : null;
          if (m) return send(res, r.handler(body, m.slice(1), query));
        }
        throw invalidEndpoint();
      } catch (e) {
        return send(res, errorReply(e));
      }
    }

    const log = (status: number, fault?: number): void => {
      if (calls.length >= MAX_CALL_LOG) calls.shift();
      calls.push({ method, path: u.pathname, query, body: body ?? null, status, time: new Date(started).toISOString(), durationMs: Date.now() - started, ...(fault ? { fault } : {}) });
    };
    accountHits.push(started);

    // Faults first: they model the network/proxy in front of Zendesk.
    const fault = faults.find(
      (f) =>
        f.remaining > 0 &&
        (!f.match.method || f.match.method.toUpperCase() === method) &&
        new RegExp(f.match.path).test(u.pathname) &&
        (f.match.bodyIncludes === undefined || JSON.stringify(body ?? null).includes(f.match.bodyIncludes)),
    );
    if (fault) {
      fault.remaining--;
      const fr = fault.response;
      if (fr.delayMs) await sleep(fr.delayMs);
      if (fr.resetConnection) {
        log(0, fault.id);
        res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Length': '4096' });
        res.write('{"comments":[{"id":1,"body":"');
        await sleep(20);
        req.socket.resetAndDestroy();
        return;
      }
      if (fr.status !== undefined) {
        log(fr.status, fault.id);
        return send(res, { status: fr.status, body: fr.body ?? defaultFaultBody(fr.status), headers: fr.headers });
      }
      // A client that gave up during the delay does not stop the request: it is handled (and
      // logged) as a real server would, so a write still lands; only the answer goes nowhere.
    }

    let reply: Reply;
    try {
      if (u.pathname.startsWith('/attachments/token/')) {
        reply = attachmentDownload(s(), storage, u.pathname, req.headers.authorization === expectedAuth);
        log(reply.status, fault?.id);
        return send(res, reply);
      }
      if (!u.pathname.startsWith('/api/v2/')) throw invalidEndpoint();
      if (req.headers.authorization !== expectedAuth) throw new ApiError(401, { error: "Couldn't authenticate you" });
      if (bodyError) throw badRequest('InvalidJSON', 'Body is not valid JSON');
      const path = u.pathname.slice('/api/v2/'.length).replace(/\.json$/, '').replace(/\/$/, '');
      const keyHeader = req.headers['idempotency-key'];
      const ctx: Ctx = { method, path, query, body, base, idempotencyKey: Array.isArray(keyHeader) ? keyHeader[0] : keyHeader, raw: rawBytes, contentType: req.headers['content-type'] };
      const r = routes.find((x) => x.method === method && x.re.test(path));
      if (!r) throw invalidEndpoint();
      reply = r.handler(ctx, (r.re.exec(path) ?? []).slice(1));
    } catch (e) {
      reply = errorReply(e);
    }
    log(reply.status, fault?.id);
    if (!res.destroyed) send(res, reply);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, errorReply(e));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  store = new ZendeskStore(url, opts.config);
  const st = store;
  const storage = await startStorageOrigin(host, st.files, (token) => st.attachmentByToken(token)?.contentType);

  return {
    url,
    email,
    token,
    subdomain,
    store,
    storage,
    admin,
    control: new ZendeskControl(url),
    close: async () => {
      store?.dispose();
      await storage.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function errorReply(e: unknown): Reply {
  if (e instanceof ApiError) return { status: e.status, body: e.body, headers: e.headers };
  return { status: 500, body: { error: 'InternalError', description: e instanceof Error ? e.message : 'internal error' } };
}

function defaultFaultBody(status: number): unknown {
  if (status === 429) return { error: 'TooManyRequests', description: 'Rate limit exceeded' };
  if (status === 401) return { error: "Couldn't authenticate you" };
  if (status === 404) return { error: 'RecordNotFound', description: 'Not found' };
  if (status >= 500) return { error: 'InternalError', description: 'Something went wrong' };
  return { error: 'Error', description: `HTTP ${status}` };
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function encodeId(n: number): string {
  return Buffer.from(`id:${n}`).toString('base64url');
}

function decodeId(c: string): number {
  const m = /^id:(\d+)$/.exec(Buffer.from(c, 'base64url').toString('utf8'));
  if (!m) throw badRequest('InvalidPaginationParameter', 'Invalid cursor');
  return Number(m[1]);
}
