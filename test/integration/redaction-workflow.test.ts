// The redaction workflow end to end on the real dev server, with the Zendesk and Slack emulators.
import { AGENT_USER_ID } from '../../sandbox/zendesk/users';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { claimUpdate, requestSignal, statusQuery } from '../../workflows/messages';
import type { redactionWorkflow } from '../../workflows/redaction';
import type { RedactionStatus } from '../../workflows/types';
import { AMEX, assertNoLeak, MASTERCARD, spaced, VISA, VISA_2 } from '../helpers/cards';
import { collectPayloads } from '../helpers/history-json';
import { CHANNEL, eventually, LEAD, startHarness, workflowBundle, type Harness } from '../helpers/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function seed(comments: Array<{ body: string; public?: boolean; author_id?: number; attachments?: Array<{ file_name: string }> }>, subject = 'Help with my order') {
  const { ticket, comments: created } = await h.zendesk.control.seedTicket({ subject, status: 'open', comments });
  return { ticketId: ticket.id, commentIds: created.map((c) => c.id) };
}

/** Waits for the request's Slack card and returns its ts. */
async function slackCard(ticketId: number): Promise<string> {
  return eventually(async () => {
    const messages = await h.slack.control.messages(CHANNEL);
    return messages.find((m) => m.text?.includes(`#${ticketId}`))?.ts;
  }, 30_000, `Slack card for ticket ${ticketId}`);
}

async function claim(handle: WorkflowHandle<typeof redactionWorkflow>, lead = LEAD) {
  await eventually(async () => (await handle.query(statusQuery)).stage === 'awaiting_claim', 30_000, 'awaiting_claim');
  return handle.executeUpdate(claimUpdate, { args: [{ slackUserId: lead, source: 'test' }] });
}

async function comment(ticketId: number, commentId: number) {
  const ticket = await h.zendesk.control.getTicket(ticketId);
  return ticket.comments.find((c) => c.id === commentId)!;
}

async function childTickets(parentId: number) {
  const state = await h.zendesk.control.state();
  return state.tickets.filter((t) => t.subject?.includes(`ticket #${parentId}`) && t.tags.includes('pan_redaction_request'));
}

test('happy path: detect, child ticket, Slack card, claim, redact, verify, document, notify, done', async () => {
  const { ticketId, commentIds } = await seed([{ body: `Hi, my card is ${spaced(VISA)} exp 12/27, please update billing.` }]);
  const handle = await h.request(ticketId, { source: 'agent', requestedBy: 9001 });
  const ts = await slackCard(ticketId);
  const card = await h.slack.control.message(CHANNEL, ts);
  expect(JSON.stringify(card.blocks)).toContain('claim_redaction');
  expect(card.text).toContain(`#${ticketId}`);

  const claimed = await claim(handle);
  expect(claimed.claimedBy).toBe(LEAD);
  const result = await handle.result();

  expect(result.outcome).toBe('redacted');
  expect(result.last4).toEqual(['1111']);
  expect(result.claimedBy).toBe(LEAD);
  const redacted = await comment(ticketId, commentIds[0]!);
  expect(redacted.plain_body).toContain('▇');
  expect(redacted.plain_body).toContain('exp 12/27'); // the expiry is not part of the number
  assertNoLeak(JSON.stringify(redacted), [VISA], 'the redacted comment');

  const [child] = await childTickets(ticketId);
  expect(child).toBeDefined();
  expect(child!.status).toBe('solved');
  expect(child!.requester_id).toBe(9001);
  const childComments = (await h.zendesk.control.getTicket(child!.id)).comments;
  expect(childComments.some((c) => !c.public && c.plain_body.includes('Redacted card ending 1111'))).toBe(true);
  expect(childComments.some((c) => c.public && c.plain_body.includes('has been redacted'))).toBe(true);
  const parent = await h.zendesk.control.getTicket(ticketId);
  expect(parent.comments.some((c) => !c.public && c.plain_body.includes('Card data redacted'))).toBe(true);

  const reactions = await h.slack.control.reactions(CHANNEL, ts);
  expect(reactions.map((r) => r.name)).toContain('white_check_mark');
  const final = await h.slack.control.message(CHANNEL, ts);
  expect(JSON.stringify(final.blocks)).not.toContain('claim_redaction');
  expect(final.text).toContain('done');
});

