// Business rules and webhooks of the emulated account: /api/v2/webhooks (with signing_secret), /triggers and
// /macros, shaped as Zendesk's OpenAPI document describes them (Webhook, TriggerObject, MacroObject). Enough
// for `redactor setup zendesk` to create, list and update them; no rule is evaluated.
import { randomBytes } from 'node:crypto';
import { ApiError, notFound, recordInvalid } from './errors';

type Json = Record<string, unknown>;

export interface IWebhook {
  id: string;
  name: string;
  description: string;
  endpoint: string;
  http_method: string;
  request_format: string;
  status: string;
  subscriptions: string[];
  authentication?: unknown;
  custom_headers?: Record<string, string>;
  secret: string;
  created_at: string;
  updated_at: string;
}

export interface IRule {
  id: number;
  title: string;
  description: string | null;
  active: boolean;
  position: number;
  conditions?: { all: unknown[]; any: unknown[] };
  actions: { field: string; value: unknown }[];
  restriction?: unknown;
  created_at: string;
  updated_at: string;
}

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Webhook API errors use the newer `errors` list (OpenAPI ErrorResponse), not RecordInvalid. */
const webhookError = (status: number, code: string, detail: string): ApiError => new ApiError(status, { errors: [{ code, title: code, detail }] });

export class AdminStore {
  webhooks = new Map<string, IWebhook>();
  triggers = new Map<number, IRule>();
  macros = new Map<number, IRule>();
  private nextRuleId = 360_000_000_001;

  reset(): void {
    this.webhooks = new Map();
    this.triggers = new Map();
    this.macros = new Map();
    this.nextRuleId = 360_000_000_001;
  }

  // ---------- webhooks ----------

  renderWebhook(w: IWebhook): Json {
    const { secret: _secret, ...shown } = w;
    return { ...shown, created_by: '900001', updated_by: '900001' };
  }

  private webhookFields(input: unknown, creating: boolean, current?: IWebhook): Omit<IWebhook, 'id' | 'secret' | 'created_at' | 'updated_at'> {
    const w = isObj(input) && isObj(input.webhook) ? input.webhook : undefined;
    if (!w) throw webhookError(400, 'InvalidInput', 'webhook is required');
    if (!creating && ('signing_secret' in w || 'external_source' in w)) throw webhookError(400, 'InvalidInput', 'signing_secret and external_source cannot be updated');
    const str = (k: string): string | undefined => (typeof w[k] === 'string' ? (w[k] as string) : undefined);
    const out = {
      name: str('name') ?? current?.name ?? '',
      description: str('description') ?? current?.description ?? '',
      endpoint: str('endpoint') ?? current?.endpoint ?? '',
      http_method: str('http_method') ?? current?.http_method ?? '',
      request_format: str('request_format') ?? current?.request_format ?? '',
      status: str('status') ?? current?.status ?? '',
      subscriptions: Array.isArray(w.subscriptions) ? (w.subscriptions as unknown[]).map(String) : (current?.subscriptions ?? []),
      ...(w.authentication !== undefined ? { authentication: w.authentication } : current?.authentication !== undefined ? { authentication: current.authentication } : {}),
      ...(isObj(w.custom_headers) ? { custom_headers: w.custom_headers as Record<string, string> } : {}),
    };
    for (const k of ['name', 'endpoint', 'http_method', 'request_format', 'status'] as const) {
      if (!out[k]) throw webhookError(400, 'InvalidInput', `${k} is required`);
    }
    if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(out.http_method)) throw webhookError(400, 'InvalidInput', 'http_method is invalid');
    if (!['json', 'xml', 'form_encoded'].includes(out.request_format)) throw webhookError(400, 'InvalidInput', 'request_format is invalid');
    if (!['active', 'inactive'].includes(out.status)) throw webhookError(400, 'InvalidInput', 'status is invalid');
    if (!/^https?:\/\//.test(out.endpoint)) throw webhookError(400, 'InvalidInput', 'endpoint must be an http(s) URL');
    // One webhook serves triggers or events, not both; its method cannot change later.
    if (current && current.http_method !== out.http_method) throw webhookError(400, 'InvalidInput', 'http_method cannot be changed');
    return out;
  }

  createWebhook(input: unknown): IWebhook {
    const fields = this.webhookFields(input, true);
    const id = `01${randomBytes(12).toString('hex').toUpperCase()}`;
    const at = now();
    const w: IWebhook = { id, ...fields, secret: randomBytes(32).toString('base64'), created_at: at, updated_at: at };
    this.webhooks.set(id, w);
    return w;
  }

