/**
 * `npm run bench:waiting`: worker memory with many requests waiting for a claim. One dev server, the Zendesk
 * and Slack emulators, and the real worker entrypoint (`workers/main.ts`, on a prebuilt workflow bundle as in
 * production) in its own process, sized by the WORKER_* settings. Starts WAITING_COUNT requests on tickets that
 * hold a card, with signalWithStart as the service does; each really runs detect, places, child ticket and Slack
 * card, then waits for a claim. Samples the worker's RSS until all wait or WAITING_SECONDS pass, whichever is
 * first: the run always ends by itself.
 *
 * Requests are started as earlier ones reach their card, at most WAITING_IN_FLIGHT on their way at once, the
 * way requests reach a desk over a day. All 10,000 at once would put 10,000 workflows mid-way through their
 * first steps: far more than the workflow cache holds, so nearly every task would replay its history from
 * the start (measured: 190 of 10,000 waiting after 240 s), which says nothing about waiting.
 *
 *   npm run bench:waiting                       # WAITING_COUNT=10000 WAITING_SECONDS=900 WAITING_IN_FLIGHT=100
 *   WORKER_MAX_CACHED_WORKFLOWS=2000 npm run bench:waiting
 */
import { type BenchStack, CHANNEL, rssMb, spawnWorkerProcess, startBenchStack, testPan } from './harness';
import { redactionWorkflowId } from '../workflows/ids';
import { requestSignal } from '../workflows/messages';
import { TicketIdKey } from '../workflows/search-attributes';
import type { RedactionRequest, RedactionWorkflowInput } from '../workflows/types';

const COUNT = Number(process.env.WAITING_COUNT ?? 10_000);
const SECONDS = Number(process.env.WAITING_SECONDS ?? 900);
const IN_FLIGHT = Number(process.env.WAITING_IN_FLIGHT ?? 100);
/** The worker's cache settings under test: passed on to it, printed with the figures. */
const CACHE_VARS = ['WORKER_MAX_CACHED_WORKFLOWS', 'WORKER_STICKY_QUEUE_TIMEOUT', 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS'] as const;

async function main(): Promise<void> {
  const started = Date.now();
  const deadline = started + SECONDS * 1000;
  const cacheEnv = Object.fromEntries(CACHE_VARS.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
  const stack: BenchStack = await startBenchStack('waiting', cacheEnv);
  try {
    const { client, zendesk, slack, config } = stack;
    const worker = await spawnWorkerProcess(stack);
    const waiting = async () => (await client.workflow.count('WorkflowType = "redactionWorkflow" AND RedactionStage = "awaiting_claim"')).count;
    // A posted card: the request has done its steps and waits (read in process, no query load on the server).
    const cards = () => slack.store.messages.get(CHANNEL)?.filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts).length ?? 0;
    let peak = 0;
    const sample = async () => {
      const rss = rssMb(worker.pid);
      peak = Math.max(peak, rss || 0);
      const n = await waiting();
      process.stdout.write(`  ${Math.round((Date.now() - started) / 1000)} s: ${n} waiting (${cards()} cards posted), worker RSS ${rss.toFixed(0)} MB\n`);
      return n;
    };
    const ids = Array.from({ length: COUNT }, (_, i) =>
      zendesk.store.seedTicket({ subject: `Payment ${i}`, comments: [{ body: `hello, my card is ${testPan(i, '5', 104729)}` }] }).ticket.id,
    );
    const startedAt = Date.now();
    let next = 0;
    let stop = false;
    const start = async (ticketId: number) =>
      client.workflow.signalWithStart<(input: RedactionWorkflowInput) => Promise<unknown>, [RedactionRequest]>('redactionWorkflow', {
        workflowId: redactionWorkflowId(ticketId),
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        args: [{ ticketId }],
        signal: requestSignal,
        signalArgs: [{ deliveryId: `bench-${ticketId}`, source: 'detection' }],
        typedSearchAttributes: [{ key: TicketIdKey, value: ticketId }],
      });
    const starting = (async () => {
      while (next < ids.length && !stop) {
        const room = IN_FLIGHT - (next - cards());
        if (room <= 0) {
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        await Promise.all(ids.slice(next, next + Math.min(room, 50)).map(start));
        next = Math.min(ids.length, next + Math.min(room, 50));
      }
    })();
    let n = 0;
    let allAt: number | undefined;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 15_000));
      n = await sample();
      if (n >= COUNT) {
        allAt = Date.now();
        break;
      }
    }
    stop = true;
    await starting;
    // Waiting, nothing else to do: what the worker holds once the burst of first steps is over.
    await new Promise((r) => setTimeout(r, 20_000));
    n = await sample();
    const rss = rssMb(worker.pid);
    const secs = ((allAt ?? Date.now()) - startedAt) / 1000;
    process.stdout.write(
      `waiting: ${n} of ${COUNT} requests waiting for a claim, ${allAt ? `all within ${secs.toFixed(0)} s of the first start` : `time bound WAITING_SECONDS=${SECONDS} reached`}` +
        ` (${(Math.min(n, COUNT) / secs).toFixed(1)} requests/s through detect, places, child ticket and card; at most ${IN_FLIGHT} on their way at once)\n` +
        `  worker RSS ${rss.toFixed(0)} MB when idle, peak ${peak.toFixed(0)} MB (target < 1024 MB)\n` +
        `  worker cache: WORKER_MAX_CACHED_WORKFLOWS=${config.WORKER_MAX_CACHED_WORKFLOWS}, WORKER_STICKY_QUEUE_TIMEOUT=${config.WORKER_STICKY_QUEUE_TIMEOUT}, ` +
        `WORKER_MAX_CONCURRENT_WORKFLOW_TASKS=${config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS}\n`,
    );
    if (peak >= 1024 || n < COUNT) process.exitCode = 1;
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:waiting failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
