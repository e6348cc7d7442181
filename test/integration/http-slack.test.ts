// POST /slack/interactions and /slack/commands over real HTTP, driven by the Slack emulator's signed
// clicks and slash commands. No worker here: claims that need the workflow are in http-claims.test.ts.
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { WebClient } from '@slack/web-api';
import { createSlackClient } from '../../activities/slack-api';
import { loadConfig, type Config } from '../../config';
import { slackSignatureHeaders, startSlackSandbox, type SlackSandbox } from '../../sandbox/slack';
import { createDataConverter, generatePayloadKey, parsePayloadKeys } from '../../security/codec';
import { redactionWorkflowId } from '../../workflows/ids';
import { postZendeskWebhook, startService, type RunningService } from './fixtures/http-helpers';

// The project's testTimeout does not reach hooks here; bundling workflows and starting emulators take seconds.
jest.setTimeout(120_000);

const CHANNEL = 'C0REDACT';
const LEAD = 'U0LEAD1';
const AGENT = 'U0AGENT1';
const SECRET = 'test-webhook-secret';

let sandbox: SlackSandbox;
let connection: Connection;
let client: Client;
let slack: WebClient;
let svc: RunningService;
let nextTicket = (Date.now() % 1_000_000_000) * 100 + 50;
const ticket = () => ++nextTicket;

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ZENDESK_URL: 'http://127.0.0.1:9',
    ZENDESK_EMAIL: 'bot@example.com',
    ZENDESK_API_TOKEN: 'unused',
    ZENDESK_WEBHOOK_SECRET: SECRET,
    SLACK_API_URL: sandbox.apiUrl,
    SLACK_BOT_TOKEN: sandbox.botToken,
    SLACK_SIGNING_SECRET: sandbox.signingSecret,
    SLACK_CHANNEL_ID: CHANNEL,
    SLACK_LEAD_USER_IDS: LEAD,
    TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS,
    // No worker polls this queue: queries time out, which the status command must survive.
    TEMPORAL_TASK_QUEUE: `http-slack-${randomUUID()}`,
    PAYLOAD_KEYS: generatePayloadKey('test-key'),
    FINGERPRINT_KEY: randomBytes(32).toString('base64'),
    ...extra,
  };
}

let config: Config;
beforeAll(async () => {
  sandbox = await startSlackSandbox();
  config = loadConfig(env());
  connection = await Connection.connect({ address: process.env.TEMPORAL_TEST_ADDRESS! });
  client = new Client({ connection, dataConverter: createDataConverter(parsePayloadKeys(config.PAYLOAD_KEYS)) });
  slack = createSlackClient({ apiUrl: sandbox.apiUrl, botToken: sandbox.botToken, timeoutMs: 5000 });
  svc = await startService({ config, temporal: client, slack });
});

afterAll(async () => {
  await svc?.close();
  await connection?.close();
  await sandbox?.close();
});

/** A claim card like the workflow posts: a Take it button whose value is the workflow id. */
async function postCard(value: string, actionId = 'claim_redaction'): Promise<string> {
  const res = await slack.chat.postMessage({
    channel: CHANNEL,
    text: `Redaction request (${value})`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `Redaction request ${value}` } },
      { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Take it' }, action_id: actionId, value, style: 'primary' }] },
    ],
  });
  return res.ts!;
}

async function ephemeralsFor(user: string) {
  return (await sandbox.control.ephemeral(CHANNEL)).filter((e) => e.user === user);
}

