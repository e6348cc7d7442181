// Scenarios 5, 6 and 9 through the HTTP service: repeated and out-of-order webhook deliveries, a
// webhook for a deleted ticket, racing and unauthorised claims, and a burst of 200 deliveries.
import { randomUUID } from 'node:crypto';
import { percentile, ingestBurst, mixedDeliveries, signalledDeliveryIds, dropped } from '../../bench/ingest';
import { loadConfig } from '../../config';
import { redactionWorkflowId } from '../../workflows/ids';
import { statusQuery } from '../../workflows/messages';
import { spaced, VISA, VISA_2 } from '../helpers/cards';
import { CHANNEL, LEAD, OTHER_LEAD } from '../helpers/harness';
import { postZendeskWebhook, startService, type RunningService } from '../integration/fixtures/http-helpers';
import { awaitStage, note, printSummary, resultWithin, seedCardTicket, slackCard, startFaultHarness, verify, type FaultHarness, type Handle } from './fixtures';

jest.setTimeout(180_000);

let h: FaultHarness;
let svc: RunningService;
beforeAll(async () => {
  h = await startFaultHarness();
  svc = await startService({ config: h.config, temporal: h.client, slack: h.slackClient });
}, 120_000);
afterAll(async () => {
  printSummary('webhooks');
  await svc?.close();
  await h?.close();
});

const webhook = (body: unknown, invocationId?: string, url = svc.url) => postZendeskWebhook(url, body, { secret: h.config.ZENDESK_WEBHOOK_SECRET, invocationId });
const handleOf = (ticketId: number): Handle => h.client.workflow.getHandle(redactionWorkflowId(ticketId));
const click = (ts: string, userId: string) => h.slack.control.click({ channel: CHANNEL, ts, actionId: 'claim_redaction', userId, url: `${svc.url}/slack/interactions` });
const ephemeralsFor = async (user: string) => (await h.slack.control.ephemeral(CHANNEL)).filter((e) => e.user === user);

describe('5. Webhook deliveries repeat and arrive out of order', () => {
  test('the same invocation id, repeated at once and to a second instance: one request', async () => {
    const { ticketId, commentId } = await seedCardTicket(h);
    const other = await startService({ config: h.config, temporal: h.client, slack: h.slackClient });
    try {
      const body = { ticket_id: ticketId, comment_id: commentId, type: 'comment_added' };
      const answers = await Promise.all([webhook(body, `inv-${ticketId}`), webhook(body, `inv-${ticketId}`), webhook(body, `inv-${ticketId}`, other.url)]);
      expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
      expect((await webhook(body, `inv-${ticketId}`)).json).toMatchObject({ duplicate: true });
    } finally {
      await other.close();
    }
    const handle = handleOf(ticketId);
    await awaitStage(handle, 'awaiting_claim');
    expect((await handle.query(statusQuery)).requests).toBe(1);
    await click(await slackCard(h, ticketId), LEAD);
    await svc.app.pendingWork();
    const result = await resultWithin(handle);
    await verify(h, '5a same invocation id ×4 (two instances)', 'one request in the workflow (service cache + workflow dedupe)', { ticketId, result, outcomes: ['redacted'], redactedComments: [commentId] });
  });

  test('different invocation ids for the same comment, and comments out of order: one child ticket, each comment redacted once', async () => {
    const { ticket, comments } = await h.zendesk.control.seedTicket({
      subject: 'Billing',
      status: 'open',
      comments: [{ body: `first card ${spaced(VISA)}` }, { body: `second card ${VISA_2}` }],
    });
    const [c1, c2] = comments.map((c) => c.id) as [number, number];
    // The later comment's webhook arrives first; then the earlier one's, twice under different ids.
    expect((await webhook({ ticket_id: ticket.id, comment_id: c2, type: 'comment_added' }, `inv-a-${c2}`)).status).toBe(202);
    expect((await webhook({ ticket_id: ticket.id, comment_id: c1, type: 'comment_added' }, `inv-a-${c1}`)).status).toBe(202);
    expect((await webhook({ ticket_id: ticket.id, comment_id: c1, type: 'comment_added' }, `inv-b-${c1}`)).status).toBe(202);
    const handle = handleOf(ticket.id);
    const ts = await slackCard(h, ticket.id);
    await awaitStage(handle, 'awaiting_claim');
    await click(ts, LEAD);
    await svc.app.pendingWork();
    const result = await resultWithin(handle);
    expect([...result.last4].sort()).toEqual(['1111', '4242']);
    // A stale redelivery after the request finished starts a fresh cycle that finds nothing.
    expect((await webhook({ ticket_id: ticket.id, comment_id: c1, type: 'comment_added' }, `inv-late-${c1}`)).status).toBe(202);
    const late = await resultWithin(handleOf(ticket.id));
    expect(late.outcome).toBe('no_card_data');
    note(`5b late redelivery after completion → new run, outcome ${late.outcome}, no second child ticket`);
    await verify(h, '5b repeats under new ids + out of order + late redelivery', '3 deliveries (c2 first, c1 twice) joined one request; a late one after completion ended no_card_data', {
      ticketId: ticket.id,
      result,
      outcomes: ['redacted'],
      redactedComments: [c1, c2],
    });
  });

  test('a webhook for a ticket deleted in the meantime ends in ticket_not_found, not a crash loop', async () => {
    const { ticketId, commentId } = await seedCardTicket(h);
    await h.zendeskApi.deleteTicket(ticketId);
    expect((await webhook({ ticket_id: ticketId, comment_id: commentId, type: 'comment_added' }, `inv-${randomUUID()}`)).status).toBe(202);
    const result = await resultWithin(handleOf(ticketId), 30_000);
    const reads = (await h.zendesk.control.calls()).filter((c) => c.path.startsWith(`/api/v2/tickets/${ticketId}`) && c.method === 'GET');
    expect(reads.length).toBe(1); // one 404, no retries
    await verify(h, '5c webhook for a deleted ticket', 'one 404 read, non-retryable → outcome ticket_not_found', {
      ticketId,
      result,
      outcomes: ['ticket_not_found'],
      childTickets: 0,
      slackCard: false,
    });
  });
});

