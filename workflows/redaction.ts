// One redaction request per ticket, from detection to the Slack "done" reaction.
// Reads top to bottom like the team's manual process; every effect is an activity.
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  setWorkflowOptions,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { RedactionActivities, RedactionReport, SlackPost, Verification } from '../activities';
import { activityOptions } from './activity-options';
import { claimSignal, claimUpdate, requestSignal, statusQuery } from './messages';
import { OutcomeKey, StageKey, TicketIdKey } from './search-attributes';
import { whenVersioned } from './versioning';
import type {
  AttachmentRef,
  CardFindingRef,
  Claim,
  Detection,
  Outcome,
  RedactionRequest,
  RedactionStatus,
  RedactionWorkflowInput,
  Stage,
} from './types';

export const DENIAL_REASONS = {
  denied_last4_only: 'only the last 4 digits were shared',
  denied_not_card_data: 'not card data: we only redact card numbers',
} as const;

// A request can wait days for a claim: it finishes on the build it started on (docs/versioning.md).
setWorkflowOptions(whenVersioned('PINNED'), redactionWorkflow);
export async function redactionWorkflow(input: RedactionWorkflowInput): Promise<RedactionStatus> {
  const { ticketId, settings } = input;
  const options = activityOptions(settings.activityTimeouts);
  const zendesk = proxyActivities<RedactionActivities>(options.zendesk);
  const scans = proxyActivities<RedactionActivities>(options.scans);
  const slack = proxyActivities<RedactionActivities>(options.slack);
  const workflowId = workflowInfo().workflowId;
  const seenDeliveries = new Set(input.seenDeliveryIds ?? []);
  const pending: RedactionRequest[] = [];
  const status: RedactionStatus = { ticketId, stage: 'waiting_for_request', last4: [], attachments: [], remindersSent: 0, requests: 0 };
  let claim: Claim | undefined;

  // Handlers first, so requests and claims delivered with the start are not lost.
  const accept = (request: RedactionRequest): void => {
    if (seenDeliveries.has(request.deliveryId)) return; // at-least-once webhooks
    seenDeliveries.add(request.deliveryId);
    pending.push(request);
    status.requests += 1;
  };
  (input.pending ?? []).forEach(accept);
  const takeClaim = (c: Claim): void => {
    claim = c;
    status.claimedBy = c.slackUserId;
  };
  setHandler(requestSignal, accept);
  setHandler(claimSignal, (c) => {
    if (status.stage === 'awaiting_claim' && !claim) takeClaim(c);
    else log.info('claim signal ignored', { stage: status.stage, claimedBy: status.claimedBy });
  });
  setHandler(
    claimUpdate,
    (c) => {
      takeClaim(c);
      return { claimedBy: c.slackUserId, childTicketId: status.childTicketId };
    },
    {
      validator: (c) => {
        if (claim) throw new Error(`already claimed by <@${claim.slackUserId}>`);
        if (status.stage !== 'awaiting_claim') throw new Error(`this request is not waiting for a claim (stage: ${status.stage})`);
        if (!c.slackUserId) throw new Error('a claim needs the lead identity');
      },
    },
  );
  setHandler(statusQuery, () => ({ ...status, last4: [...status.last4], attachments: [...status.attachments] }));

  const setStage = (stage: Stage): void => {
    status.stage = stage;
    upsertSearchAttributes([{ key: StageKey, value: stage }]);
  };
  const finish = (outcome: Outcome, detail: string): RedactionStatus => {
    status.outcome = outcome;
    status.detail = detail;
    status.stage = 'done';
    upsertSearchAttributes([
      { key: StageKey, value: 'done' },
      { key: OutcomeKey, value: outcome },
    ]);
    log.info('redaction request finished', { ticketId, outcome });
    return { ...status };
  };
  upsertSearchAttributes([{ key: TicketIdKey, value: ticketId }]);

  // 1. Detect: wait for the first request, then read the whole ticket.
  await condition(() => pending.length > 0);
  const requests = pending.splice(0);
  const source = requests.some((r) => r.source === 'agent') ? 'agent' : requests[0]!.source;
  const requestedBy = requests.find((r) => r.requestedBy !== undefined)?.requestedBy;
  let attachmentNames = unique(requests.flatMap((r) => r.attachmentNames ?? []));
  const requestedAt = new Date(workflowInfo().startTime).toISOString();

  setStage('detecting');
  let detection: Detection;
  try {
    detection = await scans.detectCardData({ ticketId, attachmentNames });
  } catch (err) {
    if (isFailureOfType(err, 'TicketNotFound')) return finish('ticket_not_found', `ticket ${ticketId} does not exist or was deleted`);
    throw err;
  }
  record(detection);

  // 2. Policy: only card data is redacted.
  if (detection.findings.length === 0 && detection.attachments.length === 0) {
    if (source !== 'agent') return finish('no_card_data', 'no full card number found');
    const outcome = detection.last4Only ? 'denied_last4_only' : 'denied_not_card_data';
    const reason = DENIAL_REASONS[outcome];
    setStage('documenting');
    const child = await zendesk.openChildTicket({ ticketId, workflowId, requestedBy, detection, denialReason: reason });
    status.childTicketId = child.childTicketId;
    await zendesk.addInternalNote({ ticketId: child.childTicketId, body: `Request denied: ${reason}.` });
    await zendesk.closeChildTicket({
      childTicketId: child.childTicketId,
      requesterReply: `Your redaction request for ticket #${ticketId} was denied: ${reason}.`,
    });
    return finish(outcome, reason);
  }

  // 3. Child ticket, once per request (the activity is idempotent by external id), unless an
  // automatic caller documents the request itself (a backfill run: one child ticket per run).
  const automatic = settings.mode === 'auto' && source !== 'agent';
  let childTicketId: number | undefined;
  if (!automatic || settings.childTicketPerRequest !== false) {
    setStage('opening_child_ticket');
    childTicketId = (await zendesk.openChildTicket({ ticketId, workflowId, requestedBy, detection })).childTicketId;
    status.childTicketId = childTicketId;
  }

  // 4-5. Slack request and claim, unless automatic mode covers this request.
  let post: SlackPost | undefined;
  if (automatic) {
    claim = { slackUserId: 'automatic', source: 'cli' };
    status.claimedBy = 'automatic';
  } else {
    post = await postClaimCard(childTicketId!);
    setStage('awaiting_claim');
    await waitForClaim(post);
    if (post) await slack.updateSlackCard({ post, card: cardView('claimed') });
  }
  const claimedAt = new Date(Date.now()).toISOString();

  // 6-7. Redact, then verify; redact again within a bound, else fail loudly and never merge.
  setStage('redacting');
  let report = await scans.redactFindings({ ticketId, findings: detection.findings, attachments: detection.attachments });
  setStage('verifying');
  let verification = await scans.verifyRedaction({ ticketId, attachments: detection.attachments });
  for (let pass = 1; !isClean(verification) && pass < settings.maxRedactionPasses; pass++) {
    setStage('redacting');
    const again = await scans.redactFindings({ ticketId, findings: verification.remaining, attachments: verification.attachmentsRemaining });
    report = combineReports(report, again);
    setStage('verifying');
    verification = await scans.verifyRedaction({ ticketId, attachments: detection.attachments });
  }
  if (!isClean(verification)) {
    const left = describeLeft(verification);
    const detail = `verification failed after ${settings.maxRedactionPasses} redaction passes: ${left} still on ticket #${ticketId}; no merge was done`;
    await noteOnChild(`Redaction FAILED: ${detail}. A lead must redact by hand.`);
    if (post) {
      await slack.postThreadReply({ post, text: `:warning: Redaction failed: ${detail}.` });
      await slack.updateSlackCard({ post, card: cardView('failed') });
    }
    finish('verification_failed', detail);
    throw ApplicationFailure.create({ type: 'VerificationFailed', message: detail, nonRetryable: true });
  }
  const redactedAt = new Date(Date.now()).toISOString();
  // Noted on the parent now: a merge closes it, and closed tickets take no more notes (a backfill
  // meets many closed tickets: their redaction is documented on the child ticket only).
  if (detection.ticketStatus !== 'closed') {
    await zendesk.addInternalNote({
      ticketId,
      body: `Card data redacted by the PAN redaction service (${childTicketId !== undefined ? `request #${childTicketId}` : 'historical backfill'}, claimed by ${claimedByLabel()}).`,
    });
  }

  // 8. Merge, only now that the redaction is verified.
  const mergeTarget = verification.mergeTarget ?? detection.mergeTarget;
  let outcome: Outcome = 'redacted';
  let mergeNote = 'No merge was requested.';
  if (mergeTarget !== undefined) {
    status.mergeTarget = mergeTarget;
    setStage('merging');
    const merge = await mergeInto(mergeTarget);
    outcome = merge.merged ? 'redacted_and_merged' : 'redacted_merge_skipped';
    mergeNote = merge.note;
  }

  // 9-10. Document on the child ticket, tell the agent, close the Slack card.
  setStage('documenting');
  if (childTicketId !== undefined) {
    await zendesk.addInternalNote({
      ticketId: childTicketId,
      body: documentation({ report, mergeNote, requestedAt, claimedAt, redactedAt }),
    });
    await zendesk.closeChildTicket({
      childTicketId,
      requesterReply: `The card data on ticket #${ticketId} has been redacted. ${mergeNote}`,
    });
  }
  const result = finish(outcome, mergeNote);
  if (post) {
    await slack.updateSlackCard({ post, card: cardView('done') });
    // 11. Done.
    await slack.addDoneReaction({ post, emoji: settings.doneEmoji });
  }

  // Requests that arrived after the claim get their own cycle, with a fresh history.
  if (pending.length > 0) {
    await continueAsNew<typeof redactionWorkflow>({ ticketId, settings, pending: pending.splice(0), seenDeliveryIds: [...seenDeliveries] });
  }
  return result;

  // --- steps ---------------------------------------------------------------

  /**
   * The Slack card; a Slack error that no retry can fix (channel_not_found, not_in_channel…) is
   * written on the child ticket instead, and the request keeps waiting for a claim (tryClaim update).
   */
  async function postClaimCard(child: number): Promise<SlackPost | undefined> {
    try {
      return await slack.postClaimRequest({ ticketId, childTicketId: child, workflowId, last4: status.last4, attachments: status.attachments });
    } catch (err) {
      if (!isFailureOfType(err, 'SlackPlatformError')) throw err;
      const slackError = ((err as ActivityFailure).cause as ApplicationFailure).details?.[0];
      const reason = typeof slackError === 'string' && /^[a-z_]{1,64}$/.test(slackError) ? slackError : 'an error';
      log.warn('claim card not posted; request noted on the child ticket', { ticketId, slackError: reason });
      await zendesk.addInternalNote({
        ticketId: child,
        body: `The Slack request could not be posted (Slack answered ${reason}); fix the Slack configuration. This request is still waiting for a lead to claim it.`,
      });
      return undefined;
    }
  }

  async function waitForClaim(slackPost: SlackPost | undefined): Promise<void> {
    const period = durationMs(settings.claimReminderAfter);
    let deadline = Date.now() + period;
    while (!claim) {
      const woke = await condition(() => claim !== undefined || pending.length > 0, Math.max(1, deadline - Date.now()));
      if (claim) return;
      if (woke) {
        await joinNewRequests(slackPost);
        continue;
      }
      status.remindersSent += 1;
      deadline = Date.now() + period;
      if (!slackPost) continue;
      if (status.remindersSent === 1) {
        await slack.postThreadReply({ post: slackPost, text: `Reminder: redaction request for ticket #${ticketId} is still waiting for a lead.` });
      } else if (status.remindersSent === 2) {
        const who = settings.escalationMention ? `${settings.escalationMention} ` : '';
        await slack.postThreadReply({ post: slackPost, text: `${who}Escalation: nobody has taken the redaction request for ticket #${ticketId}.` });
      }
    }
  }

  /** A new card number on the same ticket joins this request instead of starting another. */
  async function joinNewRequests(slackPost: SlackPost | undefined): Promise<void> {
    const joined = pending.splice(0);
    attachmentNames = unique([...attachmentNames, ...joined.flatMap((r) => r.attachmentNames ?? [])]);
    const fresh = await scans.detectCardData({ ticketId, attachmentNames });
    const known = new Set(detection.findings.map(findingKey));
    const knownFiles = new Set(detection.attachments.map((a) => a.attachmentId));
    const newFindings = fresh.findings.filter((f) => !known.has(findingKey(f)));
    const newFiles = fresh.attachments.filter((a) => !knownFiles.has(a.attachmentId));
    detection = {
      ...fresh,
      findings: [...detection.findings, ...newFindings],
      attachments: [...detection.attachments, ...newFiles],
    };
    record(detection);
    if (newFindings.length === 0 && newFiles.length === 0) return;
    const what = [...newFindings.map(describeFinding), ...newFiles.map((a) => `file ${a.fileName}`)].join(', ');
    await zendesk.addInternalNote({ ticketId: status.childTicketId!, body: `Added to this request: ${what}.` });
    if (!slackPost) return;
    await slack.postThreadReply({ post: slackPost, text: `New card data joined this request: ${what}.` });
    await slack.updateSlackCard({ post: slackPost, card: cardView('open') });
  }

  async function mergeInto(target: number): Promise<{ merged: boolean; note: string }> {
    const started = await zendesk.startMerge({ sourceTicketId: ticketId, targetTicketId: target });
    if (started.status === 'already_merged') return { merged: true, note: `Merged into #${target}.` };
    if (started.status === 'target_unavailable') {
      const note = `Merge into #${target} skipped: ${started.reason}. The redaction is kept.`;
      await noteOnChild(note);
      return { merged: false, note };
    }
    for (let poll = 0; poll < settings.mergePollLimit; poll++) {
      await sleep(durationMs(settings.mergePollInterval));
      const job = await zendesk.checkMergeJob({ jobId: started.jobId, sourceTicketId: ticketId, targetTicketId: target });
      if (job.status === 'completed') return { merged: true, note: `Merged into #${target}.` };
      if (job.status === 'failed' || job.status === 'killed') {
        const note = `Merge into #${target} failed in Zendesk (${job.message ?? job.status}). The redaction is kept.`;
        await noteOnChild(note);
        return { merged: false, note };
      }
    }
    const note = `Merge into #${target} did not finish in time; check Zendesk job ${started.jobId}. The redaction is kept.`;
    await noteOnChild(note);
    return { merged: false, note };
  }

  /** Notes on the request's child ticket, when it has one. */
  async function noteOnChild(body: string): Promise<void> {
    if (status.childTicketId !== undefined) await zendesk.addInternalNote({ ticketId: status.childTicketId, body });
  }

  function record(d: Detection): void {
    status.last4 = unique(d.findings.map((f) => f.last4));
    status.attachments = unique(d.attachments.map((a) => a.fileName));
  }

  function claimedByLabel(): string {
    return claim?.slackUserId === 'automatic' ? 'automatic mode' : `Slack user ${claim?.slackUserId ?? 'unknown'}`;
  }

  function cardView(state: 'open' | 'claimed' | 'done' | 'failed') {
    return {
      state,
      ticketId,
      childTicketId: childTicketId!, // cards exist only in claim flows, which always have a child ticket
      workflowId,
      last4: status.last4,
      attachments: status.attachments,
      claimedBy: claim?.slackUserId,
      outcome: status.outcome,
      mergeTarget: status.mergeTarget,
    };
  }
}

