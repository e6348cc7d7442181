// Scenario 2: the Temporal dev server is stopped and started again on its SQLite file while
// requests wait for claims. A webhook that arrives during the outage is answered 503 (Zendesk
// redelivers it); after the restart the claims arrive and every request completes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startDevServer, type DevServer } from '../../scripts/dev-server';
import { redactionWorkflowId } from '../../workflows/ids';
import { CHANNEL, eventually, LEAD } from '../helpers/harness';
import { postZendeskWebhook, startService, type RunningService } from '../integration/fixtures/http-helpers';
import { awaitStage, note, printSummary, resultWithin, seedCardTicket, slackCard, startFaultHarness, verify, type FaultHarness, type Handle } from './fixtures';

jest.setTimeout(240_000);

let dir: string;
let port: number;
let server: DevServer | undefined;
let h: FaultHarness;
let svc: RunningService;
const suiteAddress = process.env.TEMPORAL_TEST_ADDRESS;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faults-temporal-'));
  port = await freePort();
  server = await startDevServer({ port, dbFilename: join(dir, 'temporal.sqlite'), startTimeoutMs: 90_000 });
  process.env.TEMPORAL_TEST_ADDRESS = server.address; // this file's harness uses its own server
  h = await startFaultHarness();
  svc = await startService({ config: h.config, temporal: h.client, slack: h.slackClient });
}, 180_000);

afterAll(async () => {
  printSummary('server-restart');
  await svc?.close();
  await h?.close();
  await server?.stop();
  process.env.TEMPORAL_TEST_ADDRESS = suiteAddress;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const webhook = (body: unknown, invocationId: string) => postZendeskWebhook(svc.url, body, { secret: h.config.ZENDESK_WEBHOOK_SECRET, invocationId });
const handleOf = (ticketId: number): Handle => h.client.workflow.getHandle(redactionWorkflowId(ticketId));

test('dev server restarted on its SQLite file while three requests wait for claims; all complete', async () => {
  const tickets = [await seedCardTicket(h), await seedCardTicket(h), await seedCardTicket(h)];
  for (const t of tickets) expect((await webhook({ ticket_id: t.ticketId, comment_id: t.commentId, type: 'comment_added' }, `inv-${t.ticketId}`)).status).toBe(202);
  for (const t of tickets) await awaitStage(handleOf(t.ticketId), 'awaiting_claim');
  const cards = await Promise.all(tickets.map((t) => slackCard(h, t.ticketId)));

  const down = Date.now();
  await server!.stop();
  // During the outage: a new delivery is refused with 503 + Retry-After, so Zendesk keeps it.
  const late = await seedCardTicket(h);
  const lateBody = { ticket_id: late.ticketId, comment_id: late.commentId, type: 'comment_added' };
  const refused = await webhook(lateBody, `inv-${late.ticketId}`);
  expect(refused.status).toBe(503);
  expect(refused.headers.get('retry-after')).toBe('30');

  server = await startDevServer({ port, dbFilename: join(dir, 'temporal.sqlite'), startTimeoutMs: 90_000 });
  note(`2 server down ${Date.now() - down} ms (stop, 503 to a delivery, restart on the same SQLite file and port)`);

  // Zendesk redelivers the refused webhook (same invocation id).
  await eventually(async () => (await webhook(lateBody, `inv-${late.ticketId}`)).status === 202, 60_000, 'redelivery accepted');
  await awaitStage(handleOf(late.ticketId), 'awaiting_claim', 90_000);
  cards.push(await slackCard(h, late.ticketId));
  const all = [...tickets, late];

  // The claims arrive after the restart.
  for (const ts of cards) {
    const res = await h.slack.control.click({ channel: CHANNEL, ts, actionId: 'claim_redaction', userId: LEAD, url: `${svc.url}/slack/interactions` });
    expect(res.status).toBe(200);
  }
  await svc.app.pendingWork();
  for (const t of all) {
    const result = await resultWithin(handleOf(t.ticketId), 120_000);
    await verify(h, `2 server restart (ticket ${all.indexOf(t) + 1}/4)`, t === late ? 'refused with 503 during the outage, redelivered, claimed after restart' : 'waiting for its claim across the restart, claimed after it', {
      ticketId: t.ticketId,
      result,
      outcomes: ['redacted'],
      redactedComments: [t.commentId],
    });
  }
});
