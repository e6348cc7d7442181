// Slack's side of interactivity: signed block_actions clicks and slash commands delivered to a
// local receiver that checks the signature with its own HMAC code; response_url effects.
import { createHmac } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import { createSlackClient } from '../../activities/slack-api';
import { SlackControl, SlackControlError, signSlackRequest, startSlackSandbox, verifySlackSignature, type SlackSandbox } from '../../sandbox/slack';
import { startReceiver, type Receiver } from './slack/receiver';

const CHANNEL = 'C0REDACT';
const TS_RE = /^\d{10}\.\d{6}$/;

const card = (id: string) => [
  { type: 'section', block_id: `req-${id}-v1`, text: { type: 'mrkdwn', text: `*Redaction request #${id}*` } },
  {
    type: 'actions',
    block_id: `req-${id}-actions-v1`,
    elements: [{ type: 'button', action_id: 'claim_request', value: id, style: 'primary', text: { type: 'plain_text', text: 'Take it' } }],
  },
];

let sb: SlackSandbox;
let slack: WebClient;
let receivers: Receiver[] = [];

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}

async function postCard(id = '123'): Promise<string> {
  const res = await slack.chat.postMessage({ channel: CHANNEL, text: `Redaction request #${id} needs an owner`, blocks: card(id) });
  return res.ts!;
}

beforeAll(async () => {
  sb = await startSlackSandbox({ signingSecret: 'test-signing-secret' });
  slack = createSlackClient({ apiUrl: sb.apiUrl, botToken: sb.botToken, timeoutMs: 5_000 });
});
afterAll(async () => {
  await sb.close();
});
beforeEach(async () => {
  await sb.control.reset();
});
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

describe('signing', () => {
  test('signSlackRequest matches an independent HMAC; verifySlackSignature enforces the window', () => {
    const body = 'payload=%7B%7D';
    const independent = 'v0=' + createHmac('sha256', 'secret').update(`v0:1700000000:${body}`).digest('hex');
    expect(signSlackRequest('secret', 1700000000, body)).toBe(independent);
    expect(verifySlackSignature('secret', body, '1700000000', independent, 1700000100)).toBe(true);
    expect(verifySlackSignature('secret', body, '1700000000', independent, 1700000301)).toBe(false);
    expect(verifySlackSignature('other', body, '1700000000', independent, 1700000100)).toBe(false);
    expect(verifySlackSignature('secret', body + 'x', '1700000000', independent, 1700000100)).toBe(false);
  });
});

