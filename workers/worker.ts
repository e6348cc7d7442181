// Builds the redaction worker from its clients; used by the entrypoint, `npm start` and tests.
import type { WebClient } from '@slack/web-api';
import type { DataConverter, Duration, WorkerDeploymentVersion } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { workerMetricsInterceptor } from '../metrics/worker';
import type { ZendeskApi } from '../activities/zendesk-api';
import { createReportStore } from '../activities/report-store';
import { createAttachmentScanner } from '../activities/attachment-scan';
import { attachmentLimits, redactionSettings, reportStoreSettings, type Config } from '../config';
import { WORKFLOWS_PATH } from './bundle';

export interface RedactionWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  zendesk: ZendeskApi;
  slack: WebClient;
  settings: Omit<ActivityDeps, 'zendesk' | 'slack'>;
  dataConverter?: DataConverter;
  /** A prebuilt bundle (production: `{ codePath }`; tests bundle once); default bundles workflows/ at start-up. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Worker Versioning: this worker serves one version of the deployment (docs/versioning.md). */
  deployment?: WorkerDeploymentVersion;
  shutdownGraceTime?: WorkerOptions['shutdownGraceTime'];
  /** Past this, shutdown stops waiting for activities that ignore their cancellation (run() rejects). */
  shutdownForceTime?: WorkerOptions['shutdownForceTime'];
  /** Workflow cache and sticky queue sizing (see config: WORKER_MAX_CACHED_WORKFLOWS etc.). */
  cache?: Pick<WorkerOptions, 'maxCachedWorkflows' | 'stickyQueueScheduleToStartTimeout' | 'maxConcurrentWorkflowTaskExecutions'>;
}

export async function createRedactionWorker(opts: RedactionWorkerOptions): Promise<Worker> {
  const worker = await Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    dataConverter: opts.dataConverter,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    // Each workflow type declares its versioning behaviour (setWorkflowOptions); PINNED is the
    // safe default for any type that forgets: it never runs on code it did not start with.
    ...(opts.deployment
      ? { workerDeploymentOptions: { version: opts.deployment, useWorkerVersioning: true, defaultVersioningBehavior: 'PINNED' as const } }
      : {}),
    activities: createActivities({ zendesk: opts.zendesk, slack: opts.slack, ...opts.settings }),
    // Activity durations and failures by type, for GET /metrics (metrics/).
    interceptors: { activity: [workerMetricsInterceptor] },
    // On SIGTERM the worker stops polling and lets activities in flight finish within this time.
    shutdownGraceTime: opts.shutdownGraceTime ?? '30 seconds',
    shutdownForceTime: opts.shutdownForceTime,
    ...opts.cache,
  });
  // The OCR pool's threads would keep the process alive: they end when the worker stops running.
  const run = worker.run.bind(worker);
  worker.run = () => run().finally(() => opts.settings.files.close());
  return worker;
}

/** Workflow cache sizing from the validated configuration. */
export function workerCache(config: Config): NonNullable<RedactionWorkerOptions['cache']> {
  return {
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    stickyQueueScheduleToStartTimeout: config.WORKER_STICKY_QUEUE_TIMEOUT as Duration,
    maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
  };
}

/** How long a cancelled activity may take to give up, after the grace time, before shutdown stops waiting. */
export const SHUTDOWN_FORCE_AFTER_GRACE_MS = 10_000;

/** Graceful shutdown bounds from WORKER_SHUTDOWN_GRACE_TIME. */
export function shutdownTimes(config: Pick<Config, 'WORKER_SHUTDOWN_GRACE_TIME'>): { shutdownGraceTime: number; shutdownForceTime: number } {
  const grace = msToNumber(config.WORKER_SHUTDOWN_GRACE_TIME as Duration);
  return { shutdownGraceTime: grace, shutdownForceTime: grace + SHUTDOWN_FORCE_AFTER_GRACE_MS };
}

/** This worker's deployment version, when a build id is configured. */
export function deploymentVersion(config: Config): WorkerDeploymentVersion | undefined {
  return config.TEMPORAL_BUILD_ID ? { deploymentName: config.TEMPORAL_DEPLOYMENT_NAME, buildId: config.TEMPORAL_BUILD_ID } : undefined;
}

/** The activities' settings, from the validated configuration. */
export function activitySettings(config: Config): RedactionWorkerOptions['settings'] {
  const report = reportStoreSettings(config);
  return {
    zendeskUrl: config.ZENDESK_URL,
    slackChannelId: config.SLACK_CHANNEL_ID,
    fingerprintKey: config.FINGERPRINT_KEY,
    redactionApi: config.ZENDESK_REDACTION_API,
    legacyFallback: config.ZENDESK_LEGACY_FALLBACK,
    exportAuth: { url: config.ZENDESK_URL, email: config.ZENDESK_EMAIL, token: config.ZENDESK_API_TOKEN, timeoutMs: config.ZENDESK_TIMEOUT_MS },
    reportStore: createReportStore(report.location, report.s3),
    workflowSettings: redactionSettings(config),
    files: createAttachmentScanner({ zendeskUrl: config.ZENDESK_URL, email: config.ZENDESK_EMAIL, token: config.ZENDESK_API_TOKEN, fingerprintKey: config.FINGERPRINT_KEY, limits: attachmentLimits(config) }),
  };
}
