// A rolling deploy under waiting requests, with Worker Versioning on the real dev server: build v1
// (the production bundle from `npm run build:bundle`) serves requests that wait for a claim; build
// v2 (a changed redaction workflow, test/integration/fixtures/workflows-v2.ts) starts beside it and
// becomes current. The waiting requests finish on v1, where they started (PINNED); new requests
// start and finish on v2. Then a rollback makes v1 current again for the next request.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { QueryNotRegisteredError, type WorkflowHandle } from '@temporalio/client';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import { buildWorkflowBundle } from '../../scripts/build-workflow-bundle';
import { bundleOptions } from '../../workers/bundle';
import { executionBuildId, setCurrentVersion, setRampingVersion } from '../../workers/deployment';
import { activitySettings, createRedactionWorker } from '../../workers/worker';
import { claimUpdate, statusQuery } from '../../workflows/messages';
import type { redactionWorkflow } from '../../workflows/redaction';
import { spaced, VISA } from '../helpers/cards';
import { CHANNEL, eventually, LEAD, startHarness, type Harness } from '../helpers/harness';
import { V2_DONE_EMOJI } from './fixtures/workflows-v2';

let h: Harness;
const dir = mkdtempSync(join(tmpdir(), 'rolling-deploy-'));
const deploymentName = `pan-redactor-test-${randomUUID().slice(0, 8)}`;
const v1: WorkerDeploymentVersion = { deploymentName, buildId: 'build-1' };
const v2: WorkerDeploymentVersion = { deploymentName, buildId: 'build-2' };
const workers: Array<{ worker: Worker; running: Promise<void> }> = [];

beforeAll(async () => {
  h = await startHarness({ worker: false });
});
afterAll(async () => {
  for (const w of workers) w.worker.shutdown();
  await Promise.all(workers.map((w) => w.running));
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function startWorker(version: WorkerDeploymentVersion, workflowBundle: Parameters<typeof createRedactionWorker>[0]['workflowBundle']) {
  const worker = await createRedactionWorker({
    connection: h.nativeConnection,
    taskQueue: h.taskQueue,
    zendesk: h.zendeskApi,
    slack: h.slackClient,
    dataConverter: h.dataConverter,
    settings: activitySettings(h.config),
    workflowBundle,
    deployment: version,
    shutdownGraceTime: '5 seconds',
  });
  workers.push({ worker, running: worker.run() });
}

async function request(): Promise<WorkflowHandle<typeof redactionWorkflow>> {
  const { ticket } = await h.zendesk.control.seedTicket({ subject: 'Billing', status: 'open', comments: [{ body: `card ${spaced(VISA)} please` }] });
  const handle = await h.request(ticket.id, { source: 'agent', requestedBy: 9001 });
  // v2 registers its handlers after its first timer: a query before that is not an answer yet.
  const stage = () => handle.query(statusQuery).then((s) => s.stage, (err: unknown) => (err instanceof QueryNotRegisteredError ? undefined : Promise.reject(err)));
  await eventually(async () => (await stage()) === 'awaiting_claim', 60_000, `ticket ${ticket.id} awaiting_claim`);
  return handle;
}

async function buildIdOf(handle: WorkflowHandle): Promise<string | undefined> {
  return executionBuildId((await handle.describe()).raw.workflowExecutionInfo);
}

async function doneEmoji(handle: WorkflowHandle<typeof redactionWorkflow>): Promise<string[]> {
  const ticketId = (await handle.query(statusQuery)).ticketId;
  const card = (await h.slack.control.messages(CHANNEL)).find((m) => m.text?.includes(`#${ticketId}`));
  return card ? (await h.slack.control.reactions(CHANNEL, card.ts)).map((r) => r.name) : [];
}

async function claimAndFinish(handle: WorkflowHandle<typeof redactionWorkflow>) {
  await handle.executeUpdate(claimUpdate, { args: [{ slackUserId: LEAD, source: 'test' }] });
  return handle.result();
}

test('waiting requests finish on the build they started on; new ones start on the new current build; a rollback sends new ones back', async () => {
  // Build v1: the production bundle, written by the same code as `npm run build:bundle`.
  const v1Bundle = join(dir, 'workflow-bundle.js');
  await buildWorkflowBundle(v1Bundle);
  await startWorker(v1, { codePath: v1Bundle });
  await setCurrentVersion(h.nativeConnection.workflowService, 'default', v1);

  const waiting = [await request(), await request()];
  for (const handle of waiting) expect(await buildIdOf(handle)).toBe(v1.buildId);

  // Deploy v2 beside v1, ramp it and make it current, while both requests wait for a lead.
  const v2Bundle = await bundleWorkflowCode({ ...bundleOptions(require.resolve('./fixtures/workflows-v2')), logger: quiet });
  await startWorker(v2, v2Bundle);
  // Ramp first (all the way, so the test knows where the request goes), then promote.
  await setRampingVersion(h.nativeConnection.workflowService, 'default', v2, 100);
  const fresh = await request();
  expect(await buildIdOf(fresh)).toBe(v2.buildId);
  await setCurrentVersion(h.nativeConnection.workflowService, 'default', v2);

  // Claims arrive after the deploy: each request finishes on its own build.
  const results = await Promise.all([...waiting, fresh].map(claimAndFinish));
  expect(results.map((r) => r.outcome)).toEqual(['redacted', 'redacted', 'redacted']);
  for (const handle of waiting) {
    expect(await buildIdOf(handle)).toBe(v1.buildId);
    expect((await handle.describe()).raw.workflowExecutionInfo?.versioningInfo?.behavior).toBe(temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_PINNED);
    expect(await doneEmoji(handle)).toEqual(['white_check_mark']);
  }
  expect(await buildIdOf(fresh)).toBe(v2.buildId);
  expect(await doneEmoji(fresh)).toEqual([V2_DONE_EMOJI]);

  // Rollback: v1 (still running) is current again; the next request starts on it.
  await setCurrentVersion(h.nativeConnection.workflowService, 'default', v1);
  const afterRollback = await request();
  expect(await buildIdOf(afterRollback)).toBe(v1.buildId);
  expect((await claimAndFinish(afterRollback)).outcome).toBe('redacted');
  expect(await doneEmoji(afterRollback)).toEqual(['white_check_mark']);
});

const noop = () => undefined;
const quiet = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
