// Issue 14 end to end: the other places a card sits (chat transcripts, text fields, side
// conversations, the audit trail) through the real workflow, worker, clients and emulators.
import { spaced, VISA, VISA_2, assertNoLeak } from '../helpers/cards';
import { collectPayloads } from '../helpers/history-json';
import { startHarness, type Harness } from '../helpers/harness';

jest.setTimeout(120_000);

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const auto = { mode: 'auto' as const, chatWaitInterval: '1s' };

async function childNotes(ticketId: number): Promise<string> {
  const state = await h.zendesk.control.state();
  const child = state.tickets.find((t) => t.subject?.includes(`ticket #${ticketId}`) && t.tags.includes('pan_redaction_request'));
  return (child?.comments ?? []).map((c) => c.plain_body ?? c.body).join('\n');
}

async function noCardInHistory(workflowId: string) {
  const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
  const decoded = await h.codec.decode(collectPayloads(history));
  assertNoLeak(decoded.map((p) => Buffer.from(p.data ?? []).toString('utf8')).join('\n'), [VISA, VISA_2], 'decoded history');
}

test('a card in a chat message is redacted through chat_redactions and verified', async () => {
  const t = await h.zendesk.control.seedTicket({ subject: 'Chat', comments: [{ body: 'chat started', public: false }] });
  await h.zendesk.control.seedChat(t.ticket.id, { active: false, messages: [{ message: 'hi' }, { message: `card ${spaced(VISA)}` }] });
  const handle = await h.request(t.ticket.id, { source: 'detection' }, auto);
  const result = await handle.result();
  expect(result.outcome).toBe('redacted');
  expect(await childNotes(t.ticket.id)).toMatch(/- Redacted card ending 1111 \(visa\) in chat \S+ \(a message\)\./);
  const chat = (await h.zendeskApi.listComments(t.ticket.id)).find((c) => c.data)!;
  assertNoLeak(JSON.stringify(chat), [VISA], 'chat transcript');
  await noCardInHistory(handle.workflowId);
});

test('a chat still active waits with a durable timer and is redacted once it ends', async () => {
  const t = await h.zendesk.control.seedTicket({ subject: 'Chat', comments: [{ body: 'chat started', public: false }] });
  const chat = await h.zendesk.control.seedChat(t.ticket.id, { active: true, messages: [{ message: `card ${VISA_2}` }] });
  const handle = await h.request(t.ticket.id, { source: 'detection' }, auto);
  await new Promise((r) => setTimeout(r, 3_000));
  await h.zendesk.control.endChat(t.ticket.id, chat.chat_id);
  const result = await handle.result();
  expect(result.outcome).toBe('redacted');
  const history = await handle.fetchHistory();
  expect(history.events!.filter((e) => e.timerStartedEventAttributes).length).toBeGreaterThanOrEqual(1);
  assertNoLeak(JSON.stringify((await h.zendeskApi.listComments(t.ticket.id)).find((c) => c.data)), [VISA_2], 'chat transcript');
});

test('a card in a text custom field is overwritten and verified; its old value is a residual in the audit trail', async () => {
  const field = await h.zendeskApi.createTicketField({ type: 'text', title: 'Order note' });
  const ticket = await h.zendeskApi.createTicket({ subject: 'Order', comment: { body: 'see fields', public: false }, custom_fields: [{ id: field.id, value: `pay with ${VISA}` }] });
  const result = await (await h.request(ticket.id, { source: 'detection' }, auto)).result();
  expect(result.outcome).toBe('redacted_with_residuals');
  const value = (await h.zendeskApi.getTicket(ticket.id)).custom_fields.find((f) => f.id === field.id)!.value as string;
  assertNoLeak(value, [VISA], 'custom field');
  expect(result.residuals!.some((r) => r.place.startsWith('audit'))).toBe(true);
  const notes = await childNotes(ticket.id);
  expect(notes).toContain(`- Redacted card ending 1111 (visa) in ticket field ${field.id}.`);
  expect(notes).toContain('Residuals');
  expect(notes).toMatch(/purge/i);
});

test('a card in a side-conversation message and an old subject in the audit trail are residuals, named with their manual step', async () => {
  const ticket = await h.zendeskApi.createTicket({ subject: `Refund to ${VISA}`, comment: { body: 'internal', public: false } });
  await h.zendeskApi.updateTicket(ticket.id, { subject: 'Refund' });
  await h.zendesk.control.seedSideConversation(ticket.id, { subject: 'Billing', messages: [{ body: `card ${VISA_2}` }] });
  const result = await (await h.request(ticket.id, { source: 'detection' }, auto)).result();
  expect(result.outcome).toBe('redacted_with_residuals');
  const places = result.residuals!.map((r) => r.place);
  expect(places.some((p) => p.startsWith('side_conversation'))).toBe(true);
  expect(places.some((p) => p.startsWith('audit'))).toBe(true);
  const notes = await childNotes(ticket.id);
  assertNoLeak(notes, [VISA, VISA_2], 'child ticket');
  expect(notes).toContain('card ending 4242');
});
