// Historical backfill: walks Zendesk's incremental ticket events (comment bodies in bulk), oldest
// first, one activity per page. Claim and auto modes fan out from workflow code: each ticket with
// findings gets its per-ticket workflow, started as an abandoned child (or joined when one is
// open), within a sliding window as in Temporal's batch-sliding-window sample; each per-ticket
// workflow signals its outcome back. Carries only the cursor, counters and ticket ids; pauses,
// resumes and cancels by signal; continues-as-new every N pages; its state is a search attribute.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  setWorkflowOptions,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { BackfillActivities } from '../activities/backfill';
import { NON_RETRYABLE_TYPES, slackCalls, zendeskCalls } from './activity-options';
import {
  backfillProgressQuery,
  backfillTicketDoneSignal,
  cancelBackfillSignal,
  confirmClaimsSignal,
  pauseBackfillSignal,
  resumeBackfillSignal,
} from './backfill-messages';
import { emptyCounters, type BackfillCarry, type BackfillInput, type BackfillProgress, type BackfillResult, type BackfillState } from './backfill-types';
import { redactionWorkflowId } from './ids';
import { requestSignal } from './messages';
import type { redactionWorkflow } from './redaction';
import { BackfillStateKey } from './search-attributes';
import type { Outcome } from './types';
import { whenVersioned } from './versioning';

/** Export pages: 429 storms are waited out (Retry-After via nextRetryDelay), so no attempt limit. */
const pages = proxyActivities<BackfillActivities>({
  startToCloseTimeout: '2 minutes',
  // A page takes about a second; a page lost with a killed worker is retried after this, not after 2 minutes.
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: NON_RETRYABLE_TYPES },
});
/** --attachments pages read files (OCR): minutes, not seconds; heartbeats still catch a lost worker. */
const filePages = proxyActivities<BackfillActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: NON_RETRYABLE_TYPES },
});
const checks = proxyActivities<BackfillActivities>({ ...zendeskCalls, startToCloseTimeout: '30 seconds' });
const zendesk = proxyActivities<BackfillActivities>(zendeskCalls);
const slack = proxyActivities<BackfillActivities>(slackCalls);
const reports = proxyActivities<BackfillActivities>({ ...zendeskCalls, startToCloseTimeout: '10 minutes', heartbeatTimeout: '1 minute' });

/** A per-ticket workflow closed this long without a word is counted as an error, not waited for. */
const LOST_AFTER_SECONDS = 60;
/** On cancel, requests in flight get this long to report before the report is finalised. */
const CANCEL_DRAIN_MS = 2 * 60_000;