  getWebhook(id: string): IWebhook {
    const w = this.webhooks.get(id);
    if (!w) throw webhookError(404, 'RecordNotFound', 'Webhook not found');
    return w;
  }

  updateWebhook(id: string, input: unknown, patch: boolean): void {
    const current = this.getWebhook(id);
    const fields = this.webhookFields(input, false, patch ? current : undefined);
    this.webhooks.set(id, { ...current, ...fields, updated_at: now() });
  }

  deleteWebhook(id: string): void {
    this.getWebhook(id);
    this.webhooks.delete(id);
  }

  listWebhooks(query: Record<string, string>, base: string): Json {
    let list = [...this.webhooks.values()];
    if (query['filter[name_contains]']) list = list.filter((w) => w.name.includes(query['filter[name_contains]']!));
    if (query['filter[status]']) list = list.filter((w) => w.status === query['filter[status]']);
    const size = Math.min(100, Math.max(1, Number(query['page[size]'] ?? 20) || 20));
    const after = query['page[after]'];
    const start = after ? list.findIndex((w) => w.id === after) + 1 : 0;
    const page = list.slice(start, start + size);
    const hasMore = start + size < list.length;
    const last = page[page.length - 1];
    return {
      webhooks: page.map((w) => this.renderWebhook(w)),
      meta: { has_more: hasMore, after_cursor: last?.id ?? null, before_cursor: page[0]?.id ?? null },
      links: { next: hasMore && last ? `${base}/api/v2/webhooks?page[size]=${size}&page[after]=${last.id}` : null, prev: null },
    };
  }

  signingSecret(id: string, reset: boolean): Json {
    const w = this.getWebhook(id);
    if (reset) w.secret = randomBytes(32).toString('base64');
    return { signing_secret: { algorithm: 'sha256', secret: w.secret } };
  }

  // ---------- triggers and macros ----------

  private rules(kind: 'trigger' | 'macro'): Map<number, IRule> {
    return kind === 'trigger' ? this.triggers : this.macros;
  }

  renderRule(kind: 'trigger' | 'macro', r: IRule, base: string): Json {
    const url = `${base}/api/v2/${kind}s/${r.id}.json`;
    return kind === 'trigger'
      ? { url, id: r.id, title: r.title, raw_title: r.title, description: r.description, active: r.active, position: r.position, conditions: r.conditions, actions: r.actions, default: false, category_id: '10026', created_at: r.created_at, updated_at: r.updated_at }
      : { url, id: r.id, title: r.title, description: r.description, active: r.active, position: r.position, actions: r.actions, restriction: r.restriction ?? null, default: false, created_at: r.created_at, updated_at: r.updated_at };
  }

  private ruleFields(kind: 'trigger' | 'macro', input: unknown, current?: IRule): Omit<IRule, 'id' | 'created_at' | 'updated_at'> {
    const r = isObj(input) && isObj(input[kind]) ? (input[kind] as Json) : undefined;
    if (!r) throw new ApiError(400, { error: 'InvalidParameter', description: `${kind} parameter is required` });
    const title = typeof r.title === 'string' ? r.title : current?.title;
    if (!title) throw recordInvalid('title', 'Title: cannot be blank', 'BlankValue');
    const actions = r.actions !== undefined ? r.actions : current?.actions;
    if (!Array.isArray(actions) || actions.length === 0 || !actions.every((a) => isObj(a) && typeof a.field === 'string' && 'value' in a)) {
      throw recordInvalid('actions', 'Actions: must have at least one action with field and value', 'InvalidValue');
    }
    let conditions = current?.conditions;
    if (kind === 'trigger') {
      const c = r.conditions !== undefined ? r.conditions : current?.conditions;
      if (!isObj(c) || (!Array.isArray(c.all) && !Array.isArray(c.any))) throw recordInvalid('conditions', 'Conditions: must have all or any', 'InvalidValue');
      const list = (v: unknown) => (Array.isArray(v) ? v : []);
      const all = list(c.all);
      const any = list(c.any);
      if (![...all, ...any].every((x) => isObj(x) && typeof x.field === 'string' && typeof x.operator === 'string')) {
        throw recordInvalid('conditions', 'Conditions: each needs field, operator and value', 'InvalidValue');
      }
      if (all.length + any.length === 0) throw recordInvalid('conditions', 'Conditions: a trigger needs at least one condition', 'InvalidValue');
      conditions = { all, any };
    }
    return {
      title,
      description: typeof r.description === 'string' ? r.description : (current?.description ?? null),
      active: typeof r.active === 'boolean' ? r.active : (current?.active ?? true),
      position: typeof r.position === 'number' ? r.position : (current?.position ?? this.rules(kind).size + 1),
      actions: actions as IRule['actions'],
      ...(conditions ? { conditions } : {}),
      ...(r.restriction !== undefined ? { restriction: r.restriction } : current?.restriction !== undefined ? { restriction: current.restriction } : {}),
    };
  }

