// The Slack sandbox driven by the real @slack/web-api WebClient over HTTP (through the product's
// factory and a plain client), plus raw fetch for JSON bodies the SDK never sends.
import {
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
} from '@slack/web-api';
import { classifySlackError, createSlackClient, isRetryableSlackError, type SlackLogLevel } from '../../activities/slack-api';
import { startSlackSandbox, type SlackSandbox } from '../../sandbox/slack';

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

/** Awaits a rejection and hands back the error for inspection. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

async function platformError(p: Promise<unknown>): Promise<string> {
  const err = await rejection(p);
  expect(err).toBeInstanceOf(WebAPIPlatformError);
  return (err as WebAPIPlatformError).data.error;
}

let sb: SlackSandbox;
let slack: WebClient;
let logLines: Array<{ level: SlackLogLevel; message: string }>;

beforeAll(async () => {
  sb = await startSlackSandbox();
});
afterAll(async () => {
  await sb.close();
});
beforeEach(async () => {
  await sb.control.reset();
  logLines = [];
  slack = createSlackClient({ apiUrl: sb.apiUrl, botToken: sb.botToken, timeoutMs: 5_000, log: (level, message) => logLines.push({ level, message }) });
});

describe('auth', () => {
  test('auth.test answers for the bot', async () => {
    const res = await slack.auth.test();
    expect(res).toMatchObject({ ok: true, user_id: 'U0REDACTBOT', bot_id: 'B0REDACTBOT', team_id: 'T0SANDBOX' });
  });

  test('missing token → not_authed, wrong token → invalid_auth', async () => {
    const anonymous = new WebClient(undefined, { slackApiUrl: sb.apiUrl, retryConfig: { retries: 0 } });
    expect(await platformError(anonymous.auth.test())).toBe('not_authed');
    const wrong = createSlackClient({ apiUrl: sb.apiUrl, botToken: 'xoxb-wrong', timeoutMs: 2_000 });
    const err = await rejection(wrong.chat.postMessage({ channel: CHANNEL, text: 'x' }));
    expect(classifySlackError(err)).toEqual({ kind: 'platform', error: 'invalid_auth' });
    expect(await sb.control.messages(CHANNEL)).toEqual([]);
  });

  test('the token is never written to the request log', async () => {
    await slack.auth.test();
    const [entry] = await sb.control.requests({ method: '^auth\\.test$' });
    expect(entry).toMatchObject({ method: 'auth.test', auth: 'bearer', status: 200 });
    expect(JSON.stringify(entry)).not.toContain(sb.botToken);
  });
});

describe('chat.postMessage', () => {
  test('form body with JSON-encoded blocks: unique ts, stored message, raw log', async () => {
    const a = await slack.chat.postMessage({ channel: CHANNEL, text: 'Redaction request #123 needs an owner', blocks: card('123') });
    const b = await slack.chat.postMessage({ channel: CHANNEL, text: 'Redaction request #124 needs an owner', blocks: card('124') });
    expect(a).toMatchObject({ ok: true, channel: CHANNEL, message: { type: 'message', text: 'Redaction request #123 needs an owner', bot_id: 'B0REDACTBOT' } });
    expect(a.ts).toMatch(TS_RE);
    expect(b.ts).toMatch(TS_RE);
    expect(Number(b.ts)).toBeGreaterThan(Number(a.ts));
    expect(a.message?.blocks).toEqual(card('123'));

    const stored = await sb.control.messages(CHANNEL);
    expect(stored.map((m) => m.ts)).toEqual([a.ts, b.ts]);
    expect(stored[0]).toMatchObject({ text: 'Redaction request #123 needs an owner', blocks: card('123'), replies: [], edits: [] });

    const [entry] = await sb.control.requests({ method: 'chat\\.postMessage' });
    expect(entry?.contentType).toBe('application/x-www-form-urlencoded');
    expect(entry?.rawBody).toContain('blocks=%5B%7B');
    expect(entry?.rawBodyDecoded).toContain('Redaction request #123 needs an owner');
    expect(entry?.body.blocks).toEqual(card('123'));
  });

  test('channel by name resolves to the ID', async () => {
    const res = await slack.chat.postMessage({ channel: '#redaction-requests', text: 'hi' });
    expect(res.channel).toBe(CHANNEL);
  });

  test('channel_not_found, no_text, invalid_blocks', async () => {
    expect(await platformError(slack.chat.postMessage({ channel: 'C0NOPE', text: 'x' }))).toBe('channel_not_found');
    expect(await platformError(slack.chat.postMessage({ channel: CHANNEL, text: '' }))).toBe('no_text');
    const tooLong = [{ type: 'actions', elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'x'.repeat(76) } }] }];
    const err = await rejection(slack.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: tooLong }));
    expect(err).toBeInstanceOf(WebAPIPlatformError);
    expect((err as WebAPIPlatformError).data.error).toBe('invalid_blocks');
    expect((err as WebAPIPlatformError).data.response_metadata?.messages?.[0]).toMatch(/^\[ERROR\]/);
  });

  test('threads: replies hang off the parent, a reply to a reply goes to the root', async () => {
    const parent = await slack.chat.postMessage({ channel: CHANNEL, text: 'request #9' });
    const r1 = await slack.chat.postMessage({ channel: CHANNEL, text: 'claimed', thread_ts: parent.ts });
    const r2 = await slack.chat.postMessage({ channel: CHANNEL, text: 'done', thread_ts: r1.ts });
    expect(r1.message?.thread_ts).toBe(parent.ts);
    expect(r2.message?.thread_ts).toBe(parent.ts);
    const top = await sb.control.messages(CHANNEL);
    expect(top).toHaveLength(1);
    expect(top[0]).toMatchObject({ ts: parent.ts, thread_ts: parent.ts, reply_count: 2, latest_reply: r2.ts });
    expect(top[0]?.replies.map((r) => r.text)).toEqual(['claimed', 'done']);
    expect(await platformError(slack.chat.postMessage({ channel: CHANNEL, text: 'x', thread_ts: '1700000000.000100' }))).toBe('thread_not_found');
  });
});

describe('chat.update', () => {
  test('changes the stored message and keeps the edit history', async () => {
    const posted = await slack.chat.postMessage({ channel: CHANNEL, text: 'Request #123 needs an owner', blocks: card('123') });
    const claimed = [{ type: 'context', block_id: 'req-123-v2', elements: [{ type: 'mrkdwn', text: 'Claimed by <@U0LEAD1>' }] }];
    const res = await slack.chat.update({ channel: CHANNEL, ts: posted.ts!, text: 'Request #123 claimed', blocks: claimed });
    expect(res).toMatchObject({ ok: true, channel: CHANNEL, ts: posted.ts, text: 'Request #123 claimed' });
    const m = await sb.control.message(CHANNEL, posted.ts!);
    expect(m).toMatchObject({ text: 'Request #123 claimed', blocks: claimed });
    expect(m.edited?.user).toBe('U0REDACTBOT');
    expect(m.edits).toEqual([expect.objectContaining({ text: 'Request #123 needs an owner', blocks: card('123'), via: 'chat.update' })]);

    // Text only: previous blocks are kept.
    await slack.chat.update({ channel: CHANNEL, ts: posted.ts!, text: 'Request #123 done' });
    expect(await sb.control.message(CHANNEL, posted.ts!)).toMatchObject({ text: 'Request #123 done', blocks: claimed });
  });

  test('message_not_found and cant_update_message', async () => {
    expect(await platformError(slack.chat.update({ channel: CHANNEL, ts: '1700000000.000100', text: 'x' }))).toBe('message_not_found');
    const human = await sb.control.postAsUser({ channel: CHANNEL, user: 'U0AGENT1', text: 'hello' });
    expect(await platformError(slack.chat.update({ channel: CHANNEL, ts: human.ts, text: 'x' }))).toBe('cant_update_message');
    expect(await platformError(slack.chat.update({ channel: 'C0NOPE', ts: human.ts, text: 'x' }))).toBe('channel_not_found');
  });
});

describe('chat.postEphemeral', () => {
  test('returns message_ts, is stored apart from channel messages, and cannot be updated', async () => {
    const res = await slack.chat.postEphemeral({ channel: CHANNEL, user: 'U0LEAD2', text: 'Already taken by <@U0LEAD1>' });
    expect(res.ok).toBe(true);
    expect(res.message_ts).toMatch(TS_RE);
    expect(await sb.control.ephemeral(CHANNEL)).toEqual([
      expect.objectContaining({ user: 'U0LEAD2', text: 'Already taken by <@U0LEAD1>', message_ts: res.message_ts, via: 'chat.postEphemeral' }),
    ]);
    expect(await sb.control.messages(CHANNEL)).toEqual([]);
    expect(await platformError(slack.chat.update({ channel: CHANNEL, ts: res.message_ts!, text: 'x' }))).toBe('message_not_found');
    expect(await platformError(slack.chat.postEphemeral({ channel: CHANNEL, user: 'U0NOBODY', text: 'x' }))).toBe('user_not_found');
  });
});

describe('reactions.add', () => {
  test('adds once, then already_reacted; unknown emoji → invalid_name', async () => {
    const posted = await slack.chat.postMessage({ channel: CHANNEL, text: 'request' });
    await slack.reactions.add({ channel: CHANNEL, timestamp: posted.ts!, name: 'white_check_mark' });
    expect(await sb.control.reactions(CHANNEL, posted.ts!)).toEqual([{ name: 'white_check_mark', users: ['U0REDACTBOT'], count: 1 }]);

    const again = await rejection(slack.reactions.add({ channel: CHANNEL, timestamp: posted.ts!, name: 'white_check_mark' }));
    expect(classifySlackError(again)).toEqual({ kind: 'platform', error: 'already_reacted' });
    expect(isRetryableSlackError(classifySlackError(again))).toBe(false);

    expect(await platformError(slack.reactions.add({ channel: CHANNEL, timestamp: posted.ts!, name: 'done' }))).toBe('invalid_name');
    expect(await platformError(slack.reactions.add({ channel: CHANNEL, timestamp: posted.ts!, name: ':eyes:' }))).toBe('invalid_name');
    await slack.reactions.add({ channel: CHANNEL, timestamp: posted.ts!, name: 'eyes' });

    // A custom emoji becomes valid once the workspace has it.
    await sb.control.setEmoji(['done']);
    await slack.reactions.add({ channel: CHANNEL, timestamp: posted.ts!, name: 'done' });
    expect((await sb.control.message(CHANNEL, posted.ts!)).reactions?.map((r) => r.name)).toEqual(['white_check_mark', 'eyes', 'done']);
  });

  test('no_item_specified, message_not_found, channel_not_found, bad_timestamp', async () => {
    expect(await platformError(slack.apiCall('reactions.add', { channel: CHANNEL, name: 'eyes' }))).toBe('no_item_specified');
    expect(await platformError(slack.reactions.add({ channel: CHANNEL, timestamp: '1700000000.000100', name: 'eyes' }))).toBe('message_not_found');
    expect(await platformError(slack.reactions.add({ channel: 'C0NOPE', timestamp: '1700000000.000100', name: 'eyes' }))).toBe('channel_not_found');
    expect(await platformError(slack.reactions.add({ channel: CHANNEL, timestamp: 'yesterday', name: 'eyes' }))).toBe('bad_timestamp');
  });
});

describe('users and user groups', () => {
  test('users.info and user_not_found', async () => {
    const res = await slack.users.info({ user: 'U0LEAD1' });
    expect(res.user).toMatchObject({ id: 'U0LEAD1', name: 'lead.one', real_name: 'Lead One', profile: { real_name: 'Lead One' } });
    expect(await platformError(slack.users.info({ user: 'U0NOBODY' }))).toBe('user_not_found');
  });

  test('usergroups.users.list, no_such_subteam, membership changes from control', async () => {
    expect((await slack.usergroups.users.list({ usergroup: 'S0LEADS' })).users).toEqual(['U0LEAD1', 'U0LEAD2']);
    expect(await platformError(slack.usergroups.users.list({ usergroup: 'S0NOPE' }))).toBe('no_such_subteam');
    await sb.control.setUsergroup('S0LEADS', ['U0LEAD2']);
    expect((await slack.usergroups.users.list({ usergroup: 'S0LEADS' })).users).toEqual(['U0LEAD2']);
    await sb.control.reset();
    expect((await slack.usergroups.users.list({ usergroup: 'S0LEADS' })).users).toEqual(['U0LEAD1', 'U0LEAD2']);
  });

  test('users.info knows the bot itself', async () => {
    expect((await slack.users.info({ user: 'U0REDACTBOT' })).user).toMatchObject({ id: 'U0REDACTBOT', is_bot: true });
  });

  test('conversations.open gives a DM channel chat.postMessage accepts', async () => {
    const opened = await slack.conversations.open({ users: 'U0LEAD1' });
    expect(opened.channel?.id).toBe('D0LEAD1');
    expect(opened.already_open).toBeUndefined();
    expect((await slack.conversations.open({ users: 'U0LEAD1' })).already_open).toBe(true);
    await slack.chat.postMessage({ channel: opened.channel!.id!, text: 'You claimed #123' });
    expect((await sb.control.messages('D0LEAD1')).map((m) => m.text)).toEqual(['You claimed #123']);
    expect(await platformError(slack.conversations.open({ users: 'U0NOBODY' }))).toBe('user_not_found');
    expect(await platformError(slack.apiCall('conversations.open', {}))).toBe('users_list_not_supplied');
  });

  test('unknown method → unknown_method', async () => {
    expect(await platformError(slack.apiCall('conversations.kick', {}))).toBe('unknown_method');
  });
});

describe('JSON and hand-made bodies', () => {
  const post = (method: string, body: string, headers: Record<string, string>) =>
    fetch(`${sb.apiUrl}${method}`, { method: 'POST', headers, body }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));

  test('application/json with Bearer posts a message with real block arrays', async () => {
    const res = await post('chat.postMessage', JSON.stringify({ channel: CHANNEL, text: 'via json', blocks: card('7') }), {
      'content-type': 'application/json; charset=utf-8',
      authorization: `Bearer ${sb.botToken}`,
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ ok: true, channel: CHANNEL, message: { text: 'via json', blocks: card('7') } });
    expect(res.json.warning).toBeUndefined();
    const [entry] = await sb.control.requests({ method: 'chat\\.postMessage' });
    expect(entry).toMatchObject({ contentType: 'application/json; charset=utf-8', body: { blocks: card('7') } });
    expect(entry?.rawBody).toBe(JSON.stringify({ channel: CHANNEL, text: 'via json', blocks: card('7') }));
  });

  test('JSON without charset warns; token inside JSON does not authenticate; bad JSON', async () => {
    const noCharset = await post('chat.postMessage', JSON.stringify({ channel: CHANNEL, text: 'x' }), {
      'content-type': 'application/json',
      authorization: `Bearer ${sb.botToken}`,
    });
    expect(noCharset.json).toMatchObject({ ok: true, warning: 'missing_charset', response_metadata: { warnings: ['missing_charset'] } });
    const tokenInBody = await post('chat.postMessage', JSON.stringify({ token: sb.botToken, channel: CHANNEL, text: 'x' }), { 'content-type': 'application/json; charset=utf-8' });
    expect(tokenInBody.json).toEqual({ ok: false, error: 'not_authed' });
    const bad = await post('chat.postMessage', '{nope', { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${sb.botToken}` });
    expect(bad).toEqual({ status: 200, json: { ok: false, error: 'invalid_json' } });
  });

  test('form with the token as a field, and malformed blocks', async () => {
    const ok = await post('chat.postMessage', new URLSearchParams({ token: sb.botToken, channel: CHANNEL, text: 'form token' }).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(ok.json).toMatchObject({ ok: true });
    const [entry] = await sb.control.requests({ method: 'chat\\.postMessage' });
    expect(entry?.auth).toBe('body_token');
    expect(entry?.body.token).toBeUndefined();
    const badBlocks = await post('chat.postMessage', new URLSearchParams({ channel: CHANNEL, text: 'x', blocks: '[{' }).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Bearer ${sb.botToken}`,
    });
    expect(badBlocks.json).toMatchObject({ ok: false, error: 'invalid_blocks_format' });
  });

  test('read methods take query parameters', async () => {
    const res = await fetch(`${sb.apiUrl}users.info?user=U0LEAD2`, { headers: { authorization: `Bearer ${sb.botToken}` } });
    expect(await res.json()).toMatchObject({ ok: true, user: { id: 'U0LEAD2' } });
  });
});

describe('faults', () => {
  test('429 + Retry-After surfaces as WebAPIRateLimitedError with retryAfter (factory client)', async () => {
    await sb.control.rateLimit('^chat\\.postMessage$', 7);
    const err = await rejection(slack.chat.postMessage({ channel: CHANNEL, text: 'x' }));
    expect(err).toBeInstanceOf(WebAPIRateLimitedError);
    expect((err as WebAPIRateLimitedError).retryAfter).toBe(7);
    expect(classifySlackError(err)).toEqual({ kind: 'rate_limited', retryAfterSeconds: 7 });
    const [entry] = await sb.control.requests({ method: 'chat\\.postMessage' });
    expect(entry).toMatchObject({ status: 429, faultId: expect.any(Number) });
    // The fault was used up: the next call goes through.
    await expect(slack.chat.postMessage({ channel: CHANNEL, text: 'x' })).resolves.toMatchObject({ ok: true });
    expect(await sb.control.faults()).toEqual([]);
  });

  test('a plain WebClient waits Retry-After and retries by itself', async () => {
    await sb.control.rateLimit('chat.postMessage', 1);
    const plain = new WebClient(sb.botToken, { slackApiUrl: sb.apiUrl, retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 1 }, logLevel: LogLevel.ERROR });
    const started = Date.now();
    await expect(plain.chat.postMessage({ channel: CHANNEL, text: 'eventually' })).resolves.toMatchObject({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect((await sb.control.requests({ method: 'chat\\.postMessage' })).map((e) => e.status)).toEqual([429, 200]);
  });

  test('429 without Retry-After → classified as http 429', async () => {
    await sb.control.addFault({ match: { method: 'chat.postMessage' }, response: { status: 429 } });
    const err = await rejection(slack.chat.postMessage({ channel: CHANNEL, text: 'x' }));
    expect(classifySlackError(err)).toEqual({ kind: 'http', status: 429 });
  });

  test('ok:false faults: channel_not_found, already_reacted, invalid_name', async () => {
    await sb.control.failWith('chat.postMessage', 'channel_not_found');
    expect(await platformError(slack.chat.postMessage({ channel: CHANNEL, text: 'x' }))).toBe('channel_not_found');
    const posted = await slack.chat.postMessage({ channel: CHANNEL, text: 'x' });
    await sb.control.failWith('reactions.add', 'already_reacted');
    await sb.control.failWith('reactions.add', 'invalid_name');
    expect(await platformError(slack.reactions.add({ channel: CHANNEL, timestamp: posted.ts!, name: 'eyes' }))).toBe('already_reacted');
    expect(await platformError(slack.reactions.add({ channel: CHANNEL, timestamp: posted.ts!, name: 'eyes' }))).toBe('invalid_name');
    await slack.reactions.add({ channel: CHANNEL, timestamp: posted.ts!, name: 'eyes' });
  });

  test('times: -1 keeps failing until cleared; 5xx → WebAPIHTTPError', async () => {
    await sb.control.addFault({ match: { method: 'users\\.info' }, times: -1, response: { status: 503, body: { ok: false, error: 'service_unavailable' } } });
    for (let i = 0; i < 3; i++) {
      const err = await rejection(slack.users.info({ user: 'U0LEAD1' }));
      expect(err).toBeInstanceOf(WebAPIHTTPError);
      expect(classifySlackError(err)).toEqual({ kind: 'http', status: 503 });
    }
    expect((await sb.control.faults())[0]?.hits).toBe(3);
    await sb.control.clearFaults();
    await expect(slack.users.info({ user: 'U0LEAD1' })).resolves.toMatchObject({ ok: true });
  });

  test('slow response → client timeout (network, timedOut); a patient client gets the answer', async () => {
    const impatient = createSlackClient({ apiUrl: sb.apiUrl, botToken: sb.botToken, timeoutMs: 200 });
    await sb.control.slow('chat.postMessage', 1_000);
    const err = await rejection(impatient.chat.postMessage({ channel: CHANNEL, text: 'slow' }));
    expect(err).toBeInstanceOf(WebAPIRequestError);
    expect(classifySlackError(err)).toEqual({ kind: 'network', timedOut: true });

    await sb.control.slow('chat.postMessage', 300);
    const started = Date.now();
    await expect(slack.chat.postMessage({ channel: CHANNEL, text: 'slow but fine' })).resolves.toMatchObject({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  test('connection refused → network', async () => {
    const other = await startSlackSandbox();
    await other.close();
    const dead = createSlackClient({ apiUrl: other.apiUrl, botToken: sb.botToken, timeoutMs: 2_000 });
    const err = await rejection(dead.auth.test());
    expect(err).toBeInstanceOf(WebAPIRequestError);
    expect(classifySlackError(err)).toEqual({ kind: 'network', timedOut: false });
  });
});

describe('request log and logging hygiene', () => {
  test('filters by method regex and sequence; reset clears everything', async () => {
    await slack.auth.test();
    const posted = await slack.chat.postMessage({ channel: CHANNEL, text: 'x' });
    await slack.reactions.add({ channel: CHANNEL, timestamp: posted.ts!, name: 'eyes' });
    const all = await sb.control.requests();
    expect(all.map((e) => e.method)).toEqual(['auth.test', 'chat.postMessage', 'reactions.add']);
    expect((await sb.control.requests({ since: all[0]!.seq })).map((e) => e.method)).toEqual(['chat.postMessage', 'reactions.add']);
    expect((await sb.control.requests({ method: '^chat\\.' })).map((e) => e.method)).toEqual(['chat.postMessage']);
    await sb.control.reset();
    expect(await sb.control.requests()).toEqual([]);
    expect((await sb.control.snapshot()).messages).toEqual({});
  });

  test('the factory logger never forwards message text or card-like digits', async () => {
    const pan = '4111 1111 1111 1111';
    // Blocks without top-level text make the SDK warn; a fault echoes the PAN in a warning.
    await slack.chat.postMessage({ channel: CHANNEL, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `leak ${pan}` } }] });
    await sb.control.addFault({ match: { method: 'chat.postMessage' }, response: { body: { ok: true, response_metadata: { warnings: [`odd ${pan}`] } } } });
    await slack.chat.postMessage({ channel: CHANNEL, text: `leak ${pan}` });
    expect(logLines.some((l) => l.level === 'warn' && l.message.includes('top-level `text`'))).toBe(true);
    expect(logLines.some((l) => l.message.includes('odd [digits]'))).toBe(true);
    for (const l of logLines) {
      expect(l.message).not.toContain('4111');
      expect(l.message).not.toContain('leak');
      expect(l.message).not.toContain(sb.botToken);
    }
    // The raw log keeps what was sent, so canary scans can find it.
    const raw = await sb.control.requests({ method: 'chat\\.postMessage' });
    expect(raw.some((e) => e.rawBodyDecoded.includes(pan))).toBe(true);
  });
});
