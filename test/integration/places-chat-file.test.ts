// Issue 14: a card in a file sent in a Zendesk Chat, end to end. A signed webhook starts the real
// workflow through the HTTP service; detection finds the card in the chat file's name (what the place
// scanner reads of a chat file; reading its contents is the attachment reader's job, issue 13); a lead
// clicks Take it in the Slack emulator; the file goes through PUT /chat_file_redactions/{ticket_id} and a
// second read verifies it. Real worker, node-zendesk and @slack/web-api clients, both emulators.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { redactionWorkflowId } from '../../workflows/ids';
import { statusQuery } from '../../workflows/messages';
import type { redactionWorkflow } from '../../workflows/redaction';
import { assertNoLeak, MASTERCARD, spaced, VISA } from '../helpers/cards';
import { collectPayloads } from '../helpers/history-json';
import { CHANNEL, eventually, LEAD, startHarness, type Harness } from '../helpers/harness';
import { postZendeskWebhook, startService, type RunningService } from './fixtures/http-helpers';

jest.setTimeout(120_000);

let h: Harness;
let svc: RunningService;

beforeAll(async () => {
  h = await startHarness();
  svc = await startService({ config: h.config, temporal: h.client, slack: h.slackClient });
});

afterAll(async () => {
  await svc?.close();
  await h?.close();
});

type ChatEntry = { type: string; chat_index?: number; message_id?: string; message?: string; filename?: string; mime_type?: string; url?: string };

async function chatHistory(ticketId: number, chatId: string): Promise<ChatEntry[]> {
  const comment = (await h.zendeskApi.listComments(ticketId)).find((c) => c.data?.chat_id === chatId);
  return (comment?.data?.history ?? []) as ChatEntry[];
}

