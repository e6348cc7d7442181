// Worker Versioning operations over the gRPC API (the same calls as `temporal worker deployment
// set-current-version|set-ramping-version`): `npm start` and the tests make their own worker's
// version current once the server has seen it poll (docs/versioning.md).
import { toCanonicalString, type WorkerDeploymentVersion } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';

type WorkflowService = temporal.api.workflowservice.v1.WorkflowService;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until a worker of `version` has polled, so the server knows the version. */
export async function waitForVersion(service: WorkflowService, namespace: string, version: WorkerDeploymentVersion, timeoutMs = 30_000, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const canonical = toCanonicalString(version);
  for (;;) {
    if (signal?.aborted) throw new Error(`stopped while waiting for worker deployment version ${canonical}`);
    try {
      const { workerDeploymentInfo } = await service.describeWorkerDeployment({ namespace, deploymentName: version.deploymentName });
      const seen = workerDeploymentInfo?.versionSummaries?.some(
        (s) => s.deploymentVersion?.buildId === version.buildId || s.version === canonical,
      );
      if (seen) return;
    } catch {
      // NOT_FOUND until the deployment's first worker polls.
    }
    if (Date.now() > deadline) throw new Error(`worker deployment version ${canonical} did not appear within ${timeoutMs} ms (is its worker running?)`);
    await sleep(250);
  }
}

/** Makes `version` the deployment's current version: new workflows start on it. `signal` gives up the wait. */
export async function setCurrentVersion(service: WorkflowService, namespace: string, version: WorkerDeploymentVersion, timeoutMs?: number, signal?: AbortSignal): Promise<void> {
  await waitForVersion(service, namespace, version, timeoutMs, signal);
  await service.setWorkerDeploymentCurrentVersion({ namespace, deploymentName: version.deploymentName, buildId: version.buildId, identity: 'pan-redactor' });
}

/** Sends `percentage` of new workflows (and AUTO_UPGRADE ones) to `version`; 0 with no build id stops a ramp. */
export async function setRampingVersion(service: WorkflowService, namespace: string, version: WorkerDeploymentVersion, percentage: number, timeoutMs?: number): Promise<void> {
  if (version.buildId) await waitForVersion(service, namespace, version, timeoutMs);
  await service.setWorkerDeploymentRampingVersion({ namespace, deploymentName: version.deploymentName, buildId: version.buildId, percentage, identity: 'pan-redactor' });
}

/** The build id a workflow execution is pinned to or last ran on, from DescribeWorkflowExecution. */
export function executionBuildId(info: temporal.api.workflow.v1.IWorkflowExecutionInfo | null | undefined): string | undefined {
  const v = info?.versioningInfo;
  return v?.deploymentVersion?.buildId ?? undefined;
}
