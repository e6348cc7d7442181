// The Zendesk admin calls `redactor setup zendesk` makes, through node-zendesk with the gateway's transport
// (timeouts, errors without bodies): webhooks (and their signing secret), triggers, macros, ticket fields.
import { createClient } from 'node-zendesk';
import { z } from 'zod';
import { makeTransport, type RawResponse } from '../activities/zendesk-api';

export const WebhookSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string().nullish(),
  endpoint: z.string(),
  http_method: z.string(),
  request_format: z.string(),
  status: z.string(),
  subscriptions: z.array(z.string()).nullish(),
});
export type Webhook = z.infer<typeof WebhookSchema>;

const ConditionSchema = z.looseObject({ field: z.string(), operator: z.string(), value: z.unknown() });
const ActionSchema = z.looseObject({ field: z.string(), value: z.unknown() });
export const RuleSchema = z.looseObject({
  id: z.number(),
  title: z.string(),
  description: z.string().nullish(),
  active: z.boolean(),
  actions: z.array(ActionSchema),
  conditions: z.looseObject({ all: z.array(ConditionSchema).nullish(), any: z.array(ConditionSchema).nullish() }).optional(),
});
export type Rule = z.infer<typeof RuleSchema>;

export const TicketFieldSchema = z.looseObject({
  id: z.number(),
  type: z.string(),
  title: z.string(),
  description: z.string().nullish(),
  active: z.boolean().optional(),
  visible_in_portal: z.boolean().optional(),
  editable_in_portal: z.boolean().optional(),
});
export type TicketField = z.infer<typeof TicketFieldSchema>;

export type RuleKind = 'trigger' | 'macro';

export function createZendeskAdmin(opts: { url: string; email: string; token: string; timeoutMs?: number }) {
  const endpointUri = `${opts.url.replace(/\/+$/, '').replace(/\/api\/v2$/, '')}/api/v2`;
  const client = createClient({ username: opts.email, token: opts.token, endpointUri, throwOriginalException: true, transportConfig: makeTransport(opts.timeoutMs ?? 15_000) });
  const generic = client.tickets as unknown as { request(method: string, path: string, body?: unknown): Promise<{ response: RawResponse }> };

  async function call<S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown): Promise<z.infer<S>> {
    const { response } = await generic.request(method, `${endpointUri}/${path}`, body);
    const parsed = schema.safeParse(response.data ?? {});
    if (!parsed.success) throw new Error(`Zendesk answered ${method} /api/v2/${path.split('?')[0]} with an unexpected shape`);
    return parsed.data;
  }

  /** Follows `next_page` (offset) or `links.next` (cursor) to the end. */
  async function all<S extends z.ZodType>(first: string, key: string, item: S): Promise<z.infer<S>[]> {
    const page = z.looseObject({ [key]: z.array(item), next_page: z.string().nullish(), links: z.looseObject({ next: z.string().nullish() }).optional(), meta: z.looseObject({ has_more: z.boolean().optional() }).optional() });
    const out: z.infer<S>[] = [];
    let path: string | undefined = first;
    for (let guard = 0; path && guard < 1_000; guard++) {
      const p: Record<string, unknown> = await call('GET', path, page);
      out.push(...(p[key] as z.infer<S>[]));
      const next = (p.links as { next?: string | null } | undefined)?.next ?? (p.next_page as string | null | undefined);
      const more = (p.meta as { has_more?: boolean } | undefined)?.has_more ?? true;
      path = next && more ? next.slice(next.indexOf('/api/v2/') + '/api/v2/'.length) : undefined;
    }
    return out;
  }

  const one = <K extends string, S extends z.ZodType>(key: K, schema: S) => z.object({ [key]: schema } as Record<K, S>);

  return {
    listWebhooks: () => all('webhooks?page[size]=100', 'webhooks', WebhookSchema),
    async createWebhook(webhook: Record<string, unknown>): Promise<Webhook> {
      return (await call('POST', 'webhooks', one('webhook', WebhookSchema), { webhook })).webhook;
    },
    /** Answers 204; the signing secret is not touched. */
    async updateWebhook(id: string, webhook: Record<string, unknown>): Promise<void> {
      await call('PUT', `webhooks/${encodeURIComponent(id)}`, z.unknown(), { webhook });
    },
    async signingSecret(id: string): Promise<string> {
      const r = await call('GET', `webhooks/${encodeURIComponent(id)}/signing_secret`, z.object({ signing_secret: z.object({ secret: z.string() }) }));
      return r.signing_secret.secret;
    },
    listRules: (kind: RuleKind) => all(`${kind}s?per_page=100`, `${kind}s`, RuleSchema),
    async createRule(kind: RuleKind, rule: Record<string, unknown>): Promise<Rule> {
      return (await call('POST', `${kind}s`, one(kind, RuleSchema), { [kind]: rule }))[kind];
    },
    async updateRule(kind: RuleKind, id: number, rule: Record<string, unknown>): Promise<Rule> {
      return (await call('PUT', `${kind}s/${id}`, one(kind, RuleSchema), { [kind]: rule }))[kind];
    },
    listTicketFields: () => all('ticket_fields?per_page=100', 'ticket_fields', TicketFieldSchema),
    async createTicketField(field: Record<string, unknown>): Promise<TicketField> {
      return (await call('POST', 'ticket_fields', one('ticket_field', TicketFieldSchema), { ticket_field: field })).ticket_field;
    },
    async updateTicketField(id: number, field: Record<string, unknown>): Promise<TicketField> {
      return (await call('PUT', `ticket_fields/${id}`, one('ticket_field', TicketFieldSchema), { ticket_field: field })).ticket_field;
    },
  };
}
export type ZendeskAdmin = ReturnType<typeof createZendeskAdmin>;
