// `GET /metrics` (Prometheus text format). Labels hold only enums, activity names, failure types and
// backfill workflow ids: never ticket text or a card number.
//
// Two sources:
// - at scrape time, from Temporal visibility (search attributes): redaction requests by outcome and by
//   stage, backfill runs by state, and each running backfill's progress (its query). Cached briefly.
// - in the worker, an activity interceptor (workerMetricsInterceptor, installed by createRedactionWorker):
//   activity (stage) durations and failures by type. These reach /metrics when the worker runs in the
//   same process as the HTTP service (`npm start`); a separate worker process can serve `workerRegistry`
//   with serveWorkerMetrics().
import { createServer, type Server } from 'node:http';
import { ApplicationFailure, type Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityInterceptors, Next } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { Gauge, Histogram, Counter, Registry } from 'prom-client';
import { backfillProgressQuery } from '../workflows/backfill-messages';
import type { BackfillProgress } from '../workflows/backfill-types';

const OUTCOMES = ['redacted', 'redacted_and_merged', 'redacted_merge_skipped', 'denied_last4_only', 'denied_not_card_data', 'no_card_data', 'ticket_not_found', 'verification_failed'];
const STAGES = ['waiting_for_request', 'detecting', 'opening_child_ticket', 'awaiting_claim', 'redacting', 'verifying', 'merging', 'documenting'];
const BACKFILL_STATES = ['running', 'paused', 'awaiting_confirmation', 'cancelled', 'completed'];
/** Which stage of the per-ticket workflow each activity belongs to. */
const STAGE_OF: Record<string, string> = {
  detectCardData: 'detecting',
  openChildTicket: 'opening_child_ticket',
  postClaimRequest: 'awaiting_claim',
  updateSlackCard: 'notifying',
  postThreadReply: 'notifying',
  addDoneReaction: 'notifying',
  redactFindings: 'redacting',
  verifyRedaction: 'verifying',
  startMerge: 'merging',
  checkMergeJob: 'merging',
  addInternalNote: 'documenting',
  closeChildTicket: 'documenting',
};
const SAFE_LABEL = /^[A-Za-z][A-Za-z0-9_.:-]{0,80}$/;
const safe = (v: string | undefined, fallback = 'other') => (v && SAFE_LABEL.test(v) ? v : fallback);

// ---------- worker side ----------

export const workerRegistry = new Registry();
const activityDuration = new Histogram({
  name: 'pan_activity_duration_seconds',
  help: 'Duration of activity attempts, by activity, stage and result',
  labelNames: ['activity', 'stage', 'result'],
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  registers: [workerRegistry],
});
const activityFailures = new Counter({
  name: 'pan_activity_failures_total',
  help: 'Failed activity attempts, by activity and failure type',
  labelNames: ['activity', 'type'],
  registers: [workerRegistry],
});

class MetricsInbound implements ActivityInboundCallsInterceptor {
  constructor(private readonly ctx: Context) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const activity = safe(this.ctx.info.activityType);
    const stage = activity.startsWith('backfill') ? 'backfill' : (STAGE_OF[activity] ?? 'other');
    const end = activityDuration.startTimer({ activity, stage });
    try {
      const result = await next(input);
      end({ result: 'ok' });
      return result;
    } catch (err) {
      const type = err instanceof ApplicationFailure ? (err.type ?? 'ApplicationFailure') : err instanceof Error ? err.name : 'unknown';
      activityFailures.inc({ activity, type: safe(type) });
      end({ result: 'failed' });
      throw err;
    }
  }
}

/** Worker option `interceptors.activity`: records durations and failures of every activity attempt. */
export function workerMetricsInterceptor(ctx: Context): ActivityInterceptors {
  return { inbound: new MetricsInbound(ctx) };
}

/** Serves the worker's own metrics on a port, for a worker that runs apart from the HTTP service. */
export function serveWorkerMetrics(port: number, host = '0.0.0.0'): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    workerRegistry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': workerRegistry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

// ---------- service side ----------

export interface ServiceMetrics {
  registry: Registry;
  /** Recomputes the visibility gauges (at most once per `cacheMs`). */
  refresh(): Promise<void>;
  text(): Promise<string>;
}

