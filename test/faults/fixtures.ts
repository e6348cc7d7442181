// Shared set-up of the fault suite: a harness with short, configured time limits, ticket ids that
// do not collide with other test files on the shared Temporal server, and small waiting helpers.
import { AGENT_USER_ID } from '../../sandbox/zendesk/users';
import { randomBytes, randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { generatePayloadKey } from '../../security/codec';
import { claimUpdate, statusQuery } from '../../workflows/messages';
import type { redactionWorkflow } from '../../workflows/redaction';
import type { RedactionStatus, Stage } from '../../workflows/types';
import { spaced, VISA } from '../helpers/cards';
import { CHANNEL, eventually, LEAD, startHarness, testEnv, type Harness } from '../helpers/harness';
import { workerChild, type WorkerChild } from '../helpers/worker-child';
import { expectInvariants, summarize, type InvariantOptions, type InvariantResult } from './invariants';

/**
 * Short limits, so a lost activity attempt is retried within seconds and the suite stays bounded.
 * The HTTP timeouts are below the activity limits: an attempt normally fails on its own first.
 */
export const FAULT_ENV: NodeJS.ProcessEnv = {
  ZENDESK_TIMEOUT_MS: '2500',
  SLACK_TIMEOUT_MS: '2500',
  ZENDESK_ACTIVITY_TIMEOUT: '4s',
  ZENDESK_SCAN_TIMEOUT: '5s',
  SLACK_ACTIVITY_TIMEOUT: '4s',
  MERGE_POLL_INTERVAL: '200ms',
  CLAIM_REMINDER_AFTER: '10 minutes',
};

export type FaultHarness = Harness & {
  /** The environment of this harness's worker, for a worker in another process (worker-child.ts). */
  workerEnv: NodeJS.ProcessEnv;
};

export async function startFaultHarness(opts: { env?: NodeJS.ProcessEnv; worker?: boolean } = {}): Promise<FaultHarness> {
  // Fixed here so that a worker process built from workerEnv shares keys and task queue with the harness.
  const shared: NodeJS.ProcessEnv = {
    PAYLOAD_KEYS: generatePayloadKey('fault-key'),
    FINGERPRINT_KEY: randomBytes(32).toString('base64'),
    TEMPORAL_TASK_QUEUE: `faults-${randomUUID()}`,
    ...FAULT_ENV,
    ...opts.env,
  };
  const h = await startHarness({ env: shared, worker: opts.worker });
  // Every emulator numbers tickets from 1 and all test files share one Temporal namespace.
  h.zendesk.store.skipTicketIdsTo(1_000_000 + Math.floor(Math.random() * 900_000_000));
  const workerEnv = testEnv(h.zendesk, h.slack, process.env.TEMPORAL_TEST_ADDRESS!, shared);
  return Object.assign(h, { workerEnv });
}

export type Handle = WorkflowHandle<typeof redactionWorkflow>;

export async function seedCardTicket(h: Harness, opts: { body?: string; mergeInto?: number; subject?: string } = {}) {
  const comments: Array<{ body: string; public?: boolean; author_id?: number }> = [{ body: opts.body ?? `my card is ${spaced(VISA)} exp 12/27` }];
  if (opts.mergeInto !== undefined) comments.push({ body: `merge into #${opts.mergeInto}`, public: false, author_id: AGENT_USER_ID });
  const { ticket, comments: created } = await h.zendesk.control.seedTicket({ subject: opts.subject ?? 'Billing', status: 'open', comments });
  return { ticketId: ticket.id, commentId: created[0]!.id };
}

export async function stageOf(handle: Handle): Promise<Stage> {
  return (await handle.query(statusQuery)).stage;
}

export async function awaitStage(handle: Handle, stage: Stage, timeoutMs = 60_000): Promise<void> {
  await eventually(async () => (await stageOf(handle)) === stage, timeoutMs, `stage ${stage}`);
}

export async function claim(handle: Handle, lead = LEAD) {
  await awaitStage(handle, 'awaiting_claim');
  return handle.executeUpdate(claimUpdate, { args: [{ slackUserId: lead, source: 'test' }] });
}

export async function slackCard(h: Harness, ticketId: number, timeoutMs = 60_000): Promise<string> {
  return eventually(
    async () => (await h.slack.control.messages(CHANNEL)).find((m) => m.text?.startsWith(`Card data redaction for ticket #${ticketId}:`))?.ts,
    timeoutMs,
    `Slack card for ticket ${ticketId}`,
  );
}

/** The workflow's result, bounded: a request stuck in a retry loop fails the scenario. */
export async function resultWithin(handle: Handle, ms = 90_000): Promise<RedactionStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`workflow ${handle.workflowId} has no outcome after ${ms} ms (stuck?)`)), ms);
  });
  try {
    return await Promise.race([handle.result(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Scenario log lines, printed by `printSummary` in each file's afterAll. */
const lines: string[] = [];

/** Waits until every Zendesk fault that was hit has answered (a delayed call is logged when it lands). */
export async function faultsSettled(h: Harness, timeoutMs = 30_000): Promise<void> {
  await eventually(
    async () => {
      const [faults, calls] = await Promise.all([h.zendesk.control.faults(), h.zendesk.control.calls()]);
      return faults.every((f) => calls.filter((c) => c.fault === f.id).length >= (f.times ?? 1) - f.remaining);
    },
    timeoutMs,
    'delayed Zendesk calls to land',
  );
}

export async function verify(h: Harness, scenario: string, what: string, o: Omit<InvariantOptions, 'zendesk' | 'slack' | 'channel'>): Promise<InvariantResult[]> {
  await faultsSettled(h);
  const results = await expectInvariants({ zendesk: h.zendesk.control, slack: h.slack.control, channel: CHANNEL, ...o });
  lines.push(summarize(scenario, what, results));
  return results;
}

export function note(line: string): void {
  lines.push(line);
}

export function printSummary(file: string): void {
  if (lines.length) process.stdout.write(`\n[faults] ${file}\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
}

/** Resolves once the emulator has received a call matching the fault (it may still be holding it). */
export async function faultHit(h: Harness, faultId: number, timeoutMs = 60_000): Promise<void> {
  await eventually(async () => (await h.zendesk.control.faults()).some((f) => f.id === faultId && f.remaining === 0), timeoutMs, `fault ${faultId} to be hit`);
}

/**
 * A fault harness whose worker runs in its own process, for the SIGKILL scenarios: `killAndRestart`
 * kills it with the work in flight and starts a new one, noting the gap under `label`.
 */
export async function startKillableWorker(label: string): Promise<{ h: FaultHarness; worker: WorkerChild; killAndRestart(what: string): Promise<void> }> {
  const h = await startFaultHarness({ worker: false });
  const worker = workerChild(h.workerEnv);
  await worker.start();
  return {
    h,
    worker,
    async killAndRestart(what: string): Promise<void> {
      const pid = worker.pid;
      const t0 = Date.now();
      await worker.kill();
      await worker.start();
      note(`${label} ${what}: SIGKILL pid ${pid}, new worker polling after ${Date.now() - t0} ms`);
    },
  };
}
