// One redaction request per ticket, from detection to the Slack "done" reaction.
// Reads top to bottom like the team's manual process; every effect is an activity.
// Every request ends one of three ways: verified clean; denied with its reason; or failed and
// visible (the Slack card and its thread, a note on the child ticket that names what is left and
// where, and the outcome search attribute). Report-only steps never block the redaction.
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  setWorkflowOptions,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { RedactionActivities, RedactionReport, SlackPost, Verification } from '../activities';
import type { PlaceDetection, PlaceFinding, Residual as PlaceResidual, PlaceVerification } from '../activities/places';
import { activityOptions, settingsLookup } from './activity-options';
import { backfillTicketDoneSignal } from './backfill-messages';
import { claimSignal, claimUpdate, mergeDecisionUpdate, requestSignal, statusQuery } from './messages';
import { describeFile, describeNotScanned } from './file-lines';
import { needsALook, planRun } from './run-plan';
import { OutcomeKey, StageKey, TicketIdKey } from './search-attributes';
import { whenVersioned } from './versioning';
import type {
  AttachmentRef,
  CardFindingRef,
  Claim,
  Detection,
  FileScan,
  MergeInstruction,
  Outcome,
  PlaceRef,
  RedactionRequest,
  RedactionStatus,
  RedactionWorkflowInput,
  Stage,
} from './types';

export const DENIAL_REASONS = {
  denied_last4_only: 'only the last 4 digits were shared',
  denied_not_card_data: 'not card data: we only redact card numbers',
} as const;

/** Plain sentences for a claim that cannot be taken; no internal stage name reaches a user. */
const NOT_CLAIMABLE: Partial<Record<Stage, string>> = {
  waiting_for_request: 'This request is still being set up; please click Take it again in a moment.',
  detecting: 'This request is still being set up; please click Take it again in a moment.',
  opening_child_ticket: 'This request is still being set up; please click Take it again in a moment.',
  redacting: 'This request no longer needs a lead: its card data is being redacted.',
  verifying: 'This request no longer needs a lead: its redaction is being checked.',
  awaiting_merge_decision: 'This request is already taken; it now waits for a merge decision in its thread.',
  merging: 'This request no longer needs a lead: the redaction is done and the tickets are being merged.',
  documenting: 'This request no longer needs a lead: the redaction is done.',
  done: 'This request is finished; nothing is left to claim.',
};

