// Service-side metrics, computed at scrape time from Temporal visibility (search attributes):
// redaction requests by outcome and by stage, backfill runs by state, and each running backfill's
// progress (its query). Cached briefly. Labels hold only enums and backfill workflow ids.
import type { Client } from '@temporalio/client';
import { Counter, Gauge, Registry } from 'prom-client';
import { backfillProgressQuery } from '../workflows/backfill-messages';
import type { BackfillProgress } from '../workflows/backfill-types';
import { BACKFILL_STATES, OUTCOMES, safe, STAGES } from './labels';
import { claimRegistry } from './claims';
import { workerRegistry } from './worker';

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
  const oldestUnclaimed = new Gauge({ name: 'pan_redaction_oldest_unclaimed_seconds', help: 'Age of the oldest request waiting for a claim (0 when none)', registers: [registry] });
  const unclaimed = new Gauge({ name: 'pan_redaction_unclaimed_longer_than_seconds', help: 'Requests waiting for a claim longer than the threshold', labelNames: ['threshold'], registers: [registry] });
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

    // Unclaimed requests, by age (the SLA alert reads these).
    const now = Date.now();
    const ages: number[] = [];
    for await (const wf of temporal.workflow.list({ query: `${rq} AND ExecutionStatus = 'Running' AND RedactionStage = 'awaiting_claim'` })) {
      ages.push((now - wf.startTime.getTime()) / 1000);
      if (ages.length >= 10_000) break;
    }
    oldestUnclaimed.set(ages.length ? Math.max(...ages) : 0);
    for (const t of [1800, 3600, 14400, 86400]) unclaimed.set({ threshold: String(t) }, ages.filter((a) => a > t).length);

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
      return Registry.merge([registry, workerRegistry, claimRegistry]).metrics();
    },
  };
  return metrics;
}
