// Historical backfill on the real dev server with the Zendesk and Slack emulators.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { Writable } from 'node:stream';
import { backfillMain, backfillOptions, latestBackfillId, startBackfill } from '../../cli/backfill';
import type { Config } from '../../config';
import { findCardNumbers } from '../../detection';
import { activitySettings, createRedactionWorker } from '../../workers/worker';
import type { backfillWorkflow } from '../../workflows/backfill';
import { backfillProgressQuery, cancelBackfillSignal, confirmClaimsSignal, pauseBackfillSignal, resumeBackfillSignal } from '../../workflows/backfill-messages';
import type { BackfillMode, BackfillOptions } from '../../workflows/backfill-types';
import { redactionWorkflowId } from '../../workflows/ids';
import { statusQuery } from '../../workflows/messages';
import { chatScreenshot, encryptedPdf } from '../corpus/attachments';
import { MASTERCARD, spaced } from '../helpers/cards';
import { collectPayloads } from '../helpers/history-json';
import { CHANNEL, eventually, startHarness, workflowBundle, type Harness } from '../helpers/harness';
import { startService } from './fixtures/http-helpers';

jest.setTimeout(180_000);

let h: Harness;
let worker: Worker;
let running: Promise<void>;
const reportDir = mkdtempSync(join(tmpdir(), 'backfill-reports-'));
/** Seeded data ends two hours ago and spans 90 days: start the walk a day before. */
const END = Date.now() - 2 * 3600_000;
const SINCE = Math.floor((END - 91 * 86400_000) / 1000);

beforeAll(async () => {
  h = await startHarness({ worker: false, env: { BACKFILL_REPORT_STORE: `file:${reportDir}` } });
  worker = await createRedactionWorker({
    connection: h.nativeConnection,
    taskQueue: h.taskQueue,
    zendesk: h.zendeskApi,
    slack: h.slackClient,
    dataConverter: h.dataConverter,
    workflowBundle: await workflowBundle(),
    shutdownGraceTime: '2 seconds',
    settings: activitySettings(h.config),
  });
  running = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await h?.close();
});
beforeEach(async () => {
  await h.zendesk.control.reset();
  await h.slack.control.reset();
});
// Ticket ids start again at each reset: end what a test left open, so per-ticket workflow ids do not collide.
afterEach(async () => {
  for await (const wf of h.client.workflow.list({ query: `TaskQueue = '${h.taskQueue}' AND ExecutionStatus = 'Running'` })) {
    await h.client.workflow.getHandle(wf.workflowId, wf.runId).terminate('test cleanup').catch(() => undefined);
  }
});

function options(mode: BackfillMode, extra: Partial<BackfillOptions> = {}): BackfillOptions {
  return backfillOptions(h.config, { mode, since: SINCE, pageSize: 500, pagesPerRun: 5, incrementalPerMinute: 0, requestsPerMinute: 2_500, concurrency: 8, ...extra });
}