export function createServiceMetrics(temporal: Client, opts: { cacheMs?: number; maxBackfills?: number } = {}): ServiceMetrics {
  const registry = new Registry();
  const requests = new Gauge({ name: 'pan_redaction_requests', help: 'Per-ticket redaction requests by outcome (closed workflows, from visibility)', labelNames: ['outcome'], registers: [registry] });
  const inStage = new Gauge({ name: 'pan_redaction_requests_in_stage', help: 'Open per-ticket redaction requests by stage (from visibility)', labelNames: ['stage'], registers: [registry] });
  const failed = new Gauge({ name: 'pan_redaction_workflows_failed', help: 'Per-ticket redaction workflows that failed or timed out', registers: [registry] });
  const backfills = new Gauge({ name: 'pan_backfill_runs', help: 'Backfill runs by state (from visibility)', labelNames: ['state'], registers: [registry] });
  const progress = new Gauge({ name: 'pan_backfill_progress', help: 'Progress of running backfills, by counter', labelNames: ['backfill', 'counter'], registers: [registry] });
  const cursor = new Gauge({ name: 'pan_backfill_cursor_timestamp_seconds', help: 'Time the backfill cursor has reached', labelNames: ['backfill'], registers: [registry] });
  const eta = new Gauge({ name: 'pan_backfill_eta_seconds', help: 'Estimated seconds left of a running backfill', labelNames: ['backfill'], registers: [registry] });
  const scrapeErrors = new Counter({ name: 'pan_metrics_scrape_errors_total', help: 'Visibility reads that failed during a scrape', registers: [registry] });
  const cacheMs = opts.cacheMs ?? 5_000;
  let last = 0;
  let inflight: Promise<void> | undefined;

  const count = async (query: string): Promise<number> => (await temporal.workflow.count(query)).count;

  async function compute(): Promise<void> {
    const rq = "WorkflowType = 'redactionWorkflow'";
    const [outcomes, stages, failures, states] = await Promise.all([
      Promise.all(OUTCOMES.map((o) => count(`${rq} AND RedactionOutcome = '${o}'`))),
      Promise.all(STAGES.map((s) => count(`${rq} AND ExecutionStatus = 'Running' AND RedactionStage = '${s}'`))),
      count(`${rq} AND ExecutionStatus IN ('Failed', 'TimedOut')`),
      Promise.all(BACKFILL_STATES.map((s) => count(`WorkflowType = 'backfillWorkflow' AND BackfillState = '${s}'`))),
    ]);
    OUTCOMES.forEach((o, i) => requests.set({ outcome: o }, outcomes[i]!));
    STAGES.forEach((s, i) => inStage.set({ stage: s }, stages[i]!));
    failed.set(failures);
    BACKFILL_STATES.forEach((s, i) => backfills.set({ state: s }, states[i]!));

    progress.reset();
    cursor.reset();
    eta.reset();
    let n = 0;
    for await (const wf of temporal.workflow.list({ query: "WorkflowType = 'backfillWorkflow' AND ExecutionStatus = 'Running'" })) {
      if (++n > (opts.maxBackfills ?? 5)) break;
      let p: BackfillProgress;
      try {
        p = await temporal.workflow.getHandle(wf.workflowId).query(backfillProgressQuery);
      } catch {
        scrapeErrors.inc();
        continue;
      }
      const backfill = safe(wf.workflowId, 'backfill');
      for (const key of ['ticketsScanned', 'commentsScanned', 'ticketsWithFindings', 'findings', 'requested', 'joined', 'redacted', 'denied', 'errors', 'pages'] as const) {
        progress.set({ backfill, counter: key }, p[key]);
      }
      cursor.set({ backfill }, Date.parse(p.cursorTime) / 1000);
      if (p.etaSeconds !== null) eta.set({ backfill }, p.etaSeconds);
    }
  }

  const metrics: ServiceMetrics = {
    registry,
    async refresh() {
      if (Date.now() - last < cacheMs) return;
      inflight ??= compute()
        .then(() => {
          last = Date.now();
        })
        .catch(() => {
          scrapeErrors.inc();
        })
        .finally(() => {
          inflight = undefined;
        });
      await inflight;
    },
    async text() {
      await metrics.refresh();
      return Registry.merge([registry, workerRegistry]).metrics();
    },
  };
  return metrics;
}

/** Registers `GET /metrics` on the HTTP service. */
export function registerMetrics(app: FastifyInstance, temporal: Client): ServiceMetrics {
  const metrics = createServiceMetrics(temporal);
  app.get('/metrics', async (_req, reply) => {
    const text = await metrics.text();
    return reply.code(200).header('Content-Type', metrics.registry.contentType).send(text);
  });
  return metrics;
}
