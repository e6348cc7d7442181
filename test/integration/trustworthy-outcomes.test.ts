// Issue 12's observations, each over the real clients, emulators and worker (and real HTTP where the
// observation came through HTTP): every request ends verified clean, denied, or failed and visible;
// a merge happens only on an agent's clear instruction.
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { AGENT_USER_ID } from '../../sandbox/zendesk/users';
import { redactionWorkflowId } from '../../workflows/ids';
import { claimUpdate, statusQuery } from '../../workflows/messages';
import type { RedactionStatus } from '../../workflows/types';
import { assertNoLeak, spaced, VISA, VISA_2 } from '../helpers/cards';
import { CHANNEL, eventually, LEAD, startHarness, type Harness } from '../helpers/harness';
import { postZendeskWebhook, startService, type RunningService } from './fixtures/http-helpers';

jest.setTimeout(120_000);

let h: Harness;
let svc: RunningService;

beforeAll(async () => {
  h = await startHarness();
  svc = await startService({ config: h.config, temporal: h.client, slack: h.slackClient });
});

afterAll(async () => {
  await svc?.close();
  await h?.close();
});

afterEach(async () => {
  await h.zendesk.control.clearFaults();
  await h.slack.control.clearFaults();
});

type SeedComment = { body: string; public?: boolean; author_id?: number };

async function seed(extra: SeedComment[] = []) {
  const { ticket, comments } = await h.zendesk.control.seedTicket({ subject: 'Billing', status: 'open', comments: [{ body: `my card is ${spaced(VISA)} exp 12/27` }, ...extra] });
  return { ticketId: ticket.id, commentId: comments[0]!.id };
}

async function card(ticketId: number) {
  return eventually(async () => (await h.slack.control.messages(CHANNEL)).find((m) => m.text?.includes(`#${ticketId}`)), 30_000, `Slack card for ticket ${ticketId}`);
}

const click = (ts: string, actionId = 'claim_redaction', userId = LEAD) =>
  h.slack.control.click({ channel: CHANNEL, ts, actionId, userId, url: `${svc.url}/slack/interactions` });

async function childNotes(ticketId: number): Promise<string> {
  const state = await h.zendesk.control.state();
  const child = state.tickets.find((t) => t.subject?.includes(`ticket #${ticketId}`) && t.tags.includes('pan_redaction_request'));
  return (child?.comments ?? []).map((c) => c.plain_body ?? c.body).join('\n');
}

async function claimViaHttp(ticketId: number) {
  const msg = await card(ticketId);
  await eventually(async () => (await h.client.workflow.getHandle(redactionWorkflowId(ticketId)).query(statusQuery)).stage === 'awaiting_claim', 30_000, 'awaiting_claim');
  await click(msg.ts);
  await svc.app.pendingWork();
  return msg.ts;
}

test('observation 1: Zendesk answers 422 to the redaction: the card shows the failure, the thread and the child ticket say what is left', async () => {
  const { ticketId, commentId } = await seed();
  const handle = await h.request(ticketId, {});
  await h.zendesk.control.addFault({ match: { method: 'PUT', path: '^/api/v2/comment_redactions/' }, times: 5, response: { status: 422, body: { error: 'RecordInvalid', description: 'Record validation errors' } } });
  const ts = await claimViaHttp(ticketId);
  await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);

  const status: RedactionStatus = await handle.query(statusQuery);
  expect(status.outcome).toBe('redaction_failed');
  expect(status.detail).toMatch(/redacting failed: .*422/);
  expect(status.detail).toContain(`card ending 1111 (visa) in comment ${commentId}`);
  const notes = await childNotes(ticketId);
  expect(notes).toContain('Redaction FAILED');
  expect(notes).toContain(`card ending 1111 (visa) in comment ${commentId}`);
  expect(notes).toContain('Redact it by hand');
  const msg = await h.slack.control.message(CHANNEL, ts);
  expect(msg.text).toContain('FAILED');
  expect(JSON.stringify(msg.blocks)).toContain('Redaction failed');
  expect(msg.replies.some((r) => r.text.includes('FAILED') && r.text.includes('card ending 1111'))).toBe(true);
  const described = await h.client.workflow.getHandle(redactionWorkflowId(ticketId)).describe();
  expect(described.searchAttributes.RedactionOutcome).toEqual(['redaction_failed']);
  assertNoLeak(JSON.stringify(msg), [VISA], 'Slack card');
});

