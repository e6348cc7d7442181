// End to end through the HTTP service: a signed Zendesk webhook starts the real redaction workflow
// (real worker, Zendesk and Slack emulators), leads click Take it in the Slack emulator, and
// `/redaction status` reads the result.
import { statusQuery } from '../../workflows/messages';
import { redactionWorkflowId } from '../../workflows/ids';
import { assertNoLeak, spaced, VISA } from '../helpers/cards';
import { CHANNEL, eventually, LEAD, OTHER_LEAD, startHarness, type Harness } from '../helpers/harness';
import { postZendeskWebhook, startService, type RunningService } from './fixtures/http-helpers';

// The project's testTimeout does not reach hooks here; bundling workflows and starting emulators take seconds.
jest.setTimeout(120_000);

let h: Harness;
let svc: RunningService;

beforeAll(async () => {
  h = await startHarness();
  // Every test file's Zendesk emulator numbers tickets from 1, and all files share one Temporal namespace,
  // so workflow ids (redaction-ticket-<n>) would collide across files: skip to a random id range first.
  await h.zendesk.control.seedTickets(20_000 + Math.floor(Math.random() * 80_000), { cardRate: 0, commentsPerTicket: 1 });
  svc = await startService({ config: h.config, temporal: h.client, slack: h.slackClient });
});

afterAll(async () => {
  await svc?.close();
  await h?.close();
});

async function seedCardTicket(): Promise<{ ticketId: number; commentId: number }> {
  const { ticket, comments } = await h.zendesk.control.seedTicket({ subject: 'Billing', status: 'open', comments: [{ body: `my card is ${spaced(VISA)} exp 12/27` }] });
  return { ticketId: ticket.id, commentId: comments[0]!.id };
}

const webhook = (url: string, body: unknown, invocationId?: string) =>
  postZendeskWebhook(url, body, { secret: h.config.ZENDESK_WEBHOOK_SECRET, invocationId });

async function slackCard(ticketId: number): Promise<string> {
  return eventually(async () => (await h.slack.control.messages(CHANNEL)).find((m) => m.text?.includes(`#${ticketId}`))?.ts, 30_000, `Slack card for ticket ${ticketId}`);
}

async function awaitingClaim(ticketId: number): Promise<void> {
  const handle = h.client.workflow.getHandle(redactionWorkflowId(ticketId));
  await eventually(async () => (await handle.query(statusQuery)).stage === 'awaiting_claim', 30_000, 'awaiting_claim');
}

const click = (ts: string, userId: string) =>
  h.slack.control.click({ channel: CHANNEL, ts, actionId: 'claim_redaction', userId, url: `${svc.url}/slack/interactions` });

const status = async (ticketId: number) => {
  const res = await h.slack.control.slashCommand({ url: `${svc.url}/slack/commands`, command: '/redaction', text: `status ${ticketId}`, userId: LEAD, channelId: CHANNEL });
  expect(res.status).toBe(200);
  expect(res.ackedInTime).toBe(true);
  return JSON.parse(res.body) as { response_type: string; text: string };
};

