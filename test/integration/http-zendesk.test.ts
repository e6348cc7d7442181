// POST /webhooks/zendesk over real HTTP against the suite's Temporal dev server. No worker runs here:
// the tests look at what reached Temporal (workflow, signals in its history), not at what the workflow does.
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { createSlackClient } from '../../activities/slack-api';
import { loadConfig, type Config } from '../../config';
import { startSlackSandbox, type SlackSandbox } from '../../sandbox/slack';
import { createDataConverter, generatePayloadKey, parsePayloadKeys } from '../../security/codec';
import { signZendeskWebhook } from '../../service/webhook-signature';
import { redactionWorkflowId } from '../../workflows/ids';
import { postZendeskWebhook, signalsIn, startService, type RunningService } from './fixtures/http-helpers';

// The project's testTimeout does not reach hooks here; bundling workflows and starting emulators take seconds.
jest.setTimeout(120_000);

const SECRET = 'test-webhook-secret';
const PAN = '4111111111111111';

let slackSandbox: SlackSandbox;
let connection: Connection;
let client: Client;
let codec: PayloadCodec;
let config: Config;
let svc: RunningService;
// Ticket ids unique to this run, so reruns against a reused dev server start clean.
let nextTicket = (Date.now() % 1_000_000_000) * 100;
const ticket = () => ++nextTicket;

beforeAll(async () => {
  const address = process.env.TEMPORAL_TEST_ADDRESS!;
  slackSandbox = await startSlackSandbox();
  config = loadConfig({
    ZENDESK_URL: 'http://127.0.0.1:9',
    ZENDESK_EMAIL: 'bot@example.com',
    ZENDESK_API_TOKEN: 'unused',
    ZENDESK_WEBHOOK_SECRET: SECRET,
    SLACK_API_URL: slackSandbox.apiUrl,
    SLACK_BOT_TOKEN: slackSandbox.botToken,
    SLACK_SIGNING_SECRET: slackSandbox.signingSecret,
    SLACK_CHANNEL_ID: 'C0REDACT',
    SLACK_LEAD_USER_IDS: 'U0LEAD1',
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: `http-zendesk-${randomUUID()}`,
    PAYLOAD_KEYS: generatePayloadKey('test-key'),
    FINGERPRINT_KEY: randomBytes(32).toString('base64'),
    WEBHOOK_MAX_BODY_BYTES: '2048',
  });
  const dataConverter = createDataConverter(parsePayloadKeys(config.PAYLOAD_KEYS));
  codec = dataConverter.payloadCodecs![0]!;
  connection = await Connection.connect({ address });
  client = new Client({ connection, dataConverter });
  const slack = createSlackClient({ apiUrl: slackSandbox.apiUrl, botToken: slackSandbox.botToken, timeoutMs: 5000 });
  svc = await startService({ config, temporal: client, slack });
});

afterAll(async () => {
  await svc?.close();
  await connection?.close();
  await slackSandbox?.close();
});

async function workflowExists(ticketId: number): Promise<boolean> {
  try {
    await client.workflow.getHandle(redactionWorkflowId(ticketId)).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

const post = (body: unknown, opts: Partial<Parameters<typeof postZendeskWebhook>[2]> = {}) =>
  postZendeskWebhook(svc.url, body, { secret: SECRET, ...opts });

describe('signature', () => {
  test('a signed trigger body starts the workflow with one request signal', async () => {
    const id = ticket();
    const res = await post({ ticket_id: id, comment_id: 77, type: 'comment_added' }, { invocationId: `inv-${id}` });
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ workflowId: `redaction-ticket-${id}` });

    const description = await client.workflow.getHandle(redactionWorkflowId(id)).describe();
    expect(description.type).toBe('redactionWorkflow');
    expect(description.taskQueue).toBe(config.TEMPORAL_TASK_QUEUE);
    expect(await signalsIn(client, codec, redactionWorkflowId(id))).toEqual([
      { name: 'request', args: [{ deliveryId: `inv-${id}`, source: 'detection', commentId: 77 }] },
    ]);
  });

  test.each([
    ['a wrong signature', { signature: 'bm90IHRoZSByaWdodCBzaWduYXR1cmU=' }, /does not match/],
    ['a stale timestamp (15 minutes old)', { timestamp: new Date(Date.now() - 15 * 60_000).toISOString() }, /5 minutes/],
    ['a future timestamp (15 minutes ahead)', { timestamp: new Date(Date.now() + 15 * 60_000).toISOString() }, /5 minutes/],
    ['no signature header', { omitSignature: true }, /missing x-zendesk-webhook-signature/],
    ['no timestamp header', { omitTimestamp: true }, /missing x-zendesk-webhook-signature-timestamp/],
  ])('%s → 401 and nothing reaches Temporal', async (_name, opts, message) => {
    const id = ticket();
    const res = await post({ ticket_id: id, type: 'redaction_request' }, opts);
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: 'invalid_signature', message: expect.stringMatching(message) });
    expect(await workflowExists(id)).toBe(false);
  });

  test('a body changed after signing is rejected', async () => {
    const id = ticket();
    const timestamp = new Date().toISOString();
    const signed = JSON.stringify({ ticket_id: id, type: 'comment_added' });
    const res = await post(JSON.stringify({ ticket_id: id + 1, type: 'comment_added' }), { timestamp, signature: signZendeskWebhook(SECRET, timestamp, signed) });
    expect(res.status).toBe(401);
    expect(await workflowExists(id + 1)).toBe(false);
  });
});