describe('Slack signatures on /slack/interactions', () => {
  test('a good signature → 200 within 3 s', async () => {
    const ts = await postCard('redaction-ticket-1', 'something_else');
    const res = await sandbox.control.click({ channel: CHANNEL, ts, actionId: 'something_else', userId: LEAD, url: `${svc.url}/slack/interactions` });
    expect(res.status).toBe(200);
    expect(res.ackedInTime).toBe(true);
    await svc.app.pendingWork();
    expect(svc.logs.join('\n')).toContain('unknown action id');
  });

  test.each([
    ['a wrong signature', { signature: 'v0=' + '0'.repeat(64) }, /does not match/],
    ['a stale timestamp', { timestamp: Math.floor(Date.now() / 1000) - 900 }, /5 minutes/],
    ['a future timestamp', { timestamp: Math.floor(Date.now() / 1000) + 900 }, /5 minutes/],
    ['another app\'s secret', { signingSecret: 'not-our-secret' }, /does not match/],
  ])('%s → 401 and no claim work', async (_name, opts, message) => {
    const ts = await postCard(redactionWorkflowId(ticket()));
    const before = (await sandbox.control.ephemeral()).length;
    const res = await sandbox.control.click({ channel: CHANNEL, ts, actionId: 'claim_redaction', userId: AGENT, url: `${svc.url}/slack/interactions`, ...opts });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toEqual({ error: 'invalid_signature', message: expect.stringMatching(message) });
    await svc.app.pendingWork();
    expect((await sandbox.control.ephemeral()).length).toBe(before);
  });

  test('missing signature headers → 401', async () => {
    const res = await fetch(`${svc.url}/slack/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'payload=%7B%7D',
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'invalid_signature', message: expect.stringMatching(/missing X-Slack-Signature/) });
  });

  test('a signed form without a payload, or with bad JSON → 400', async () => {
    for (const body of ['foo=bar', 'payload=%7Bnot-json', `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: {} }))}`]) {
      const res = await fetch(`${svc.url}/slack/interactions`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignatureHeaders(sandbox.signingSecret, body) },
        body,
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_payload' });
    }
  });
});

describe('who may claim', () => {
  test('a non-lead gets an ephemeral refusal and nothing reaches the workflow', async () => {
    const id = ticket();
    const ts = await postCard(redactionWorkflowId(id));
    const res = await sandbox.control.click({ channel: CHANNEL, ts, actionId: 'claim_redaction', userId: AGENT, url: `${svc.url}/slack/interactions` });
    expect(res.status).toBe(200);
    expect(res.ackedInTime).toBe(true);
    await svc.app.pendingWork();
    const [refusal] = await ephemeralsFor(AGENT);
    expect(refusal).toMatchObject({ channel: CHANNEL, user: AGENT, via: 'chat.postEphemeral' });
    expect(refusal!.text).toMatch(/Only team leads can take redaction requests/);
    expect(svc.logs.join('\n')).toContain('claim refused: not a lead');
  });

  test('a button value that is not a redaction workflow id is ignored', async () => {
    const ts = await postCard('delete-everything');
    const before = (await sandbox.control.ephemeral()).length;
    const res = await sandbox.control.click({ channel: CHANNEL, ts, actionId: 'claim_redaction', userId: LEAD, url: `${svc.url}/slack/interactions` });
    expect(res.status).toBe(200);
    await svc.app.pendingWork();
    expect((await sandbox.control.ephemeral()).length).toBe(before);
    expect(svc.logs.join('\n')).toContain('button value is not a redaction workflow id');
  });

  test('members of SLACK_LEAD_USERGROUP_ID are leads; the group is read once and cached', async () => {
    const groupConfig = loadConfig(env({ SLACK_LEAD_USER_IDS: '', SLACK_LEAD_USERGROUP_ID: 'S0LEADS', TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE }));
    const group = await startService({ config: groupConfig, temporal: client, slack });
    try {
      const since = (await sandbox.control.requests({ method: 'usergroups.users.list' })).length;
      // A lead passes the check and reaches Temporal, which knows no such workflow.
      const ts = await postCard(redactionWorkflowId(ticket()));
      const url = `${group.url}/slack/interactions`;
      await Promise.all([
        sandbox.control.click({ channel: CHANNEL, ts, actionId: 'claim_redaction', userId: 'U0LEAD2', url }),
        sandbox.control.click({ channel: CHANNEL, ts, actionId: 'claim_redaction', userId: AGENT, url }),
      ]);
      await group.app.pendingWork();
      const lead = await ephemeralsFor('U0LEAD2');
      expect(lead.at(-1)!.text).toMatch(/is no longer open/);
      expect((await ephemeralsFor(AGENT)).at(-1)!.text).toMatch(/Only team leads/);
      await sandbox.control.click({ channel: CHANNEL, ts, actionId: 'claim_redaction', userId: 'U0LEAD2', url });
      await group.app.pendingWork();
      expect((await sandbox.control.requests({ method: 'usergroups.users.list' })).length - since).toBe(1);
    } finally {
      await group.close();
    }
  });
});

describe('/redaction slash command', () => {
  const command = (text: string, opts: Record<string, unknown> = {}) =>
    sandbox.control.slashCommand({ url: `${svc.url}/slack/commands`, command: '/redaction', text, userId: LEAD, channelId: CHANNEL, ...opts });

  test('an unknown ticket → "no redaction request for ticket N"', async () => {
    const id = ticket();
    const res = await command(`status ${id}`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ response_type: 'ephemeral', text: `No redaction request for ticket ${id}.` });
  });

  test.each([[''], ['help'], ['status'], ['status abc'], ['frobnicate 12']])('%j → usage help', async (text) => {
    const res = await command(text);
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('Usage: `/redaction status <ticket id>`');
  });

  test('a workflow that cannot answer in time → "still loading", still inside Slack\'s 3 s', async () => {
    const id = ticket();
    const started = await postZendeskWebhook(svc.url, { ticket_id: id, type: 'comment_added' }, { secret: SECRET });
    expect(started.status).toBe(202);
    const res = await command(`status #${id}`);
    expect(res.status).toBe(200);
    expect(res.ackedInTime).toBe(true);
    expect(JSON.parse(res.body)).toEqual({ response_type: 'ephemeral', text: `Still loading the status of ticket #${id}; try again in a few seconds.` });
  });

  test('bad signatures are refused', async () => {
    const res = await command('status 1', { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(res.status).toBe(401);
    const forged = await command('status 1', { signature: 'v0=deadbeef' });
    expect(forged.status).toBe(401);
  });
});
