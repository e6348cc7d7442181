// activities/places over the real gateway (node-zendesk) against the Zendesk emulator: chat
// transcripts, text custom fields, side conversations, audit values and emails already sent.
// Activities run in Temporal's MockActivityEnvironment (an activity context for their logger).
import { AGENT_USER_ID } from '../../sandbox/zendesk/users';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createPlaceActivities, type PlaceFinding } from '../../activities/places';
import { AMEX, assertNoLeak, MASTERCARD, spaced, VISA, VISA_2 } from '../helpers/cards';
import { count, type Env, useEnv } from './zendesk/helpers';

const env = useEnv();
let acts: ReturnType<typeof createPlaceActivities>;
const activity = new MockActivityEnvironment();
const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> => activity.run(fn, ...args);
const KEY = 'places-test-fingerprint-key-0123456789abcdef';

beforeEach(() => {
  acts = createPlaceActivities({ zendesk: env.api, fingerprintKey: KEY });
});

/** Results are references only: no form of any test card may appear in them. */
function noText(value: unknown): void {
  assertNoLeak(JSON.stringify(value), [VISA, VISA_2, MASTERCARD, AMEX], 'place activity result');
}

async function chatTicket(active: boolean, messages: Parameters<Env['sb']['control']['seedChat']>[1]['messages']) {
  const t = await env.sb.control.seedTicket({ subject: 'Chat', comments: [{ body: 'chat started', public: false }] });
  const chat = await env.sb.control.seedChat(t.ticket.id, { active, messages });
  return { ticketId: t.ticket.id, chatId: chat.chat_id };
}

describe('chat transcripts', () => {
  test('a card in one chat message is found by chat_id + chat_index, redacted and verified', async () => {
    const { ticketId, chatId } = await chatTicket(false, [{ message: 'hello' }, { message: `my card is ${spaced(VISA)} thanks` }, { message: 'bye', actor_type: 'agent' }]);
    const found = await run(acts.detectPlaces, { ticketId });
    noText(found);
    expect(found.findings).toEqual([{ place: 'chat', kind: 'message', chatId, chatIndex: 1, last4: '1111', brand: 'visa', fingerprint: expect.any(String) }]);
    expect(found.residuals).toEqual([]);

    const done = await run(acts.redactPlaces, { ticketId, findings: found.findings });
    noText(done);
    expect(done).toMatchObject({ outcome: 'done', redacted: found.findings, waiting: [], alreadyGone: [] });
    const history = (await env.api.listComments(ticketId)).find((c) => c.data)!.data!.history;
    expect(history[1]!.message).toBe(`my card is ${'\u2587'.repeat(spaced(VISA).length)} thanks`);
    expect(history[0]!.message).toBe('hello');
    expect(await run(acts.verifyPlaces, { ticketId, findings: found.findings })).toEqual({ remaining: [], residuals: [] });

    // A second pass finds nothing to do: the number is already gone.
    const again = await run(acts.redactPlaces, { ticketId, findings: found.findings });
    expect(again).toMatchObject({ outcome: 'done', redacted: [], alreadyGone: found.findings });
  });

  test('a card in a chat file (its name) goes through chat_file_redactions; message ids work too', async () => {
    const { ticketId, chatId } = await chatTicket(false, [{ message: 'see file' }, { file: { filename: `card-${VISA_2}.jpg` } }, { message: `and ${MASTERCARD}`, message_id: 'msg-9' }]);
    const found = await run(acts.detectPlaces, { ticketId });
    expect(found.findings.map((f) => f.place === 'chat' && [f.kind, f.chatIndex ?? f.messageId, f.last4])).toEqual([
      ['file', 1, '4242'],
      ['message', 'msg-9', '4444'],
    ]);
    await env.sb.control.clearCalls();
    const done = await run(acts.redactPlaces, { ticketId, findings: found.findings });
    expect(done.outcome).toBe('done');
    expect(done.redacted).toHaveLength(2);
    const calls = (await env.sb.control.calls()).filter((c) => c.method === 'PUT').map((c) => [c.path, c.body]);
    expect(calls).toEqual([
      [`/api/v2/chat_redactions/${ticketId}.json`, { chat_id: chatId, message_id: 'msg-9', text: `and <redact>${MASTERCARD}</redact>` }],
      [`/api/v2/chat_file_redactions/${ticketId}.json`, { chat_id: chatId, chat_indexes: [1] }],
    ]);
    const history = (await env.api.listComments(ticketId)).find((c) => c.data)!.data!.history;
    expect(history[1]!.filename).toBe('redacted.txt');
    expect((await run(acts.verifyPlaces, { ticketId, findings: found.findings })).remaining).toEqual([]);
  });

  test('a chat still active is not redacted (chat_active, nothing sent); once it ends it is', async () => {
    const { ticketId, chatId } = await chatTicket(true, [{ message: `card ${VISA}` }]);
    const found = await run(acts.detectPlaces, { ticketId });
    await env.sb.control.clearCalls();
    const waiting = await run(acts.redactPlaces, { ticketId, findings: found.findings });
    expect(waiting).toMatchObject({ outcome: 'chat_active', redacted: [], waiting: found.findings });
    expect((await env.sb.control.calls()).filter((c) => c.method === 'PUT')).toEqual([]);
    expect((await run(acts.verifyPlaces, { ticketId, findings: found.findings })).remaining).toEqual(found.findings);

    await env.sb.control.endChat(ticketId, chatId);
    const done = await run(acts.redactPlaces, { ticketId, findings: waiting.waiting });
    expect(done).toMatchObject({ outcome: 'done', redacted: found.findings, waiting: [] });
    expect((await run(acts.verifyPlaces, { ticketId, findings: found.findings })).remaining).toEqual([]);
  });
});