describe('click', () => {
  test('POSTs a signed, form-encoded block_actions payload for the button', async () => {
    const ts = await postCard();
    const target = await receiver(sb.signingSecret);
    const result = await sb.control.click({ channel: CHANNEL, ts, actionId: 'claim_request', userId: 'U0LEAD1', url: target.url });
    expect(result).toMatchObject({ status: 200, body: '', ackedInTime: true });

    expect(target.received).toHaveLength(1);
    const got = target.received[0]!;
    expect(got.signatureValid).toBe(true);
    expect(got.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.keys(got.form)).toEqual(['payload']);
    expect(got.rawBody).toBe(result.rawBody);
    const payload = JSON.parse(got.form.payload!) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0LEAD1', username: 'lead.one', name: 'lead.one', team_id: 'T0SANDBOX' },
      team: { id: 'T0SANDBOX', domain: 'sandbox' },
      api_app_id: 'A0REDACTOR',
      container: { type: 'message', message_ts: ts, channel_id: CHANNEL, is_ephemeral: false },
      channel: { id: CHANNEL, name: 'redaction-requests' },
      message: { ts, text: 'Redaction request #123 needs an owner', blocks: card('123'), bot_id: 'B0REDACTBOT' },
      state: { values: {} },
    });
    expect(payload.message.edits).toBeUndefined();
    expect(payload.actions).toEqual([
      {
        type: 'button',
        action_id: 'claim_request',
        block_id: 'req-123-actions-v1',
        value: '123',
        style: 'primary',
        text: { type: 'plain_text', text: 'Take it' },
        action_ts: expect.stringMatching(TS_RE),
      },
    ]);
    expect(payload.response_url).toBe(result.responseUrl);
    expect(payload.response_url.startsWith(`${sb.url}/__response_url/`)).toBe(true);
    expect(typeof payload.trigger_id).toBe('string');
  });

  test('a section accessory button works too', async () => {
    const res = await slack.chat.postMessage({
      channel: CHANNEL,
      text: 'x',
      blocks: [{ type: 'section', block_id: 's1', text: { type: 'mrkdwn', text: 'x' }, accessory: { type: 'button', action_id: 'acc', value: 'v', text: { type: 'plain_text', text: 'Go' } } }],
    });
    const target = await receiver(sb.signingSecret);
    await sb.control.click({ channel: CHANNEL, ts: res.ts!, actionId: 'acc', userId: 'U0LEAD2', url: target.url });
    const payload = JSON.parse(target.received[0]!.form.payload!) as { actions: Array<{ block_id: string; value: string }> };
    expect(payload.actions[0]).toMatchObject({ block_id: 's1', value: 'v' });
  });

  test('wrong secret, stale timestamp and forged signature are rejected by the receiver', async () => {
    const ts = await postCard();
    const target = await receiver(sb.signingSecret);
    const base = { channel: CHANNEL, ts, actionId: 'claim_request', userId: 'U0LEAD1', url: target.url };
    expect((await sb.control.click({ ...base, signingSecret: 'not-the-secret' })).status).toBe(401);
    expect((await sb.control.click({ ...base, timestamp: Math.floor(Date.now() / 1000) - 600 })).status).toBe(401);
    expect((await sb.control.click({ ...base, signature: 'v0=' + '0'.repeat(64) })).status).toBe(401);
    expect(target.received.map((r) => r.signatureValid)).toEqual([false, false, false]);
    expect((await sb.control.click(base)).status).toBe(200);
  });

  test('unknown message, action or user → control error 404; unreachable target → 502', async () => {
    const ts = await postCard();
    const target = await receiver(sb.signingSecret);
    const click = (o: Partial<Parameters<SlackControl['click']>[0]>) =>
      sb.control.click({ channel: CHANNEL, ts, actionId: 'claim_request', userId: 'U0LEAD1', url: target.url, ...o }).then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(await click({ ts: '1700000000.000100' })).toMatchObject({ status: 404, error: 'message_not_found' });
    expect(await click({ actionId: 'nope' })).toMatchObject({ status: 404, error: 'action_not_found' });
    expect(await click({ userId: 'U0NOBODY' })).toMatchObject({ status: 404, error: 'user_not_found' });
    const closed = await startReceiver(sb.signingSecret);
    await closed.close();
    const unreachable = await click({ url: closed.url });
    expect(unreachable).toBeInstanceOf(SlackControlError);
    expect(unreachable).toMatchObject({ status: 502, error: 'target_unreachable' });
    expect(target.received).toHaveLength(0);
  });

  test('reports the target’s answer and how long it took', async () => {
    const ts = await postCard();
    const target = await receiver(sb.signingSecret, async (_r, res) => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ text: 'ack' }));
    });
    const result = await sb.control.click({ channel: CHANNEL, ts, actionId: 'claim_request', userId: 'U0LEAD1', url: target.url });
    expect(result).toMatchObject({ status: 200, body: '{"text":"ack"}', ackedInTime: true });
    expect(result.headers['content-type']).toBe('application/json');
    expect(result.elapsedMs).toBeGreaterThanOrEqual(90);
  });

  test('the HTTP control API clicks for another process', async () => {
    const ts = await postCard();
    const target = await receiver(sb.signingSecret);
    const res = await fetch(`${sb.url}/__control/click`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: CHANNEL, ts, actionId: 'claim_request', userId: 'U0LEAD2', url: target.url }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 200 });
    expect(target.received[0]?.signatureValid).toBe(true);
    // A control client built only from the URL sees the same state.
    const remote = new SlackControl(sb.apiUrl);
    expect((await remote.messages(CHANNEL)).map((m) => m.ts)).toEqual([ts]);
  });
});

