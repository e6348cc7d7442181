// Where the worker's workflow code comes from. Production runs a bundle built once at build time
// (`npm run build:bundle`, as in temporalio/samples-typescript `production`): no webpack at start-up,
// and the code that runs is the code that was built and tagged with the deployment's build id.
// Development bundles workflows/ at start-up, so an edit is picked up by a restart.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BundleOptions, WorkerOptions } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../security/codec';

export const WORKFLOWS_PATH = require.resolve('../workflows');
/** Default output of `npm run build:bundle`. */
export const DEFAULT_WORKFLOW_BUNDLE_PATH = resolve(__dirname, '..', 'dist', 'workflow-bundle.js');

/**
 * Options for bundleWorkflowCode. The failure converter must be in the bundle: a prebuilt
 * `workflowBundle` ignores the data converter's failureConverterPath, and failures raised in
 * workflow code would then reach history with plaintext messages.
 */
export function bundleOptions(workflowsPath: string = WORKFLOWS_PATH): Pick<BundleOptions, 'workflowsPath' | 'failureConverterPath'> {
  return { workflowsPath, failureConverterPath: FAILURE_CONVERTER_PATH };
}

export class MissingBundleError extends Error {
  constructor(path: string) {
    super(`WORKFLOW_BUNDLE_PATH=${path} does not exist: build it with \`npm run build:bundle\` (or unset WORKFLOW_BUNDLE_PATH to bundle at start-up)`);
    this.name = 'MissingBundleError';
  }
}

/** The prebuilt bundle when a path is configured, else workflows/ bundled at start-up. */
export function workflowSource(bundlePath: string | undefined): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  if (bundlePath === undefined) return { workflowsPath: WORKFLOWS_PATH };
  const codePath = resolve(bundlePath);
  if (!existsSync(codePath)) throw new MissingBundleError(codePath);
  return { workflowBundle: { codePath } };
}