function readReport(path: string): { ticket_id: number; comment_id: number | null; last4: string; brand: string }[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

const key = (r: { ticketId?: number; ticket_id?: number; commentId?: number | null; comment_id?: number | null; last4: string }) =>
  `${r.ticketId ?? r.ticket_id}:${r.commentId ?? r.comment_id}:${r.last4}`;

test('report mode: 2,000 tickets, exactly the seeded cards, nothing changed in Zendesk or Slack', async () => {
  const seeded = await h.zendesk.control.seedTickets(2000, { seed: 7, cardRate: 0.02, endTime: END });
  expect(seeded.cards.length).toBeGreaterThan(10);
  await h.zendesk.control.clearCalls();
  const handle = await startBackfill(h.client, h.taskQueue, options('report'), `report-${Date.now()}`);
  const result = await handle.result();
  expect(result.state).toBe('completed');
  expect(result.ticketsScanned).toBe(2000);
  expect(result.commentsScanned).toBe(seeded.commentCount);
  expect(result.ticketsWithFindings).toBe(seeded.cards.length);
  const rows = readReport(result.reportPath!);
  expect(rows.map(key).sort()).toEqual(seeded.cards.map(key).sort());
  expect(rows.every((r) => /^\d{4}$/.test(r.last4) && r.brand.length > 0)).toBe(true);
  expect(Object.keys(rows[0]!).sort()).toEqual(['brand', 'comment_id', 'last4', 'ticket_id']);
  // A dry run: only export reads reached Zendesk, nothing reached Slack.
  const calls = await h.zendesk.control.calls();
  expect(calls.every((c) => c.method === 'GET' && c.path.includes('incremental/ticket_events'))).toBe(true);
  expect(await h.slack.control.messages(CHANNEL)).toHaveLength(0);
  // No card number anywhere in the report.
  expect(readFileSync(result.reportPath!, 'utf8')).not.toMatch(/\d{12,}/);
});

async function waitFor(handle: WorkflowHandle<typeof backfillWorkflow>, check: (p: Awaited<ReturnType<typeof progress>>) => boolean, what: string) {
  return eventually(async () => {
    const p = await progress(handle);
    return check(p) ? p : undefined;
  }, 60_000, what);
}
const progress = (handle: WorkflowHandle<typeof backfillWorkflow>) => handle.query(backfillProgressQuery);

async function stateAttribute(handle: WorkflowHandle<typeof backfillWorkflow>): Promise<unknown> {
  return (await handle.describe()).searchAttributes.BackfillState?.[0];
}

function cardFree(text: string): boolean {
  return findCardNumbers(text).length === 0;
}

test('auto mode: redacts and verifies every card ticket, documented on one child ticket, one Slack summary per batch', async () => {
  const seeded = await h.zendesk.control.seedTickets(400, { seed: 11, cardRate: 0.05, endTime: END });
  const cardTickets = [...new Set(seeded.cards.map((c) => c.ticketId))];
  expect(cardTickets.length).toBeGreaterThan(5);
  const handle = await startBackfill(h.client, h.taskQueue, options('auto', { summaryBatchSize: 5 }), `auto-${Date.now()}`);
  const result = await handle.result();
  expect(result.state).toBe('completed');
  expect(result.errors).toBe(0);
  expect(result.redacted).toBe(cardTickets.length);
  for (const card of seeded.cards) {
    const ticket = await h.zendesk.control.getTicket(card.ticketId);
    const comment = ticket.comments.find((c) => c.id === card.commentId)!;
    expect(cardFree(comment.body)).toBe(true);
    expect(cardFree(comment.html_body)).toBe(true);
  }
  // Verified: each per-ticket workflow ended redacted.
  for (const ticketId of cardTickets) {
    const status = await h.client.workflow.getHandle(redactionWorkflowId(ticketId)).query(statusQuery);
    expect(status.outcome).toMatch(/^redacted/);
  }
  const state = await h.zendesk.control.state();
  const children = state.tickets.filter((t) => t.tags.includes('pan_redaction_backfill'));
  expect(children).toHaveLength(1);
  expect(children[0]!.id).toBe(result.childTicketId);
  expect(state.tickets.filter((t) => t.tags.includes('pan_redaction_request'))).toHaveLength(0); // no per-ticket child tickets
  const notes = children[0]!.comments.map((c) => c.body).join('\n');
  for (const ticketId of cardTickets) expect(notes).toContain(`#${ticketId} `);
  expect(children[0]!.status).toBe('solved');
  const messages = await h.slack.control.messages(CHANNEL);
  expect(messages).toHaveLength(Math.ceil(cardTickets.length / 5));
  expect(messages.every((m) => m.text?.startsWith(`Backfill ${handle.workflowId}`))).toBe(true);
});

test('pause then resume: the cursor stands still while paused and the run completes with every card', async () => {
  const seeded = await h.zendesk.control.seedTickets(1000, { seed: 3, cardRate: 0.03, endTime: END });
  const handle = await startBackfill(h.client, h.taskQueue, options('report', { pageSize: 100, incrementalPerMinute: 600 }), `pause-${Date.now()}`);
  await waitFor(handle, (p) => p.pages >= 3, '3 pages');
  await handle.signal(pauseBackfillSignal);
  const paused = await waitFor(handle, (p) => p.state === 'paused', 'paused');
  expect(await stateAttribute(handle)).toBe('paused');
  await new Promise((r) => setTimeout(r, 1500));
  const still = await progress(handle);
  expect(still.pages).toBeLessThanOrEqual(paused.pages + 1);
  expect(still.cursorTime <= (await progress(handle)).cursorTime).toBe(true);
  await new Promise((r) => setTimeout(r, 500));
  expect((await progress(handle)).pages).toBe(still.pages);
  await handle.signal(resumeBackfillSignal);
  const result = await handle.result();
  expect(result.state).toBe('completed');
  expect(await stateAttribute(handle)).toBe('completed');
  expect(result.pages).toBeGreaterThan(still.pages);
  expect(readReport(result.reportPath!).map(key).sort()).toEqual(seeded.cards.map(key).sort());
});

test('cancel: stops early and finalises the report written so far', async () => {
  const seeded = await h.zendesk.control.seedTickets(2000, { seed: 5, cardRate: 0.02, endTime: END });
  const handle = await startBackfill(h.client, h.taskQueue, options('report', { pageSize: 100, incrementalPerMinute: 600 }), `cancel-${Date.now()}`);
  await waitFor(handle, (p) => p.pages >= 3, '3 pages');
  await handle.signal(cancelBackfillSignal);
  const result = await handle.result();
  expect(result.state).toBe('cancelled');
  expect(await stateAttribute(handle)).toBe('cancelled');
  expect(result.ticketsScanned).toBeLessThan(2000);
  const all = new Set(seeded.cards.map(key));
  const rows = readReport(result.reportPath!);
  expect(rows.length).toBe(result.findings);
  expect(rows.every((r) => all.has(key(r)))).toBe(true);
});

test('auto mode: pause and cancel act between per-ticket requests, not after a page of redactions', async () => {
  const seeded = await h.zendesk.control.seedTickets(300, { seed: 19, cardRate: 0.1, endTime: END });
  const cardTickets = new Set(seeded.cards.map((c) => c.ticketId)).size;
  expect(cardTickets).toBeGreaterThan(15);
  // Slow redactions: each per-ticket workflow takes a second or more; two run at once.
  await h.zendesk.control.addFault({ match: { method: 'PUT', path: 'comment_redactions' }, times: 1_000, response: { delayMs: 1_000 } });
  const handle = await startBackfill(h.client, h.taskQueue, options('auto', { pageSize: 1000, concurrency: 2, summaryBatchSize: 100 }), `auto-pause-${Date.now()}`);
  await waitFor(handle, (p) => p.requested >= 2, '2 requests');
  await handle.signal(pauseBackfillSignal);
  const paused = await waitFor(handle, (p) => p.state === 'paused', 'paused');
  // One page holds every card ticket: the pause came in the middle of its requests.
  expect(paused.ticketsWithFindings).toBe(cardTickets);
  expect(paused.requested).toBeLessThan(cardTickets);
  // Those in flight finish and are counted while paused; no new one starts.
  const settled = await waitFor(handle, (p) => p.inFlight === 0, 'in-flight requests settled while paused');
  expect(settled.requested).toBe(paused.requested);
  expect(settled.redacted).toBe(settled.requested);
  await new Promise((r) => setTimeout(r, 1_500));
  expect((await progress(handle)).requested).toBe(paused.requested);
  await handle.signal(cancelBackfillSignal);
  const result = await handle.result();
  expect(result.state).toBe('cancelled');
  expect(result.requested).toBe(paused.requested);
  expect(result.redacted + result.denied + result.errors).toBe(result.requested);
  expect(readReport(result.reportPath!).map(key).sort()).toEqual(seeded.cards.map(key).sort()); // the page was read whole
});

test('a 429 storm on the export endpoint is waited out through Retry-After', async () => {
  const seeded = await h.zendesk.control.seedTickets(300, { seed: 9, cardRate: 0.05, endTime: END });
  await h.zendesk.control.addFault({ match: { method: 'GET', path: 'incremental/ticket_events' }, times: 4, response: { status: 429, headers: { 'Retry-After': '1' } } });
  await h.zendesk.control.clearCalls();
  const handle = await startBackfill(h.client, h.taskQueue, options('report'), `storm-${Date.now()}`);
  const result = await handle.result();
  expect(result.state).toBe('completed');
  expect(readReport(result.reportPath!).map(key).sort()).toEqual(seeded.cards.map(key).sort());
  const calls = (await h.zendesk.control.calls()).filter((c) => c.path.includes('ticket_events'));
  expect(calls.filter((c) => c.status === 429)).toHaveLength(4);
  // Each retry came no sooner than Retry-After said.
  for (let i = 1; i < calls.length; i++) {
    if (calls[i - 1]!.status === 429) expect(Date.parse(calls[i]!.time) - Date.parse(calls[i - 1]!.time)).toBeGreaterThanOrEqual(950);
  }
});

test("the incremental endpoint's own limit (10 a minute in the sandbox switch) is respected without a 429", async () => {
  await h.zendesk.control.seedTickets(200, { seed: 13, cardRate: 0.05, endTime: END });
  await h.zendesk.control.configure({ incrementalRateLimit: true, incrementalRequestsPerMinute: 10 });
  await h.zendesk.control.clearCalls();
  // 600 events in pages of 100 → 6+ requests, paced at 60 a minute (inside the switch's 10 per minute would take a minute).
  const handle = await startBackfill(h.client, h.taskQueue, options('report', { pageSize: 100, incrementalPerMinute: 60 }), `paced-${Date.now()}`);
  const result = await handle.result();
  expect(result.state).toBe('completed');
  const calls = (await h.zendesk.control.calls()).filter((c) => c.path.includes('ticket_events'));
  expect(calls.every((c) => c.status === 200)).toBe(true);
  for (let i = 1; i < calls.length; i++) expect(Date.parse(calls[i]!.time) - Date.parse(calls[i - 1]!.time)).toBeGreaterThanOrEqual(950);
});

test('claim mode: a ticket whose request already waits for a claim is joined, not doubled', async () => {
  const { ticket } = await h.zendesk.control.seedTicket({ subject: 'Billing', status: 'open', created_at: new Date(END - 86400_000).toISOString(), comments: [{ body: 'my card is 4111 1111 1111 1111 thanks', created_at: new Date(END - 86400_000).toISOString() }] });
  const existing = await h.request(ticket.id, { source: 'detection' });
  await eventually(async () => (await existing.query(statusQuery)).stage === 'awaiting_claim', 30_000, 'awaiting_claim');
  const handle = await startBackfill(h.client, h.taskQueue, options('claim'), `join-${Date.now()}`);
  const result = await handle.result();
  expect(result.ticketsWithFindings).toBe(1);
  expect(result.joined).toBe(1);
  expect(result.requested).toBe(0);
  const status = await existing.query(statusQuery);
  expect(status.requests).toBe(2);
  expect(status.stage).toBe('awaiting_claim');
  const messages = await h.slack.control.messages(CHANNEL);
  expect(messages.filter((m) => m.text?.includes(`#${ticket.id}`) || JSON.stringify(m).includes(`#${ticket.id}`))).toHaveLength(1);
  const state = await h.zendesk.control.state();
  expect(state.tickets.filter((t) => t.tags.includes('pan_redaction_request'))).toHaveLength(1);
});

test('claim mode above the message limit warns and waits for confirmation', async () => {
  const seeded = await h.zendesk.control.seedTickets(6, { seed: 17, cardRate: 1, endTime: END });
  const handle = await startBackfill(h.client, h.taskQueue, options('claim', { claimMessageLimit: 3 }), `limit-${Date.now()}`);
  const waiting = await waitFor(handle, (p) => p.state === 'awaiting_confirmation', 'awaiting_confirmation');
  expect(waiting.warning).toMatch(/more than 3 Slack messages/);
  expect(await stateAttribute(handle)).toBe('awaiting_confirmation');
  await new Promise((r) => setTimeout(r, 500));
  expect(await h.slack.control.messages(CHANNEL)).toHaveLength(0);
  await handle.signal(confirmClaimsSignal);
  const result = await handle.result();
  expect(result.state).toBe('completed');
  expect(result.requested).toBe(seeded.cards.length);
  await eventually(async () => (await h.slack.control.messages(CHANNEL)).length === seeded.cards.length || undefined, 30_000, 'one card per ticket');
});

test('GET /metrics: request outcomes and stages, activity durations and failures, backfill progress; no card data', async () => {
  const seeded = await h.zendesk.control.seedTickets(1000, { seed: 23, cardRate: 0.02, endTime: END });
  const service = await startService({ config: h.config, temporal: h.client, slack: h.slackClient });
  try {
    const handle = await startBackfill(h.client, h.taskQueue, options('report', { pageSize: 100, incrementalPerMinute: 600 }), `metrics-${Date.now()}`);
    await waitFor(handle, (p) => p.pages >= 2, '2 pages');
    await handle.signal(pauseBackfillSignal);
    await waitFor(handle, (p) => p.state === 'paused', 'paused');
    const text = await eventually(async () => {
      const res = await fetch(`${service.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      const body = await res.text();
      return body.includes(`pan_backfill_progress{backfill="${handle.workflowId}",counter="ticketsScanned"}`) && /pan_backfill_runs\{state="paused"\} [1-9]/.test(body) ? body : undefined;
    }, 30_000, 'backfill gauges');
    expect(text).toMatch(/pan_redaction_requests\{outcome="redacted"\} \d+/);
    expect(text).toMatch(/pan_redaction_requests_in_stage\{stage="awaiting_claim"\} \d+/);
    expect(text).toMatch(/pan_activity_duration_seconds_count\{activity="backfillScanPage",stage="backfill",result="ok"\} [1-9]/);
    expect(text).toContain('pan_activity_failures_total');
    expect(text).toMatch(new RegExp(`pan_backfill_eta_seconds\\{backfill="${handle.workflowId}"\\}`));
    for (const card of seeded.cards) expect(text).not.toContain(`${card.ticketId}:${card.commentId}`);
    // No card numbers (workflow ids carry a millisecond timestamp: leave them out of the check).
    expect(findCardNumbers(text.replace(/backfill-[\w-]+/g, 'backfill-id'))).toHaveLength(0);
    await handle.signal(cancelBackfillSignal);
    await handle.result();
  } finally {
    await service.close();
  }
});

function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { stream, text: () => text };
}

async function cli(argv: string[], overrides: Partial<Config> = {}) {
  const out = capture();
  const err = capture();
  const config = { ...h.config, BACKFILL_INCREMENTAL_PER_MINUTE: 0, BACKFILL_PAGE_SIZE: 500, ...overrides };
  const code = await backfillMain(argv, { stdout: out.stream, stderr: err.stream, client: h.client, config, watchIntervalMs: 100 });
  return { code, stdout: out.text(), stderr: err.text() };
}

test('CLI: start --csv, status --watch draws a bar to the end, status --json; claim mode wants --yes', async () => {
  const seeded = await h.zendesk.control.seedTickets(1000, { seed: 29, cardRate: 0.02, endTime: END });
  const since = new Date((SINCE - 86400) * 1000).toISOString().slice(0, 10);
  const id = `cli-${Date.now()}`;
  const started = await cli(['start', '--since', since, '--mode', 'report', '--csv', '--id', id]);
  expect(started.code).toBe(0);
  expect(started.stdout).toContain(`started backfill-${id} (mode report`);
  const watched = await cli(['status', '--id', id, '--watch']);
  expect(watched.code).toBe(0);
  expect(watched.stdout).toMatch(/\[#+\] 100% 1000 tickets, \d+ findings, \d+ tickets\/s, done \(completed\)/);
  expect(watched.stdout).toContain('tickets scanned: 1000');
  const json = JSON.parse((await cli(['status', '--id', id, '--json'])).stdout) as { reportPath: string; findings: number; done: boolean };
  expect(json.done).toBe(true);
  const csv = readFileSync(json.reportPath, 'utf8').trim().split('\n');
  expect(csv[0]).toBe('ticket_id,comment_id,last4,brand');
  expect(csv.slice(1).map((l) => l.split(',').slice(0, 3).join(':')).sort()).toEqual(seeded.cards.map(key).sort());

  const claim = await cli(['start', '--since', since, '--mode', 'claim']);
  expect(claim.code).toBe(3);
  expect(claim.stderr).toMatch(/WARNING: claim mode posts one Slack "Take it" message per ticket.*more than 25/);
  expect((await cli(['start', '--mode', 'report'])).code).toBe(2); // --since is required
});

test('CLI: pause, resume and cancel the most recent backfill', async () => {
  await h.zendesk.control.seedTickets(1000, { seed: 31, cardRate: 0.02, endTime: END });
  const slow = { BACKFILL_INCREMENTAL_PER_MINUTE: 600, BACKFILL_PAGE_SIZE: 100 };
  const since = new Date(SINCE * 1000).toISOString();
  const mine = `cli-ctl-${Date.now()}`;
  expect((await cli(['start', '--since', since, '--id', mine], slow)).code).toBe(0);
  // Visibility is eventually consistent: wait until the newest listed backfill is this one.
  const id = await eventually(async () => ((await latestBackfillId(h.client)) === `backfill-${mine}` ? `backfill-${mine}` : undefined), 10_000, 'listed');
  const handle = h.client.workflow.getHandle<typeof backfillWorkflow>(id);
  await waitFor(handle, (p) => p.pages >= 2, '2 pages');
  expect((await cli(['pause'])).code).toBe(0);
  await waitFor(handle, (p) => p.state === 'paused', 'paused');
  expect((await cli(['status'])).stdout).toContain('state: paused');
  expect((await cli(['resume'])).code).toBe(0);
  await waitFor(handle, (p) => p.state === 'running', 'running');
  expect((await cli(['cancel'])).stdout).toContain(`cancel: sent to ${id}`);
  expect((await handle.result()).state).toBe('cancelled');
});

test('the sandbox seeds 100,000 tickets in seconds, exportable at once', async () => {
  const started = Date.now();
  const seeded = await h.zendesk.control.seedTickets(100_000, { seed: 37, cardRate: 0.01, commentsPerTicket: 3, endTime: END });
  const seconds = (Date.now() - started) / 1000;
  expect(seeded.ticketCount).toBe(100_000);
  expect(seeded.commentCount).toBeGreaterThan(250_000);
  expect(seconds).toBeLessThan(15);
  const page = await fetch(`${h.config.ZENDESK_URL}/api/v2/incremental/ticket_events.json?start_time=${SINCE}&include=comment_events&per_page=1000`, {
    headers: { Authorization: `Basic ${Buffer.from(`${h.config.ZENDESK_EMAIL}/token:${h.config.ZENDESK_API_TOKEN}`).toString('base64')}` },
  });
  const body = (await page.json()) as { ticket_events: unknown[]; end_of_stream: boolean };
  expect(body.ticket_events).toHaveLength(1000);
  expect(body.end_of_stream).toBe(false);
});

test('auto run history: references only (no card number, no comment text), and it replays', async () => {
  await h.zendesk.control.seedTickets(300, { seed: 41, cardRate: 0.05, endTime: END });
  const handle = await startBackfill(h.client, h.taskQueue, options('auto', { pagesPerRun: 100 }), `history-${Date.now()}`);
  const result = await handle.result();
  expect(result.redacted).toBeGreaterThan(0);
  const history = await handle.fetchHistory();
  const payloads = collectPayloads(history);
  expect(payloads.length).toBeGreaterThan(5);
  const decoded = (await h.codec.decode(payloads)).map((p) => Buffer.from(p.data ?? []).toString('utf8')).join('\n');
  const state = await h.zendesk.control.state();
  const bodies = state.tickets.flatMap((t) => t.comments.map((c) => c.body));
  expect(findCardNumbers(decoded.replace(/backfill-[\w-]+/g, 'backfill-id'))).toHaveLength(0);
  // No seeded sentence made it into the history (sample the longer ones).
  for (const body of bodies.filter((b) => b.length > 40).slice(0, 200)) expect(decoded).not.toContain(body.slice(0, 40));
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter: h.dataConverter }, history, handle.workflowId);
});

test('report mode also finds card numbers in subjects and attachment file names', async () => {
  const at = new Date(END - 86400_000).toISOString();
  const { ticket, comments } = await h.zendesk.control.seedTicket({
    subject: 'Declined payment',
    status: 'closed',
    created_at: at,
    comments: [{ body: 'see the attached scan', created_at: at, attachments: [{ file_name: 'card 4111111111111111.png' }] }],
  });
  // Made through the API, so its audit carries the Create events (subject included); exportable after 1 s.
  await h.zendesk.control.configure({ exportExclusionSeconds: 1 });
  const viaApi = await h.zendeskApi.createTicket({ subject: 'card 5555 5555 5555 4444 declined', comment: { body: 'please help' } });
  await new Promise((r) => setTimeout(r, 2_000));
  const handle = await startBackfill(h.client, h.taskQueue, options('report'), `names-${Date.now()}`);
  const result = await handle.result();
  const rows = readReport(result.reportPath!);
  expect(rows).toEqual(
    expect.arrayContaining([
      { ticket_id: ticket.id, comment_id: comments[0]!.id, last4: '1111', brand: expect.any(String) },
      { ticket_id: viaApi.id, comment_id: null, last4: '4444', brand: expect.any(String) },
    ]),
  );
  expect(result.ticketsWithFindings).toBe(2);
});

test('--attachments: the walk reads what files show, within its budget, and counts files scanned, not scanned and showing a card', async () => {
  const at = END - 86400_000;
  const photo = (await chatScreenshot(['Card below', spaced(MASTERCARD)])).toString('base64');
  const { ticket, comments } = await h.zendesk.control.seedTicket({
    subject: 'Refund',
    created_at: at,
    comments: [
      {
        body: 'see the attached files',
        attachments: [
          { file_name: 'card.png', content_type: 'image/png', content_base64: photo },
          { file_name: 'locked.pdf', content_type: 'application/pdf', content_base64: (await encryptedPdf()).toString('base64') },
          { file_name: 'notes.txt', content_type: 'text/plain', content_base64: Buffer.from('Order 123-4567, nothing else').toString('base64') },
        ],
      },
    ],
  });
  await h.zendesk.control.seedTicket({ subject: 'Hello', created_at: at, comments: [{ body: 'no files here' }] });
  const since = new Date((SINCE - 86400) * 1000).toISOString().slice(0, 10);
  const id = `files-${Date.now()}`;
  const started = await cli(['start', '--since', since, '--attachments', '--id', id], { BACKFILL_ATTACHMENT_MB_PER_MINUTE: 50 });
  expect(started.code).toBe(0);
  expect(started.stdout).toContain('reading files at up to 50 MB a minute');
  const result = await h.client.workflow.getHandle<typeof backfillWorkflow>(`backfill-${id}`).result();
  expect(result).toMatchObject({ state: 'completed', filesScanned: 2, filesSkipped: 1, filesFound: 1, findings: 1, ticketsWithFindings: 1 });
  const attachmentId = comments[0]!.attachments.find((a) => a.file_name === 'card.png')!.id;
  expect(readReport(result.reportPath!)).toEqual([{ ticket_id: ticket.id, comment_id: comments[0]!.id, last4: '4444', brand: 'mastercard', attachment_id: attachmentId, page: 1 }]);
  const status = await cli(['status', '--id', id]);
  expect(status.stdout).toContain('files scanned: 2   not scanned: 1   showing a card: 1');

  // Without --attachments the same walk downloads no file and finds nothing.
  const downloads = h.zendesk.storage.requests.length;
  const plain = await (await startBackfill(h.client, h.taskQueue, options('report'), `nofiles-${Date.now()}`)).result();
  expect(plain.findings).toBe(0);
  expect(plain.filesScanned).toBeUndefined();
  expect(h.zendesk.storage.requests.length).toBe(downloads);
});