  createRule(kind: 'trigger' | 'macro', input: unknown): IRule {
    const fields = this.ruleFields(kind, input);
    const at = now();
    const rule: IRule = { id: this.nextRuleId++, ...fields, created_at: at, updated_at: at };
    this.rules(kind).set(rule.id, rule);
    return rule;
  }

  getRule(kind: 'trigger' | 'macro', id: number): IRule {
    const r = this.rules(kind).get(id);
    if (!r) throw notFound();
    return r;
  }

  updateRule(kind: 'trigger' | 'macro', id: number, input: unknown): IRule {
    const current = this.getRule(kind, id);
    const updated = { ...current, ...this.ruleFields(kind, input, current), updated_at: now() };
    this.rules(kind).set(id, updated);
    return updated;
  }

  deleteRule(kind: 'trigger' | 'macro', id: number): void {
    this.getRule(kind, id);
    this.rules(kind).delete(id);
  }

  listRules(kind: 'trigger' | 'macro', query: Record<string, string>): IRule[] {
    let list = [...this.rules(kind).values()].sort((a, b) => a.position - b.position || a.id - b.id);
    if (query.active !== undefined) list = list.filter((r) => String(r.active) === query.active);
    return list;
  }
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };
type Ctx = { method: string; path: string; query: Record<string, string>; body: unknown; base: string };
export type AdminRoute = (method: string, pattern: string, handler: (ctx: Ctx, params: string[]) => Reply) => void;
export type ListPage = (ctx: Ctx, items: IRule[], key: string, render: (r: IRule) => unknown, cursorOf: (r: IRule) => number) => Reply;

/** Registers the endpoints on the emulator's router (server.ts). */
export function registerAdminRoutes(route: AdminRoute, admin: () => AdminStore, listPage: ListPage, numericId: (v: string | undefined) => number): void {
  route('GET', 'webhooks', (ctx) => ({ status: 200, body: admin().listWebhooks(ctx.query, ctx.base) }));
  route('POST', 'webhooks', (ctx) => {
    const w = admin().createWebhook(ctx.body);
    return { status: 201, body: { webhook: admin().renderWebhook(w) }, headers: { Location: `${ctx.base}/api/v2/webhooks/${w.id}` } };
  });
  route('GET', 'webhooks/:id', (_ctx, [id]) => ({ status: 200, body: { webhook: admin().renderWebhook(admin().getWebhook(id ?? '')) } }));
  route('PUT', 'webhooks/:id', (ctx, [id]) => {
    admin().updateWebhook(id ?? '', ctx.body, false);
    return { status: 204 };
  });
  route('PATCH', 'webhooks/:id', (ctx, [id]) => {
    admin().updateWebhook(id ?? '', ctx.body, true);
    return { status: 204 };
  });
  route('DELETE', 'webhooks/:id', (_ctx, [id]) => {
    admin().deleteWebhook(id ?? '');
    return { status: 204 };
  });
  route('GET', 'webhooks/:id/signing_secret', (_ctx, [id]) => ({ status: 200, body: admin().signingSecret(id ?? '', false) }));
  route('POST', 'webhooks/:id/signing_secret', (_ctx, [id]) => ({ status: 201, body: admin().signingSecret(id ?? '', true) }));

  for (const kind of ['trigger', 'macro'] as const) {
    const plural = `${kind}s`;
    const render = (ctx: Ctx) => (r: IRule) => admin().renderRule(kind, r, ctx.base);
    route('GET', plural, (ctx) => listPage(ctx, admin().listRules(kind, ctx.query), plural, render(ctx), (r) => r.id));
    // Zendesk documents 201 for a new trigger and 200 for a new macro.
    route('POST', plural, (ctx) => ({ status: kind === 'trigger' ? 201 : 200, body: { [kind]: render(ctx)(admin().createRule(kind, ctx.body)) } }));
    route('GET', `${plural}/:id`, (ctx, [id]) => ({ status: 200, body: { [kind]: render(ctx)(admin().getRule(kind, numericId(id))) } }));
    route('PUT', `${plural}/:id`, (ctx, [id]) => ({ status: 200, body: { [kind]: render(ctx)(admin().updateRule(kind, numericId(id), ctx.body)) } }));
    route('DELETE', `${plural}/:id`, (_ctx, [id]) => {
      admin().deleteRule(kind, numericId(id));
      return { status: 204 };
    });
  }
}