test('only the last 4 digits shared: an agent request is denied with the reason', async () => {
  const { ticketId } = await seed([{ body: 'The charge on my card ending 4242 looks wrong.' }]);
  const handle = await h.request(ticketId, { source: 'agent', requestedBy: 9002 });
  const result = await handle.result();
  expect(result.outcome).toBe('denied_last4_only');
  const [child] = await childTickets(ticketId);
  expect(child!.status).toBe('solved');
  const notes = (await h.zendesk.control.getTicket(child!.id)).comments.map((c) => c.plain_body).join('\n');
  expect(notes).toContain('only the last 4 digits were shared');
  expect((await h.slack.control.messages(CHANNEL)).some((m) => m.text?.includes(`#${ticketId}`))).toBe(false);
});

test('a request for something that is not card data is denied', async () => {
  const { ticketId } = await seed([{ body: 'Please remove my phone number +1 415 555 0100 and order 123-456-789.' }]);
  const result = await (await h.request(ticketId, { source: 'agent' })).result();
  expect(result.outcome).toBe('denied_not_card_data');
  const [child] = await childTickets(ticketId);
  const notes = (await h.zendesk.control.getTicket(child!.id)).comments.map((c) => c.plain_body).join('\n');
  expect(notes).toContain('not card data: we only redact card numbers');
});

test('automatic detection without card data ends quietly', async () => {
  const { ticketId } = await seed([{ body: 'Where is my parcel?' }]);
  const result = await (await h.request(ticketId, { source: 'detection' })).result();
  expect(result.outcome).toBe('no_card_data');
  expect(await childTickets(ticketId)).toHaveLength(0);
});

test('card numbers in two comments are both redacted', async () => {
  const { ticketId, commentIds } = await seed([{ body: `first: ${MASTERCARD}` }, { body: `second: ${spaced(AMEX, '-')}`, public: false }]);
  const handle = await h.request(ticketId, {});
  await claim(handle);
  const result = await handle.result();
  expect(result.outcome).toBe('redacted');
  expect(result.last4.sort()).toEqual(['0005', '4444']);
  for (const id of commentIds) assertNoLeak(JSON.stringify(await comment(ticketId, id)), [MASTERCARD, AMEX], `comment ${id}`);
});

test('an attachment named by the agent is redacted', async () => {
  const { ticketId, commentIds } = await seed([{ body: 'photo of my card attached', attachments: [{ file_name: 'card-front.jpg' }, { file_name: 'invoice.pdf' }] }]);
  const handle = await h.request(ticketId, { source: 'agent', attachmentNames: ['card-front.jpg'] });
  await claim(handle);
  const result = await handle.result();
  expect(result.attachments).toEqual(['card-front.jpg']);
  const names = (await comment(ticketId, commentIds[0]!)).attachments.map((a) => a.file_name).sort();
  expect(names).toEqual(['invoice.pdf', 'redacted.txt']);
});

test('a new card number arriving while waiting for the claim joins the same request', async () => {
  const { ticketId } = await seed([{ body: `card ${VISA}` }]);
  const handle = await h.request(ticketId, { deliveryId: 'delivery-1' });
  const ts = await slackCard(ticketId);
  const added = await h.zendesk.control.addComment(ticketId, { body: `sorry, use this one: ${VISA_2}` });
  const joined = await h.request(ticketId, { deliveryId: 'delivery-2', commentId: added.comment.id });
  expect(joined.signaledRunId).toBe(handle.signaledRunId);
  await eventually(async () => (await handle.query(statusQuery)).last4.length === 2, 30_000, 'second card to join');
  // The status shows the join first; the thread reply follows as its own step.
  await eventually(async () => (await h.slack.control.message(CHANNEL, ts)).replies.some((r) => r.text.includes('joined')), 30_000, 'the join reply');
  await claim(handle);
  const result = await handle.result();
  expect(result.last4.sort()).toEqual(['1111', '4242']);
  assertNoLeak(JSON.stringify(await h.zendesk.control.getTicket(ticketId)), [VISA, VISA_2], 'the ticket');
  expect(await childTickets(ticketId)).toHaveLength(1);
});