// --- pure helpers (deterministic, no I/O) -----------------------------------

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function findingKey(f: CardFindingRef): string {
  return `${f.commentId ?? 'subject'}:${f.fingerprint}`;
}

function describeFinding(f: CardFindingRef): string {
  const where = f.commentId === null ? 'the subject' : `comment ${f.commentId}`;
  return `card ending ${f.last4} (${f.brand}${f.withCvv ? ', with CVV' : ''}) in ${where}`;
}

function isClean(v: Verification): boolean {
  return v.remaining.length === 0 && v.attachmentsRemaining.length === 0;
}

function describeLeft(v: Verification): string {
  const parts = [...v.remaining.map(describeFinding), ...v.attachmentsRemaining.map((a: AttachmentRef) => `file ${a.fileName}`)];
  return parts.join(', ');
}

function combineReports(a: RedactionReport, b: RedactionReport): RedactionReport {
  return {
    redacted: [...a.redacted, ...b.redacted],
    alreadyGone: [...a.alreadyGone, ...b.alreadyGone],
    attachmentsRedacted: [...a.attachmentsRedacted, ...b.attachmentsRedacted],
  };
}

function documentation(args: { report: RedactionReport; mergeNote: string; requestedAt: string; claimedAt: string; redactedAt: string }): string {
  const lines = ['Redaction done.'];
  for (const f of args.report.redacted) lines.push(`- Redacted ${describeFinding(f)}.`);
  for (const f of args.report.alreadyGone) lines.push(`- Already gone before redaction: ${describeFinding(f)}.`);
  for (const a of args.report.attachmentsRedacted) lines.push(`- Redacted file ${a.fileName} in comment ${a.commentId}.`);
  lines.push(`Merge: ${args.mergeNote}`);
  lines.push(`Requested ${args.requestedAt}; claimed ${args.claimedAt}; redacted and verified ${args.redactedAt}.`);
  return lines.join('\n');
}

function isFailureOfType(err: unknown, type: string): boolean {
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === type;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses the configuration's duration strings ("90s", "30 minutes", "2h"). */
export function durationMs(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(value.trim());
  if (!match) throw new Error(`bad duration: ${value}`);
  const unit = match[2]!.toLowerCase();
  const key = unit.startsWith('ms') || unit.startsWith('milli') ? 'ms' : unit[0]!;
  const factor = UNIT_MS[key];
  if (factor === undefined) throw new Error(`bad duration unit: ${value}`);
  return Number(match[1]) * factor;
}
