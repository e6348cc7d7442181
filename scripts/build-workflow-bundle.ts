// `npm run build:bundle [OUT]`: the production workflow bundle (default dist/workflow-bundle.js),
// built once so workers start without webpack (temporalio/samples-typescript `production`).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { bundleOptions, DEFAULT_WORKFLOW_BUNDLE_PATH, WORKFLOWS_PATH } from '../workers/bundle';

/** Bundles `workflowsPath` (default workflows/) into `out`; returns the bytes written. */
export async function buildWorkflowBundle(out: string = DEFAULT_WORKFLOW_BUNDLE_PATH, workflowsPath: string = WORKFLOWS_PATH): Promise<number> {
  const { code } = await bundleWorkflowCode({ ...bundleOptions(workflowsPath), logger: quietLogger });
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, code);
  return Buffer.byteLength(code);
}

// webpack's progress lines are noise in a build log; errors still throw.
const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

if (require.main === module) {
  const out = resolve(process.argv[2] ?? DEFAULT_WORKFLOW_BUNDLE_PATH);
  buildWorkflowBundle(out).then(
    (bytes) => process.stdout.write(`workflow bundle written to ${out} (${Math.round(bytes / 1024)} KiB)\n`),
    (err: unknown) => {
      process.stderr.write(`workflow bundle failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