test('a duplicate delivery is ignored', async () => {
  const { ticketId } = await seed([{ body: `card ${VISA}` }]);
  const handle = await h.request(ticketId, { deliveryId: 'same-delivery' });
  await h.request(ticketId, { deliveryId: 'same-delivery' });
  await eventually(async () => (await handle.query(statusQuery)).stage === 'awaiting_claim');
  expect((await handle.query(statusQuery)).requests).toBe(1);
  await claim(handle);
  await handle.result();
});

test('no claim: a reminder, then an escalation, in the Slack thread', async () => {
  const { ticketId } = await seed([{ body: `card ${VISA}` }]);
  const handle = await h.request(ticketId, {}, { claimReminderAfter: '1s', escalationMention: '<!subteam^S0LEADS>' });
  const ts = await slackCard(ticketId);
  const replies = await eventually(async () => {
    const m = await h.slack.control.message(CHANNEL, ts);
    return m.replies.length >= 2 ? m.replies : undefined;
  }, 20_000, 'reminder and escalation');
  expect(replies[0]!.text).toContain('Reminder');
  expect(replies[1]!.text).toContain('<!subteam^S0LEADS>');
  expect((await handle.query(statusQuery)).remindersSent).toBeGreaterThanOrEqual(2);
  await claim(handle);
  expect((await handle.result()).outcome).toBe('redacted');
});

test('Zendesk answering 500 twice still yields exactly one child ticket', async () => {
  const { ticketId } = await seed([{ body: `card ${VISA}` }]);
  await h.zendesk.control.addFault({ match: { method: 'POST', path: '^/api/v2/tickets(\\.json)?$' }, times: 2, response: { status: 500 } });
  const handle = await h.request(ticketId, {});
  await claim(handle);
  await handle.result();
  expect(await childTickets(ticketId)).toHaveLength(1);
  const creates = (await h.zendesk.control.calls()).filter((c) => c.method === 'POST' && /^\/api\/v2\/tickets(\.json)?$/.test(c.path));
  expect(creates.filter((c) => c.status === 500).length).toBeGreaterThanOrEqual(2);
});

test('a 429 with Retry-After is honoured', async () => {
  const { ticketId } = await seed([{ body: `card ${VISA}` }]);
  await h.zendesk.control.clearCalls();
  const path = `^/api/v2/tickets/${ticketId}/comments`;
  await h.zendesk.control.addFault({ match: { method: 'GET', path }, times: 1, response: { status: 429, headers: { 'Retry-After': '2' } } });
  const handle = await h.request(ticketId, {});
  await eventually(async () => (await handle.query(statusQuery)).stage === 'awaiting_claim', 30_000);
  const calls = (await h.zendesk.control.calls()).filter((c) => c.method === 'GET' && new RegExp(path).test(c.path));
  const limited = calls.find((c) => c.status === 429)!;
  const next = calls.find((c) => c.status === 200 && Date.parse(c.time) >= Date.parse(limited.time))!;
  expect(Date.parse(next.time) - Date.parse(limited.time)).toBeGreaterThanOrEqual(2_000);
  await claim(handle);
  await handle.result();
});

test('a merge asked for in a note happens strictly after verification', async () => {
  const target = await seed([{ body: 'original request' }], 'Target ticket');
  const { ticketId } = await seed([{ body: `card ${VISA}` }, { body: `Duplicate: please merge into #${target.ticketId}`, public: false, author_id: AGENT_USER_ID }]);
  await h.zendesk.control.clearCalls();
  const handle = await h.request(ticketId, {});
  await claim(handle);
  const result = await handle.result();
  expect(result.outcome).toBe('redacted_and_merged');
  expect(result.mergeTarget).toBe(target.ticketId);
  const calls = await h.zendesk.control.calls();
  const redactAt = calls.findIndex((c) => c.path.includes('comment_redactions'));
  const mergeAt = calls.findIndex((c) => c.path.includes(`/tickets/${target.ticketId}/merge`));
  const verifyReads = calls.map((c, i) => ({ c, i })).filter(({ c, i }) => i > redactAt && c.method === 'GET' && c.path.includes(`/tickets/${ticketId}/comments`));
  expect(redactAt).toBeGreaterThan(-1);
  expect(verifyReads.length).toBeGreaterThan(0);
  expect(mergeAt).toBeGreaterThan(verifyReads[0]!.i);
  expect((await h.zendesk.control.getTicket(ticketId)).status).toBe('closed');
});

