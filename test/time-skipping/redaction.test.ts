// The redaction workflow's timing paths with the PRODUCTION settings, on Temporal's time-skipping
// test server with mocked activities: 30-minute reminders, escalation, merge-poll exhaustion, a
// second redaction pass, continue-as-new with requests pending. The same paths run end to end on a
// real dev server with the emulators in test/integration/ (with short settings).
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { claimSignal, requestSignal, statusQuery } from '../../workflows/messages';
import { redactionWorkflow } from '../../workflows/redaction';
import type { RedactionSettings } from '../../workflows/types';
import { CLEAN, detection, finding, mockActivities, type MockActivities } from '../helpers/mock-activities';
import { defaultSettings, mockedWorker, startTimeSkipping, until } from '../helpers/time-skipping';

const MINUTE = 60_000;
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await startTimeSkipping();
});
afterAll(async () => {
  await env?.teardown();
});

let ticket = 5_000;
/** Starts a ticket's workflow with one request, as the webhook handler does (signal-with-start). */
async function start(taskQueue: string, settings: RedactionSettings, deliveryId = randomUUID()) {
  const ticketId = ++ticket;
  return env.client.workflow.signalWithStart(redactionWorkflow, {
    workflowId: `redaction-ticket-${ticketId}-${randomUUID()}`,
    taskQueue,
    args: [{ ticketId, settings }],
    signal: requestSignal,
    signalArgs: [{ deliveryId, source: 'detection' }],
  });
}

async function withWorker<T>(mocks: MockActivities, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `ts-${randomUUID()}`;
  const worker = await mockedWorker(env, taskQueue, mocks.activities);
  return worker.runUntil(fn(taskQueue));
}

