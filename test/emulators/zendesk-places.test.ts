// The Zendesk emulator's other places on a ticket — chat transcripts, ticket fields, side
// conversations, audits, users, tags — through node-zendesk and our gateway (activities/zendesk-api.ts).
import { type Any, caught, count, raw, useEnv } from './zendesk/helpers';

const env = useEnv();

const PAN = '4111 1111 1111 1111';

describe('chat transcripts', () => {
  test('a chat is a ChatStartedEvent comment whose data holds the history; the audits carry it too', async () => {
    const t = await env.sb.control.seedTicket({ comments: [{ body: 'chat ticket' }] });
    const chat = await env.sb.control.seedChat(t.ticket.id, { messages: [{ message: 'hi' }, { message: `card ${PAN}`, message_id: 'm-2' }, { file: { filename: 'card.jpg' } }] });
    const comments = await env.api.listComments(t.ticket.id);
    const c = comments.find((x) => x.type === 'ChatStartedEvent');
    expect(c?.data).toMatchObject({ chat_id: chat.chat_id, history: [{ chat_index: 0, type: 'ChatMessage', message: 'hi' }, { message_id: 'm-2' }, { chat_index: 2, type: 'ChatFileAttachment', filename: 'card.jpg' }] });
    const audits = await env.api.listAudits(t.ticket.id);
    expect(audits.flatMap((a) => a.events.map((e) => e.type))).toContain('ChatStartedEvent');
    expect(audits.flatMap((a) => a.events.map((e) => e.type))).not.toContain('ChatEndedEvent');
  });

  test('an active chat cannot be redacted; once ended, chat_redactions and chat_file_redactions work', async () => {
    const t = await env.sb.control.seedTicket({ comments: [{ body: 'chat ticket' }] });
    const chat = await env.sb.control.seedChat(t.ticket.id, { messages: [{ message: `card ${PAN}` }, { file: { filename: `${PAN}.jpg` } }] });
    const ref = { chatId: chat.chat_id, chatIndex: 0 };
    const active = await caught(env.api.redactChatMessage(t.ticket.id, ref, `card <redact>${PAN}</redact>`));
    expect(active).toMatchObject({ status: 422, details: [{ field: 'chat_id', error: 'ChatActive' }] });
    expect((await caught(env.api.redactChatFiles(t.ticket.id, { chatId: chat.chat_id, chatIndexes: [1] }))).status).toBe(422);

    await env.sb.control.endChat(t.ticket.id, chat.chat_id);
    expect((await env.api.listAudits(t.ticket.id)).flatMap((a) => a.events.map((e) => e.type))).toContain('ChatEndedEvent');
    const mismatch = await caught(env.api.redactChatMessage(t.ticket.id, ref, `other <redact>${PAN}</redact>`));
    expect(mismatch.details).toEqual([{ field: 'text', error: 'ContentMismatch' }]);
    const ev = await env.api.redactChatMessage(t.ticket.id, ref, `card <redact>${PAN}</redact>`);
    expect(ev).toMatchObject({ type: 'ChatStartedEvent', value: { chat_id: chat.chat_id, history: [{ chat_index: 0 }] } });
    expect(count(ev.value.history[0]!.message!)).toBe(PAN.length);
    const files = await env.api.redactChatFiles(t.ticket.id, { chatId: chat.chat_id, chatIndexes: [1] });
    expect(files.value.history[0]).toMatchObject({ filename: 'redacted.txt', size: 0 });

    const history = (await env.api.listComments(t.ticket.id)).find((x) => x.data)!.data!.history;
    expect(history.map((h) => h.message ?? h.filename).join(' ')).not.toContain('4111');
    expect((await env.api.getTicket(t.ticket.id)).tags).toContain('redacted_content');
    // Unknown chat → 404; a message id that is not there → 404.
    expect((await caught(env.api.redactChatMessage(t.ticket.id, { chatId: 'nope', chatIndex: 0 }, 'x'))).status).toBe(404);
    expect((await caught(env.api.redactChatMessage(t.ticket.id, { chatId: chat.chat_id, messageId: 'zzz' }, 'x'))).status).toBe(404);
  });

  test('a chat seeded as ended can be redacted by message_id', async () => {
    const t = await env.sb.control.seedTicket({ comments: [{ body: 'chat ticket' }] });
    const chat = await env.sb.control.seedChat(t.ticket.id, { active: false, messages: [{ message: PAN, message_id: 'abc' }] });
    const ev = await env.api.redactChatMessage(t.ticket.id, { chatId: chat.chat_id, messageId: 'abc' }, `<redact>${PAN}</redact>`);
    expect(count(ev.value.history[0]!.message!)).toBe(PAN.length);
  });
});

