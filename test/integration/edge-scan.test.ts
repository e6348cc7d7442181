// Scan at the edge, end to end over real HTTP: the Zendesk emulator's trigger renders the documented body
// (comment text included) and delivers it with Zendesk's retries; the service scans it in memory; the real
// worker runs the workflow against the emulators. Clean comments cost nothing; cards reach the leads' channel.
import type { AddressInfo } from 'node:net';
import { WorkflowNotFoundError } from '@temporalio/client';
import { COMMENT_TRIGGER_TEMPLATE, deliverWebhook, renderTriggerBody } from '../../sandbox/zendesk/trigger';
import type { ZdComment, ZdTicket } from '../../sandbox/zendesk';
import { buildServer } from '../../service/server';
import { createLogger } from '../../security/logger';
import { redactionWorkflowId } from '../../workflows/ids';
import { assertNoLeak, spaced, VISA, MASTERCARD } from '../helpers/cards';
import { CHANNEL, eventually, startHarness, type Harness } from '../helpers/harness';
import { postZendeskWebhook, startService, type RunningService } from './fixtures/http-helpers';

jest.setTimeout(180_000);

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

const secret = () => h.config.ZENDESK_WEBHOOK_SECRET;
const deliver = (url: string, ticket: ZdTicket, comment: ZdComment) =>
  deliverWebhook(`${url}/webhooks/zendesk`, renderTriggerBody(COMMENT_TRIGGER_TEMPLATE, ticket, comment), { secret: secret(), retryDelayMs: 300 });

async function ticketWithHistory(): Promise<ZdTicket> {
  const seeded = await h.zendesk.control.seedTicket({
    subject: 'Where is my order?',
    comments: Array.from({ length: 8 }, (_, i) => ({ body: `message ${i}: order 123-4567 was charged 12.50 on 2025-01-02` })),
  });
  return seeded.ticket;
}

const apiCalls = async () => (await h.zendesk.control.calls()).filter((c) => c.path.startsWith('/api/v2'));
async function workflowExists(ticketId: number): Promise<boolean> {
  try {
    await h.client.workflow.getHandle(redactionWorkflowId(ticketId)).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}
const cardFor = (ticketId: number) =>
  eventually(async () => (await h.slack.control.messages(CHANNEL)).find((m) => JSON.stringify(m).includes(`#${ticketId}`)), 90_000, `card for #${ticketId}`);

test('a clean comment costs no Zendesk call and starts no workflow', async () => {
  const ticket = await ticketWithHistory();
  const { comment } = await h.zendesk.control.addComment(ticket.id, { body: 'Thanks! Order 123-4567, call me on +1 (555) 010-9999.' });
  await h.zendesk.control.clearCalls();
  const out = await deliver(svc.url, ticket, comment);
  expect(out).toEqual({ status: 200, attempts: 1 });
  expect(await apiCalls()).toEqual([]);
  expect(await workflowExists(ticket.id)).toBe(false);
});

test('a card in the comment reaches the leads channel; the text is in no log line', async () => {
  const ticket = await ticketWithHistory();
  const { comment } = await h.zendesk.control.addComment(ticket.id, { body: `my card is ${spaced(VISA)} exp 12/29` });
  const sent = Date.now();
  expect((await deliver(svc.url, ticket, comment)).status).toBe(202);
  const card = await cardFor(ticket.id);
  expect(Date.now() - sent).toBeLessThan(60_000); // long before the export would list it (60 s exclusion)
  assertNoLeak(JSON.stringify(card), [VISA], 'slack card');
  assertNoLeak(svc.logs.join('\n'), [VISA], 'service logs');
});

test('a comment longer than the trigger sends falls back to the workflow, which reads Zendesk', async () => {
  const ticket = await ticketWithHistory();
  const { comment } = await h.zendesk.control.addComment(ticket.id, { body: `${'long story. '.repeat(900)}card ${MASTERCARD}` });
  const body = renderTriggerBody(COMMENT_TRIGGER_TEMPLATE, ticket, comment);
  expect(body).not.toContain(MASTERCARD.slice(-4)); // cut by truncate: the service cannot see the number
  expect((await deliver(svc.url, ticket, comment)).status).toBe(202);
  await cardFor(ticket.id);
});

test('the worst-case rendered body stays under WEBHOOK_MAX_BODY_BYTES; a larger body still gets 413', async () => {
  const ticket = await ticketWithHistory();
  const { comment } = await h.zendesk.control.addComment(ticket.id, { body: '\u0001"\\'.repeat(10_000) });
  const body = renderTriggerBody(COMMENT_TRIGGER_TEMPLATE, ticket, comment);
  expect(Buffer.byteLength(body)).toBeLessThan(h.config.WEBHOOK_MAX_BODY_BYTES);
  expect((await deliver(svc.url, ticket, comment)).status).toBe(202); // truncated: the workflow reads it
  const big = await postZendeskWebhook(svc.url, { ticket_id: ticket.id, type: 'comment_added', comment_text: 'x'.repeat(h.config.WEBHOOK_MAX_BODY_BYTES) }, { secret: secret() });
  expect(big.status).toBe(413);
});

test('service down when the comment arrives: Zendesk retries the delivery and the card is found', async () => {
  const ticket = await ticketWithHistory();
  const { comment } = await h.zendesk.control.addComment(ticket.id, { body: `card: ${spaced(VISA, '-')}` });
  const { port } = svc.app.server.address() as AddressInfo;
  await svc.close();
  const delivery = deliver(`http://127.0.0.1:${port}`, ticket, comment);
  await new Promise((r) => setTimeout(r, 700));
  const app = buildServer({ config: h.config, temporal: h.client, slack: h.slackClient, logger: createLogger({ level: 'silent' }) });
  await app.listen({ port, host: '127.0.0.1' });
  svc = { ...svc, app, close: () => app.close() };
  const out = await delivery;
  expect(out.status).toBe(202);
  expect(out.attempts).toBeGreaterThan(1);
  await cardFor(ticket.id);
});

test('Zendesk 429s and an outage on the workflow reads: retried, the card still arrives', async () => {
  const ticket = await ticketWithHistory();
  const { comment } = await h.zendesk.control.addComment(ticket.id, { body: `pay with ${MASTERCARD}` });
  await h.zendesk.control.addFault({ match: { method: 'GET', path: `/api/v2/tickets/${ticket.id}/comments` }, times: 2, response: { status: 429, headers: { 'retry-after': '1' } } });
  await h.zendesk.control.addFault({ match: { method: 'GET', path: `/api/v2/tickets/${ticket.id}(\\.json)?$` }, times: 2, response: { status: 503 } });
  expect((await deliver(svc.url, ticket, comment)).status).toBe(202);
  await cardFor(ticket.id);
  const faulted = (await h.zendesk.control.calls()).filter((c) => c.fault !== undefined && c.path.includes(String(ticket.id)));
  expect(faulted.length).toBe(4);
});