// A request can wait days for a claim: it finishes on the build it started on (docs/versioning.md).
setWorkflowOptions(whenVersioned('PINNED'), redactionWorkflow);
export async function redactionWorkflow(input: RedactionWorkflowInput): Promise<RedactionStatus> {
  const { ticketId } = input;
  const { redactionSettings: loadSettings } = proxyLocalActivities<RedactionActivities>(settingsLookup);
  const workflowId = workflowInfo().workflowId;
  const seenDeliveries = new Set(input.seenDeliveryIds ?? []);
  const pending: RedactionRequest[] = [];
  const status: RedactionStatus = { ticketId, stage: 'waiting_for_request', last4: [], attachments: [], remindersSent: 0, requests: 0 };
  let claim: Claim | undefined;
  let claimsOpen = false;
  let mergeQuestion: { candidates: number[] } | undefined;
  let mergeAnswer: { merge: boolean; target?: number; by: string } | undefined;
  let writeSeq = 0;
  /** Ids of this run's writes, in order: a retried activity finds its own earlier write by them. */
  const writeId = (kind: string) => `${kind}-${++writeSeq}`;

  // Handlers first, so requests and claims delivered with the start are not lost.
  const accept = (request: RedactionRequest): void => {
    if (seenDeliveries.has(request.deliveryId)) return; // at-least-once webhooks
    seenDeliveries.add(request.deliveryId);
    pending.push(request);
    status.requests += 1;
  };
  // Carried requests were accepted (and their ids seen) by the previous run: take them as they are.
  for (const carried of input.pending ?? []) {
    pending.push(carried);
    status.requests += 1;
  }
  const takeClaim = (c: Claim): void => {
    claim = c;
    status.claimedBy = c.slackUserId;
  };
  setHandler(requestSignal, accept);
  setHandler(claimSignal, (c) => {
    if (claimsOpen && !claim) takeClaim(c);
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
        if (claim) throw new Error(claim.slackUserId === 'automatic' ? NOT_CLAIMABLE.redacting! : `already claimed by <@${claim.slackUserId}>`);
        if (!claimsOpen) throw new Error(NOT_CLAIMABLE[status.stage] ?? 'This request cannot be claimed right now.');
        if (!c.slackUserId) throw new Error('A claim needs the lead who clicked.');
      },
    },
  );
  setHandler(
    mergeDecisionUpdate,
    (d) => {
      mergeAnswer = { merge: d.merge, target: d.target, by: d.slackUserId };
      return d;
    },
    {
      validator: (d) => {
        if (mergeAnswer) throw new Error(`The merge was already decided by <@${mergeAnswer.by}>.`);
        if (!mergeQuestion) throw new Error('This request is not waiting for a merge decision.');
        if (d.merge && (d.target === undefined || !mergeQuestion.candidates.includes(d.target))) throw new Error('That ticket is not one the note names.');
      },
    },
  );
  setHandler(statusQuery, () => ({
    ...status,
    last4: [...status.last4],
    attachments: [...status.attachments],
    places: status.places ? [...status.places] : undefined,
    residuals: status.residuals ? [...status.residuals] : undefined,
    reportFailures: status.reportFailures ? [...status.reportFailures] : undefined,
  }));

  const setStage = (stage: Stage): void => {
    status.stage = stage;
    upsertSearchAttributes([{ key: StageKey, value: stage }]);
  };
  const finish = (outcome: Outcome, detail: string): RedactionStatus => {
    status.outcome = outcome;
    status.detail = detail;
    status.stage = 'done';
    claimsOpen = false;
    upsertSearchAttributes([
      { key: StageKey, value: 'done' },
      { key: OutcomeKey, value: outcome },
    ]);
    log.info('redaction request finished', { ticketId, outcome });
    return { ...status };
  };
  // Settings come with older starts, else from the worker (local activity); awaited after the handlers, so a
  // query or request that arrives meanwhile is served.
  const settings = input.settings ?? (await loadSettings());
  const options = activityOptions(settings.activityTimeouts);
  const zendesk = proxyActivities<RedactionActivities>(options.zendesk);
  const scans = proxyActivities<RedactionActivities>(options.scans);
  const slack = proxyActivities<RedactionActivities>(options.slack);
  const fileReads = proxyActivities<RedactionActivities>(options.files);
  upsertSearchAttributes([{ key: TicketIdKey, value: ticketId }]);

  // 1. Wait for the first request; the way it runs (claim, automatic, backfill) is decided once.
  await condition(() => pending.length > 0);
  const requests = pending.splice(0);
  let plan = planRun(requests, settings);
  const requestedBy = requests.find((r) => r.requestedBy !== undefined)?.requestedBy;
  let attachmentNames = unique(requests.flatMap((r) => r.attachmentNames ?? []));
  status.requestedAt = new Date(workflowInfo().startTime).toISOString();

  let detection: Detection | undefined;
  let verification: Verification | undefined;
  let places: PlaceDetection | undefined;
  let placesLeft: PlaceVerification | undefined;
  let post: SlackPost | undefined;
  /** Attachment ids already read (card or not): a join reads only new files. */
  let filesRead: number[] = [];
  /** What the place scan found (chats, fields…, and the last 4 of its residuals), kept so each new detection keeps it. */
  let otherPlaces: PlaceRef[] = [];
  let residualLast4: string[] = [];
  let result: RedactionStatus;
  try {
    result = await handleRequest();
  } catch (err) {
    if (!(err instanceof ActivityFailure) && !(err instanceof RequestFailed)) throw err;
    const failed = err instanceof RequestFailed ? err : new RequestFailed('redaction_failed', `${STEP_LABELS[status.stage] ?? 'a step'} failed: ${failureText(err)}`);
    await failVisibly(failed);
    await tellBackfill(requests, { ...status });
    // Requests acknowledged meanwhile get their own cycle instead of being dropped with this run.
    await carryPending();
    throw ApplicationFailure.create({ type: failed.outcome === 'verification_failed' ? 'VerificationFailed' : 'RedactionFailed', message: failed.detail, nonRetryable: true });
  }
  await tellBackfill(requests, result);
  await carryPending();
  return result;

  // --- the request, step by step ------------------------------------------

  async function handleRequest(): Promise<RedactionStatus> {
    // 2. Detect: read the whole ticket.
    setStage('detecting');
    try {
      detection = await scans.detectCardData({ ticketId, attachmentNames });
    } catch (err) {
      if (isFailureOfType(err, 'TicketNotFound')) return finish('ticket_not_found', `ticket ${ticketId} does not exist or was deleted`);
      throw err;
    }
    record(detection);
    // The other places a card can sit: chat transcripts, text fields, side conversations, the audit trail.
    places = await scans.detectPlaces({ ticketId });
    recordPlaces(places.findings, places.residuals);
    // What files show (PDF text, OCR). Behind a patch: executions that started before it replay without it.
    if (patched(READ_FILES_AT_DETECT)) await readFiles();
    // A card read with low OCR confidence is never redacted unseen: automatic mode puts it to a lead.
    if (!plan.claim && hasLowConfidence(detection)) {
      plan = needsALook(plan);
      status.needsALook = true;
    }

    // 3. Policy: only card data is redacted.
    if (detection.findings.length === 0 && detection.attachments.length === 0 && places.findings.length === 0 && places.residuals.length === 0) {
      const unread = status.notScanned?.length ? `; files not scanned: ${status.notScanned.join('; ')}` : '';
      if (plan.source !== 'agent') return finish('no_card_data', `no full card number found${unread}`);
      return deny(detection.last4Only ? 'denied_last4_only' : 'denied_not_card_data');
    }

    // 4. Child ticket, once per request (idempotent by external id), unless the caller documents it.
    if (plan.childTicket) {
      setStage('opening_child_ticket');
      status.childTicketId = (await zendesk.openChildTicket({ ticketId, workflowId, requestedBy, detection })).childTicketId;
    }

    // 5-6. Slack card and claim, unless automatic mode covers this request. Claims are accepted
    // before the card is posted, so a lead who clicks the moment it appears is never refused.
    if (plan.claim) {
      claimsOpen = true;
      setStage('awaiting_claim');
      post = await postClaimCard(status.childTicketId!);
      await waitForClaim();
      claimsOpen = false;
      if (post) await report('card claimed', () => slack.updateSlackCard({ post: post!, card: cardView('claimed') }));
    } else {
      claim = { slackUserId: 'automatic', source: 'cli' };
      status.claimedBy = 'automatic';
    }
    status.claimedAt = new Date(Date.now()).toISOString();

    // 7-8. Redact, then verify; redact again within a bound, else fail loudly and never merge.
    setStage('redacting');
    let redaction = await scans.redactFindings({ ticketId, findings: detection.findings, attachments: detection.attachments });
    setStage('verifying');
    verification = await scans.verifyRedaction({ ticketId, attachments: detection.attachments });
    // Further passes help only with what the detector can target; residuals need a person.
    for (let pass = 1; hasTargets(verification) && pass < settings.maxRedactionPasses; pass++) {
      setStage('redacting');
      const again = await scans.redactFindings({ ticketId, findings: verification.remaining, attachments: verification.attachmentsRemaining });
      redaction = combineReports(redaction, again);
      setStage('verifying');
      verification = await scans.verifyRedaction({ ticketId, attachments: detection.attachments });
    }
    await redactPlaces(places.findings);
    setStage('verifying');
    placesLeft = await scans.verifyPlaces({ ticketId, findings: places.findings });
    if (!isClean(verification) || placesLeft.remaining.length > 0) {
      throw new RequestFailed('verification_failed', `verification failed after ${settings.maxRedactionPasses} redaction passes`);
    }
    status.residuals = placesLeft.residuals.map((r) => ({ place: `${r.place} (${r.ref}), card ending ${r.last4}`, manualStep: r.manualStep }));
    status.verification = status.residuals.length > 0 ? 'residual' : 'clean';
    status.redactedAt = new Date(Date.now()).toISOString();
    // Noted on the parent now: a merge closes it, and closed tickets take no more notes (a backfill
    // meets many closed tickets: their redaction is documented on the child ticket only).
    if (detection.ticketStatus !== 'closed') {
      const request = status.childTicketId !== undefined ? `request #${status.childTicketId}` : 'historical backfill';
      await zendesk.addInternalNote({ ticketId, body: `Card data redacted by the PAN redaction service (${request}, claimed by ${claimedByLabel()}).`, writeId: writeId('parent-note') });
    }

    // 9. Merge, only now that the redaction is verified, and only on a clear instruction.
    const merge = await mergeIfAsked(verification.mergeInstruction ?? detection.mergeInstruction);

    // 10-11. Document on the child ticket, tell the agent, close the Slack card.
    setStage('documenting');
    if (status.childTicketId !== undefined) {
      await zendesk.addInternalNote({ ticketId: status.childTicketId, body: documentation(redaction, merge.note), writeId: writeId('child-doc') });
      await zendesk.closeChildTicket({
        childTicketId: status.childTicketId,
        requesterReply: `The card data on ticket #${ticketId} has been redacted. ${merge.note}`,
        writeId: writeId('requester-reply'),
      });
    }
    // What the API cannot erase is named with its manual step, on the child ticket and in the thread.
    const residualLines = (status.residuals ?? []).map((r) => `${r.place}: ${r.manualStep}`);
    if (residualLines.length > 0) {
      await noteOnChild(`Residuals: card data the API cannot erase. A person must remove it:\n${residualLines.map((l) => `- ${l}`).join('\n')}`, 'residuals');
      if (post) await report('residual reply', () => slack.postThreadReply({ post, text: `:warning: Redacted, but card data remains where the API cannot reach it:\n${residualLines.map((l) => `• ${l}`).join('\n')}`, writeId: writeId('residual-reply') }));
    }
    const done = finish(residualLines.length > 0 ? 'redacted_with_residuals' : merge.outcome, merge.note);
    if (post) {
      await report('card done', () => slack.updateSlackCard({ post: post!, card: cardView('done') }));
      // 12. Done.
      await report('done reaction', () => slack.addDoneReaction({ post: post!, emoji: settings.doneEmoji }));
    }
    return { ...done, reportFailures: status.reportFailures };
  }

  /** Reads the files not read yet; a file with a card joins the request whole, a file not read is listed. */
  async function readFiles(): Promise<void> {
    const known = [...filesRead, ...detection!.attachments.map((a) => a.attachmentId)];
    // No file left to read (most tickets have none): no Zendesk read, no activity.
    if (detection!.fileIds && detection!.fileIds.every((id) => known.includes(id))) return;
    const scan: FileScan = await fileReads.scanAttachmentContents({ ticketId, known });
    filesRead = unique([...filesRead, ...scan.scannedIds]);
    const listed = new Set(detection!.attachments.map((a) => a.attachmentId));
    detection = {
      ...detection!,
      attachments: [...detection!.attachments, ...scan.attachments.filter((a) => !listed.has(a.attachmentId))],
      notScanned: [...(detection!.notScanned ?? []), ...scan.notScanned],
    };
    record(detection);
  }

  /** Chats and text fields; a chat still active is redacted once it has ended (a durable timer). */
  async function redactPlaces(findings: PlaceFinding[]): Promise<void> {
    let todo: PlaceFinding[] = findings.filter((f) => f.place === 'chat' || f.place === 'field');
    for (let wait = 0; todo.length > 0; wait++) {
      const r = await scans.redactPlaces({ ticketId, findings: todo });
      if (r.outcome !== 'chat_active') return;
      if (wait >= CHAT_WAIT_LIMIT) throw new RequestFailed('redaction_failed', `the chat on ticket #${ticketId} was still active after ${CHAT_WAIT_LIMIT} checks`);
      if (wait === 0) {
        status.detail = 'waiting for the chat to end';
        if (post) await report('chat wait reply', () => slack.postThreadReply({ post, text: `The chat on ticket #${ticketId} is still active: its card data will be redacted as soon as it ends.`, writeId: writeId('chat-wait') }));
      }
      await sleep(durationMs(settings.chatWaitInterval ?? '5 minutes'));
      todo = r.waiting;
    }
  }

  async function deny(outcome: 'denied_last4_only' | 'denied_not_card_data'): Promise<RedactionStatus> {
    const reason = DENIAL_REASONS[outcome];
    setStage('documenting');
    const child = await zendesk.openChildTicket({ ticketId, workflowId, requestedBy, detection: detection!, denialReason: reason });
    status.childTicketId = child.childTicketId;
    await zendesk.addInternalNote({ ticketId: child.childTicketId, body: `Request denied: ${reason}.`, writeId: writeId('denial-note') });
    await zendesk.closeChildTicket({
      childTicketId: child.childTicketId,
      requesterReply: `Your redaction request for ticket #${ticketId} was denied: ${reason}.`,
      writeId: writeId('denial-reply'),
    });
    return finish(outcome, reason);
  }

  /**
   * The Slack card; a Slack error that no retry can fix (channel_not_found, not_in_channel…) is
   * written on the child ticket instead, and the request keeps waiting for a claim (tryClaim update).
   */
  async function postClaimCard(child: number): Promise<SlackPost | undefined> {
    try {
      return await slack.postClaimRequest({ ticketId, childTicketId: child, workflowId, last4: status.last4, attachments: status.attachments, ...fileLines() });
    } catch (err) {
      if (!isFailureOfType(err, 'SlackPlatformError')) throw err;
      const slackError = ((err as ActivityFailure).cause as ApplicationFailure).details?.[0];
      const reason = typeof slackError === 'string' && /^[a-z_]{1,64}$/.test(slackError) ? slackError : 'an error';
      log.warn('claim card not posted; request noted on the child ticket', { ticketId, slackError: reason });
      await zendesk.addInternalNote({
        ticketId: child,
        body: `The Slack request could not be posted (Slack answered ${reason}); fix the Slack configuration. This request is still waiting for a lead to claim it.`,
        writeId: writeId('card-not-posted'),
      });
      return undefined;
    }
  }

  async function waitForClaim(): Promise<void> {
    await waitWithReminders(() => claim !== undefined, 'redaction request', true);
  }

  /**
   * Waits for a lead (a claim, or a merge decision): a reminder in the thread after one period, an
   * escalation after two. Requests that arrive meanwhile join a claim wait.
   */
  async function waitWithReminders(answered: () => boolean, what: string, joinRequests: boolean): Promise<void> {
    const period = durationMs(settings.claimReminderAfter);
    let deadline = Date.now() + period;
    let reminders = 0;
    for (;;) {
      // Requests that arrived before the answer join this one, even when the answer came at once.
      if (joinRequests && pending.length > 0) {
        await joinNewRequests();
        continue;
      }
      if (answered()) return;
      const woke = await condition(() => answered() || (joinRequests && pending.length > 0), Math.max(1, deadline - Date.now()));
      if (woke) continue;
      reminders += 1;
      status.remindersSent += 1;
      deadline = Date.now() + period;
      if (!post) continue;
      if (reminders === 1) {
        await report('reminder', () => slack.postThreadReply({ post, text: `Reminder: the ${what} for ticket #${ticketId} is still waiting for a lead.`, writeId: writeId('reminder') }));
      } else if (reminders === 2) {
        const who = settings.escalationMention ? `${settings.escalationMention} ` : '';
        await report('escalation', () => slack.postThreadReply({ post, text: `${who}Escalation: nobody has answered the ${what} for ticket #${ticketId}.`, writeId: writeId('escalation') }));
      }
    }
  }

  /** A new card number on the same ticket joins this request instead of starting another. */
  async function joinNewRequests(): Promise<void> {
    const joined = pending.splice(0);
    attachmentNames = unique([...attachmentNames, ...joined.flatMap((r) => r.attachmentNames ?? [])]);
    const fresh = await scans.detectCardData({ ticketId, attachmentNames });
    const known = new Set(detection!.findings.map(findingKey));
    const knownFiles = new Set(detection!.attachments.map((a) => a.attachmentId));
    const before = detection!;
    const newFindings = fresh.findings.filter((f) => !known.has(findingKey(f)));
    detection = {
      ...fresh,
      findings: [...before.findings, ...newFindings],
      attachments: [...before.attachments, ...fresh.attachments.filter((a) => !knownFiles.has(a.attachmentId))],
      notScanned: before.notScanned,
    };
    // A separate patch id: a request already waiting when this was deployed reads its files on its next join.
    if (patched(READ_FILES_ON_JOIN)) await readFiles();
    record(detection);
    const newFiles = detection.attachments.filter((a) => !knownFiles.has(a.attachmentId));
    if (newFindings.length === 0 && newFiles.length === 0) return;
    const what = [...newFindings.map(describeFinding), ...newFiles.map(describeFile)].join(', ');
    await zendesk.addInternalNote({ ticketId: status.childTicketId!, body: `Added to this request: ${what}.`, writeId: writeId('joined') });
    if (!post) return;
    await report('join reply', () => slack.postThreadReply({ post, text: `New card data joined this request: ${what}.`, writeId: writeId('join-reply') }));
    await report('card update', () => slack.updateSlackCard({ post: post!, card: cardView('open') }));
  }

  /** Merges only on a clear instruction; an unclear one is put to the lead, or not merged. */
  async function mergeIfAsked(instruction: MergeInstruction | undefined): Promise<{ outcome: Outcome; note: string }> {
    if (!instruction) return { outcome: 'redacted', note: 'No merge was requested.' };
    if (instruction.kind === 'merge') return mergeInto(instruction.target, undefined);
    const candidates = instruction.candidates.filter((c) => c !== ticketId).slice(0, 3);
    if (plan.claim && post && candidates.length > 0) {
      mergeQuestion = { candidates };
      setStage('awaiting_merge_decision');
      for (const target of candidates) {
        await slack.askMergeDecision({ post, ticketId, workflowId, target, reason: instruction.reason, writeId: writeId(`merge-question-${target}`) });
      }
      await waitWithReminders(() => mergeAnswer !== undefined, 'merge question', false);
      mergeQuestion = undefined;
      const answer = mergeAnswer!;
      status.mergeDecision = { merge: answer.merge, by: answer.by };
      if (answer.merge && answer.target !== undefined) return mergeInto(answer.target, answer.by);
      const note = `Not merged: a note mentions a merge, but ${instruction.reason}; <@${answer.by}> decided not to merge.`;
      await noteOnChild(note, 'merge-declined');
      return { outcome: 'redacted_merge_skipped', note };
    }
    const note = `Not merged: a note mentions a merge, but ${instruction.reason}. Merge by hand if it is wanted.`;
    await noteOnChild(note, 'merge-unclear');
    return { outcome: 'redacted_merge_skipped', note };
  }

  async function mergeInto(target: number, decidedBy: string | undefined): Promise<{ outcome: Outcome; note: string }> {
    status.mergeTarget = target;
    setStage('merging');
    const by = decidedBy ? ` (decided by <@${decidedBy}>)` : '';
    const merged = (): { outcome: Outcome; note: string } => {
      status.merged = true;
      return { outcome: 'redacted_and_merged', note: `Merged into #${target}${by}.` };
    };
    const skipped = async (note: string): Promise<{ outcome: Outcome; note: string }> => {
      status.merged = false;
      await noteOnChild(note, 'merge-skipped');
      return { outcome: 'redacted_merge_skipped', note };
    };
    const started = await zendesk.startMerge({ sourceTicketId: ticketId, targetTicketId: target });
    if (started.status === 'already_merged') return merged();
    if (started.status === 'target_unavailable') return skipped(`Merge into #${target} skipped: ${started.reason}. The redaction is kept.`);
    for (let poll = 0; poll < settings.mergePollLimit; poll++) {
      await sleep(durationMs(settings.mergePollInterval));
      const job = await zendesk.checkMergeJob({ jobId: started.jobId, sourceTicketId: ticketId, targetTicketId: target });
      if (job.status === 'completed') return merged();
      if (job.status === 'failed' || job.status === 'killed') {
        return skipped(`Merge into #${target} failed in Zendesk (${job.message ?? job.status}). The redaction is kept.`);
      }
    }
    return skipped(`Merge into #${target} did not finish in time; check Zendesk job ${started.jobId}. The redaction is kept.`);
  }

  // --- the failure path -----------------------------------------------------

  /** A failed request is documented where the team looks: child ticket, Slack thread and card, outcome. */
  async function failVisibly(failed: RequestFailed): Promise<void> {
    status.verification = 'failed';
    const left = describeLeft();
    const detail = `${failed.detail}; ${left ? `still on ticket #${ticketId}: ${left}` : `ticket #${ticketId} may still hold card data`}`;
    const action = 'Redact it by hand in Zendesk, then solve this ticket. Nothing was merged.';
    status.residuals = left ? [{ place: `ticket #${ticketId}: ${left}`, manualStep: 'redact by hand in Zendesk' }] : undefined;
    claimsOpen = false;
    finish(failed.outcome, detail);
    await report('failure note', () => noteOnChild(`Redaction FAILED: ${detail}. ${action}`, 'failure-note'));
    const text = `:warning: Redaction for ticket #${ticketId} FAILED: ${detail}. ${status.childTicketId !== undefined ? `See request #${status.childTicketId}.` : action}`;
    await report('failure reply', () => slack.postThreadReply({ post, text, writeId: writeId('failure-reply') }));
    if (post) await report('card failed', () => slack.updateSlackCard({ post: post!, card: cardView('failed', detail) }));
  }

  /** What verification (or, before it, detection) last saw on the ticket. */
  function describeLeft(): string {
    const findings = verification ? verification.remaining : (detection?.findings ?? []);
    const files = verification ? verification.attachmentsRemaining : (detection?.attachments ?? []);
    const residuals = verification ? verification.residuals : [];
    const placeLeft = (placesLeft?.remaining ?? []).map((f) => `card ending ${f.last4} in a ${f.place === 'chat' ? 'chat transcript' : 'ticket field'}`);
    return [...findings.map(describeFinding), ...files.map((a: AttachmentRef) => `${describeFile(a)} in comment ${a.commentId}`), ...residuals.map(describeResidual), ...placeLeft].join(', ');
  }

  // --- small steps ----------------------------------------------------------

  /** A step that only reports (card update, thread reply, reaction): its failure is recorded, the request goes on. */
  async function report(what: string, step: () => Promise<unknown>): Promise<void> {
    try {
      await step();
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      status.reportFailures = [...(status.reportFailures ?? []), what];
      log.warn('report-only step failed; the request goes on', { ticketId, step: what, failure: failureText(err) });
    }
  }

  /** Notes on the request's child ticket, when it has one. */
  async function noteOnChild(body: string, kind: string): Promise<void> {
    if (status.childTicketId !== undefined) await zendesk.addInternalNote({ ticketId: status.childTicketId, body, writeId: writeId(kind) });
  }

  async function carryPending(): Promise<void> {
    if (pending.length > 0) {
      await continueAsNew<typeof redactionWorkflow>({ ticketId, settings, pending: pending.splice(0), seenDeliveryIds: [...seenDeliveries] });
    }
  }

  function record(d: Detection): void {
    status.last4 = unique([...d.findings.map((f) => f.last4), ...d.attachments.flatMap((a) => (a.cards ?? []).map((c) => c.last4)), ...otherPlaces.map((p) => p.last4), ...residualLast4]);
    status.attachments = unique(d.attachments.map((a) => a.fileName));
    status.places = [
      ...d.findings.map((f): PlaceRef => (f.commentId === null ? { kind: 'subject', ref: 'subject', last4: f.last4, brand: f.brand } : { kind: 'comment', ref: `comment ${f.commentId}`, commentId: f.commentId, last4: f.last4, brand: f.brand })),
      ...d.attachments.flatMap((a): PlaceRef[] =>
        a.cards?.length
          ? a.cards.map((c) => ({ kind: 'file', ref: `file ${a.fileName} (page ${c.page}) in comment ${a.commentId}`, commentId: a.commentId, fileName: a.fileName, page: c.page, last4: c.last4, brand: c.brand }))
          : [{ kind: 'file', ref: `file ${a.fileName} in comment ${a.commentId}`, commentId: a.commentId, fileName: a.fileName, last4: '', brand: '' }],
      ),
      ...otherPlaces,
    ];
    status.notScanned = d.notScanned?.length ? d.notScanned.map(describeNotScanned) : undefined;
  }

  /** The card's lines for files: what each file shows, and the files that could not be read. */
  function fileLines(): { files?: string[]; notScanned?: string[] } {
    const files = detection?.attachments.filter((a) => a.cards?.length).map(describeFile) ?? [];
    return { ...(files.length ? { files } : {}), ...(status.notScanned ? { notScanned: status.notScanned } : {}) };
  }

  function recordPlaces(findings: PlaceFinding[], residuals: PlaceResidual[]): void {
    const kind = (p: PlaceFinding['place']): PlaceRef['kind'] => (p === 'email' ? 'comment' : p);
    const ids = (f: PlaceFinding): Partial<PlaceRef> => {
      switch (f.place) {
        case 'chat':
          return { chatId: f.chatId, chatEntry: f.kind, chatIndex: f.chatIndex, messageId: f.messageId };
        case 'field':
          return { fieldId: f.fieldId, fieldTitle: f.fieldTitle };
        case 'side_conversation':
          return { sideConversationId: f.sideConversationId, eventId: f.eventId, channel: f.channel };
        case 'audit':
          return { auditId: f.auditId, auditField: f.fieldName };
        case 'email':
          return { commentId: f.commentId, emailed: true };
      }
    };
    otherPlaces = findings.map((f): PlaceRef => ({ kind: kind(f.place), ref: f.place, ...ids(f), last4: f.last4, brand: f.brand }));
    residualLast4 = residuals.map((r) => r.last4);
    record(detection!);
  }

  function claimedByLabel(): string {
    return claim?.slackUserId === 'automatic' ? 'automatic mode' : `Slack user ${claim?.slackUserId ?? 'unknown'}`;
  }

  function documentation(report: RedactionReport, mergeNote: string): string {
    const lines = ['Redaction done.'];
    for (const f of report.redacted) lines.push(`- Redacted ${describeFinding(f)}.`);
    for (const f of report.alreadyGone) lines.push(`- Already gone before redaction: ${describeFinding(f)}.`);
    for (const a of report.attachmentsRedacted) lines.push(`- Redacted ${describeFile(a)} in comment ${a.commentId} (the whole file: Zendesk cannot redact part of one).`);
    for (const f of places?.findings ?? []) {
      if (f.place === 'chat') lines.push(`- Redacted card ending ${f.last4} (${f.brand}) in chat ${f.chatId} (${f.kind === 'file' ? 'a file' : 'a message'}).`);
      if (f.place === 'field') lines.push(`- Redacted card ending ${f.last4} (${f.brand}) in ticket field ${f.fieldId}.`);
    }
    for (const n of status.notScanned ?? []) lines.push(`- Not scanned: ${n}. Check it by hand.`);
    lines.push(`Merge: ${mergeNote}`);
    lines.push(`Requested ${status.requestedAt}; claimed ${status.claimedAt} by ${claimedByLabel()}; redacted and verified ${status.redactedAt}.`);
    return lines.join('\n');
  }

  function cardView(state: 'open' | 'claimed' | 'done' | 'failed', failure?: string) {
    return {
      state,
      ticketId,
      childTicketId: status.childTicketId!, // cards exist only in claim flows, which always have a child ticket
      workflowId,
      last4: status.last4,
      attachments: status.attachments,
      ...fileLines(),
      claimedBy: claim?.slackUserId,
      outcome: status.outcome,
      mergeTarget: status.mergeTarget,
      ...(failure ? { failure: `Redaction failed: ${failure}.` } : {}),
    };
  }
}

