// Worker entrypoint: `npm run worker`. Shuts down gracefully on SIGTERM/SIGINT: it stops
// polling and lets activities in flight finish (shutdownGraceTime), then closes its connection.
import { makeTelemetryFilterString, NativeConnection, Runtime } from '@temporalio/worker';
import { createSlackClient } from '../activities/slack-api';
import { createZendeskApi } from '../activities/zendesk-api';
import { serveWorkerMetrics } from '../metrics/worker';
import { connectionReason, DEFAULT_TEMPORAL_ADDRESS, TemporalUnreachableError } from '../config/temporal';
import { loadConfig, type Config } from '../config';
import { createDataConverter, parsePayloadKeys } from '../security/codec';
import { createLogger, temporalLogger } from '../security/logger';
import { activitySettings, createRedactionWorker, workerCache } from './worker';

/** `onReady` is called once the worker is connected and about to poll (npm start prints its ✔ then). */
export async function runWorker(config: Config, opts: { signal?: AbortSignal; onReady?: () => void } = {}): Promise<void> {
  const logger = createLogger({ name: 'worker', level: config.LOG_LEVEL });
  installRuntime(logger, config.TEMPORAL_SDK_METRICS_PORT);
  const address = config.TEMPORAL_ADDRESS ?? DEFAULT_TEMPORAL_ADDRESS;
  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect({ address });
  } catch (err) {
    throw new TemporalUnreachableError(address, connectionReason(err));
  }
  try {
    const worker = await createRedactionWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      dataConverter: createDataConverter(parsePayloadKeys(config.PAYLOAD_KEYS)),
      zendesk: createZendeskApi({ url: config.ZENDESK_URL, email: config.ZENDESK_EMAIL, token: config.ZENDESK_API_TOKEN, timeoutMs: config.ZENDESK_TIMEOUT_MS }),
      slack: createSlackClient({ apiUrl: config.SLACK_API_URL, botToken: config.SLACK_BOT_TOKEN, timeoutMs: config.SLACK_TIMEOUT_MS, log: (level, text) => logger[level](text) }),
      settings: activitySettings(config),
      cache: workerCache(config),
    });
    const metrics = config.WORKER_METRICS_PORT ? await serveWorkerMetrics(config.WORKER_METRICS_PORT) : undefined;
    opts.signal?.addEventListener('abort', () => worker.shutdown());
    logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE }, 'worker started');
    try {
      const running = worker.run();
      opts.onReady?.();
      await running;
    } finally {
      metrics?.close();
    }
    logger.info('worker stopped');
  } finally {
    await connection.close();
  }
}

let runtimeInstalled = false;
/** Routes SDK and core logs through the masking logger. Must run before any connection. */
/**
 * With `sdkMetricsPort` the SDK serves its own Prometheus metrics there (workflow-task latency, sticky cache,
 * slots, poll results), beside the product's (WORKER_METRICS_PORT); durations in seconds.
 */
export function installRuntime(logger: ReturnType<typeof createLogger>, sdkMetricsPort?: number): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    logger: temporalLogger(logger),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      ...(sdkMetricsPort ? { metrics: { prometheus: { bindAddress: `0.0.0.0:${sdkMetricsPort}`, useSecondsForDurations: true } } } : {}),
    },
  });
}

if (require.main === module) {
  runWorker(loadConfig()).catch((err: unknown) => {
    // ConfigError messages list the problems; other errors are masked by the logger.
    createLogger({ name: 'worker' }).fatal({ err }, err instanceof Error ? err.message : 'worker failed');
    process.exitCode = 1;
  });
}
