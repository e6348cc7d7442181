/**
 * `npm run bench:cost`: what comments cost under the chosen design (scan at the edge). One dev server, the
 * Zendesk and Slack emulators, the real worker and the HTTP service. Seeds N tickets, adds M clean comments
 * and K card comments, each delivered as Zendesk's trigger would (rendered body with the comment text,
 * signed, retried), CONCURRENCY at a time. Prints Zendesk API calls and workflow starts per 1,000 clean
 * comments, comment-to-card latency (comment created → card in the leads' channel) p50/p95, that every card
 * was found, and the Temporal events of each request path read from real histories (for the README's sums).
 * Then a lead takes COST_CLAIMS of the cards (the "Take it" button, through the service), one at a time, and
 * each request runs to its end: Zendesk API calls from the click to the end, and the whole history's actions.
 *
 *   npm run bench:cost    # COST_TICKETS=200 COST_CLEAN=1000 COST_CARDS=20 COST_CLAIMS=5 COST_CONCURRENCY=20
 */
import type { AddressInfo } from 'node:net';
import { CLAIM_ACTION_ID } from '../activities/slack-card';
import { type ZdComment, type ZdTicket } from '../sandbox/zendesk';
import { COMMENT_TRIGGER_TEMPLATE, deliverWebhook, renderTriggerBody } from '../sandbox/zendesk/trigger';
import { createLogger } from '../security/logger';
import { buildServer } from '../service/server';
import { redactionWorkflowId } from '../workflows/ids';
import { CHANNEL, historyCounts, pool, runWorkerInProcess, startBenchStack, testPan } from './harness';
import { percentile } from './ingest';

const N = Number(process.env.COST_TICKETS ?? 200);
const M = Number(process.env.COST_CLEAN ?? 1000);
const K = Number(process.env.COST_CARDS ?? 20);
const CLAIMS = Number(process.env.COST_CLAIMS ?? 5);
const CONCURRENCY = Number(process.env.COST_CONCURRENCY ?? 20);
const LEAD = 'U0LEAD1';

/**
 * Temporal actions as Temporal Cloud bills them, from a history: the start, each signal and accepted update,
 * each activity (scheduled: a retry is another), each local activity (a marker), timer and search-attribute
 * upsert. Queries are not in a history: the benchmarks send none to these workflows.
 */
function actions(c: Map<string, number>): { total: number; detail: string } {
  const n = (k: string) => c.get(k) ?? 0;
  const parts: [string, number][] = [
    ['start', n('workflowExecutionStarted')],
    ['signals', n('workflowExecutionSignaled')],
    ['updates', n('workflowExecutionUpdateAccepted')],
    ['activities', n('activityTaskScheduled')],
    ['local activities', n('markerRecorded')],
    ['timers', n('timerStarted')],
    ['upserts', n('upsertWorkflowSearchAttributes')],
  ];
  const total = parts.reduce((a, [, v]) => a + v, 0);
  return { total, detail: `${parts.map(([k, v]) => `${k} ${v}`).join(', ')}; ${n('workflowTaskCompleted')} workflow tasks, ${n('total')} events` };
}

/** Whether a channel message is the card of `ticketId` ("#14" is not ticket 1's). */
const cardOf = (message: unknown, ticketId: number): boolean => new RegExp(`#${ticketId}(?!\\d)`).test(JSON.stringify(message));