// --- backfill hand-back -------------------------------------------------------

/**
 * A request from a backfill run that waits for it (auto mode: workflows/backfill.ts) tells the run
 * how it ended. By workflow id only, so it reaches the run's latest continue-as-new; a run already
 * finished is no error for this request.
 */
async function tellBackfill(requests: RedactionRequest[], result: RedactionStatus): Promise<RedactionStatus> {
  for (const backfillId of unique(requests.flatMap((r) => (r.backfillId ? [r.backfillId] : [])))) {
    try {
      await getExternalWorkflowHandle(backfillId).signal(backfillTicketDoneSignal, { ticketId: result.ticketId, outcome: result.outcome });
    } catch (err) {
      if (isCancellation(err)) throw err;
      log.warn('backfill run not signalled (it has ended)', { backfillId, ticketId: result.ticketId });
    }
  }
  return result;
}

// --- pure helpers (deterministic, no I/O) -----------------------------------

/** A request that cannot complete: documented, then the run fails (never silently). */
class RequestFailed extends Error {
  constructor(
    readonly outcome: 'verification_failed' | 'redaction_failed',
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'RequestFailed';
  }
}

/** A chat still going on is checked again every `chatWaitInterval` (5 minutes: a day in all). */
const CHAT_WAIT_LIMIT = 288;

