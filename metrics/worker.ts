// Worker-side metrics: an activity interceptor records every attempt's duration and failure type
// (installed by createRedactionWorker). In `npm start` the HTTP service's /metrics includes them; a
// separate worker process serves them with serveWorkerMetrics() (WORKER_METRICS_PORT).
import { createServer, type Server } from 'node:http';
import { ApplicationFailure, type Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityInterceptors, Next } from '@temporalio/worker';
import { Counter, Histogram, Registry } from 'prom-client';
import { safe, STAGE_OF } from './labels';

export const workerRegistry = new Registry();
const activityDuration = new Histogram({
  name: 'pan_activity_duration_seconds',
  help: 'Duration of activity attempts, by activity, stage and result',
  labelNames: ['activity', 'stage', 'result'],
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  registers: [workerRegistry],
});
/** Card data the API cannot erase, by place, as each request's verification finds it. */
const residuals = new Counter({
  name: 'pan_residuals_total',
  help: 'Residuals found by verification (card data the API cannot erase), by place',
  labelNames: ['place'],
  registers: [workerRegistry],
});

export function countResiduals(byPlace: Partial<Record<string, number>>): void {
  for (const [place, n] of Object.entries(byPlace)) if (n) residuals.inc({ place: safe(place) }, n);
}

const activityFailures = new Counter({
  name: 'pan_activity_failures_total',
  help: 'Failed activity attempts, by activity and failure type',
  labelNames: ['activity', 'type'],
  registers: [workerRegistry],
});

const rateLimited = new Counter({
  name: 'pan_rate_limited_total',
  help: 'Activity attempts answered 429 (Zendesk) or ratelimited (Slack), by API and activity',
  labelNames: ['api', 'activity'],
  registers: [workerRegistry],
});
const SLACK_ACTIVITIES = new Set(['postClaimRequest', 'updateSlackCard', 'postThreadReply', 'addDoneReaction', 'postSlackSummary', 'notifyRequester']);

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
      if (type === 'RateLimited') rateLimited.inc({ api: SLACK_ACTIVITIES.has(activity) || /slack/i.test(activity) ? 'slack' : 'zendesk', activity });
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