async function main(): Promise<void> {
  const stack = await startBenchStack('cost');
  const { zendesk, slack, config, client } = stack;
  await runWorkerInProcess(stack);
  const app = buildServer({ config, temporal: client, slack: stack.slackClient, logger: createLogger({ level: 'silent' }) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  stack.defer(() => app.close());
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const url = `${base}/webhooks/zendesk`;
  const deliver = (ticket: ZdTicket, comment: ZdComment) =>
    deliverWebhook(url, renderTriggerBody(COMMENT_TRIGGER_TEMPLATE, ticket, comment), { secret: config.ZENDESK_WEBHOOK_SECRET, retryDelayMs: 500 });
  const apiCalls = async () => (await zendesk.control.calls()).filter((c) => c.path.startsWith('/api/v2'));
  const starts = async () => (await client.workflow.count('WorkflowType = "redactionWorkflow"')).count;

  try {
    // Open tickets with 8 comments of history each (the issue's measurement used 8-comment tickets).
    const ticketIds = Array.from({ length: N }, (_, t) =>
      zendesk.store.seedTicket({
        subject: `Order question ${t}`,
        comments: Array.from({ length: 8 }, (_, i) => ({ body: `message ${i}: order ${100 + t}-${2000000 + i} charged 12.50 on 2025-01-0${1 + (i % 9)}` })),
      }).ticket.id,
    );
    process.stdout.write(`cost: ${N} tickets (8 comments each), ${M} clean and ${K} card comments, ${CONCURRENCY} deliveries in flight\n`);

    // Clean comments: as agents and customers write them (numbers, dates, phone numbers, no card).
    await zendesk.control.clearCalls();
    const startsBefore = await starts();
    const statuses = new Map<number, number>();
    await pool(Array.from({ length: M }, (_, i) => i), CONCURRENCY, async (i) => {
      const ticketId = ticketIds[i % ticketIds.length]!;
      const { ticket, comment } = await zendesk.control.addComment(ticketId, {
        body: `Update ${i}: order ${100 + (i % 900)}-${1000000 + i} shipped 2025-03-${10 + (i % 18)}, call +1 (555) 010-${1000 + (i % 9000)}, card ending ${1000 + (i % 9000)}.`,
      });
      const out = await deliver(ticket, comment);
      statuses.set(out.status, (statuses.get(out.status) ?? 0) + 1);
    });
    // The controls' own addComment calls are not API calls (they go to /__control).
    const cleanCalls = (await apiCalls()).length;
    await new Promise((r) => setTimeout(r, 1_500)); // visibility is eventually consistent
    const cleanStarts = (await starts()) - startsBefore;
    process.stdout.write(
      `clean     answers ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')}\n` +
        `clean     Zendesk API calls per 1,000 clean comments: ${((cleanCalls / M) * 1000).toFixed(1)} (target <= 10)\n` +
        `clean     workflow starts per 1,000 clean comments: ${((cleanStarts / M) * 1000).toFixed(1)} (target <= 1)\n`,
    );

    // Card comments on distinct tickets: time from the comment to its card in the leads' channel.
    await zendesk.control.clearCalls();
    const cardTickets = ticketIds.slice(0, Math.min(K, ticketIds.length));
    const latencies: number[] = [];
    const missed: number[] = [];
    await pool(cardTickets, CONCURRENCY, async (ticketId) => {
      const { ticket, comment } = await zendesk.control.addComment(ticketId, { body: `Please charge my card ${testPan(ticketId, '4', 7919)} exp 04/29 thanks` });
      const createdAt = Date.now();
      await deliver(ticket, comment);
      const deadline = createdAt + 180_000;
      for (;;) {
        const messages = await slack.control.messages(CHANNEL);
        if (messages.some((m) => cardOf(m, ticketId))) {
          latencies.push(Date.now() - createdAt);
          return;
        }
        if (Date.now() > deadline) {
          missed.push(ticketId);
          return;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    });
    const cardCalls = (await apiCalls()).length;
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    process.stdout.write(
      `cards     found ${latencies.length} of ${cardTickets.length}, missed ${missed.length}${missed.length ? ` (tickets ${missed.join(', ')})` : ''}\n` +
        `cards     comment-to-card latency p50 ${s(percentile(latencies, 50))}  p95 ${s(percentile(latencies, 95))}  max ${s(Math.max(...latencies))} (target p95 <= 90 s)\n` +
        `cards     Zendesk API calls per card request, up to the claim: ${(cardCalls / cardTickets.length).toFixed(1)}\n`,
    );

    // Temporal events per request path, from real histories: a card request up to the claim, and the fallback
    // (a clean comment too long for the trigger's text: the workflow reads it and ends no_card_data).
    await new Promise((r) => setTimeout(r, 2_000)); // the task after the card post (stage, reminder timer)
    const events = async (ticketId: number) => {
      const a = actions(await historyCounts(client, redactionWorkflowId(ticketId)));
      return `${a.total} actions (${a.detail})`;
    };
    process.stdout.write(`history   card request, to awaiting_claim: ${await events(cardTickets[0]!)}\n`);
    const longTicket = ticketIds[ticketIds.length - 1]!;
    const long = await zendesk.control.addComment(longTicket, { body: 'A long clean story. '.repeat(500) });
    await zendesk.control.clearCalls();
    await deliver(long.ticket, long.comment);
    await client.workflow.getHandle(redactionWorkflowId(longTicket)).result();
    process.stdout.write(
      `history   fallback (text cut by the trigger, clean): ${await events(longTicket)}; Zendesk API calls ${(await apiCalls()).length}\n`,
    );

    // A lead takes cards one at a time (so each request's calls are its own) and each runs to its end.
    const claimed = cardTickets.slice(0, Math.min(CLAIMS, cardTickets.length));
    const perClaim: { calls: number; actions: number }[] = [];
    for (const ticketId of claimed) {
      const card = (await slack.control.messages(CHANNEL)).find((m) => cardOf(m, ticketId));
      if (!card) throw new Error(`no card for ticket ${ticketId}`);
      await zendesk.control.clearCalls();
      const click = await slack.control.click({ channel: CHANNEL, ts: card.ts, actionId: CLAIM_ACTION_ID, userId: LEAD, url: `${base}/slack/interactions` });
      if (click.status !== 200) throw new Error(`claim of ticket ${ticketId} answered ${click.status}`);
      const result = (await Promise.race([
        client.workflow.getHandle(redactionWorkflowId(ticketId)).result(),
        new Promise((_, reject) => setTimeout(() => reject(new Error(`ticket ${ticketId}: no end within 180 s of its claim`)), 180_000).unref()),
      ])) as { outcome?: string };
      const calls = (await apiCalls()).length;
      const whole = actions(await historyCounts(client, redactionWorkflowId(ticketId)));
      perClaim.push({ calls, actions: whole.total });
      process.stdout.write(`claimed   ticket ${ticketId}: ${result.outcome}; Zendesk API calls from the claim to the end ${calls}; whole request ${whole.total} actions (${whole.detail})\n`);
    }
    if (perClaim.length > 0) {
      const mean = (xs: number[]) => (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1);
      process.stdout.write(
        `claimed   mean of ${perClaim.length}: ${mean(perClaim.map((p) => p.calls))} Zendesk API calls from the claim to the end, ` +
          `${mean(perClaim.map((p) => p.actions))} Temporal actions for the whole request\n`,
      );
    }
    if (missed.length > 0 || cleanStarts / M > 0.001 || (cleanCalls / M) * 1000 > 10) process.exitCode = 1;
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:cost failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