const STEP_LABELS: Partial<Record<Stage, string>> = {
  detecting: 'reading the ticket',
  opening_child_ticket: 'opening the child ticket',
  awaiting_claim: 'posting the Slack request',
  redacting: 'redacting',
  verifying: 'verifying',
  awaiting_merge_decision: 'asking about the merge',
  merging: 'merging',
  documenting: 'documenting',
};

/** The failure's own message: activities never put ticket text in one (activities/failures.ts). */
function failureText(err: ActivityFailure): string {
  const cause = err.cause;
  const text = cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : err.message;
  return text.split('\n')[0]!.slice(0, 200);
}

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

/** Patch ids (docs/versioning.md): reading file contents arrived while requests were waiting for claims. */
const READ_FILES_AT_DETECT = 'read-file-contents';
const READ_FILES_ON_JOIN = 'read-file-contents-on-join';

function hasLowConfidence(d: Detection): boolean {
  return d.attachments.some((a) => a.cards?.some((c) => c.lowConfidence));
}

function hasTargets(v: Verification): boolean {
  return v.remaining.length > 0 || v.attachmentsRemaining.length > 0;
}

function isClean(v: Verification): boolean {
  return !hasTargets(v) && v.residuals.length === 0;
}

function describeResidual(r: { commentId: number | null; field: string; last4: string }): string {
  const where = r.commentId === null ? 'the subject' : `comment ${r.commentId}`;
  return `card ending ${r.last4} hidden in ${where} (${r.field}, where no redaction pass can reach it)`;
}

function combineReports(a: RedactionReport, b: RedactionReport): RedactionReport {
  return {
    redacted: [...a.redacted, ...b.redacted],
    alreadyGone: [...a.alreadyGone, ...b.alreadyGone],
    attachmentsRedacted: [...a.attachmentsRedacted, ...b.attachmentsRedacted],
  };
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
