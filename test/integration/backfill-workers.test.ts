// The backfill on two worker processes sharing an S3 report store (a real S3-compatible server):
// the worker running the backfill is killed with SIGKILL mid-run, the other one finishes it.
// The report merges pages both workers wrote, with no row missing and none twice; the per-ticket
// redactions the run fanned out are counted exactly once. With a store that is not shared (each
// worker its own directory) the same kill makes the run fail loudly instead of reporting short.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { temporal } from '@temporalio/proto';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { backfillOptions, startBackfill } from '../../cli/backfill';
import type { backfillWorkflow } from '../../workflows/backfill';
import { backfillProgressQuery } from '../../workflows/backfill-messages';
import type { BackfillOptions } from '../../workflows/backfill-types';
import { CHANNEL, eventually, startHarness, testEnv, type Harness } from '../helpers/harness';
import { startS3Server, type S3TestServer } from '../helpers/s3-server';
import { workerChild, type WorkerChild } from '../helpers/worker-child';

jest.setTimeout(300_000);

let h: Harness;
let s3: S3TestServer;
const workers: WorkerChild[] = [];
const END = Date.now() - 2 * 3600_000;
const SINCE = Math.floor((END - 91 * 86400_000) / 1000);
// Short per-attempt limits: an activity lost with the killed worker is retried within seconds.
const timeouts = { ZENDESK_ACTIVITY_TIMEOUT: '5 seconds', ZENDESK_SCAN_TIMEOUT: '10 seconds', SLACK_ACTIVITY_TIMEOUT: '5 seconds' };

beforeAll(async () => {
  s3 = await startS3Server();
  h = await startHarness({ worker: false, env: timeouts });
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop(5_000)));
});
afterAll(async () => {
  await h?.close();
  await s3?.close();
});

function workerEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...testEnv(h.zendesk, h.slack, process.env.TEMPORAL_TEST_ADDRESS!),
    ...timeouts,
    TEMPORAL_TASK_QUEUE: h.taskQueue,
    PAYLOAD_KEYS: h.config.PAYLOAD_KEYS,
    FINGERPRINT_KEY: h.config.FINGERPRINT_KEY,
    CODEC_AUTH_TOKEN: h.config.CODEC_AUTH_TOKEN,
    LOG_LEVEL: 'info', // worker-child waits for the "worker started" line
    ...extra,
  };
}

async function startWorkers(envs: NodeJS.ProcessEnv[]): Promise<WorkerChild[]> {
  const started = envs.map((env) => workerChild(workerEnv(env)));
  workers.push(...started);
  await Promise.all(started.map((w) => w.start()));
  return started;
}

/** Every run of the backfill (continue-as-new makes several), oldest first. */
async function histories(workflowId: string): Promise<temporal.api.history.v1.IHistoryEvent[][]> {
  const runs: { runId: string; at: number }[] = [];
  for await (const wf of h.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push({ runId: wf.runId, at: wf.startTime.getTime() });
  runs.sort((a, b) => a.at - b.at);
  return Promise.all(runs.map(async (r) => (await h.client.workflow.getHandle(workflowId, r.runId).fetchHistory()).events ?? []));
}

/** Process ids of the workers that ran `activity` (worker identity is `pid@host`). */
function activityPids(events: temporal.api.history.v1.IHistoryEvent[], activity: string): number[] {
  const scheduled = new Map<string, string>();
  const pids: number[] = [];
  for (const e of events) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(String(e.eventId), s.activityType?.name ?? '');
    const started = e.activityTaskStartedEventAttributes;
    if (started && scheduled.get(String(started.scheduledEventId)) === activity) pids.push(Number(started.identity?.split('@')[0]));
  }
  return pids;
}

/** The worker that ran the backfill's latest workflow task: the one to kill. */
async function workerRunning(handle: WorkflowHandle<typeof backfillWorkflow>, candidates: WorkerChild[]): Promise<WorkerChild> {
  const runs = await histories(handle.workflowId);
  const events = runs[runs.length - 1]!;
  for (let i = events.length - 1; i >= 0; i--) {
    const identity = events[i]!.workflowTaskStartedEventAttributes?.identity;
    const pid = identity ? Number(identity.split('@')[0]) : undefined;
    const worker = candidates.find((w) => w.pid === pid);
    if (worker) return worker;
  }
  throw new Error('no workflow task started by either worker');
}

function options(extra: Partial<BackfillOptions> = {}): BackfillOptions {
  return backfillOptions(h.config, {
    mode: 'auto',
    since: SINCE,
    pageSize: 100,
    pagesPerRun: 6,
    incrementalPerMinute: 240, // 4 pages a second: the run lasts long enough to be killed in the middle
    requestsPerMinute: 2_500,
    concurrency: 4,
    summaryBatchSize: 5,
    ...extra,
  });
}