describe('body', () => {
  test('malformed JSON → 400', async () => {
    const res = await post('{"ticket_id": 12,');
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: 'malformed_json', message: 'Body is not valid JSON.' });
  });

  test('a body of the wrong shape → 400 naming the fields, nothing started', async () => {
    const id = ticket();
    const res = await post({ ticket_id: `${id}abc`, type: 'comment_added' });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_body');
    expect(res.json.message).toMatch(/ticket_id/);
    expect(await workflowExists(id)).toBe(false);
    expect((await post({ ticket_id: id, type: 'deleted' })).status).toBe(400);
    expect((await post([id])).status).toBe(400);
  });

  test('a body over WEBHOOK_MAX_BODY_BYTES → 413', async () => {
    const id = ticket();
    const res = await post({ ticket_id: id, type: 'redaction_request', attachment_names: 'x'.repeat(3000) });
    expect(res.status).toBe(413);
    expect(res.json).toEqual({ error: 'payload_too_large', message: 'Request body is larger than 2048 bytes.' });
    expect(await workflowExists(id)).toBe(false);
  });

  test('string ids are coerced; attachment names are masked before they reach Temporal', async () => {
    const id = ticket();
    const res = await post(
      { ticket_id: String(id), comment_id: '', requested_by: '9001', type: 'redaction_request', attachment_names: `card ${PAN}.png, receipt.pdf` },
      { invocationId: `inv-${id}` },
    );
    expect(res.status).toBe(202);
    const [signal] = await signalsIn(client, codec, redactionWorkflowId(id));
    expect(signal!.args).toEqual([
      { deliveryId: `inv-${id}`, source: 'agent', requestedBy: 9001, attachmentNames: ['card [card ••••1111].png', 'receipt.pdf'] },
    ]);
    expect(svc.logs.join('\n')).not.toContain(PAN);
  });

  test('the signature is checked over the raw bytes: non-ASCII text, whitespace, any content type', async () => {
    const id = ticket();
    const raw = `{ "ticket_id" : ${id},\n  "type": "redaction_request", "attachment_names": ["reçu été.pdf"] }`;
    const res = await post(raw, { contentType: 'text/plain; charset=utf-8', invocationId: `raw-${id}` });
    expect(res.status).toBe(202);
    const [signal] = await signalsIn(client, codec, redactionWorkflowId(id));
    expect(signal!.args[0]).toMatchObject({ attachmentNames: ['reçu été.pdf'] });
  });

  test('an agent request without invocation id is keyed by a hash of the body', async () => {
    const id = ticket();
    const body = { ticket_id: id, type: 'redaction_request', attachment_names: ['a.pdf'] };
    expect((await post(body)).status).toBe(202);
    expect((await post(body)).json).toEqual({ workflowId: redactionWorkflowId(id), duplicate: true });
    const signals = await signalsIn(client, codec, redactionWorkflowId(id));
    expect(signals).toHaveLength(1);
    expect(signals[0]!.args[0]).toMatchObject({ deliveryId: expect.stringMatching(/^body:[0-9a-f]{32}$/), source: 'agent' });
  });
});

