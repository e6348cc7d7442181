// Worker entrypoint: `npm run worker`. Shuts down gracefully on SIGTERM/SIGINT: it stops
// polling and lets activities in flight finish (WORKER_SHUTDOWN_GRACE_TIME), then closes its connection.
import { makeTelemetryFilterString, NativeConnection, Runtime } from '@temporalio/worker';
import { createSlackClient } from '../activities/slack-api';
import { createZendeskApi } from '../activities/zendesk-api';
import { serveWorkerMetrics } from '../metrics/worker';
import { connectionReason, DEFAULT_TEMPORAL_ADDRESS, TemporalUnreachableError } from '../config/temporal';
import { ConfigError, loadConfig, type Config } from '../config';
import { createDataConverter, parsePayloadKeys } from '../security/codec';
import { createLogger, temporalLogger } from '../security/logger';
import { MissingBundleError, workflowSource } from './bundle';
import { setCurrentVersion } from './deployment';
import { activitySettings, createRedactionWorker, deploymentVersion, shutdownTimes, workerCache } from './worker';

export interface RunWorkerOptions {
  signal?: AbortSignal;
  /** Called once the worker is connected and about to poll (npm start prints its ✔ then). */
  onReady?: () => void;
  /**
   * Make this worker's deployment version current once it polls (`npm start`: one worker, one
   * version). Production leaves this to the operator's rollout (README, "Deploying a new version").
   */
  makeCurrent?: boolean;
}

export async function runWorker(config: Config, opts: RunWorkerOptions = {}): Promise<void> {
  const logger = createLogger({ name: 'worker', level: config.LOG_LEVEL });
  const { workflowBundle } = workflowSource(config.WORKFLOW_BUNDLE_PATH); // a missing bundle stops us before connecting
  // With a signal the caller decides when to stop (npm start stops the HTTP service first), so the SDK's
  // runtime must not shut the worker down on SIGINT/SIGTERM by itself.
  installRuntime(logger, config.TEMPORAL_SDK_METRICS_PORT, opts.signal ? [] : undefined);
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
      workflowBundle,
      deployment: deploymentVersion(config),
      ...shutdownTimes(config),
    });
    const metrics = config.WORKER_METRICS_PORT ? await serveWorkerMetrics(config.WORKER_METRICS_PORT) : undefined;
    const version = deploymentVersion(config);
    logger.info(
      { taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE, deployment: version, prebuiltBundle: config.WORKFLOW_BUNDLE_PATH ?? false },
      'worker started',
    );
    try {
      const running = worker.run();
      const stopNow = (): void => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
      };
      // A stop asked for while we were connecting counts too (an aborted signal never fires 'abort' again).
      if (opts.signal?.aborted) stopNow();
      else opts.signal?.addEventListener('abort', stopNow, { once: true });
      if (opts.makeCurrent && version && !opts.signal?.aborted) {
        try {
          await setCurrentVersion(connection.workflowService, config.TEMPORAL_NAMESPACE, version, undefined, opts.signal);
          logger.info({ deployment: version }, 'worker deployment version set current');
        } catch (err) {
          stopNow();
          await running.catch(() => undefined);
          if (!opts.signal?.aborted) throw err; // stopped meanwhile: there is nothing to make current
        }
      }
      if (!opts.signal?.aborted) opts.onReady?.();
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
/**
 * Routes SDK and core logs through the masking logger. Must run before any connection.
 * With `sdkMetricsPort` the SDK serves its own Prometheus metrics there (workflow-task latency, sticky cache,
 * slots, poll results), beside the product's (WORKER_METRICS_PORT); durations in seconds.
 * `shutdownSignals`: the signals on which the SDK shuts its workers down (default: the SDK's own list).
 */
export function installRuntime(logger: ReturnType<typeof createLogger>, sdkMetricsPort?: number, shutdownSignals?: NodeJS.Signals[]): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    ...(shutdownSignals ? { shutdownSignals } : {}),
    logger: temporalLogger(logger),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      ...(sdkMetricsPort ? { metrics: { prometheus: { bindAddress: `0.0.0.0:${sdkMetricsPort}`, useSecondsForDurations: true } } } : {}),
    },
  });
}

if (require.main === module) {
  Promise.resolve()
    .then(() => runWorker(loadConfig()))
    .catch((err: unknown) => {
      const logger = createLogger({ name: 'worker' });
      // A configuration mistake gets its message (ConfigError lists the problems), no stack trace;
      // other errors are logged whole, masked by the logger.
      if (err instanceof ConfigError || err instanceof MissingBundleError || err instanceof TemporalUnreachableError) logger.fatal(err.message);
      else logger.fatal({ err }, err instanceof Error ? err.message : 'worker failed');
      process.exitCode = 1;
    });
}