test('observation 2: chat.update answers message_not_found after the claim: the redaction still happens', async () => {
  const { ticketId, commentId } = await seed();
  const handle = await h.request(ticketId, {});
  await h.slack.control.addFault({ match: { method: 'chat.update' }, times: -1, response: { okFalseError: 'message_not_found' } });
  await claimViaHttp(ticketId);
  const result = await handle.result();
  expect(result.outcome).toBe('redacted');
  expect(result.reportFailures).toEqual(expect.arrayContaining(['card claimed', 'card done']));
  const redacted = (await h.zendesk.control.getTicket(ticketId)).comments.find((c) => c.id === commentId)!;
  assertNoLeak(JSON.stringify(redacted), [VISA], 'redacted comment');
});

test('observation 3: an agent note "Do NOT merge into #N" never merges; the lead is asked and says no', async () => {
  const other = await h.zendesk.control.seedTicket({ subject: 'Other customer', status: 'open', comments: [{ body: 'hello' }] });
  const { ticketId } = await seed([{ body: `Do NOT merge into #${other.ticket.id} – different customer!`, public: false, author_id: AGENT_USER_ID }]);
  const handle = await h.request(ticketId, {});
  const ts = await claimViaHttp(ticketId);
  // The question arrives in the card's thread with two buttons.
  const question = await eventually(async () => (await h.slack.control.message(CHANNEL, ts)).replies.find((r) => JSON.stringify(r.blocks ?? []).includes('merge_decision_skip')), 30_000, 'merge question');
  expect(question.text).toContain(`#${other.ticket.id}`);
  expect(JSON.stringify(question.blocks)).toContain(`Merge into #${other.ticket.id}`);
  expect(JSON.stringify(question.blocks)).toContain("Don't merge");
  expect((await handle.query(statusQuery)).stage).toBe('awaiting_merge_decision');
  await h.slack.control.click({ channel: CHANNEL, ts: question.ts, actionId: 'merge_decision_skip', userId: LEAD, url: `${svc.url}/slack/interactions` });
  await svc.app.pendingWork();
  const result = await handle.result();
  expect(result.outcome).toBe('redacted_merge_skipped');
  expect(result.mergeDecision).toEqual({ merge: false, by: LEAD });
  expect((await h.zendesk.control.calls()).some((c) => c.path.includes('/merge'))).toBe(false);
  expect((await h.zendesk.control.getTicket(ticketId)).status).not.toBe('closed');
  expect(await childNotes(ticketId)).toContain(`<@${LEAD}> decided not to merge`);
});

