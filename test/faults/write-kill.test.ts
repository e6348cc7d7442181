// Exactly-once writes: the worker is killed (SIGKILL) with each kind of write in flight (an internal
// note, the public reply Zendesk emails to the agent, a Slack thread reply, a Slack card update). The
// write lands after the kill; the retried activity reads back, finds its marker and does not write
// again. Exactly one copy results, and the fault suite's invariants hold.
import type { WorkerChild } from '../helpers/worker-child';
import { CHANNEL } from '../helpers/harness';
import { claim, faultHit, printSummary, resultWithin, seedCardTicket, slackCard, startKillableWorker, verify, type FaultHarness, type Handle } from './fixtures';

jest.setTimeout(240_000);

let h: FaultHarness;
let worker: WorkerChild;
let killAndRestart: (what: string) => Promise<void>;
beforeAll(async () => {
  ({ h, worker, killAndRestart } = await startKillableWorker('write'));
}, 180_000);
afterAll(async () => {
  printSummary('write-kill');
  await worker?.stop(5_000);
  await h?.close();
});

async function childComments(childId: number, text: string) {
  return (await h.zendesk.control.getTicket(childId)).comments.filter((c) => (c.plain_body ?? c.body).includes(text));
}

async function slackCalls(method: string) {
  return (await h.slack.control.requests()).filter((r) => r.method === method);
}

test('SIGKILL with the documentation note in flight leaves one note', async () => {
  const { ticketId, commentId } = await seedCardTicket(h);
  const handle: Handle = await h.request(ticketId, {});
  const fault = await h.zendesk.control.addFault({ match: { method: 'PUT', path: '^/api/v2/tickets/\\d+', bodyIncludes: 'Redaction done.' }, times: 1, response: { delayMs: 2_000 } });
  await claim(handle);
  await faultHit(h, fault.id);
  await killAndRestart('documentation note');
  const result = await resultWithin(handle);
  expect(await childComments(result.childTicketId!, 'Redaction done.')).toHaveLength(1);
  await verify(h, 'write a: SIGKILL with the child-ticket note in flight', 'the note landed after the kill; the retry found its marker', { ticketId, result, outcomes: ['redacted'], redactedComments: [commentId] });
});

test('SIGKILL with the public reply to the agent in flight leaves one reply (one email)', async () => {
  const { ticketId, commentId } = await seedCardTicket(h);
  const handle: Handle = await h.request(ticketId, {});
  const fault = await h.zendesk.control.addFault({ match: { method: 'PUT', path: '^/api/v2/tickets/\\d+', bodyIncludes: 'has been redacted' }, times: 1, response: { delayMs: 2_000 } });
  await claim(handle);
  await faultHit(h, fault.id);
  await killAndRestart('public reply');
  const result = await resultWithin(handle);
  const replies = await childComments(result.childTicketId!, 'has been redacted');
  expect(replies).toHaveLength(1);
  expect(replies[0]!.public).toBe(true);
  expect((await h.zendesk.control.getTicket(result.childTicketId!)).status).toBe('solved');
  await verify(h, 'write b: SIGKILL with the public reply in flight', 'the reply landed after the kill; the retry only checked the ticket is solved', { ticketId, result, outcomes: ['redacted'], redactedComments: [commentId] });
});

test('SIGKILL with a Slack thread reply in flight leaves one reply', async () => {
  const { ticketId, commentId } = await seedCardTicket(h);
  const handle: Handle = await h.request(ticketId, {}, { claimReminderAfter: '3s' });
  const fault = await h.slack.control.addFault({ match: { method: '^chat\\.postMessage$', bodyIncludes: 'Reminder:' }, times: 1, response: { delayMs: 2_000 } });
  const ts = await slackCard(h, ticketId);
  await eventually(async () => (await h.slack.control.faults()).every((f) => f.id !== fault.id), 'the reminder post');
  await killAndRestart('thread reply');
  // Give the retried reminder time to run, then claim.
  await eventually(async () => (await h.slack.control.message(CHANNEL, ts)).replies.some((r) => r.text.startsWith('Reminder:')), 'the reminder reply');
  await new Promise((r) => setTimeout(r, 5_000));
  await claim(handle);
  const result = await resultWithin(handle);
  const reminders = (await h.slack.control.message(CHANNEL, ts)).replies.filter((r) => r.text.startsWith('Reminder:'));
  expect(reminders).toHaveLength(1);
  await verify(h, 'write c: SIGKILL with a Slack thread reply in flight', 'the reply landed after the kill; the retry found it by its metadata', { ticketId, result, outcomes: ['redacted'], redactedComments: [commentId] });
});

test('SIGKILL with a Slack card update in flight leaves one card, in its final state', async () => {
  const { ticketId, commentId } = await seedCardTicket(h);
  const handle: Handle = await h.request(ticketId, {});
  const ts = await slackCard(h, ticketId);
  const fault = await h.slack.control.addFault({ match: { method: '^chat\\.update$', bodyIncludes: 'in progress' }, times: 1, response: { delayMs: 2_000 } });
  await claim(handle);
  await eventually(async () => (await h.slack.control.faults()).every((f) => f.id !== fault.id), 'the card update');
  await killAndRestart('card update');
  const result = await resultWithin(handle);
  const cards = (await h.slack.control.messages(CHANNEL)).filter((m) => m.text?.includes(`#${ticketId}`));
  expect(cards).toHaveLength(1);
  expect(cards[0]!.ts).toBe(ts);
  expect(cards[0]!.text).toContain('done');
  expect((await slackCalls('chat.postMessage')).filter((r) => JSON.stringify(r.body).includes(`#${ticketId}`) && !JSON.stringify(r.body).includes('thread_ts'))).toHaveLength(1);
  await verify(h, 'write d: SIGKILL with a Slack card update in flight', 'updates replace the message: the retry re-applied the same state', { ticketId, result, outcomes: ['redacted'], redactedComments: [commentId] });
});

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