test('a card image sent in a chat: webhook, detection, Take it, chat_file_redactions, verified', async () => {
  const { ticket } = await h.zendesk.control.seedTicket({ subject: 'Chat with the customer', status: 'open', comments: [{ body: 'Customer sent a photo of their card in the chat', public: false }] });
  const ticketId = ticket.id;
  // A chat transcript whose entries carry chat_index, and one (a conversation history) whose entries carry message_id.
  const byIndex = await h.zendesk.control.seedChat(ticketId, {
    active: false,
    messages: [{ message: 'here is my card' }, { file: { filename: `card ${spaced(VISA)}.jpg`, mime_type: 'image/jpeg', size: 48_000 } }, { message: 'thanks', actor_type: 'agent' }],
  });
  const byId = await h.zendesk.control.seedChat(ticketId, {
    active: false,
    messages: [
      { message: 'and the other one', message_id: 'msg-1' },
      { file: { filename: `${spaced(MASTERCARD, '-')}.png`, mime_type: 'image/png', size: 51_000 }, message_id: 'msg-2' },
    ],
  });
  expect((await chatHistory(ticketId, byIndex.chat_id))[1]!.filename).toContain(spaced(VISA));

  const hook = await postZendeskWebhook(svc.url, { ticket_id: String(ticketId), type: 'redaction_request', requested_by: '9001' }, { secret: h.config.ZENDESK_WEBHOOK_SECRET, invocationId: `chat-file-${randomUUID()}` });
  expect(hook.status).toBe(202);
  const workflowId = redactionWorkflowId(ticketId);
  const handle: WorkflowHandle<typeof redactionWorkflow> = h.client.workflow.getHandle(workflowId);

  // Detection found both files: the card shows their last 4, never the numbers, and waits for a lead.
  const ts = await eventually(async () => (await h.slack.control.messages(CHANNEL)).find((m) => m.text?.includes(`#${ticketId}`))?.ts, 30_000, 'Slack card');
  await eventually(async () => (await handle.query(statusQuery)).stage === 'awaiting_claim', 30_000, 'awaiting_claim');
  const waiting = await handle.query(statusQuery);
  expect([...waiting.last4].sort()).toEqual([VISA.slice(-4), MASTERCARD.slice(-4)].sort());
  expect(waiting.places!.filter((p) => p.kind === 'chat')).toHaveLength(2);
  const card = (await h.slack.control.messages(CHANNEL)).find((m) => m.ts === ts)!;
  expect(JSON.stringify(card)).toContain(VISA.slice(-4));
  assertNoLeak(JSON.stringify(card), [VISA, MASTERCARD], 'Slack card');
  // Nothing is redacted before the claim.
  expect((await h.zendesk.control.calls()).some((c) => c.path.includes('chat_file_redactions'))).toBe(false);

  const click = await h.slack.control.click({ channel: CHANNEL, ts, actionId: 'claim_redaction', userId: LEAD, url: `${svc.url}/slack/interactions` });
  expect(click.status).toBe(200);
  await svc.app.pendingWork();
  const result = await handle.result();
  expect(result.outcome).toBe('redacted');
  expect(result.verification).toBe('clean');
  expect(result.claimedBy).toBe(LEAD);
  expect(result.residuals ?? []).toEqual([]);

  // Through the documented endpoint, one call per chat, each in the shape its entries call for.
  const calls = await h.zendesk.control.calls();
  const fileCalls = calls.filter((c) => c.method === 'PUT' && new RegExp(`/chat_file_redactions/${ticketId}(\\.json)?$`).test(c.path));
  expect(fileCalls.map((c) => c.body)).toEqual(expect.arrayContaining([{ chat_id: byIndex.chat_id, chat_indexes: [1] }, { chat_id: byId.chat_id, message_ids: ['msg-2'] }]));
  expect(fileCalls).toHaveLength(2);
  expect(fileCalls.every((c) => c.status === 200)).toBe(true);
  expect(calls.some((c) => c.path.includes('/chat_redactions/'))).toBe(false); // no message held a card
  // Verification read the transcript again after the last redaction.
  const last = calls.lastIndexOf(fileCalls[fileCalls.length - 1]!);
  expect(calls.slice(last + 1).some((c) => c.method === 'GET' && new RegExp(`/tickets/${ticketId}/comments(\\.json)?$`).test(c.path))).toBe(true);

  // Zendesk now holds an empty redacted.txt in place of each file; the messages around them are untouched.
  const a = await chatHistory(ticketId, byIndex.chat_id);
  expect(a[1]).toMatchObject({ type: 'ChatFileAttachment', filename: 'redacted.txt', mime_type: 'text/plain' });
  expect(a.map((e) => e.message).filter(Boolean)).toEqual(['here is my card', 'thanks']);
  const b = await chatHistory(ticketId, byId.chat_id);
  expect(b.find((e) => e.message_id === 'msg-2')).toMatchObject({ type: 'ChatFileAttachment', filename: 'redacted.txt' });
  assertNoLeak(JSON.stringify([a, b]), [VISA, MASTERCARD], 'chat transcripts after the run');

  // Documented on the child ticket, the card done; no card number in the child ticket, Slack or the history.
  const child = await h.zendesk.control.getTicket(result.childTicketId!);
  assertNoLeak(JSON.stringify(child), [VISA, MASTERCARD], 'child ticket');
  await eventually(async () => (await h.slack.control.reactions(CHANNEL, ts)).some((r) => r.name === 'white_check_mark'), 30_000, 'done reaction');
  assertNoLeak(JSON.stringify(await h.slack.control.snapshot()), [VISA, MASTERCARD], 'Slack');
  const decoded = await h.codec.decode(collectPayloads(await handle.fetchHistory()));
  const payloads = decoded.map((p) => Buffer.from(p.data ?? []).toString('utf8')).join('\n');
  expect(payloads).toContain('"kind":"file"');
  assertNoLeak(payloads, [VISA, MASTERCARD], 'decoded history');
  assertNoLeak(svc.logs.join('\n'), [VISA, MASTERCARD], 'service log');
});
