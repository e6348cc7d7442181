// HTTP front of the Slack sandbox: /api/<method> (Web API), /__control/* (test control, no auth)
// and /__response_url/<id> (response URLs handed out in clicks and slash commands).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { checkBlocks } from './blocks';
import { SlackControl } from './control';
import { InteractivityError, buildBlockActionsPayload, buildSlashCommandForm, deliverSigned } from './interactivity';
import { DEFAULT_EMOJI, SlackStore, type Args } from './store';
import type { Block, Fault, RequestLogEntry, ResponseUrlPost, SandboxSnapshot, SandboxUser } from './types';

export interface SlackSandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  botToken?: string;
  signingSecret?: string;
  /** Channel IDs; a channel's name is its lower-cased ID unless given as `ID:name`. */
  channels?: string[];
  users?: SandboxUser[];
  /** Subteam ID (`S…`) → member user IDs. */
  usergroups?: Record<string, string[]>;
  /** Emoji names reactions.add accepts (default: DEFAULT_EMOJI). */
  emoji?: string[];
}

export interface SlackSandbox {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `${url}/api/` — pass as WebClient's `slackApiUrl`. */
  apiUrl: string;
  botToken: string;
  signingSecret: string;
  control: SlackControl;
  /** In-process access (npm start keeps it in .data/ across restarts). */
  store: SlackStore;
  close(): Promise<void>;
}

export const SANDBOX_DEFAULTS = {
  botToken: 'xoxb-sandbox-token',
  signingSecret: 'sandbox-signing-secret',
  teamId: 'T0SANDBOX',
  teamDomain: 'sandbox',
  botUserId: 'U0REDACTBOT',
  botId: 'B0REDACTBOT',
  appId: 'A0REDACTOR',
  channels: ['C0REDACT:redaction-requests', 'C0GENERAL:general'],
  users: [
    { id: 'U0LEAD1', name: 'lead.one', real_name: 'Lead One' },
    { id: 'U0LEAD2', name: 'lead.two', real_name: 'Lead Two' },
    { id: 'U0AGENT1', name: 'agent.one', real_name: 'Agent One' },
  ] as SandboxUser[],
  usergroups: { S0LEADS: ['U0LEAD1', 'U0LEAD2'] } as Record<string, string[]>,
};

const MAX_BODY = 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, 'body_too_large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Undo form encoding so a scan sees `4111 1111…`, not `4111%201111…`. */
function decodeFormText(raw: string, contentType: string): string {
  if (contentType.startsWith('application/json')) return raw;
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

function formToObject(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) out[k] = v;
  return out;
}

/** JSON-encoded form fields the SDK flattens (`blocks`, `metadata`, ...) become values again. */
function decodeJsonFields(args: Args): Args {
  const out: Args = { ...args };
  for (const key of ['blocks', 'attachments', 'metadata']) {
    const v = out[key];
    if (typeof v === 'string' && v !== '') {
      try {
        out[key] = JSON.parse(v);
      } catch {
        // Left as a string; the method handler reports invalid_blocks_format etc.
      }
    }
  }
  return out;
}

const faultSpecSchema = z.object({
  match: z.object({ method: z.string().min(1), bodyIncludes: z.string().min(1).optional() }),
  times: z.number().int().refine((n) => n === -1 || n >= 1, 'times must be >= 1 or -1').optional(),
  response: z.object({
    status: z.number().int().min(100).max(599).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    body: z.unknown().optional(),
    okFalseError: z.string().min(1).optional(),
    delayMs: z.number().int().min(0).optional(),
  }),
});

const clickSchema = z.object({
  channel: z.string().min(1),
  ts: z.string().min(1),
  actionId: z.string().min(1),
  userId: z.string().min(1),
  url: z.url(),
  signingSecret: z.string().optional(),
  timestamp: z.number().int().optional(),
  signature: z.string().optional(),
  timeoutMs: z.number().int().positive().optional(),
});

