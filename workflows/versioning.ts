// Worker Versioning behaviour of a workflow type (docs/versioning.md). The server refuses a
// behaviour from an unversioned worker ("versioning behavior cannot be specified without
// deployment options"), so it is declared only when the task runs on a versioned worker: the same
// code then serves versioned production workers and unversioned test or ad-hoc workers.
import type { VersioningBehavior, WorkflowDefinitionOptions } from '@temporalio/common';
import { workflowInfo } from '@temporalio/workflow';

export type VersioningOptions = (() => WorkflowDefinitionOptions) & { readonly behavior: VersioningBehavior };

/** For `setWorkflowOptions(whenVersioned('PINNED'), fn)`; `behavior` says what it declares. */
export function whenVersioned(behavior: VersioningBehavior): VersioningOptions {
  // An unversioned worker reports a build id (its bundle checksum) but no deployment name.
  const options = () => (workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior: behavior } : {});
  return Object.assign(options, { behavior });
}
