// Historical backfill: walks Zendesk's incremental ticket events (comment bodies in bulk), oldest
// first, one activity per page. Carries only the cursor, counters and ticket ids; pauses, resumes
// and cancels by signal; continues-as-new every N pages; its state is a search attribute.
import { condition, continueAsNew, log, proxyActivities, setHandler, setWorkflowOptions, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { BackfillActivities } from '../activities/backfill';
import { NON_RETRYABLE_TYPES, slackCalls, zendeskCalls } from './activity-options';
import { backfillProgressQuery, cancelBackfillSignal, confirmClaimsSignal, pauseBackfillSignal, resumeBackfillSignal } from './backfill-messages';
import { emptyCounters, type BackfillCarry, type BackfillInput, type BackfillProgress, type BackfillResult, type BackfillState } from './backfill-types';
import { BackfillStateKey } from './search-attributes';
import { whenVersioned } from './versioning';

/** Export pages: 429 storms are waited out (Retry-After via nextRetryDelay), so no attempt limit. */
const pages = proxyActivities<BackfillActivities>({
  startToCloseTimeout: '2 minutes',
  // A page takes about a second; a page lost with a killed worker is retried after this, not after 2 minutes.
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: NON_RETRYABLE_TYPES },
});
/** Per-ticket requests of a page: auto mode waits for each redaction, so it heartbeats. */
const requests = proxyActivities<BackfillActivities>({
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: NON_RETRYABLE_TYPES },
});
const zendesk = proxyActivities<BackfillActivities>(zendeskCalls);
const slack = proxyActivities<BackfillActivities>(slackCalls);
const reports = proxyActivities<BackfillActivities>({ ...zendeskCalls, startToCloseTimeout: '10 minutes', heartbeatTimeout: '1 minute' });

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
    if (paused) {
      setState('paused');
      await condition(() => !paused || cancelled);
      if (cancelled) break;
      setState('running');
    }
    if (pagesThisRun >= options.pagesPerRun) {
      await flushSummary(false);
      await continueAsNew<typeof backfillWorkflow>({ options, carry: { ...carry, state: paused ? 'paused' : 'running' } });
    }
    // The incremental endpoint's own limit (10 a minute): space the pages out, durably.
    const wait = lastPageAt + minGapMs - Date.now();
    if (wait > 0) {
      await condition(() => paused || cancelled, wait);
      if (paused || cancelled) continue;
    }
    lastPageAt = Date.now();
    carry.lastPageAt = lastPageAt;
    const page = await pages.backfillScanPage({
      backfillId,
      cursor: carry.cursor,
      pageSize: options.pageSize,
      reportDir: options.reportDir,
      wantTicketIds: options.mode !== 'report',
    });
    pagesThisRun++;
    c.pages++;
    c.events += page.events;
    c.ticketsScanned += page.ticketsScanned;
    c.commentsScanned += page.commentsScanned;
    c.findings += page.findings;
    c.ticketsWithFindings += page.ticketsWithFindings;

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
      const r = await requests.backfillRequestRedactions({
        backfillId,
        tickets: page.findingTicketIds,
        mode: options.mode,
        settings: options.redaction,
        concurrency: options.concurrency,
        requestsPerMinute: options.requestsPerMinute,
      });
      c.requested += r.requested;
      c.joined += r.joined;
      c.redacted += r.redacted.length;
      c.denied += r.denied;
      c.errors += r.errors;
      carry.pendingSummary.push(...r.redacted);
      while (carry.pendingSummary.length >= options.summaryBatchSize) await flushSummary(false);
    }
    carry.cursor = page.next;
    if (page.endOfStream) {
      done = true;
      break;
    }
  }

  await flushSummary(true);
  const report = await reports.backfillFinalizeReport({ backfillId, reportDir: options.reportDir, format: options.reportFormat });
  carry.reportPath = report.path;
  setState(done ? 'completed' : 'cancelled');
  log.info('backfill finished', { state: carry.state, pages: c.pages, tickets: c.ticketsScanned, findings: c.findings });
  return { ...progress(), reportRows: report.rows };

  // --- steps ---------------------------------------------------------------

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
        `${c.ticketsWithFindings} tickets with card numbers; ${c.redacted} redacted and verified, ${c.denied} not redacted, ${c.errors} errors.`
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
      claimMessageLimit: options.claimMessageLimit,
      childTicketId: carry.childTicketId,
      reportPath: carry.reportPath,
      done: finished,
    };
  }
}