test('an unclear merge note in claim mode: the lead clicks "Merge into #N" and the tickets are merged after verification', async () => {
  const target = await h.zendesk.control.seedTicket({ subject: 'Original', status: 'open', comments: [{ body: 'first contact' }] });
  const { ticketId } = await seed([{ body: `should we merge into #${target.ticket.id}?`, public: false, author_id: AGENT_USER_ID }]);
  const handle = await h.request(ticketId, {});
  const ts = await claimViaHttp(ticketId);
  const question = await eventually(async () => (await h.slack.control.message(CHANNEL, ts)).replies.find((r) => JSON.stringify(r.blocks ?? []).includes('merge_decision_merge')), 30_000, 'merge question');
  // A non-lead cannot decide.
  await h.slack.control.click({ channel: CHANNEL, ts: question.ts, actionId: 'merge_decision_merge', userId: 'U0AGENT1', url: `${svc.url}/slack/interactions` }).catch(() => undefined);
  await h.slack.control.click({ channel: CHANNEL, ts: question.ts, actionId: 'merge_decision_merge', userId: LEAD, url: `${svc.url}/slack/interactions` });
  await svc.app.pendingWork();
  const result = await handle.result();
  expect(result.outcome).toBe('redacted_and_merged');
  expect(result.mergeDecision).toEqual({ merge: true, by: LEAD });
  expect(result.mergeTarget).toBe(target.ticket.id);
  const calls = await h.zendesk.control.calls();
  const mergeAt = calls.findIndex((c) => c.path === `/api/v2/tickets/${target.ticket.id}/merge.json`);
  const lastRedaction = calls.map((c) => c.path).lastIndexOf(`/api/v2/comment_redactions/${(await h.zendesk.control.getTicket(ticketId)).comments[0]!.id}.json`);
  expect(mergeAt).toBeGreaterThan(lastRedaction);
  expect(await childNotes(ticketId)).toContain(`decided by <@${LEAD}>`);
});

test('observation 3, automatic mode: an unclear merge note is not merged, and the child ticket says so', async () => {
  const other = await h.zendesk.control.seedTicket({ subject: 'Other', status: 'open', comments: [{ body: 'hello' }] });
  const { ticketId } = await seed([{ body: `should we merge into #${other.ticket.id}?`, public: false, author_id: AGENT_USER_ID }]);
  const result = await (await h.request(ticketId, { source: 'detection' }, { mode: 'auto' })).result();
  expect(result.outcome).toBe('redacted_merge_skipped');
  expect(await childNotes(ticketId)).toContain('Not merged: a note mentions a merge');
  expect((await h.zendesk.control.calls()).some((c) => c.path === `/api/v2/tickets/${other.ticket.id}/merge.json`)).toBe(false);
});

test('observation 4: a private comment by the end user saying "merge into #N" does not merge', async () => {
  const other = await h.zendesk.control.seedTicket({ subject: 'Other', status: 'open', comments: [{ body: 'hello' }] });
  const { ticketId } = await seed([{ body: `merge into #${other.ticket.id}`, public: false }]); // author: the requester
  const result = await (await h.request(ticketId, { source: 'detection' }, { mode: 'auto' })).result();
  expect(result.outcome).toBe('redacted');
  expect(result.merged).toBeUndefined();
  expect((await h.zendesk.control.calls()).some((c) => c.path === `/api/v2/tickets/${other.ticket.id}/merge.json`)).toBe(false);
});

test('observation 6: a lead who clicks Take it the instant the card appears gets the claim (real HTTP)', async () => {
  const { ticketId, commentId } = await seed();
  // Hold the child-ticket update that follows the post, so the card is visible while the post step is still running.
  await h.zendesk.control.addFault({ match: { method: 'PUT', path: '^/api/v2/tickets/\\d+' }, times: 1, response: { delayMs: 1_500 } });
  const started = await postZendeskWebhook(svc.url, { ticket_id: String(ticketId), comment_id: String(commentId), type: 'comment_added' }, { secret: h.config.ZENDESK_WEBHOOK_SECRET });
  expect(started.status).toBe(202);
  const msg = await card(ticketId);
  const clicked = await click(msg.ts);
  expect(clicked.status).toBe(200);
  await svc.app.pendingWork();
  const refusals = (await h.slack.control.ephemeral(CHANNEL)).filter((e) => e.user === LEAD);
  expect(refusals.map((r) => r.text)).toEqual([]);
  const result = await h.client.workflow.getHandle<() => Promise<RedactionStatus>>(redactionWorkflowId(ticketId)).result();
  expect(result.claimedBy).toBe(LEAD);
  expect(result.outcome).toBe('redacted');
});