test('two leads click Take it at the same instant: one claim, one "already claimed" ephemeral', async () => {
  const { ticketId, commentId } = await seedCardTicket();
  const started = await webhook(svc.url, { ticket_id: String(ticketId), comment_id: String(commentId), type: 'comment_added' });
  expect(started.status).toBe(202);
  const ts = await slackCard(ticketId);
  await awaitingClaim(ticketId);

  const waiting = await status(ticketId);
  expect(waiting.response_type).toBe('ephemeral');
  expect(waiting.text).toContain(`ticket #${ticketId}`);
  expect(waiting.text).toContain('Stage: waiting for a lead to take it');
  expect(waiting.text).toContain('Card ending: 1111');
  expect(waiting.text).toContain('Claimed by: nobody yet');

  const [a, b] = await Promise.all([click(ts, LEAD), click(ts, OTHER_LEAD)]);
  expect([a.status, b.status]).toEqual([200, 200]);
  expect(a.ackedInTime && b.ackedInTime).toBe(true);
  await svc.app.pendingWork();

  const handle = h.client.workflow.getHandle(redactionWorkflowId(ticketId));
  const claimedBy = (await handle.query(statusQuery)).claimedBy;
  expect([LEAD, OTHER_LEAD]).toContain(claimedBy);
  const loser = claimedBy === LEAD ? OTHER_LEAD : LEAD;
  const ephemerals = (await h.slack.control.ephemeral(CHANNEL)).filter((e) => e.user === LEAD || e.user === OTHER_LEAD);
  expect(ephemerals).toEqual([expect.objectContaining({ user: loser, text: `already claimed by <@${claimedBy}>` })]);
  const logs = svc.logs.map((l) => JSON.parse(l) as { msg: string });
  expect(logs.filter((l) => l.msg === 'claim accepted')).toHaveLength(1);
  expect(logs.filter((l) => l.msg === 'claim rejected')).toHaveLength(1);

  const result = await handle.result();
  expect(result.outcome).toBe('redacted');
  expect(result.claimedBy).toBe(claimedBy);

  const done = await status(ticketId);
  expect(done.text).toContain('Stage: done');
  expect(done.text).toContain('Outcome: redacted');
  expect(done.text).toContain(`Claimed by: <@${claimedBy}>`);
  expect(done.text).toMatch(/Child ticket: #\d+/);

  // The finished card has no button any more; a stale copy of it clicked late gets a clear answer.
  const stale = await h.slackClient.chat.postMessage({
    channel: CHANNEL,
    text: `stale card for #${ticketId}`,
    blocks: [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Take it' }, action_id: 'claim_redaction', value: redactionWorkflowId(ticketId) }] }],
  });
  expect((await click(stale.ts!, loser)).status).toBe(200);
  await svc.app.pendingWork();
  const late = (await h.slack.control.ephemeral(CHANNEL)).filter((e) => e.user === loser).at(-1);
  expect(late?.text).toBe(`The redaction request for ticket #${ticketId} is no longer open.`);
  assertNoLeak(svc.logs.join('\n'), [VISA], 'service logs');
});

test('a non-lead click on a live request is refused and leaves it unclaimed', async () => {
  const { ticketId } = await seedCardTicket();
  expect((await webhook(svc.url, { ticket_id: ticketId, type: 'redaction_request', requested_by: '9001' })).status).toBe(202);
  const ts = await slackCard(ticketId);
  await awaitingClaim(ticketId);
  await click(ts, 'U0AGENT1');
  await svc.app.pendingWork();
  const refusals = (await h.slack.control.ephemeral(CHANNEL)).filter((e) => e.user === 'U0AGENT1');
  expect(refusals.at(-1)!.text).toMatch(/Only team leads/);
  const handle = h.client.workflow.getHandle(redactionWorkflowId(ticketId));
  expect((await handle.query(statusQuery)).claimedBy).toBeUndefined();

  await click(ts, LEAD);
  await svc.app.pendingWork();
  expect((await handle.result()).claimedBy).toBe(LEAD);
});

test('the same delivery reaching two service instances is one request in the workflow', async () => {
  const { ticketId, commentId } = await seedCardTicket();
  const other = await startService({ config: h.config, temporal: h.client, slack: h.slackClient });
  try {
    const body = { ticket_id: ticketId, comment_id: commentId, type: 'comment_added' };
    // Separate in-memory caches, so the workflow's own dedupe is what keeps this to one request.
    expect((await webhook(svc.url, body, `inv-${ticketId}`)).json).toEqual({ workflowId: redactionWorkflowId(ticketId) });
    expect((await webhook(other.url, body, `inv-${ticketId}`)).json).toEqual({ workflowId: redactionWorkflowId(ticketId) });
    expect((await webhook(svc.url, body, `inv-${ticketId}`)).json).toMatchObject({ duplicate: true });
    await awaitingClaim(ticketId);
    const handle = h.client.workflow.getHandle(redactionWorkflowId(ticketId));
    expect((await handle.query(statusQuery)).requests).toBe(1);
    await click(await slackCard(ticketId), LEAD);
    await svc.app.pendingWork();
    expect((await handle.result()).outcome).toBe('redacted');
  } finally {
    await other.close();
  }
});
