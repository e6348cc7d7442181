// The place activities in a real worker on the suite's Temporal dev server, against the emulators:
// a chat still active is redacted after it ends (a durable timer between attempts), and the
// history holds references only.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createPlaceActivities } from '../../activities/places';
import { createZendeskApi } from '../../activities/zendesk-api';
import { startZendeskSandbox, type ZendeskSandbox } from '../../sandbox/zendesk';
import { assertNoLeak, spaced, VISA, VISA_2 } from '../helpers/cards';
import { collectPayloads } from '../helpers/history-json';
import { placesWorkflow } from './fixtures/places-workflow';

let zd: ZendeskSandbox;
let nativeConnection: NativeConnection;
let connection: Connection;
beforeAll(async () => {
  zd = await startZendeskSandbox();
  const address = process.env.TEMPORAL_TEST_ADDRESS!;
  nativeConnection = await NativeConnection.connect({ address });
  connection = await Connection.connect({ address });
});
afterAll(async () => {
  await connection?.close();
  await nativeConnection?.close();
  await zd?.close();
});

test('an active chat waits on a timer, is redacted once it ends, and no card text reaches the history', async () => {
  const zendesk = createZendeskApi({ url: zd.url, email: zd.email, token: zd.token, timeoutMs: 5000 });
  const field = await zendesk.createTicketField({ type: 'textarea', title: 'Notes' });
  const t = await zendesk.createTicket({ subject: `Refund ${VISA_2}`, comment: { body: 'chat ticket', public: false }, custom_fields: [{ id: field.id, value: `paid with ${spaced(VISA)}` }] });
  const chat = await zd.control.seedChat(t.id, { messages: [{ message: `card ${spaced(VISA)}` }] });

  const taskQueue = `places-${randomUUID()}`;
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('./fixtures/places-workflow'),
    activities: createPlaceActivities({ zendesk, fingerprintKey: 'integration-fingerprint-key-0123456789abcdef' }),
  });
  const client = new Client({ connection });
  const workflowId = `places-${randomUUID()}`;
  const outcome = await worker.runUntil(async () => {
    const handle = await client.workflow.start(placesWorkflow, { taskQueue, workflowId, args: [{ ticketId: t.id, chatWait: '1 second', maxWaits: 30 }] });
    // The chat ends while the workflow waits.
    for (let i = 0; i < 100 && !(await zd.control.calls()).some((c) => c.path.startsWith('/api/v2/tickets/') && c.path.endsWith('/audits.json')); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1500));
    await zd.control.endChat(t.id, chat.chat_id);
    return handle.result();
  });

  expect(outcome.waits).toBeGreaterThanOrEqual(1);
  expect(outcome.redacted.map((f) => f.place).sort()).toEqual(['chat', 'field']);
  // The field is named by its title (Ticket Fields API), for the evidence report's "where found".
  expect(outcome.redacted.find((f) => f.place === 'field')).toMatchObject({ fieldId: field.id, fieldTitle: 'Notes' });
  expect(outcome.remaining).toEqual([]);
  // The old subject and the field's old value stay in the audit trail.
  expect(outcome.residuals.map((r) => [r.place, r.last4]).sort()).toEqual([
    ['audit', '1111'],
    ['audit', '4242'],
  ]);
  const history = (await zendesk.listComments(t.id)).find((c) => c.data)!.data!.history;
  expect(history[0]!.message).not.toContain('4111');

  const events = await client.workflow.getHandle(workflowId).fetchHistory();
  expect(events.events?.some((e) => e.timerStartedEventAttributes)).toBe(true);
  // Every payload (inputs, results) decoded: references only. The test's payloads are plain JSON.
  const payloads = collectPayloads(events).map((p) => Buffer.from(p.data!).toString('utf8'));
  expect(payloads.join('\n')).toContain('"place":"chat"');
  assertNoLeak(payloads.join('\n'), [VISA, VISA_2], 'workflow history');
});
