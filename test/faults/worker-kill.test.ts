// Scenario 1: the worker process is killed with SIGKILL in the middle of a stage (after the child
// ticket is created, during redaction, during the merge), then started again. A slow emulator
// answer holds the worker inside the activity; the kill lands while the call is in flight.
import { redactionWorkflowId } from '../../workflows/ids';
import type { WorkerChild } from '../helpers/worker-child';
import { claim, faultHit, printSummary, resultWithin, seedCardTicket, startKillableWorker, verify, type FaultHarness, type Handle } from './fixtures';

jest.setTimeout(240_000);

let h: FaultHarness;
let worker: WorkerChild;
let killAndRestart: (what: string) => Promise<void>;
beforeAll(async () => {
  ({ h, worker, killAndRestart } = await startKillableWorker('1'));
}, 180_000);
afterAll(async () => {
  printSummary('worker-kill');
  await worker?.stop(5_000);
  await h?.close();
});

test('SIGKILL after the child ticket is created (worker inside postClaimRequest)', async () => {
  const { ticketId, commentId } = await seedCardTicket(h);
  const childId = ticketId + 1; // the next ticket the emulator creates: nothing else creates tickets in this file
  const fault = await h.zendesk.control.addFault({ match: { method: 'GET', path: `^/api/v2/tickets/${childId}(\\.json)?$` }, times: 1, response: { delayMs: 3_000 } });
  const handle: Handle = await h.request(ticketId, {});
  await faultHit(h, fault.id);
  await killAndRestart('after child ticket');
  await claim(handle);
  const result = await resultWithin(handle);
  expect(result.childTicketId).toBe(childId);
  await verify(h, '1a SIGKILL after child ticket', 'killed while the Slack step read the child ticket; the step was retried by the new worker', {
    ticketId,
    result,
    outcomes: ['redacted'],
    redactedComments: [commentId],
  });
});

test('SIGKILL during redaction (the redaction write is in flight and lands after the kill)', async () => {
  const { ticketId, commentId } = await seedCardTicket(h);
  const fault = await h.zendesk.control.addFault({ match: { method: 'PUT', path: `^/api/v2/comment_redactions/${commentId}` }, times: 1, response: { delayMs: 2_000 } });
  const handle: Handle = await h.request(ticketId, {});
  await claim(handle);
  await faultHit(h, fault.id);
  await killAndRestart('during redaction');
  const result = await resultWithin(handle);
  await verify(h, '1b SIGKILL during redaction', 'killed with the comment_redactions write in flight; it landed, the retried activity found the number already gone', {
    ticketId,
    result,
    outcomes: ['redacted'],
    redactedComments: [commentId],
  });
});

test('SIGKILL during the merge (the merge request is in flight and lands after the kill)', async () => {
  const target = await h.zendesk.control.seedTicket({ subject: 'Original', status: 'open', comments: [{ body: 'first contact' }] });
  const { ticketId, commentId } = await seedCardTicket(h, { mergeInto: target.ticket.id });
  const fault = await h.zendesk.control.addFault({ match: { method: 'POST', path: `^/api/v2/tickets/${target.ticket.id}/merge` }, times: 1, response: { delayMs: 2_000 } });
  const handle: Handle = await h.request(ticketId, {});
  await claim(handle);
  await faultHit(h, fault.id);
  await killAndRestart('during merge');
  const result = await resultWithin(handle);
  expect(handle.workflowId).toBe(redactionWorkflowId(ticketId));
  await verify(h, '1c SIGKILL during merge', 'killed with POST …/merge in flight; the job ran; the retried step saw the source already merged', {
    ticketId,
    result,
    outcomes: ['redacted_and_merged'],
    redactedComments: [commentId],
    merged: true,
  });
});

// Posting the card and remembering its ts (a tag on the child ticket) are two calls. A worker killed
// after Slack accepted the post but before the tag finds the card again by its message metadata.
test('SIGKILL while chat.postMessage is in flight leaves one card', async () => {
  const { ticketId, commentId } = await seedCardTicket(h);
  const fault = await h.slack.control.slow('^chat\\.postMessage$', 2_000, 1);
  const handle: Handle = await h.request(ticketId, {});
  await eventuallyHit(fault.id);
  await killAndRestart('during the Slack card post');
  await claim(handle);
  const result = await resultWithin(handle);
  await verify(h, '1d SIGKILL during the Slack card post', 'the post landed after the kill; the retry found it by its metadata', {
    ticketId,
    result,
    outcomes: ['redacted'],
    redactedComments: [commentId],
  });
});

async function eventuallyHit(faultId: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if ((await h.slack.control.faults()).every((f) => f.id !== faultId)) return; // removed once hit
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('Slack fault not hit');
}
