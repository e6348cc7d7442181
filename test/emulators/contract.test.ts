// The emulators against the official API descriptions: one request per operation the product
// uses (test/contract/operations.ts), each answer validated with ajv against Zendesk's OpenAPI
// document and Slack's Web API document (the parts kept in test/contract/specs/). Where a document
// is known to be wrong or incomplete, the exception is listed below with its reason; an exception
// that no answer needs any more fails the last test, so the list cannot go stale.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { startSlackSandbox, type SlackSandbox } from '../../sandbox/slack';
import { startZendeskSandbox, type ZendeskSandbox } from '../../sandbox/zendesk';
import { SLACK_METHODS, ZENDESK_OPERATIONS } from '../contract/operations';
import { basicAuth } from './zendesk/helpers';

const SPECS = path.join(__dirname, '..', 'contract', 'specs');
const zendeskDoc = parse(readFileSync(path.join(SPECS, 'zendesk-support-api.yaml'), 'utf8')) as Record<string, unknown>;
const slackDoc = JSON.parse(readFileSync(path.join(SPECS, 'slack-web-api.json'), 'utf8')) as Record<string, unknown>;

// strict:false — the documents carry OpenAPI keywords (readOnly, example, x-…) that are not JSON Schema.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
// Zendesk's user schemas say `format: datetime` (no hyphen) for what are ISO date-times.
ajv.addFormat('datetime', { type: 'string', validate: (s: string) => !Number.isNaN(Date.parse(s)) });
ajv.addSchema(zendeskDoc, 'zendesk');
ajv.addSchema(slackDoc, 'slack');

const pointer = (...parts: string[]): string => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** An answer the document gets wrong: matching ajv errors are accepted, for the reason given. */
interface Exception {
  op: string;
  /** ajv instancePath, e.g. /ticket/assignee_id */
  path: RegExp;
  keyword: string;
  reason: string;
}
/** An answer the document does not describe (or describes as something else): checked against this schema instead. */
interface Replacement {
  op: string;
  reason: string;
  schema: Record<string, unknown>;
}

const NULLABLE = 'Zendesk omits `nullable` here, but documents (and sends) null for it on its reference pages';
const EXCEPTIONS: Exception[] = [
  // ---- Zendesk ----
  ...['/api/v2/tickets/{ticket_id} GET', '/api/v2/tickets/{ticket_id} PUT', '/api/v2/tickets POST', '/api/v2/tickets GET', '/api/v2/incremental/tickets/cursor GET'].flatMap((op) => [
    { op, path: /\/(assignee_id|organization_id|group_id|brand_id|ticket_form_id|due_at|priority|type|recipient|external_id|satisfaction_rating)$/, keyword: 'type', reason: NULLABLE },
    // priority and type are enums without null: a ticket nobody prioritised or typed has null in both.
    { op, path: /\/(priority|type)$/, keyword: 'enum', reason: `${NULLABLE} (unset priority/type)` },
  ]),
  ...[
    '/api/v2/tickets/{ticket_id}/comments/{comment_id}/attachments/{attachment_id}/redact PUT',
    '/api/v2/tickets/{ticket_id}/comments GET',
    '/api/v2/comment_redactions/{ticket_comment_id} PUT',
    '/api/v2/tickets/{ticket_id}/comments/{ticket_comment_id}/redact PUT',
  ].map((op) => ({
    op,
    path: /\/attachments?(\/\d+)?\/(width|height)$/,
    keyword: 'type',
    reason: 'AttachmentBaseObject types width/height as string, yet its own description says "If width is unknown, returns null" (no `nullable`)',
  })),
  {
    op: '/api/v2/ticket_fields GET',
    path: /^\/ticket_fields\/\d+\/agent_description$/,
    keyword: 'type',
    reason: NULLABLE,
  },
  ...['/api/v2/ticket_fields POST', '/api/v2/ticket_fields/{ticket_field_id} GET', '/api/v2/ticket_fields/{ticket_field_id} PUT'].map((op) => ({
    op,
    path: /^\/ticket_field\/agent_description$/,
    keyword: 'type',
    reason: NULLABLE,
  })),
  // ---- Slack ----
  ...['chat.postMessage', 'conversations.history', 'conversations.replies'].map((op) => ({
    op,
    path: /\/messages?(\/\d+)?$/,
    keyword: 'additionalProperties',
    reason: "Slack's 2020 document predates message metadata (`metadata`) and lists no `app_id`/`bot_id` on objs_message with additionalProperties:false",
  })),
  {
    op: 'conversations.history',
    path: /^$/,
    keyword: 'additionalProperties',
    reason: 'the success schema sets additionalProperties:false without `response_metadata`, which Slack sends on paginated methods (next_cursor)',
  },
];