test('observation 6: refusals are plain sentences, never an internal stage name', async () => {
  const refusal = async (handle: Awaited<ReturnType<Harness['request']>>) => {
    const err: unknown = await handle.executeUpdate(claimUpdate, { args: [{ slackUserId: 'U0LEAD2', source: 'test' }] }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    return (err as WorkflowUpdateFailedError).cause?.message ?? '';
  };
  // While the ticket is still being read.
  const setUp = await seed();
  await h.zendesk.control.addFault({ match: { method: 'GET', path: `^/api/v2/tickets/${setUp.ticketId}\\.json` }, times: 1, response: { delayMs: 2_000 } });
  const early = await h.request(setUp.ticketId, {});
  await eventually(async () => (await early.query(statusQuery)).stage === 'detecting', 10_000, 'detecting');
  const whileSettingUp = await refusal(early);
  // An automatic request needs no lead.
  const auto = await seed();
  await h.zendesk.control.addFault({ match: { method: 'PUT', path: '^/api/v2/comment_redactions/' }, times: 1, response: { delayMs: 2_000 } });
  const autoHandle = await h.request(auto.ticketId, { source: 'detection' }, { mode: 'auto' });
  await eventually(async () => (await autoHandle.query(statusQuery)).stage === 'redacting', 10_000, 'redacting');
  const whileAutomatic = await refusal(autoHandle);
  expect(whileSettingUp).toBe('This request is still being set up; please click Take it again in a moment.');
  expect(whileAutomatic).toMatch(/^This request no longer needs a lead/);
  for (const text of [whileSettingUp, whileAutomatic]) expect(text).not.toMatch(/stage|detecting|redacting\b|awaiting_|opening_child/);
  await early.executeUpdate(claimUpdate, { args: [{ slackUserId: LEAD, source: 'test' }] }).catch(() => undefined);
  await autoHandle.result();
});

test('observation 8: requests acknowledged during a failed run get their own cycle', async () => {
  const { ticketId } = await seed();
  const handle = await h.request(ticketId, {});
  const firstRun = handle.signaledRunId;
  // Verification keeps seeing the number: the redaction call is answered but changes nothing.
  const unchanged = (await h.zendesk.control.getTicket(ticketId)).comments[0]!;
  await h.zendesk.control.addFault({ match: { method: 'PUT', path: '^/api/v2/comment_redactions/' }, times: 2, response: { status: 200, body: { comment: unchanged }, delayMs: 1_500 } });
  await claimViaHttp(ticketId);
  // A new comment (another webhook, already answered 202) arrives while the run is redacting.
  await eventually(async () => (await handle.query(statusQuery)).stage === 'redacting', 30_000, 'redacting');
  await h.zendesk.control.addComment(ticketId, { body: `and this one ${spaced(VISA_2)}` });
  await h.request(ticketId, { source: 'detection' });
  // The failed run documents its failure, then the next cycle starts with the carried request.
  const next = await eventually(async () => {
    const d = await h.client.workflow.getHandle(redactionWorkflowId(ticketId)).describe();
    return d.runId !== firstRun ? d : undefined;
  }, 60_000, 'a new cycle');
  expect(next.runId).not.toBe(firstRun);
  const old = await h.client.workflow.getHandle(redactionWorkflowId(ticketId), firstRun).describe();
  expect(old.status.name).toBe('CONTINUED_AS_NEW');
  expect(old.searchAttributes.RedactionOutcome).toEqual(['verification_failed']);
  const status = await eventually(async () => {
    const s = await h.client.workflow.getHandle(redactionWorkflowId(ticketId)).query(statusQuery);
    return s.stage === 'awaiting_claim' ? s : undefined;
  }, 30_000, 'the new cycle waits for a claim');
  // The carried request is this cycle's; it finds what the failed run left (the second pass took the new number).
  expect(status.requests).toBe(1);
  expect(status.last4).toEqual(['1111']);
});