describe('custom fields', () => {
  test('a card in a text field is overwritten with ▇ for its digits, read back, and its old value named as an audit residual', async () => {
    const text = await env.api.createTicketField({ type: 'text', title: 'Order note' });
    const regexp = await env.api.createTicketField({ type: 'regexp', title: 'Reference' });
    const value = `card ${spaced(VISA, '-')} exp 12/30`;
    const t = await env.api.createTicket({ subject: 'Order', comment: { body: 'see fields', public: false }, custom_fields: [{ id: text.id, value }, { id: regexp.id, value: VISA_2 }] });

    const found = await run(acts.detectPlaces, { ticketId: t.id });
    noText(found);
    const fields = found.findings.filter((f) => f.place === 'field');
    // Only text/textarea fields are read; the regexp field's value is not.
    expect(fields).toEqual([{ place: 'field', fieldId: text.id, fieldTitle: 'Order note', last4: '1111', brand: 'visa', fingerprint: expect.any(String) }]);
    // The ticket's creation audit already holds the values it was created with; audits are
    // scanned whatever the field type.
    expect(found.residuals.map((r) => [r.place, r.last4])).toEqual([
      ['audit', '1111'],
      ['audit', '4242'],
    ]);

    const done = await run(acts.redactPlaces, { ticketId: t.id, findings: found.findings });
    expect(done.redacted).toEqual(fields);
    const after = (await env.api.getTicket(t.id)).custom_fields.find((f) => f.id === text.id)!.value as string;
    expect(after).toBe(`card ${'\u2587'.repeat(4)}-${'\u2587'.repeat(4)}-${'\u2587'.repeat(4)}-${'\u2587'.repeat(4)} exp 12/30`);
    expect(count(after)).toBe(16);

    const verified = await run(acts.verifyPlaces, { ticketId: t.id, findings: found.findings });
    expect(verified.remaining).toEqual([]);
    // Now the value is also an audit's previous_value: one residual (one request to Zendesk) per card.
    expect(verified.residuals.map((r) => r.last4)).toEqual(['1111', '4242']);
    expect(verified.residuals[0]!.ref).toMatch(new RegExp(`^audits \\d+ \\(${text.id}\\), \\d+ \\(${text.id}\\)$`));
    expect(verified.residuals[0]!.manualStep).toContain(`ask Zendesk Support to purge the card number from the audits of ticket #${t.id}`);
  });

  test('the text-field list is learnt once from the Ticket Fields API and cached', async () => {
    await env.api.createTicketField({ type: 'textarea', title: 'Notes' });
    const t = await env.sb.control.seedTicket({ comments: [{ body: 'x', public: false }] });
    await env.sb.control.clearCalls();
    await run(acts.detectPlaces, { ticketId: t.ticket.id });
    await run(acts.detectPlaces, { ticketId: t.ticket.id });
    expect((await env.sb.control.calls()).filter((c) => c.path.startsWith('/api/v2/ticket_fields'))).toHaveLength(1);
  });
});