test('default settings: a reminder after 30 minutes without a claim, an escalation after 60, then nothing more', async () => {
  expect(defaultSettings().claimReminderAfter).toBe('30 minutes');
  const mocks = mockActivities();
  await withWorker(mocks, async (taskQueue) => {
    const handle = await start(taskQueue, defaultSettings());
    await until(async () => (await handle.query(statusQuery)).stage === 'awaiting_claim', 'awaiting_claim');
    const startedAt = (await handle.describe()).startTime.getTime();

    await env.sleep('29 minutes');
    expect(mocks.threadReplies()).toEqual([]);
    expect((await handle.query(statusQuery)).remindersSent).toBe(0);

    await env.sleep('2 minutes');
    await until(async () => mocks.threadReplies().length === 1, 'the reminder');
    expect(mocks.threadReplies()[0]).toMatch(/^Reminder: the redaction request for ticket #\d+ is still waiting for a lead\.$/);

    await env.sleep('27 minutes'); // 58 minutes in
    expect(mocks.threadReplies()).toHaveLength(1);
    await env.sleep('4 minutes');
    await until(async () => mocks.threadReplies().length === 2, 'the escalation');
    expect(mocks.threadReplies()[1]).toMatch(/^Escalation: nobody has answered the redaction request for ticket #\d+\.$/);

    // In workflow time: the reminder at 30 minutes, the escalation 30 minutes later.
    const [reminder, escalation] = mocks.callsTo('postThreadReply').map((c) => c.scheduledAt - startedAt);
    expect(reminder).toBeGreaterThanOrEqual(30 * MINUTE);
    expect(reminder).toBeLessThan(31 * MINUTE);
    expect(escalation).toBeGreaterThanOrEqual(60 * MINUTE);
    expect(escalation).toBeLessThan(62 * MINUTE);

    // Nobody is pinged a third time; the request still waits, and a claim still completes it.
    await env.sleep('3 hours');
    expect(mocks.threadReplies()).toHaveLength(2);
    expect((await handle.query(statusQuery)).stage).toBe('awaiting_claim');
    await handle.signal(claimSignal, { slackUserId: 'U0LEAD1', source: 'test' });
    const result = await handle.result();
    expect(result.outcome).toBe('redacted');
    expect(result.remindersSent).toBeGreaterThanOrEqual(2);
    expect(mocks.inputs('addDoneReaction')).toHaveLength(1);
  });
});

test('the escalation mentions SLACK_ESCALATION_MENTION when set', async () => {
  const mocks = mockActivities();
  await withWorker(mocks, async (taskQueue) => {
    const handle = await start(taskQueue, defaultSettings({ escalationMention: '<!subteam^S0LEADS>' }));
    await until(async () => (await handle.query(statusQuery)).stage === 'awaiting_claim', 'awaiting_claim');
    await env.sleep('61 minutes');
    await until(async () => mocks.threadReplies().length === 2, 'the escalation');
    expect(mocks.threadReplies()[1]).toMatch(/^<!subteam\^S0LEADS> Escalation:/);
    await handle.signal(claimSignal, { slackUserId: 'U0LEAD1', source: 'test' });
    expect((await handle.result()).outcome).toBe('redacted');
  });
});

test('merge-poll exhaustion: a merge job that never finishes is given up after the poll limit, the redaction is kept', async () => {
  const settings = defaultSettings({ mode: 'auto' });
  expect([settings.mergePollInterval, settings.mergePollLimit]).toEqual(['5 seconds', 60]);
  const mocks = mockActivities({
    async detectCardData() {
      return detection([finding('4242')], { mergeInstruction: { kind: 'merge', target: 777, commentId: 1 } });
    },
    async startMerge() {
      return { status: 'started', jobId: 'job-stuck' };
    },
    async checkMergeJob() {
      return { status: 'working' };
    },
  });
  const result = await withWorker(mocks, async (taskQueue) => (await start(taskQueue, settings)).result());

  expect(result.outcome).toBe('redacted_merge_skipped');
  expect(result.detail).toBe('Merge into #777 did not finish in time; check Zendesk job job-stuck. The redaction is kept.');
  const polls = mocks.callsTo('checkMergeJob');
  expect(polls).toHaveLength(60);
  // One poll every 5 seconds of workflow time: five minutes in all, skipped.
  const gaps = polls.slice(1).map((p, i) => p.scheduledAt - polls[i]!.scheduledAt);
  expect(Math.min(...gaps)).toBeGreaterThanOrEqual(5_000);
  expect(polls.at(-1)!.scheduledAt - polls[0]!.scheduledAt).toBeGreaterThanOrEqual(59 * 5_000);
  expect(mocks.notes()).toContain('Merge into #777 did not finish in time; check Zendesk job job-stuck. The redaction is kept.');
  expect(mocks.inputs('redactFindings')).toHaveLength(1);
});

test('a second redaction pass that succeeds: what the first left is redacted again and verified clean', async () => {
  const first = finding('1111', 1);
  const left = finding('1111', 1, 40); // e.g. a second copy the first pass's edit revealed
  let verifications = 0;
  const mocks = mockActivities({
    async detectCardData() {
      return detection([first]);
    },
    async verifyRedaction() {
      verifications++;
      return verifications === 1 ? { remaining: [left], attachmentsRemaining: [], residuals: [] } : CLEAN;
    },
  });
  const result = await withWorker(mocks, async (taskQueue) => (await start(taskQueue, defaultSettings({ mode: 'auto' }))).result());

  expect(defaultSettings().maxRedactionPasses).toBe(2);
  expect(result.outcome).toBe('redacted');
  expect(mocks.inputs('redactFindings').map((i) => i.findings)).toEqual([[first], [left]]);
  expect(mocks.inputs('verifyRedaction')).toHaveLength(2);
  const documentation = mocks.notes().find((n) => n.startsWith('Redaction done.'))!;
  expect(documentation.match(/- Redacted card ending 1111/g)).toHaveLength(2);
  expect(mocks.notes().some((n) => n.includes('FAILED'))).toBe(false);
});

// KNOWN BUG, kept visible: the new run drops the requests it is handed. continueAsNew passes
// `seenDeliveryIds` that include the pending requests' own delivery ids, and the new run's
// `accept` then rejects them as duplicates, so the run waits forever in waiting_for_request.
// Fix (workflows/redaction.ts): queue `input.pending` without the duplicate check. Then make this
// an ordinary `test`.
test('continue-as-new with requests pending: a request that arrives during the redaction gets its own cycle on a fresh run', async () => {
  const firstDelivery = randomUUID();
  const secondDelivery = randomUUID();
  let handle: Awaited<ReturnType<typeof start>> | undefined;
  let redactions = 0;
  const mocks = mockActivities({
    async detectCardData() {
      return redactions === 0 ? detection([finding('1111', 1)]) : detection([finding('1111', 1), finding('4444', 2)]);
    },
    async redactFindings({ findings, attachments }) {
      redactions++;
      // A new comment with a card number arrives while the first request is being redacted, and
      // the first delivery is re-sent (at-least-once webhooks): only the new one is pending.
      if (redactions === 1) {
        await handle!.signal(requestSignal, { deliveryId: secondDelivery, source: 'detection', commentId: 2 });
        await handle!.signal(requestSignal, { deliveryId: firstDelivery, source: 'detection' });
      }
      return { redacted: findings, alreadyGone: [], attachmentsRedacted: attachments };
    },
  });
  await withWorker(mocks, async (taskQueue) => {
    handle = await start(taskQueue, defaultSettings(), firstDelivery);
    await until(async () => (await handle!.query(statusQuery)).stage === 'awaiting_claim', 'first claim');
    await handle.signal(claimSignal, { slackUserId: 'U0LEAD1', source: 'test' });

    // The second cycle runs in a new run of the same workflow id, and asks for its own claim.
    const firstRunId = handle.signaledRunId;
    const second = env.client.workflow.getHandle(handle.workflowId);
    await until(async () => {
      const d = await second.describe();
      return d.runId !== firstRunId && (await second.query(statusQuery)).stage === 'awaiting_claim';
    }, 'second run awaiting claim', 8_000);
    const firstRun = await env.client.workflow.getHandle(handle.workflowId, firstRunId).describe();
    expect(firstRun.status.name).toBe('CONTINUED_AS_NEW');
    const status = await second.query(statusQuery);
    expect(status.requests).toBe(1); // the re-sent first delivery was recognised, not counted again
    expect(status.last4).toEqual(['1111', '4444']);

    await second.signal(claimSignal, { slackUserId: 'U0LEAD2', source: 'test' });
    const result = await handle.result(); // follows the runs
    expect(result.outcome).toBe('redacted');
    expect(result.claimedBy).toBe('U0LEAD2');
  });
  expect(mocks.inputs('detectCardData')).toHaveLength(2);
  expect(mocks.inputs('postClaimRequest')).toHaveLength(2);
  expect(mocks.inputs('addDoneReaction')).toHaveLength(2);
});