const SIDE_CONVERSATION = {
  type: 'object',
  required: ['id', 'ticket_id', 'subject', 'state', 'participants', 'created_at', 'updated_at'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    url: { type: 'string' },
    ticket_id: { type: 'integer' },
    subject: { type: ['string', 'null'] },
    preview_text: { type: ['string', 'null'] },
    state: { enum: ['open', 'closed'] },
    participants: { type: 'array', items: { type: 'object', properties: { user_id: { type: ['integer', 'null'] }, name: { type: ['string', 'null'] }, email: { type: ['string', 'null'] } } } },
    external_ids: { type: 'object' },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
    message_added_at: { type: 'string', format: 'date-time' },
    state_updated_at: { type: 'string', format: 'date-time' },
  },
};
const SIDE_CONVERSATION_EVENT = {
  type: 'object',
  required: ['id', 'side_conversation_id', 'ticket_id', 'type', 'created_at'],
  properties: {
    id: { type: 'string' },
    side_conversation_id: { type: 'string' },
    ticket_id: { type: 'integer' },
    type: { type: 'string' },
    actor: { type: 'object' },
    via: { type: 'string' },
    created_at: { type: 'string', format: 'date-time' },
    message: {
      type: ['object', 'null'],
      required: ['to'],
      properties: { subject: { type: 'string' }, preview_text: { type: 'string' }, body: { type: 'string' }, html_body: { type: 'string' }, from: { type: 'object' }, to: { type: 'array' } },
    },
    updates: { type: 'object' },
    url: { type: 'string' },
  },
};
const offsetList = (key: string, item: unknown) => ({
  type: 'object',
  required: [key],
  properties: { [key]: { type: 'array', items: item }, next_page: { type: ['string', 'null'] }, previous_page: { type: ['string', 'null'] }, count: { type: 'integer' } },
});

const REPLACEMENTS: Replacement[] = [
  {
    op: '/api/v2/incremental/ticket_events GET',
    reason: "the document's ticket_events item schema (TicketMetricEventBaseObject) describes metric events; the reference page's ticket events are audits with child_events, checked here with the document's own TicketAuditObject event shape",
    schema: {
      type: 'object',
      required: ['ticket_events', 'end_time', 'end_of_stream'],
      properties: {
        ticket_events: {
          type: 'array',
          items: { type: 'object', required: ['id', 'ticket_id', 'timestamp', 'child_events'], properties: { id: { type: 'integer' }, ticket_id: { type: 'integer' }, timestamp: { type: 'integer' }, child_events: { $ref: `zendesk#/${pointer('components', 'schemas', 'TicketAuditObject', 'properties', 'events')}` } } },
        },
        next_page: { type: ['string', 'null'] },
        count: { type: 'integer' },
        end_of_stream: { type: 'boolean' },
        end_time: { type: 'integer' },
      },
    },
  },
  {
    op: 'conversations.replies',
    reason: "the document nests the messages' item schema one level too deep (an array of tuples), so it would check nothing; each message is checked against objs_message instead",
    schema: {
      type: 'object',
      required: ['ok', 'messages'],
      properties: { ok: { const: true }, has_more: { type: 'boolean' }, messages: { type: 'array', minItems: 1, items: { $ref: 'slack#/definitions/objs_message' } }, response_metadata: { type: 'object' } },
      additionalProperties: false,
    },
  },
  {
    op: '/api/v2/tickets/{ticket_id}/side_conversations GET',
    reason: "side conversations (Collaboration add-on) are not in Zendesk's Support OpenAPI document; schema from developer.zendesk.com/api-reference/ticketing/side_conversation/side_conversation/",
    schema: offsetList('side_conversations', SIDE_CONVERSATION),
  },
  {
    op: '/api/v2/tickets/{ticket_id}/side_conversations/{side_conversation_id}/events GET',
    reason: 'not in the document; schema from developer.zendesk.com/api-reference/ticketing/side_conversation/side_conversation_event/',
    schema: offsetList('events', SIDE_CONVERSATION_EVENT),
  },
];

const usedExceptions = new Set<Exception>();