const key = (r: { ticketId?: number; ticket_id?: number; commentId?: number | null; comment_id?: number | null; last4: string }) =>
  `${r.ticketId ?? r.ticket_id}:${r.commentId ?? r.comment_id}:${r.last4}`;

test('two workers, one killed with SIGKILL mid-run: complete report, none twice, every redaction counted once', async () => {
  await h.zendesk.control.reset();
  await h.slack.control.reset();
  const shared = s3.env(`run-${Date.now()}`);
  const pair = await startWorkers([shared, shared]);
  const seeded = await h.zendesk.control.seedTickets(1200, { seed: 43, cardRate: 0.03, endTime: END });
  const cardTickets = [...new Set(seeded.cards.map((c) => c.ticketId))];
  expect(cardTickets.length).toBeGreaterThan(15);

  const handle = await startBackfill(h.client, h.taskQueue, options(), `workers-${Date.now()}`);
  const before = await eventually(async () => {
    const p = await handle.query(backfillProgressQuery);
    return p.pages >= 8 && p.requested >= 3 ? p : undefined;
  }, 90_000, '8 pages and 3 requests');
  const victim = await workerRunning(handle, pair);
  const victimPid = victim.pid!;
  await victim.kill();
  expect(before.done).toBe(false);

  const result = await handle.result();
  expect(result.state).toBe('completed');
  expect(result.ticketsScanned).toBe(1200);
  expect(result.commentsScanned).toBe(seeded.commentCount);

  // The report comes from the shared store and holds the pages of both workers.
  expect(result.reportPath).toMatch(new RegExp(`^s3://${s3.bucket}/`));
  const pagePids = new Set((await histories(handle.workflowId)).flatMap((events) => activityPids(events, 'backfillScanPage')));
  expect(pagePids).toContain(victimPid);
  expect(pagePids.size).toBe(2);
  const rows = (await s3.read(result.reportPath!)).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { ticket_id: number; comment_id: number; last4: string });
  const keys = rows.map(key);
  expect(new Set(keys).size).toBe(keys.length); // none twice
  expect(keys.sort()).toEqual(seeded.cards.map(key).sort()); // none missing
  expect(result.reportRows).toBe(rows.length);

  // The fan-out: each card ticket requested once and redacted once, whatever the kill interrupted.
  expect(result.requested).toBe(cardTickets.length);
  expect(result.joined).toBe(0);
  expect(result.redacted).toBe(cardTickets.length);
  expect(result.errors).toBe(0);
  expect(result.inFlight).toBe(0);
  const state = await h.zendesk.control.state();
  const child = state.tickets.filter((t) => t.tags.includes('pan_redaction_backfill'));
  expect(child).toHaveLength(1);
  const notes = child[0]!.comments.map((c) => c.body).join('\n');
  for (const ticketId of cardTickets) expect(notes.split(`#${ticketId} `).length - 1).toBe(1); // documented once
  expect(await h.slack.control.messages(CHANNEL)).toHaveLength(Math.ceil(cardTickets.length / 5));
});

test('without a shared store the same kill fails the run loudly (ReportIncomplete), it never reports short', async () => {
  await h.zendesk.control.reset();
  await h.slack.control.reset();
  const dirs = [0, 1].map((i) => mkdtempSync(join(tmpdir(), `backfill-host${i}-`)));
  const pair = await startWorkers(dirs.map((d) => ({ BACKFILL_REPORT_STORE: `file:${d}` })));
  await h.zendesk.control.seedTickets(1200, { seed: 47, cardRate: 0.03, endTime: END });
  const handle = await startBackfill(h.client, h.taskQueue, options({ mode: 'report' }), `unshared-${Date.now()}`);
  await eventually(async () => ((await handle.query(backfillProgressQuery)).pages >= 8 ? true : undefined), 90_000, '8 pages');
  await (await workerRunning(handle, pair)).kill();
  const failure = await handle.result().then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  const cause = (failure as WorkflowFailedError).cause?.cause as { type?: string; message?: string } | undefined;
  expect(cause?.type).toBe('ReportIncomplete');
  expect(cause?.message).toMatch(/every worker must use the same BACKFILL_REPORT_STORE/);
  // Each host holds some of the pages: neither alone has the report.
  const pagesOn = dirs.map((d) => join(d, handle.workflowId, 'pages')).map((p) => (existsSync(p) ? readdirSync(p).filter((f) => f.endsWith('.jsonl')).length : 0));
  expect(pagesOn.every((n) => n > 0)).toBe(true);
});