describe('response_url', () => {
  async function clickAndGetResponseUrl(ts: string, userId = 'U0LEAD1'): Promise<string> {
    const target = await receiver(sb.signingSecret);
    const result = await sb.control.click({ channel: CHANNEL, ts, actionId: 'claim_request', userId, url: target.url });
    return result.responseUrl;
  }
  const postJson = (url: string, body: unknown) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.status);

  test('replace_original updates the card and records the post', async () => {
    const ts = await postCard();
    const url = await clickAndGetResponseUrl(ts);
    const claimed = [{ type: 'context', block_id: 'req-123-v2', elements: [{ type: 'mrkdwn', text: 'Claimed by <@U0LEAD1>' }] }];
    expect(await postJson(url, { replace_original: true, text: 'Claimed', blocks: claimed })).toBe(200);
    const m = await sb.control.message(CHANNEL, ts);
    expect(m).toMatchObject({ text: 'Claimed', blocks: claimed });
    expect(m.edits).toEqual([expect.objectContaining({ text: 'Redaction request #123 needs an owner', via: 'response_url' })]);
    const [post] = await sb.control.responseUrlPosts();
    expect(post).toMatchObject({ effect: 'replaced', status: 200, body: { replace_original: true, text: 'Claimed' } });
    const [logged] = await sb.control.requests({ method: '^response_url$' });
    expect(logged?.rawBody).toContain('Claimed by <@U0LEAD1>');
  });

  test('ephemeral (default), in_channel and delete_original', async () => {
    const ts = await postCard();
    const url = await clickAndGetResponseUrl(ts, 'U0LEAD2');
    expect(await postJson(url, { replace_original: false, response_type: 'ephemeral', text: 'Already taken by <@U0LEAD1>' })).toBe(200);
    expect(await sb.control.ephemeral(CHANNEL)).toEqual([expect.objectContaining({ user: 'U0LEAD2', text: 'Already taken by <@U0LEAD1>', via: 'response_url' })]);
    expect(await postJson(url, { response_type: 'in_channel', text: 'Public note', thread_ts: ts })).toBe(200);
    expect((await sb.control.message(CHANNEL, ts)).replies.map((r) => r.text)).toEqual(['Public note']);
    expect(await postJson(url, { delete_original: true })).toBe(200);
    expect(await sb.control.messages(CHANNEL)).toEqual([]);
    expect((await sb.control.responseUrlPosts()).map((p) => p.effect)).toEqual(['ephemeral', 'in_channel', 'deleted']);
    expect(await postJson(`${sb.url}/__response_url/00ff`, { text: 'x' })).toBe(404);
  });
});

describe('slashCommand', () => {
  test('sends the flat signed form Slack uses and returns the reply', async () => {
    const target = await receiver(sb.signingSecret, (r, res) => {
      res.writeHead(r.signatureValid ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ response_type: 'ephemeral', text: `Request ${r.form.text?.split(' ')[1]}: open` }));
    });
    const result = await sb.control.slashCommand({ url: target.url, command: '/redaction', text: 'status 123', userId: 'U0LEAD1', channelId: CHANNEL });
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ response_type: 'ephemeral', text: 'Request 123: open' });
    const got = target.received[0]!;
    expect(got.signatureValid).toBe(true);
    expect(got.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(got.form).toMatchObject({
      command: '/redaction',
      text: 'status 123',
      user_id: 'U0LEAD1',
      user_name: 'lead.one',
      channel_id: CHANNEL,
      channel_name: 'redaction-requests',
      team_id: 'T0SANDBOX',
      team_domain: 'sandbox',
      api_app_id: 'A0REDACTOR',
      is_enterprise_install: 'false',
    });
    expect(got.form.payload).toBeUndefined();
    expect(got.form.response_url).toBe(result.responseUrl);
    expect(typeof got.form.trigger_id).toBe('string');

    // A later answer through the command's response_url lands as an ephemeral for the caller.
    const status = await fetch(got.form.response_url!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Request 123: done' }) });
    expect(status.status).toBe(200);
    expect(await sb.control.ephemeral(CHANNEL)).toEqual([expect.objectContaining({ user: 'U0LEAD1', text: 'Request 123: done' })]);
  });

  test('a wrong secret is rejected by the receiver', async () => {
    const target = await receiver(sb.signingSecret);
    const result = await sb.control.slashCommand({ url: target.url, command: '/redaction', text: 'status 1', userId: 'U0LEAD1', channelId: CHANNEL, signingSecret: 'nope' });
    expect(result.status).toBe(401);
  });
});