test('a merge target that is closed ends with a clear note and keeps the redaction', async () => {
  const target = await seed([{ body: 'old' }], 'Closed target');
  await h.zendeskApi.updateTicket(target.ticketId, { status: 'closed' });
  const { ticketId, commentIds } = await seed([{ body: `card ${VISA}` }, { body: `merge to ${target.ticketId}`, public: false, author_id: AGENT_USER_ID }]);
  const handle = await h.request(ticketId, {});
  await claim(handle);
  const result = await handle.result();
  expect(result.outcome).toBe('redacted_merge_skipped');
  expect(result.detail).toContain('is closed');
  assertNoLeak(JSON.stringify(await comment(ticketId, commentIds[0]!)), [VISA], 'the comment');
});

test('a failed verification fails loudly and never merges', async () => {
  const target = await seed([{ body: 'target' }], 'Merge target');
  const { ticketId, commentIds } = await seed([{ body: `card ${VISA}` }, { body: `merge into #${target.ticketId}`, public: false, author_id: AGENT_USER_ID }]);
  // Zendesk answers 200 with the comment unchanged: the number survives every pass.
  const unchanged = await comment(ticketId, commentIds[0]!);
  await h.zendesk.control.clearCalls();
  await h.zendesk.control.addFault({ match: { method: 'PUT', path: '^/api/v2/comment_redactions/' }, times: 10, response: { status: 200, body: { comment: unchanged } } });
  const handle = await h.request(ticketId, {});
  const ts = await slackCard(ticketId);
  await claim(handle);
  await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
  await h.zendesk.control.clearFaults();
  const calls = await h.zendesk.control.calls();
  expect(calls.some((c) => c.path.includes('comment_redactions'))).toBe(true);
  expect(calls.some((c) => c.path.includes('/merge'))).toBe(false);
  const status: RedactionStatus = await handle.query(statusQuery);
  expect(status.outcome).toBe('verification_failed');
  const [child] = await childTickets(ticketId);
  const notes = (await h.zendesk.control.getTicket(child!.id)).comments.map((c) => c.plain_body).join('\n');
  expect(notes).toContain('Redaction FAILED');
  const thread = await h.slack.control.message(CHANNEL, ts);
  expect(thread.replies.some((r) => r.text.includes('FAILED'))).toBe(true);
});

test('an unknown ticket ends in a recorded outcome, not a retry loop', async () => {
  const result = await (await h.request(987_654_321_000, { source: 'agent' })).result();
  expect(result.outcome).toBe('ticket_not_found');
});

test('no card digits in the raw history of a completed run, and recorded histories replay', async () => {
  const pan = MASTERCARD;
  const { ticketId } = await seed([{ body: `number ${spaced(pan)} and cvv 123` }], `card ${pan}`);
  const handle = await h.request(ticketId, { source: 'agent', attachmentNames: [`scan ${pan}.png`] });
  await claim(handle);
  await handle.result();
  const history = await handle.fetchHistory();
  const raw = JSON.stringify(history);
  assertNoLeak(raw, [pan], 'the raw workflow history');
  // Decoded too: encryption is a second layer, not the reason nothing leaks.
  const payloads = collectPayloads(history);
  expect(payloads.length).toBeGreaterThan(5);
  const decoded = await h.codec.decode(payloads);
  assertNoLeak(decoded.map((p) => Buffer.from(p.data ?? []).toString('utf8')).join('\n'), [pan], 'the decoded history');

  await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter: h.dataConverter }, history, handle.workflowId);
});

test('requests signalled to a finished ticket start a fresh cycle', async () => {
  const { ticketId } = await seed([{ body: `card ${VISA}` }]);
  const first = await h.request(ticketId, {});
  await claim(first);
  await first.result();
  await h.zendesk.control.addComment(ticketId, { body: `another: ${VISA_2}` });
  const second = await h.request(ticketId, {});
  expect(second.signaledRunId).not.toBe(first.signaledRunId);
  await second.signal(requestSignal, { deliveryId: 'x', source: 'detection' });
  await claim(second);
  expect((await second.result()).last4).toEqual(['4242']);
});