describe('6. Claims', () => {
  test('two leads at the same instant, a non-lead, and a claim for a finished request', async () => {
    const { ticketId, commentId } = await seedCardTicket(h);
    expect((await webhook({ ticket_id: ticketId, type: 'redaction_request', requested_by: '9001' }, `inv-${randomUUID()}`)).status).toBe(202);
    const ts = await slackCard(h, ticketId);
    const handle = handleOf(ticketId);
    await awaitStage(handle, 'awaiting_claim');

    await click(ts, 'U0AGENT1');
    await svc.app.pendingWork();
    expect((await ephemeralsFor('U0AGENT1')).at(-1)?.text).toMatch(/Only team leads/);
    expect((await handle.query(statusQuery)).claimedBy).toBeUndefined();

    const [a, b] = await Promise.all([click(ts, LEAD), click(ts, OTHER_LEAD)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await svc.app.pendingWork();
    const result = await resultWithin(handle);
    const winner = result.claimedBy!;
    const loser = winner === LEAD ? OTHER_LEAD : LEAD;
    expect([LEAD, OTHER_LEAD]).toContain(winner);
    expect((await ephemeralsFor(loser)).at(-1)?.text).toBe(`already claimed by <@${winner}>`);

    // The finished card has no button any more; a stale copy of it (another client's cache) is clicked late.
    const stale = await h.slackClient.chat.postMessage({
      channel: CHANNEL,
      text: `stale copy for #${ticketId}`,
      blocks: [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Take it' }, action_id: 'claim_redaction', value: redactionWorkflowId(ticketId) }] }],
    });
    await click(stale.ts!, loser);
    await svc.app.pendingWork();
    expect((await ephemeralsFor(loser)).at(-1)?.text).toBe(`The redaction request for ticket #${ticketId} is no longer open.`);
    note(`6 non-lead refused; simultaneous clicks → ${winner} won, ${loser} told "already claimed"; late click → "no longer open"`);
    await verify(h, '6 racing / late / non-lead claims', 'one owner, one rejection ephemeral, non-lead refused, finished request answered "no longer open"', {
      ticketId,
      result,
      outcomes: ['redacted'],
      redactedComments: [commentId],
    });
  });
});

describe('9. Load', () => {
  test('200 concurrent webhook deliveries: none dropped (each a workflow or a deduplicated signal)', async () => {
    // Its own task queue with no worker: this measures acceptance, not redaction.
    const config = loadConfig({ ...h.workerEnv, TEMPORAL_TASK_QUEUE: `ingest-${randomUUID()}`, LOG_LEVEL: 'silent' });
    const ingest = await startService({ config, temporal: h.client, slack: h.slackClient });
    const first = 2_000_000_000 + Math.floor(Math.random() * 1_000_000_000);
    const deliveries = mixedDeliveries(200, first);
    try {
      const burst = await ingestBurst(ingest.url, config.ZENDESK_WEBHOOK_SECRET, deliveries);
      expect(burst.errors).toBe(0);
      const tickets = [...new Set(deliveries.map((d) => d.ticketId))];
      const missing = dropped(deliveries, await signalledDeliveryIds(h.client, h.codec, tickets));
      expect(missing).toEqual([]);
      note(
        `9 load: 200 deliveries, ${tickets.length} workflows, ${burst.duplicates} answered as duplicates, 0 errors, 0 dropped; ` +
          `p50 ${percentile(burst.latenciesMs, 50).toFixed(0)} ms, p99 ${percentile(burst.latenciesMs, 99).toFixed(0)} ms (informational; figures from npm run bench:ingest)`,
      );
      await Promise.all(tickets.map((t) => handleOf(t).terminate('fault suite: load scenario done').catch(() => undefined)));
    } finally {
      await ingest.close();
    }
  });
});