describe('event-subscription envelope', () => {
  const envelope = (ticketId: number, commentId: number) => ({
    type: 'zen:event-type:ticket.comment_added',
    account_id: '1234',
    id: randomUUID(),
    time: new Date().toISOString(),
    zendesk_event_version: '2022-11-06',
    subject: `zen:ticket:${ticketId}`,
    detail: { id: String(ticketId), status: 'OPEN', subject: 'Billing', description: `Card ${PAN}` },
    event: {
      comment: { id: String(commentId), body: `my card is ${PAN} exp 12/27`, is_public: true, author: { id: '42', is_staff: false, name: 'Pat Customer' } },
    },
  });

  test('comment_added maps to a detection request keyed by the comment; the comment text goes nowhere', async () => {
    const id = ticket();
    const res = await post(envelope(id, 5551));
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ workflowId: redactionWorkflowId(id) });
    const signals = await signalsIn(client, codec, redactionWorkflowId(id));
    expect(signals).toEqual([{ name: 'request', args: [{ deliveryId: 'comment:5551', source: 'detection', commentId: 5551 }] }]);
    const logs = svc.logs.join('\n');
    expect(logs).not.toContain(PAN);
    expect(logs).not.toContain('my card is');
    expect(logs).not.toContain('Pat Customer');
  });

  test('the invocation id header wins over the comment id', async () => {
    const id = ticket();
    expect((await post(envelope(id, 5552), { invocationId: `inv-${id}` })).status).toBe(202);
    const [signal] = await signalsIn(client, codec, redactionWorkflowId(id));
    expect(signal!.args[0]).toMatchObject({ deliveryId: `inv-${id}` });
  });

  test('an envelope whose subject and detail disagree → 400; other event types are acknowledged and ignored', async () => {
    const id = ticket();
    const bad = { ...envelope(id, 1), subject: `zen:ticket:${id + 1}` };
    expect((await post(bad)).status).toBe(400);
    const other = await post({ ...envelope(id, 2), type: 'zen:event-type:ticket.status_changed' });
    expect(other.status).toBe(200);
    expect(other.json).toMatchObject({ ignored: true });
    expect(await workflowExists(id)).toBe(false);
  });
});

test('a duplicate delivery yields one workflow and one request', async () => {
  const id = ticket();
  const body = { ticket_id: id, comment_id: 88, type: 'comment_added' };
  const first = await post(body, { invocationId: `dup-${id}` });
  const again = await post(body, { invocationId: `dup-${id}` });
  expect(first.status).toBe(202);
  expect(again.status).toBe(202);
  expect(again.json).toEqual({ workflowId: redactionWorkflowId(id), duplicate: true });
  const runs = [];
  for await (const wf of client.workflow.list({ query: `WorkflowId = '${redactionWorkflowId(id)}'` })) runs.push(wf);
  // Visibility is eventually consistent; describe() is the authority for "exists", history for signals.
  expect(runs.length).toBeLessThanOrEqual(1);
  expect((await client.workflow.getHandle(redactionWorkflowId(id)).describe()).runId).toBeDefined();
  expect(await signalsIn(client, codec, redactionWorkflowId(id))).toHaveLength(1);
});

test('a second trigger for the same ticket joins the running workflow', async () => {
  const id = ticket();
  await post({ ticket_id: id, comment_id: 1, type: 'comment_added' });
  await post({ ticket_id: id, comment_id: 2, type: 'comment_added' });
  const handle = client.workflow.getHandle(redactionWorkflowId(id));
  const signals = await signalsIn(client, codec, redactionWorkflowId(id));
  expect(signals.map((s) => (s.args[0] as { deliveryId: string }).deliveryId)).toEqual(['comment:1', 'comment:2']);
  expect((await handle.describe()).status.name).toBe('RUNNING');
});

describe('health and Temporal outages', () => {
  test('GET /healthz → 200 when Temporal answers', async () => {
    const res = await fetch(`${svc.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  test('Temporal unreachable: webhooks → 503 with Retry-After (Zendesk retries), health → 503', async () => {
    const deadConnection = await Connection.lazy({ address: '127.0.0.1:1' });
    const deadClient = new Client({ connection: deadConnection });
    const slack = createSlackClient({ apiUrl: slackSandbox.apiUrl, botToken: slackSandbox.botToken, timeoutMs: 5000 });
    const down = await startService({ config, temporal: deadClient, slack, timeouts: { signalMs: 1500, healthMs: 1000 } });
    try {
      const id = ticket();
      const res = await postZendeskWebhook(down.url, { ticket_id: id, type: 'redaction_request' }, { secret: SECRET, invocationId: `down-${id}` });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('30');
      expect(res.json).toEqual({ error: 'temporal_unavailable', message: expect.stringMatching(/retry later/) });

      const health = await fetch(`${down.url}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: 'unavailable', error: 'temporal_unavailable', message: expect.stringMatching(/^Temporal is not reachable/) });

      // Not remembered as delivered: Zendesk's retry reaches Temporal once it is back.
      const retry = await post({ ticket_id: id, type: 'redaction_request' }, { invocationId: `down-${id}` });
      expect(retry.json).toEqual({ workflowId: redactionWorkflowId(id) });
    } finally {
      await down.close();
      await deadConnection.close();
    }
  });
});

test('unknown routes answer JSON 404', async () => {
  const res = await fetch(`${svc.url}/nope?card=${PAN}`);
  expect(res.status).toBe(404);
  const body = (await res.json()) as { error: string; message: string };
  expect(body).toEqual({ error: 'not_found', message: 'No route GET /nope.' });
});