describe('ticket fields and custom field values', () => {
  test('list, create (as `setup zendesk` does), show and update; node-zendesk sees the same', async () => {
    const before = await env.api.listTicketFields();
    expect(before.map((f) => f.type)).toEqual(expect.arrayContaining(['subject', 'description', 'status']));
    const created = await env.api.createTicketField({ type: 'text', title: 'Files to redact' });
    expect(created).toMatchObject({ type: 'text', title: 'Files to redact', active: true });
    const area: Any = (await env.zd.ticketfields.create({ ticket_field: { type: 'textarea', title: 'Notes' } } as Any)).result;
    expect(area.type).toBe('textarea');
    const listed: Any[] = await env.zd.ticketfields.list();
    expect(listed.map((f) => f.id)).toEqual(expect.arrayContaining([created.id, area.id]));
    const updated: Any = (await env.zd.ticketfields.update(created.id, { ticket_field: { title: 'Files' } } as Any)).result;
    expect(updated.title).toBe('Files');
    expect((await raw(env.sb, 'POST', '/api/v2/ticket_fields.json', { ticket_field: { type: 'bogus', title: 'x' } })).status).toBe(422);
    expect((await raw(env.sb, 'POST', '/api/v2/ticket_fields.json', { ticket_field: { type: 'text' } })).json.details.title[0].error).toBe('BlankValue');
    expect((await raw(env.sb, 'PUT', `/api/v2/ticket_fields/${created.id}.json`, { ticket_field: { type: 'textarea' } })).status).toBe(422);
  });

  test('an update of a custom field and of the subject leaves Change events with previous_value', async () => {
    const field = await env.api.createTicketField({ type: 'text', title: 'Card?' });
    const t = await env.api.createTicket({ subject: `old ${PAN}`, comment: { body: 'x' }, custom_fields: [{ id: field.id, value: `v ${PAN}` }] });
    await env.api.updateTicket(t.id, { subject: 'new', custom_fields: [{ id: field.id, value: 'clean' }] });
    const changes = (await env.api.listAudits(t.id)).flatMap((a) => a.events.filter((e) => e.type === 'Change'));
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field_name: 'subject', value: 'new', previous_value: `old ${PAN}` }),
        expect.objectContaining({ field_name: String(field.id), value: 'clean', previous_value: `v ${PAN}` }),
      ]),
    );
    const viaNodeZendesk: Any[] = await env.zd.ticketaudits.list(t.id);
    expect(viaNodeZendesk.length).toBe(2);
  });
});

describe('side conversations', () => {
  test('listed per ticket, with their events (messages)', async () => {
    const t = await env.sb.control.seedTicket({ comments: [{ body: 'x' }] });
    const sc = await env.sb.control.seedSideConversation(t.ticket.id, { subject: 'Billing', messages: [{ body: `card ${PAN}` }, { body: 'thanks' }] });
    const list = await env.api.listSideConversations(t.ticket.id);
    expect(list).toEqual([expect.objectContaining({ id: sc.side_conversation.id, subject: 'Billing', state: 'open' })]);
    const viaNodeZendesk: Any[] = await env.zd.sideconversations.list(t.ticket.id);
    expect(viaNodeZendesk.map((x) => x.id)).toEqual([sc.side_conversation.id]);
    const events = await env.api.listSideConversationEvents(t.ticket.id, sc.side_conversation.id);
    expect(events.map((e) => [e.type, e.message?.body])).toEqual([
      ['create', `card ${PAN}`],
      ['reply', 'thanks'],
    ]);
    expect((await caught(env.api.listSideConversationEvents(t.ticket.id, 'nope'))).status).toBe(404);
  });
});