describe('residuals', () => {
  test('a card in a side-conversation message is found by conversation and event, and reported as residual (no redaction API)', async () => {
    const t = await env.sb.control.seedTicket({ comments: [{ body: 'x', public: false }] });
    const sc = await env.sb.control.seedSideConversation(t.ticket.id, { subject: 'Billing', messages: [{ body: 'please charge' }, { body: `card ${AMEX}` }] });
    const found = await run(acts.detectPlaces, { ticketId: t.ticket.id });
    noText(found);
    expect(found.findings).toEqual([{ place: 'side_conversation', sideConversationId: sc.side_conversation.id, eventId: sc.events[1]!.id, channel: 'email', last4: '0005', brand: 'amex', fingerprint: expect.any(String) }]);
    expect(found.residuals).toEqual([
      { place: 'side_conversation', ref: `side conversation ${sc.side_conversation.id} message ${sc.events[1]!.id}`, last4: '0005', manualStep: expect.stringContaining('redact this side-conversation message by hand') },
    ]);
    await env.sb.control.clearCalls();
    const done = await run(acts.redactPlaces, { ticketId: t.ticket.id, findings: found.findings });
    expect(done).toMatchObject({ outcome: 'done', redacted: [], residuals: found.residuals });
    expect((await env.sb.control.calls()).filter((c) => c.method !== 'GET')).toEqual([]);
  });

  test('a Slack side conversation: the residual says the Slack copy must be deleted there', async () => {
    const t = await env.sb.control.seedTicket({ comments: [{ body: 'x', public: false }] });
    await env.sb.control.seedSideConversation(t.ticket.id, { messages: [{ body: `card ${VISA}`, to: [{ name: 'Billing channel', slack_workspace_id: 'T0SANDBOX', slack_channel_id: 'C0BILLING1' }] }] });
    const found = await run(acts.detectPlaces, { ticketId: t.ticket.id });
    expect(found.findings.map((f) => f.place === 'side_conversation' && f.channel)).toEqual(['slack']);
    expect(found.residuals[0]!.manualStep).toContain('a Slack workspace admin must delete that message there');
  });

  test('an old subject in the audit trail is a residual with its audit ids and the manual step', async () => {
    const t = await env.api.createTicket({ subject: `Refund to ${VISA}`, comment: { body: 'internal', public: false } });
    await env.api.updateTicket(t.id, { subject: 'Refund to card ending 1111' });
    const audits = await env.api.listAudits(t.id);
    const found = await run(acts.detectPlaces, { ticketId: t.id });
    noText(found);
    expect(found.findings.map((f) => f.place === 'audit' && [f.auditId, f.fieldName, f.last4])).toEqual([
      [audits[0]!.id, 'subject', '1111'],
      [audits[1]!.id, 'subject', '1111'],
    ]);
    expect(found.residuals).toEqual([
      {
        place: 'audit',
        ref: `audits ${audits[0]!.id} (subject), ${audits[1]!.id} (subject)`,
        last4: '1111',
        manualStep: `Zendesk keeps old values in the audit trail and its API cannot redact them: ask Zendesk Support to purge the card number from the audits of ticket #${t.id}, or delete the ticket once its content is saved.`,
      },
    ]);
  });

  test("the requester's own public comment, with no CCs, was not emailed to anyone: no residual", async () => {
    const t = await env.sb.control.seedTicket({ comments: [{ body: `my card ${VISA}`, public: true }] });
    const found = await run(acts.detectPlaces, { ticketId: t.ticket.id });
    expect(found.findings).toEqual([]);
  });

  test("an agent's public reply with a card was emailed to the requester: a residual that stays after the comment is redacted", async () => {
    const t = await env.sb.control.seedTicket({ comments: [{ body: 'hello' }, { body: `your card ${VISA} is on file`, public: true, author_id: AGENT_USER_ID }] });
    t.comments.shift();
    const found = await run(acts.detectPlaces, { ticketId: t.ticket.id });
    expect(found.findings).toEqual([{ place: 'email', commentId: t.comments[0]!.id, last4: '1111', brand: 'visa', fingerprint: expect.any(String) }]);
    await env.api.redactCommentText(t.ticket.id, t.comments[0]!.id, VISA);
    const verified = await run(acts.verifyPlaces, { ticketId: t.ticket.id, findings: found.findings });
    expect(verified.residuals.map((r) => [r.place, r.ref])).toEqual([['email', `comment ${t.comments[0]!.id}`]]);
  });

  test('findings that are not references are refused', async () => {
    const bad = [{ place: 'field', fieldId: 1, last4: VISA, brand: 'visa', fingerprint: 'x' }] as unknown as PlaceFinding[];
    await expect(run(acts.redactPlaces, { ticketId: 1, findings: bad })).rejects.toThrow();
  });
});