const slashSchema = z.object({
  url: z.url(),
  command: z.string().regex(/^\//),
  text: z.string(),
  userId: z.string().min(1),
  channelId: z.string().min(1),
  signingSecret: z.string().optional(),
  timestamp: z.number().int().optional(),
  signature: z.string().optional(),
  timeoutMs: z.number().int().positive().optional(),
});

const userMessageSchema = z.object({
  channel: z.string().min(1),
  user: z.string().min(1),
  text: z.string(),
  thread_ts: z.string().optional(),
});

const responseUrlBodySchema = z
  .object({
    text: z.string().optional(),
    blocks: z.unknown().optional(),
    replace_original: z.union([z.boolean(), z.string()]).optional(),
    delete_original: z.union([z.boolean(), z.string()]).optional(),
    response_type: z.enum(['ephemeral', 'in_channel']).optional(),
    thread_ts: z.string().optional(),
  })
  .loose();

function truthy(v: unknown): boolean {
  return v === true || v === 'true';
}

function parseChannelSpec(spec: string): { id: string; name: string } {
  const [id = spec, name] = spec.split(':', 2);
  return { id, name: name ?? id.toLowerCase() };
}

export async function startSlackSandbox(opts: SlackSandboxOptions = {}): Promise<SlackSandbox> {
  const botToken = opts.botToken ?? SANDBOX_DEFAULTS.botToken;
  const signingSecret = opts.signingSecret ?? SANDBOX_DEFAULTS.signingSecret;
  const store = new SlackStore({
    teamId: SANDBOX_DEFAULTS.teamId,
    teamDomain: SANDBOX_DEFAULTS.teamDomain,
    botUserId: SANDBOX_DEFAULTS.botUserId,
    botId: SANDBOX_DEFAULTS.botId,
    appId: SANDBOX_DEFAULTS.appId,
    channels: (opts.channels ?? SANDBOX_DEFAULTS.channels).map(parseChannelSpec),
    users: opts.users ?? SANDBOX_DEFAULTS.users,
    usergroups: opts.usergroups ?? SANDBOX_DEFAULTS.usergroups,
    emoji: opts.emoji ?? DEFAULT_EMOJI,
  });
  let requestLog: RequestLogEntry[] = [];
  let seq = 0;
  let faults: Fault[] = [];
  let faultSeq = 0;
  let baseUrl = '';
  const timers = new Set<NodeJS.Timeout>();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  function takeFault(method: string, args?: unknown): Fault | undefined {
    const text = args === undefined ? '' : JSON.stringify(args);
    const fault = faults.find((f) => new RegExp(f.match.method).test(method) && (f.match.bodyIncludes === undefined || text.includes(f.match.bodyIncludes)));
    if (!fault) return undefined;
    fault.hits += 1;
    if (fault.times !== -1 && fault.hits >= (fault.times ?? 1)) faults = faults.filter((f) => f !== fault);
    return fault;
  }

  /** Returns true when the fault produced the response. */
  async function applyFault(fault: Fault, res: ServerResponse, entry: { status?: number; response?: unknown; faultId?: number }): Promise<boolean> {
    entry.faultId = fault.id;
    const r = fault.response;
    if (r.delayMs) await sleep(r.delayMs);
    const onlyDelay = r.status === undefined && r.body === undefined && r.okFalseError === undefined && r.headers === undefined;
    if (onlyDelay) return false;
    const status = r.status ?? 200;
    const body = r.body ?? { ok: false, error: r.okFalseError ?? (status === 429 ? 'ratelimited' : 'fatal_error') };
    entry.status = status;
    entry.response = body;
    sendJson(res, status, body, r.headers);
    return true;
  }

  function snapshot(): SandboxSnapshot {
    const messages: SandboxSnapshot['messages'] = {};
    for (const id of store.messages.keys()) messages[id] = store.channelMessages(id);
    return {
      channels: [...store.channels.values()],
      users: [...store.users.values()],
      usergroups: Object.fromEntries(store.usergroups),
      emoji: [...store.emoji],
      messages,
      ephemeral: structuredClone(store.ephemeral),
      responseUrls: [...store.responseUrls.values()],
      responseUrlPosts: structuredClone(store.responseUrlPosts),
      faults: structuredClone(faults),
      requestCount: requestLog.length,
    };
  }

  function newResponseUrl(info: { kind: 'block_actions' | 'slash_command'; channel: string; userId: string; messageTs?: string }): string {
    const id = randomBytes(12).toString('hex');
    store.responseUrls.set(id, { id, uses: 0, ...info });
    return `${baseUrl}/__response_url/${id}`;
  }

  // ---- /api/<method> -------------------------------------------------------------------------

  /** Reads a request's body and records it in the request log (the canary tests scan these). */
  async function logRequest(req: IncomingMessage, method: string, path: string) {
    const rawBody = await readBody(req);
    const contentType = (req.headers['content-type'] ?? '').toLowerCase();
    const entry: RequestLogEntry = {
      seq: ++seq,
      at: Date.now(),
      method,
      httpMethod: req.method ?? 'POST',
      path,
      contentType,
      rawBody,
      rawBodyDecoded: decodeFormText(rawBody, contentType),
      body: {},
      auth: 'none',
    };
    requestLog.push(entry);
    return { rawBody, contentType, entry };
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, method: string): Promise<void> {
    const { rawBody, contentType, entry } = await logRequest(req, method, url.pathname);
    const respond = (status: number, body: Record<string, unknown>, headers?: Record<string, string>) => {
      entry.status = status;
      entry.response = body;
      sendJson(res, status, body, headers);
    };

    let bodyArgs: Args = {};
    let jsonBody = false;
    if (rawBody !== '') {
      if (contentType.startsWith('application/json')) {
        jsonBody = true;
        let parsed: unknown;
        try {
          parsed = JSON.parse(rawBody);
        } catch {
          return respond(200, { ok: false, error: 'invalid_json' });
        }
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return respond(200, { ok: false, error: 'json_not_object' });
        bodyArgs = parsed as Args;
      } else if (contentType.startsWith('application/x-www-form-urlencoded') || contentType === '') {
        bodyArgs = formToObject(rawBody);
      } else {
        return respond(200, { ok: false, error: 'invalid_form_data' });
      }
    }
    const query = formToObject(url.search.slice(1));
    const args = decodeJsonFields({ ...query, ...bodyArgs });
    // Token: Bearer header; a `token` form field is also accepted (not in JSON, not in the query).
    const header = req.headers.authorization;
    const bodyToken = !jsonBody && typeof bodyArgs.token === 'string' ? bodyArgs.token : undefined;
    delete args.token;
    entry.body = args;
    let token: string | undefined;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      token = m?.[1] ?? '';
      entry.auth = 'bearer';
    } else if (bodyToken !== undefined) {
      token = bodyToken;
      entry.auth = 'body_token';
    }

    const fault = takeFault(method, args);
    if (fault && (await applyFault(fault, res, entry))) return;

    if (token === undefined || token === '') return respond(200, { ok: false, error: 'not_authed' });
    if (token !== botToken) return respond(200, { ok: false, error: 'invalid_auth' });

    const result = store.call(method, args);
    if (jsonBody && !/charset=/i.test(contentType)) {
      // Slack asks JSON callers to declare a charset.
      result.warning = 'missing_charset';
      result.response_metadata = { ...((result.response_metadata as object | undefined) ?? {}), warnings: ['missing_charset'] };
    }
    respond(200, result);
  }

  // ---- /__response_url/<id> ------------------------------------------------------------------

  async function handleResponseUrl(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const { rawBody, contentType, entry } = await logRequest(req, 'response_url', `/__response_url/${id}`);
    const post: ResponseUrlPost = { id, at: entry.at, contentType, rawBody, body: {}, status: 200, effect: 'rejected' };
    const finish = (status: number, body: unknown) => {
      post.status = status;
      entry.status = status;
      entry.response = body;
      store.responseUrlPosts.push(post);
      sendJson(res, status, body);
    };
    let parsed: unknown;
    try {
      parsed = contentType.startsWith('application/x-www-form-urlencoded') ? JSON.parse(formToObject(rawBody).payload ?? '') : JSON.parse(rawBody);
    } catch {
      return finish(400, { ok: false, error: 'invalid_payload' });
    }
    const body = responseUrlBodySchema.safeParse(parsed);
    if (!body.success) return finish(400, { ok: false, error: 'invalid_payload' });
    post.body = body.data;
    entry.body = body.data;
    const fault = takeFault('response_url');
    if (fault && (await applyFault(fault, res, entry))) {
      store.responseUrlPosts.push(post);
      return;
    }
    const info = store.responseUrls.get(id);
    if (!info) return finish(404, { ok: false, error: 'expired_url' });
    info.uses += 1;
    const b = body.data;
    let blocks: Block[] | undefined;
    if (b.blocks !== undefined) {
      const checked = checkBlocks(b.blocks);
      if (!checked.ok) return finish(400, { ok: false, error: checked.error, response_metadata: { messages: checked.messages } });
      blocks = checked.blocks;
    }
    const text = b.text ?? '';
    const source = info.messageTs ? store.findMessage(info.channel, info.messageTs) : undefined;
    if (truthy(b.delete_original)) {
      if (!source) return finish(404, { ok: false, error: 'message_not_found' });
      store.deleteMessage(source);
      post.effect = 'deleted';
      return finish(200, { ok: true });
    }
    if (text === '' && !blocks) return finish(400, { ok: false, error: 'no_text' });
    if (truthy(b.replace_original)) {
      if (!source) return finish(404, { ok: false, error: 'message_not_found' });
      store.replaceMessage(source, { text, blocks: blocks ?? [] }, 'response_url');
      post.effect = 'replaced';
      return finish(200, { ok: true });
    }
    if (b.response_type === 'in_channel') {
      const stored = store.insertMessage(info.channel, { text, blocks, threadTs: b.thread_ts });
      if ('error' in stored) return finish(404, { ok: false, error: stored.error });
      post.effect = 'in_channel';
      return finish(200, { ok: true });
    }
    store.ephemeral.push({
      channel: info.channel,
      user: info.userId,
      message_ts: store.nextTs(),
      text,
      ...(blocks ? { blocks } : {}),
      ...(b.thread_ts ? { thread_ts: b.thread_ts } : {}),
      via: 'response_url',
    });
    post.effect = 'ephemeral';
    finish(200, { ok: true });
  }

  // ---- /__control/* --------------------------------------------------------------------------

  async function readJson(req: IncomingMessage): Promise<unknown> {
    const text = await readBody(req);
    if (text === '') return {};
    try {
      return JSON.parse(text);
    } catch {
      throw new HttpError(400, 'invalid_json');
    }
  }

  function parseOr400<T>(schema: z.ZodType<T>, value: unknown): T {
    const r = schema.safeParse(value);
    if (!r.success) throw new HttpError(400, r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    return r.data;
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, url: URL, route: string): Promise<void> {
    const q = url.searchParams;
    const verb = req.method ?? 'GET';
    const key = `${verb} ${route}`;
    switch (key) {
      case 'GET health':
        return sendJson(res, 200, { ok: true });
      case 'GET snapshot':
        return sendJson(res, 200, snapshot());
      case 'GET messages': {
        const channel = q.get('channel');
        if (!channel) throw new HttpError(400, 'channel is required');
        return sendJson(res, 200, store.channelMessages(store.resolveChannel(channel)?.id ?? channel));
      }
      case 'GET message': {
        const channel = q.get('channel') ?? '';
        const m = store.messageWithReplies(store.resolveChannel(channel)?.id ?? channel, q.get('ts') ?? '');
        if (!m) throw new HttpError(404, 'message_not_found');
        return sendJson(res, 200, m);
      }
      case 'GET reactions': {
        const channel = q.get('channel') ?? '';
        const m = store.findMessage(store.resolveChannel(channel)?.id ?? channel, q.get('ts') ?? '');
        if (!m) throw new HttpError(404, 'message_not_found');
        return sendJson(res, 200, m.reactions ?? []);
      }
      case 'GET ephemeral': {
        const channel = q.get('channel');
        return sendJson(res, 200, store.ephemeral.filter((e) => !channel || e.channel === channel));
      }
      case 'GET requests': {
        const method = q.get('method');
        const since = Number(q.get('since') ?? 0);
        const re = method ? new RegExp(method) : undefined;
        return sendJson(res, 200, requestLog.filter((e) => e.seq > since && (!re || re.test(e.method))));
      }
      case 'GET response-url-posts':
        return sendJson(res, 200, store.responseUrlPosts);
      case 'POST reset':
        store.reset();
        requestLog = [];
        faults = [];
        return sendJson(res, 200, { ok: true });
      case 'GET faults':
        return sendJson(res, 200, faults);
      case 'DELETE faults':
        faults = [];
        return sendJson(res, 200, { ok: true });
      case 'POST faults': {
        const spec = parseOr400(faultSpecSchema, await readJson(req));
        try {
          new RegExp(spec.match.method);
        } catch {
          throw new HttpError(400, 'match.method is not a valid regular expression');
        }
        const fault: Fault = { id: ++faultSeq, hits: 0, ...spec, times: spec.times ?? 1 };
        faults.push(fault);
        return sendJson(res, 200, fault);
      }
      case 'POST click': {
        const o = parseOr400(clickSchema, await readJson(req));
        const channel = store.resolveChannel(o.channel);
        const msg = channel ? store.findMessage(channel.id, o.ts) : undefined;
        if (!msg) throw new HttpError(404, 'message_not_found');
        const responseUrl = newResponseUrl({ kind: 'block_actions', channel: msg.channel, userId: o.userId, messageTs: msg.ts });
        const payload = buildBlockActionsPayload(store, msg, o, responseUrl);
        const rawBody = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
        const result = await deliverSigned(o.url, rawBody, { secret: o.signingSecret ?? signingSecret, ...o }, { responseUrl, payload });
        return sendJson(res, 200, result);
      }
      case 'POST slash-command': {
        const o = parseOr400(slashSchema, await readJson(req));
        const responseUrl = newResponseUrl({ kind: 'slash_command', channel: o.channelId, userId: o.userId });
        const form = buildSlashCommandForm(store, o, responseUrl);
        const rawBody = new URLSearchParams(form).toString();
        const result = await deliverSigned(o.url, rawBody, { secret: o.signingSecret ?? signingSecret, ...o }, { responseUrl, payload: form });
        return sendJson(res, 200, result);
      }
      case 'POST user-message': {
        const o = parseOr400(userMessageSchema, await readJson(req));
        const channel = store.resolveChannel(o.channel);
        if (!channel) throw new HttpError(404, 'channel_not_found');
        const stored = store.insertMessage(channel.id, { text: o.text, user: o.user, threadTs: o.thread_ts });
        if ('error' in stored) throw new HttpError(404, stored.error);
        return sendJson(res, 200, stored);
      }
      case 'POST emoji': {
        const o = parseOr400(z.object({ names: z.array(z.string().min(1)), replace: z.boolean().optional() }), await readJson(req));
        if (o.replace) store.emoji = new Set();
        for (const n of o.names) store.emoji.add(n);
        return sendJson(res, 200, [...store.emoji]);
      }
      case 'POST users': {
        const u = parseOr400(z.object({ id: z.string().min(1), name: z.string().min(1), real_name: z.string().optional() }), await readJson(req));
        store.users.set(u.id, u);
        return sendJson(res, 200, u);
      }
      case 'POST channels': {
        const c = parseOr400(z.object({ id: z.string().min(1), name: z.string().optional() }), await readJson(req));
        const ch = { id: c.id, name: c.name ?? c.id.toLowerCase() };
        store.channels.set(ch.id, ch);
        return sendJson(res, 200, ch);
      }
    }
    const group = /^usergroups\/([^/]+)$/.exec(route);
    if (group && verb === 'PUT') {
      const o = parseOr400(z.object({ users: z.array(z.string()) }), await readJson(req));
      store.usergroups.set(decodeURIComponent(group[1] ?? ''), o.users);
      return sendJson(res, 200, { ok: true });
    }
    throw new HttpError(404, `unknown control route ${key}`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const path = url.pathname;
    try {
      const api = /^\/api\/([A-Za-z0-9_.]+)$/.exec(path);
      if (api?.[1] && (req.method === 'POST' || req.method === 'GET')) return await handleApi(req, res, url, api[1]);
      const hook = /^\/__response_url\/([a-f0-9]+)$/.exec(path);
      if (hook?.[1] && req.method === 'POST') return await handleResponseUrl(req, res, hook[1]);
      if (path.startsWith('/__control/')) return await handleControl(req, res, url, path.slice('/__control/'.length));
      sendJson(res, 404, { ok: false, error: 'not_found' });
    } catch (err) {
      if (err instanceof HttpError || err instanceof InteractivityError) {
        const status = err instanceof HttpError ? err.status : err.httpStatus;
        return sendJson(res, status, { ok: false, error: err.message });
      }
      sendJson(res, 500, { ok: false, error: err instanceof Error ? err.message : 'internal_error' });
    }
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  baseUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${addr.port}`;

  return {
    url: baseUrl,
    apiUrl: `${baseUrl}/api/`,
    botToken,
    signingSecret,
    control: new SlackControl(baseUrl),
    store,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