describe('users', () => {
  test('show and show_many carry the role', async () => {
    const agent = await env.sb.control.addUser({ name: 'Agent A', role: 'agent' });
    expect(await env.api.getUser(agent.id)).toMatchObject({ id: agent.id, role: 'agent' });
    const many = await env.api.showManyUsers([agent.id, 10001, 424242]);
    expect(many.map((u) => [u.id, u.role])).toEqual([
      [agent.id, 'agent'],
      [10001, 'end-user'],
    ]);
    const viaNodeZendesk: Any = (await env.zd.users.show(900001)).result;
    expect(viaNodeZendesk.role).toBe('admin');
    expect((await caught(env.api.getUser(424242))).status).toBe(404);
  });
});

describe('tags API', () => {
  test('PUT adds, POST sets, DELETE removes; a stale safe update is a 409', async () => {
    const t = await env.api.createTicket({ subject: 's', comment: { body: 'x' }, tags: ['a'] });
    expect(await env.api.addTags(t.id, ['b'])).toEqual(['a', 'b']);
    expect((await raw(env.sb, 'POST', `/api/v2/tickets/${t.id}/tags.json`, { tags: ['c', 'd'] })).json.tags).toEqual(['c', 'd']);
    expect((await raw(env.sb, 'DELETE', `/api/v2/tickets/${t.id}/tags.json`, { tags: ['c'] })).status).toBe(204);
    expect((await env.api.getTicket(t.id)).tags).toEqual(['d']);
    const stale = await raw(env.sb, 'PUT', `/api/v2/tickets/${t.id}/tags.json`, { tags: ['e'], safe_update: true, updated_stamp: '2000-01-01T00:00:00Z' });
    expect(stale.status).toBe(409);
    const current = await env.api.getTicket(t.id);
    expect((await raw(env.sb, 'PUT', `/api/v2/tickets/${t.id}/tags.json`, { tags: ['e'], safe_update: 'true', updated_stamp: current.updated_at })).status).toBe(200);
  });
});

test('side-conversation events page by cursor as well as by offset', async () => {
  const t = await env.sb.control.seedTicket({ comments: [{ body: 'x' }] });
  const sc = await env.sb.control.seedSideConversation(t.ticket.id, { messages: [{ body: 'a' }, { body: 'b' }, { body: 'c' }] });
  const path = `/api/v2/tickets/${t.ticket.id}/side_conversations/${sc.side_conversation.id}/events.json`;
  const first = await raw(env.sb, 'GET', `${path}?page[size]=2`);
  expect(first.json.events.map((e: Any) => e.message.body)).toEqual(['a', 'b']);
  expect(first.json.meta.has_more).toBe(true);
  const second = await raw(env.sb, 'GET', `${path}?page[size]=2&page[after]=${first.json.meta.after_cursor}`);
  expect(second.json.events.map((e: Any) => e.message.body)).toEqual(['c']);
  const offset = await raw(env.sb, 'GET', `${path}?per_page=2`);
  expect(offset.json.next_page).toContain('page=2');
});

test('the gateway follows next_page through more than one page of audits', async () => {
  const t = await env.api.createTicket({ subject: 's', comment: { body: 'x' } });
  for (let i = 0; i < 120; i++) await env.api.addTags(t.id, [`t${i}`]);
  await env.sb.control.clearCalls();
  const audits = await env.api.listAudits(t.id);
  expect(audits).toHaveLength(121);
  expect(new Set(audits.map((a) => a.id)).size).toBe(121);
  const calls = await env.sb.control.calls();
  expect(calls.map((c) => c.query.page ?? '1')).toEqual(['1', '2']);
});
