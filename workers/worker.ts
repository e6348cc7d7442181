// Builds the redaction worker from its clients; used by the entrypoint, `npm start` and tests.
import type { WebClient } from '@slack/web-api';
import type { DataConverter, WorkerDeploymentVersion } from '@temporalio/common';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { workerMetricsInterceptor } from '../client/metrics';
import type { ZendeskApi } from '../activities/zendesk-api';
import type { Config } from '../config';
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
}

export async function createRedactionWorker(opts: RedactionWorkerOptions): Promise<Worker> {
  return Worker.create({
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
    // Activity durations and failures by type, for GET /metrics (client/metrics.ts).
    interceptors: { activity: [workerMetricsInterceptor] },
    // On SIGTERM the worker stops polling and lets activities in flight finish within this time.
    shutdownGraceTime: opts.shutdownGraceTime ?? '30 seconds',
  });
}

/** This worker's deployment version, when a build id is configured. */
export function deploymentVersion(config: Config): WorkerDeploymentVersion | undefined {
  return config.TEMPORAL_BUILD_ID ? { deploymentName: config.TEMPORAL_DEPLOYMENT_NAME, buildId: config.TEMPORAL_BUILD_ID } : undefined;
}

/** The activities' settings, from the validated configuration. */
export function activitySettings(config: Config): RedactionWorkerOptions['settings'] {
  return {
    zendeskUrl: config.ZENDESK_URL,
    slackChannelId: config.SLACK_CHANNEL_ID,
    fingerprintKey: config.FINGERPRINT_KEY,
    redactionApi: config.ZENDESK_REDACTION_API,
    legacyFallback: config.ZENDESK_LEGACY_FALLBACK,
    exportAuth: { url: config.ZENDESK_URL, email: config.ZENDESK_EMAIL, token: config.ZENDESK_API_TOKEN, timeoutMs: config.ZENDESK_TIMEOUT_MS },
  };
}
