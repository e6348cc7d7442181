// conversations.history with message metadata: how a retried card post finds the card an
// earlier attempt posted (activities/slack.ts).
import { WebClient } from '@slack/web-api';
import { startSlackSandbox, type SlackSandbox } from '../../sandbox/slack';

let sandbox: SlackSandbox;
let slack: WebClient;
beforeAll(async () => {
  sandbox = await startSlackSandbox();
  slack = new WebClient(sandbox.botToken, { slackApiUrl: sandbox.apiUrl, retryConfig: { retries: 0 } });
});
afterAll(async () => {
  await sandbox.close();
});

test('lists top-level messages newest first, with metadata only when asked for', async () => {
  const metadata = { event_type: 'pan_redaction_request', event_payload: { workflow_id: 'redaction-ticket-7', child_ticket_id: 8 } };
  const first = await slack.chat.postMessage({ channel: 'C0REDACT', text: 'card', metadata });
  await slack.chat.postMessage({ channel: 'C0REDACT', text: 'reply', thread_ts: first.ts! });
  const second = await slack.chat.postMessage({ channel: 'C0REDACT', text: 'other' });

  const plain = await slack.conversations.history({ channel: 'C0REDACT' });
  expect(plain.messages?.map((m) => m.ts)).toEqual([second.ts, first.ts]);
  expect(plain.messages?.[1]?.metadata).toBeUndefined();

  const withMeta = await slack.conversations.history({ channel: 'C0REDACT', include_all_metadata: true, limit: 1, oldest: '0' });
  expect(withMeta.has_more).toBe(true);
  const all = await slack.conversations.history({ channel: 'C0REDACT', include_all_metadata: true });
  expect(all.messages?.[1]?.metadata).toEqual(metadata);

  const later = await slack.conversations.history({ channel: 'C0REDACT', oldest: first.ts! });
  expect(later.messages?.map((m) => m.ts)).toEqual([second.ts]);
  await expect(slack.conversations.history({ channel: 'C0NOPE' })).rejects.toMatchObject({ data: { error: 'channel_not_found' } });
});

test('conversations.replies: the parent then its replies, metadata only when asked for', async () => {
  const metadata = { event_type: 'pan_redaction_request', event_payload: { child_ticket_id: 9 } };
  const parent = await slack.chat.postMessage({ channel: 'C0REDACT', text: 'card', metadata });
  const reply = await slack.chat.postMessage({ channel: 'C0REDACT', text: 'reminder', thread_ts: parent.ts! });
  await slack.chat.postMessage({ channel: 'C0REDACT', text: 'elsewhere' });
  const plain = await slack.conversations.replies({ channel: 'C0REDACT', ts: parent.ts! });
  expect(plain.messages?.map((m) => m.ts)).toEqual([parent.ts, reply.ts]);
  expect(plain.messages?.[0]?.metadata).toBeUndefined();
  const withMeta = await slack.conversations.replies({ channel: 'C0REDACT', ts: reply.ts!, include_all_metadata: true });
  expect(withMeta.messages?.[0]?.metadata).toEqual(metadata);
  await expect(slack.conversations.replies({ channel: 'C0REDACT', ts: '1000000000.000001' })).rejects.toMatchObject({ data: { error: 'thread_not_found' } });
});