// A backfill runs for days across many deploys: it moves to each new current version, so changes
// to it must replay old histories (patched(), docs/versioning.md); a pinned run would hold an old
// build's workers up for its whole life.
setWorkflowOptions(whenVersioned('AUTO_UPGRADE'), backfillWorkflow);
export async function backfillWorkflow(input: BackfillInput): Promise<BackfillResult> {
  const { options } = input;
  const backfillId = workflowInfo().workflowId;
  const carry: BackfillCarry = input.carry ?? {
    cursor: { startTime: options.since, seenEventIds: [], previousTickets: '' },
    counters: emptyCounters(),
    state: 'running',
    confirmedClaims: false,
    pendingSummary: [],
    startedAt: Date.now(),
    firstCursorTime: options.since,
  };
  const c = carry.counters;
  c.reportPages ??= 0; // carried from a run that did not count them yet
  const inFlight = new Set(carry.inFlight ?? []);
  const queue = [...(carry.queue ?? [])];
  const waitsForOutcome = options.mode === 'auto'; // claim mode: the leads are the window
  const window = Math.max(1, options.concurrency);
  // Zendesk calls a per-ticket request makes: auto ≈ read, comments, redact, verify, notes; claim ≈ read and comments.
  const msPerRequest = options.requestsPerMinute > 0 ? (60_000 * (options.mode === 'auto' ? 8 : 3)) / options.requestsPerMinute : 0;
  let paused = carry.state === 'paused';
  let cancelled = false;
  let warning: string | undefined;
  let done = false;
  let pagesThisRun = 0;
  let batchNo = Math.floor(c.redacted / Math.max(1, options.summaryBatchSize));

  setHandler(pauseBackfillSignal, () => {
    paused = true;
  });
  setHandler(resumeBackfillSignal, () => {
    paused = false;
  });
  setHandler(cancelBackfillSignal, () => {
    cancelled = true;
  });
  setHandler(confirmClaimsSignal, () => {
    carry.confirmedClaims = true;
  });
  setHandler(backfillTicketDoneSignal, ({ ticketId, outcome }) => settle(ticketId, outcome));
  setHandler(backfillProgressQuery, () => progress());

  const setState = (state: BackfillState): void => {
    if (carry.state === state) return;
    carry.state = state;
    upsertSearchAttributes([{ key: BackfillStateKey, value: state }]);
  };
  upsertSearchAttributes([{ key: BackfillStateKey, value: carry.state }]);

  let lastPageAt = carry.lastPageAt ?? 0;
  const minGapMs = options.incrementalPerMinute > 0 ? 60_000 / options.incrementalPerMinute : 0;

  for (;;) {
    if (cancelled) break;
    await holdWhilePaused();
    if (cancelled) break;
    if (queue.length > 0) {
      await requestQueued(); // a page's requests cut short by continue-as-new
      continue;
    }
    if (pagesThisRun >= options.pagesPerRun) {
      await flushSummary(false);
      await continueAsNew<typeof backfillWorkflow>({
        options,
        carry: { ...carry, state: paused ? 'paused' : 'running', inFlight: [...inFlight], queue: [...queue] },
      });
    }
    // The incremental endpoint's own limit (10 a minute), and --attachments' bytes a minute: space the pages out, durably.
    const wait = Math.max(lastPageAt + minGapMs, carry.filesBudgetUntil ?? 0) - Date.now();
    if (wait > 0) {
      await condition(() => paused || cancelled, wait);
      if (paused || cancelled) continue;
    }
    lastPageAt = Date.now();
    carry.lastPageAt = lastPageAt;
    // Runs started before --attachments existed carry no such option: their commands are unchanged.
    const page = await (options.attachments ? filePages : pages).backfillScanPage({
      backfillId,
      cursor: carry.cursor,
      pageSize: options.pageSize,
      wantTicketIds: options.mode !== 'report',
      ...(options.attachments ? { attachments: true } : {}),
    });
    pagesThisRun++;
    c.pages++;
    c.events += page.events;
    c.ticketsScanned += page.ticketsScanned;
    c.commentsScanned += page.commentsScanned;
    c.findings += page.findings;
    c.ticketsWithFindings += page.ticketsWithFindings;
    if (page.reportPage) c.reportPages++;
    if (page.files) {
      c.filesScanned = (c.filesScanned ?? 0) + page.files.scanned;
      c.filesSkipped = (c.filesSkipped ?? 0) + page.files.skipped;
      c.filesFound = (c.filesFound ?? 0) + page.files.found;
      const perMinute = options.attachmentBytesPerMinute ?? 0;
      if (perMinute > 0 && page.files.bytes > 0) carry.filesBudgetUntil = Date.now() + (page.files.bytes / perMinute) * 60_000;
    }

    if (options.mode !== 'report' && page.findingTicketIds.length > 0) {
      if (options.mode === 'claim' && !carry.confirmedClaims && c.requested + c.joined + page.findingTicketIds.length > options.claimMessageLimit) {
        warning =
          `claim mode would post more than ${options.claimMessageLimit} Slack messages ` +
          `(${c.requested} so far, ${page.findingTicketIds.length} more in this page); confirm to go on, or cancel`;
        log.warn('backfill waits for confirmation', { limit: options.claimMessageLimit, requested: c.requested });
        setState('awaiting_confirmation');
        await condition(() => carry.confirmedClaims || cancelled);
        warning = undefined;
        if (cancelled) break; // this page's tickets stay in the report, unrequested
        setState(paused ? 'paused' : 'running');
      }
      queue.push(...page.findingTicketIds);
    }
    carry.cursor = page.next;
    await requestQueued();
    if (cancelled) break;
    if (page.endOfStream) {
      done = true;
      break;
    }
  }

  await drainInFlight();
  await flushSummary(true);
  const report = await reports.backfillFinalizeReport({ backfillId, format: options.reportFormat, expectedPages: c.reportPages });
  carry.reportPath = report.path;
  setState(done ? 'completed' : 'cancelled');
  log.info('backfill finished', { state: carry.state, pages: c.pages, tickets: c.ticketsScanned, findings: c.findings });
  return { ...progress(), reportRows: report.rows };

  // --- steps ---------------------------------------------------------------

  async function holdWhilePaused(): Promise<void> {
    if (!paused || cancelled) return;
    setState('paused');
    await condition(() => !paused || cancelled);
    if (!cancelled) setState('running');
  }

  /** The queued tickets, one request each, at most `window` waiting at once and paced to the run's share. */
  async function requestQueued(): Promise<void> {
    while (queue.length > 0 && !cancelled) {
      await holdWhilePaused();
      if (cancelled) return;
      if (waitsForOutcome && inFlight.size >= window) {
        await waitForInFlight(() => inFlight.size < window || paused || cancelled);
        continue;
      }
      const wait = (carry.lastRequestAt ?? 0) + msPerRequest - Date.now();
      if (wait > 0) {
        await condition(() => paused || cancelled, wait);
        continue;
      }
      carry.lastRequestAt = Date.now();
      await requestOne(queue.shift()!);
      await flushFullBatches();
    }
  }

  /**
   * Starts the ticket's workflow as an abandoned child (it outlives this run's continue-as-new,
   * pause and cancel), or joins the one already open. Both are workflow commands recorded in the
   * history, so a retried task or a killed worker never counts a ticket twice.
   */
  async function requestOne(ticketId: number): Promise<void> {
    if (inFlight.has(ticketId)) {
      c.joined++; // the ticket came again in a later page while its request runs
      return;
    }
    const workflowId = redactionWorkflowId(ticketId);
    const deliveryId = `backfill:${backfillId}:${ticketId}`;
    for (let attempt = 1; ; attempt++) {
      // In the set before the start: the outcome may arrive in the same activation as the start.
      if (waitsForOutcome) inFlight.add(ticketId);
      try {
        await startChild<typeof redactionWorkflow>('redactionWorkflow', {
          workflowId,
          args: [{ ticketId, settings: options.redaction, pending: [{ deliveryId, source: 'backfill', ...(waitsForOutcome ? { backfillId } : {}) }] }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        });
        c.requested++;
        return;
      } catch (err) {
        inFlight.delete(ticketId);
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      // Open already (a webhook or an agent asked): join it; its own settings decide, nobody waits here.
      try {
        await getExternalWorkflowHandle(workflowId).signal(requestSignal, { deliveryId, source: 'backfill' });
        c.joined++;
        return;
      } catch (err) {
        if (isCancellation(err) || attempt >= 3) throw err;
        // It ended between the two commands: start a new one.
      }
    }
  }

  /** A per-ticket workflow's outcome; each ticket in flight counts once, late or repeated news is dropped. */
  function settle(ticketId: number, outcome: Outcome | undefined): void {
    if (!inFlight.delete(ticketId)) return;
    if (outcome?.startsWith('redacted')) {
      c.redacted++;
      carry.pendingSummary.push(ticketId);
    } else if (outcome === undefined || outcome === 'verification_failed') c.errors++;
    else c.denied++;
  }

  /** Waits for `until`; every minute without it, per-ticket workflows that ended without a word (terminated, timed out) count as errors. */
  async function waitForInFlight(until: () => boolean, timeoutMs?: number): Promise<void> {
    const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    while (!until()) {
      const left = deadline === undefined ? 60_000 : Math.min(60_000, deadline - Date.now());
      if (left <= 0) return;
      if (await condition(until, left)) return;
      if (inFlight.size === 0) continue;
      const lost = await checks.backfillFindLostRequests({ ticketIds: [...inFlight], closedForSeconds: LOST_AFTER_SECONDS });
      for (const ticketId of lost) {
        log.warn('backfill: per-ticket workflow ended without an outcome', { ticketId });
        settle(ticketId, undefined);
      }
    }
  }

  /** Every outcome in before the report is final; on cancel for a bounded time only. */
  async function drainInFlight(): Promise<void> {
    while (inFlight.size > 0) {
      if (cancelled) {
        await waitForInFlight(() => inFlight.size === 0, CANCEL_DRAIN_MS);
        break;
      }
      await waitForInFlight(() => inFlight.size === 0 || cancelled);
      await flushFullBatches();
    }
    await flushFullBatches();
  }

  async function flushFullBatches(): Promise<void> {
    while (carry.pendingSummary.length >= options.summaryBatchSize) await flushSummary(false);
  }

  /** Auto mode: one note on the run's child ticket and one Slack message per batch. */
  async function flushSummary(final: boolean): Promise<void> {
    if (options.mode !== 'auto') return;
    // Full batches while running; the remainder with the final note.
    if (!final && carry.pendingSummary.length < options.summaryBatchSize) return;
    const tickets = carry.pendingSummary.splice(0, final ? carry.pendingSummary.length : options.summaryBatchSize);
    if (tickets.length === 0 && !(final && carry.childTicketId !== undefined)) return;
    if (tickets.length > 0) batchNo++;
    const finalNote = final
      ? `Backfill ${done ? 'completed' : 'stopped'}: ${c.ticketsScanned} tickets and ${c.commentsScanned} comments scanned; ` +
        `${c.ticketsWithFindings} tickets with card numbers; ${c.redacted} redacted and verified, ${c.denied} not redacted, ${c.errors} errors` +
        `${inFlight.size > 0 ? `, ${inFlight.size} still running when the run stopped` : ''}.`
      : undefined;
    const { childTicketId } = await zendesk.backfillDocumentBatch({ backfillId, tickets, batch: batchNo, final: finalNote });
    carry.childTicketId = childTicketId;
    if (tickets.length > 0) await slack.backfillPostSummary({ backfillId, tickets, batch: batchNo, childTicketId });
  }

  function progress(): BackfillProgress {
    const now = Date.now();
    const elapsedSeconds = Math.max(0, (now - carry.startedAt) / 1000);
    const cursorMs = carry.cursor.startTime * 1000;
    const covered = cursorMs - carry.firstCursorTime * 1000;
    const remaining = Math.max(0, now - 60_000 - cursorMs);
    // Done once the report is final and the state says so (not merely at the end of the stream).
    const finished = carry.state === 'completed' || carry.state === 'cancelled';
    const etaSeconds = finished || done ? 0 : covered > 0 && elapsedSeconds > 0 ? Math.round((remaining / covered) * elapsedSeconds) : null;
    return {
      ...c,
      state: carry.state,
      mode: options.mode,
      cursorTime: new Date(cursorMs).toISOString(),
      startedAt: new Date(carry.startedAt).toISOString(),
      elapsedSeconds: Math.round(elapsedSeconds),
      ticketsPerSecond: elapsedSeconds > 0 ? Math.round((c.ticketsScanned / elapsedSeconds) * 10) / 10 : 0,
      etaSeconds,
      warning,
      inFlight: inFlight.size,
      claimMessageLimit: options.claimMessageLimit,
      childTicketId: carry.childTicketId,
      reportPath: carry.reportPath,
      done: finished,
    };
  }
}