function schemaFor(op: string, status: number): { schema: Record<string, unknown>; replaced?: Replacement } {
  const replaced = REPLACEMENTS.find((r) => r.op === op);
  if (replaced) return { schema: replaced.schema, replaced };
  if (SLACK_METHODS.includes(op as (typeof SLACK_METHODS)[number])) {
    const item = (slackDoc.paths as Record<string, Record<string, unknown>>)[`/${op}`]!;
    const verb = Object.keys(item)[0]!;
    return { schema: { $ref: `slack#/${pointer('paths', `/${op}`, verb, 'responses', status === 200 ? '200' : 'default', 'schema')}` } };
  }
  const [p, verb] = op.split(' ') as [string, string];
  return { schema: { $ref: `zendesk#/${pointer('paths', p, verb.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}` } };
}

function validate(op: string, status: number, body: unknown): string[] {
  const { schema } = schemaFor(op, status);
  const check = ajv.compile(schema);
  if (check(body)) return [];
  const left: ErrorObject[] = [];
  for (const e of check.errors ?? []) {
    const ex = EXCEPTIONS.find((x) => x.op === op && x.keyword === e.keyword && x.path.test(e.instancePath));
    if (ex) usedExceptions.add(ex);
    else left.push(e);
  }
  return left.map((e) => `${e.instancePath || '/'} ${e.keyword} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

let zd: ZendeskSandbox;
let slack: SlackSandbox;
beforeAll(async () => {
  zd = await startZendeskSandbox({ config: { exportExclusionSeconds: 0, jobPollsToComplete: 5, jobCompleteAfterMs: 60_000 } });
  // Slack's document: channel ids have 9+ characters (the default sandbox channel C0REDACT has 8).
  slack = await startSlackSandbox({ channels: ['C0REDACTS1:redaction-requests'] });
});
afterAll(async () => {
  await zd?.close();
  await slack?.close();
});

async function zendesk(method: string, p: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${zd.url}${p}`, {
    method,
    headers: { Authorization: basicAuth(zd.email, zd.token), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

async function slackCall(method: string, args: Record<string, unknown>, verb: 'GET' | 'POST'): Promise<unknown> {
  const headers = { Authorization: `Bearer ${slack.botToken}` };
  const res =
    verb === 'GET'
      ? await fetch(`${slack.apiUrl}${method}?${new URLSearchParams(Object.entries(args).map(([k, v]): [string, string] => [k, String(v)])).toString()}`, { headers })
      : await fetch(`${slack.apiUrl}${method}`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify(args) });
  return res.json();
}

describe('Zendesk emulator answers match the Support API document', () => {
  // Requests are made in this order; later ones use what earlier ones created.
  const ids: Record<string, number | string> = {};
  const cases: [op: string, run: () => Promise<{ status: number; json: unknown }>][] = [
    ['/api/v2/tickets POST', async () => {
      const r = await zendesk('POST', '/api/v2/tickets.json', { ticket: { subject: 'Card', comment: { body: 'card 4111 1111 1111 1111' }, external_id: 'x-1', custom_fields: [] } });
      ids.ticket = (r.json as { ticket: { id: number } }).ticket.id;
      return r;
    }],
    ['/api/v2/tickets/{ticket_id} GET', () => zendesk('GET', `/api/v2/tickets/${ids.ticket}.json`)],
    ['/api/v2/tickets/{ticket_id} PUT', () => zendesk('PUT', `/api/v2/tickets/${ids.ticket}.json`, { ticket: { subject: 'Renamed', comment: { body: 'note', public: false } } })],
    ['/api/v2/tickets GET', () => zendesk('GET', '/api/v2/tickets.json?external_id=x-1&page[size]=100')],
    ['/api/v2/tickets/{ticket_id}/comments GET', async () => {
      const t = await zd.control.seedTicket({ comments: [{ body: 'pan', attachments: [{ file_name: 'card.png', content_type: 'image/png' }] }] });
      ids.seeded = t.ticket.id;
      ids.comment = t.comments[0]!.id;
      ids.attachment = t.comments[0]!.attachments[0]!.id;
      ids.html = t.comments[0]!.html_body;
      await zd.control.seedChat(t.ticket.id, { active: false, messages: [{ message: 'hello' }, { file: { filename: 'card.jpg' } }] });
      return zendesk('GET', `/api/v2/tickets/${t.ticket.id}/comments.json?page[size]=100`);
    }],
    ['/api/v2/comment_redactions/{ticket_comment_id} PUT', () =>
      zendesk('PUT', `/api/v2/comment_redactions/${ids.comment}.json`, { ticket_id: ids.seeded, html_body: String(ids.html).replace('pan', '<redact>pan</redact>') })],
    ['/api/v2/tickets/{ticket_id}/comments/{ticket_comment_id}/redact PUT', () =>
      zendesk('PUT', `/api/v2/tickets/${ids.seeded}/comments/${ids.comment}/redact.json`, { text: 'nothing' })],
    ['/api/v2/tickets/{ticket_id}/comments/{comment_id}/attachments/{attachment_id}/redact PUT', () =>
      zendesk('PUT', `/api/v2/tickets/${ids.seeded}/comments/${ids.comment}/attachments/${ids.attachment}/redact.json`)],
    ['/api/v2/tickets/{ticket_id}/tags PUT', () => zendesk('PUT', `/api/v2/tickets/${ids.ticket}/tags.json`, { tags: ['pan_slack_ts_1'] })],
    ['/api/v2/tickets/{ticket_id}/tags POST', () => zendesk('POST', `/api/v2/tickets/${ids.ticket}/tags.json`, { tags: ['a', 'b'] })],
    ['/api/v2/tickets/{ticket_id}/tags DELETE', () => zendesk('DELETE', `/api/v2/tickets/${ids.ticket}/tags.json`, { tags: ['a'] })],
    ['/api/v2/tickets/{ticket_id}/merge POST', async () => {
      const other = await zd.control.seedTicket({ comments: [{ body: 'other' }] });
      const r = await zendesk('POST', `/api/v2/tickets/${ids.ticket}/merge.json`, { ids: [other.ticket.id], target_comment: 't', source_comment: 's' });
      ids.job = (r.json as { job_status: { id: string } }).job_status.id;
      return r;
    }],
    ['/api/v2/job_statuses/{job_status_id} GET', () => zendesk('GET', `/api/v2/job_statuses/${ids.job}.json`)],
    ['/api/v2/incremental/tickets/cursor GET', () => zendesk('GET', '/api/v2/incremental/tickets/cursor.json?start_time=0')],
    ['/api/v2/incremental/ticket_events GET', () => zendesk('GET', '/api/v2/incremental/ticket_events.json?start_time=0&include=comment_events')],
    ['/api/v2/chat_redactions/{ticket_id} PUT', async () => {
      const t = await zd.control.seedTicket({ comments: [{ body: 'chat ticket' }] });
      const chat = await zd.control.seedChat(t.ticket.id, { active: false, messages: [{ message: 'my card 4111 1111 1111 1111' }, { file: { filename: 'card.jpg' } }] });
      ids.chatTicket = t.ticket.id;
      ids.chat = chat.chat_id;
      return zendesk('PUT', `/api/v2/chat_redactions/${t.ticket.id}.json`, { chat_id: chat.chat_id, chat_index: 0, text: 'my card <redact>4111 1111 1111 1111</redact>' });
    }],
    ['/api/v2/chat_file_redactions/{ticket_id} PUT', () => zendesk('PUT', `/api/v2/chat_file_redactions/${ids.chatTicket}.json`, { chat_id: ids.chat, chat_indexes: [1] })],
    ['/api/v2/ticket_fields POST', async () => {
      const r = await zendesk('POST', '/api/v2/ticket_fields.json', { ticket_field: { type: 'text', title: 'Files to redact' } });
      ids.field = (r.json as { ticket_field: { id: number } }).ticket_field.id;
      return r;
    }],
    ['/api/v2/ticket_fields GET', () => zendesk('GET', '/api/v2/ticket_fields.json')],
    ['/api/v2/ticket_fields/{ticket_field_id} GET', () => zendesk('GET', `/api/v2/ticket_fields/${ids.field}.json`)],
    ['/api/v2/ticket_fields/{ticket_field_id} PUT', () => zendesk('PUT', `/api/v2/ticket_fields/${ids.field}.json`, { ticket_field: { title: 'Files to redact (names)' } })],
    ['/api/v2/tickets/{ticket_id}/audits GET', async () => {
      await zendesk('PUT', `/api/v2/tickets/${ids.ticket}.json`, { ticket: { custom_fields: [{ id: ids.field, value: 'x' }] } });
      return zendesk('GET', `/api/v2/tickets/${ids.chatTicket}/audits.json`);
    }],
    ['/api/v2/users/{user_id} GET', () => zendesk('GET', '/api/v2/users/10001.json')],
    ['/api/v2/users/show_many GET', () => zendesk('GET', '/api/v2/users/show_many.json?ids=10001,900001,5')],
    ['/api/v2/tickets/{ticket_id}/side_conversations GET', async () => {
      const sc = await zd.control.seedSideConversation(Number(ids.seeded), { subject: 'Partner', messages: [{ body: 'hi' }, { body: 'reply' }] });
      ids.side = sc.side_conversation.id;
      return zendesk('GET', `/api/v2/tickets/${ids.seeded}/side_conversations.json`);
    }],
    ['/api/v2/tickets/{ticket_id}/side_conversations/{side_conversation_id}/events GET', () =>
      zendesk('GET', `/api/v2/tickets/${ids.seeded}/side_conversations/${ids.side}/events.json`)],
    ['/api/v2/tickets/{ticket_id} DELETE', () => zendesk('DELETE', `/api/v2/tickets/${ids.seeded}.json`)],
  ];

  test('every operation the product uses has a case', () => {
    const covered = cases.map(([op]) => op).sort();
    expect(covered).toEqual(ZENDESK_OPERATIONS.map((o) => `${o.path} ${o.method.toUpperCase()}`).sort());
  });

  test.each(cases.map(([op], i) => [op, i] as const))('%s', async (op, i) => {
    const { status, json } = await cases[i]![1]();
    const documented = Object.keys(((zendeskDoc.paths as Record<string, Record<string, { responses: object }>>)[op.split(' ')[0]!]?.[op.split(' ')[1]!.toLowerCase()]?.responses ?? { 200: {} }));
    expect(documented).toContain(String(status));
    if (json === undefined) {
      // 204: the document describes no body.
      expect(status).toBe(204);
      return;
    }
    expect(validate(op, status, json)).toEqual([]);
  });
});

describe('Slack emulator answers match the Web API document', () => {
  const ctx: Record<string, string> = {};
  const cases: [method: (typeof SLACK_METHODS)[number], run: () => Promise<unknown>][] = [
    ['auth.test', () => slackCall('auth.test', {}, 'GET')],
    ['chat.postMessage', async () => {
      const r = (await slackCall('chat.postMessage', { channel: 'C0REDACTS1', text: 'card', metadata: { event_type: 'pan_redaction_request', event_payload: { child_ticket_id: 1 } } }, 'POST')) as { ts: string };
      ctx.ts = r.ts;
      await slackCall('chat.postMessage', { channel: 'C0REDACTS1', text: 'reply', thread_ts: r.ts }, 'POST');
      return r;
    }],
    ['chat.update', () => slackCall('chat.update', { channel: 'C0REDACTS1', ts: ctx.ts, text: 'card (claimed)' }, 'POST')],
    ['chat.postEphemeral', () => slackCall('chat.postEphemeral', { channel: 'C0REDACTS1', user: 'U0LEAD1', text: 'only you' }, 'POST')],
    ['reactions.add', () => slackCall('reactions.add', { channel: 'C0REDACTS1', timestamp: ctx.ts, name: 'white_check_mark' }, 'POST')],
    ['users.info', () => slackCall('users.info', { user: 'U0LEAD1' }, 'GET')],
    ['usergroups.users.list', () => slackCall('usergroups.users.list', { usergroup: 'S0LEADS' }, 'GET')],
    ['conversations.open', () => slackCall('conversations.open', { users: 'U0AGENT1' }, 'POST')],
    ['conversations.history', () => slackCall('conversations.history', { channel: 'C0REDACTS1', include_all_metadata: true }, 'GET')],
    ['conversations.replies', () => slackCall('conversations.replies', { channel: 'C0REDACTS1', ts: ctx.ts, include_all_metadata: true }, 'GET')],
  ];

  test('every method the product uses has a case', () => {
    expect(cases.map(([m]) => m).sort()).toEqual([...SLACK_METHODS].sort());
  });

  test.each(cases.map(([m], i) => [m, i] as const))('%s', async (method, i) => {
    const body = (await cases[i]![1]()) as { ok: boolean };
    expect(body.ok).toBe(true);
    expect(validate(method, 200, body)).toEqual([]);
  });

  test('an error answer matches the error schema', async () => {
    const body = await slackCall('conversations.history', { channel: 'C0NOPE' }, 'GET');
    expect(body).toMatchObject({ ok: false, error: 'channel_not_found' });
    expect(validate('conversations.history', 400, body)).toEqual([]);
  });
});

test('every listed exception is still needed', () => {
  const unused = EXCEPTIONS.filter((e) => !usedExceptions.has(e)).map((e) => `${e.op} ${e.path} ${e.keyword}`);
  expect([...new Set(unused)]).toEqual([]);
});
