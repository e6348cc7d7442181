// Records one history per workflow path for the replay suite (test/unit/replay.test.ts), on the real
// dev server with the emulators. Skipped unless RECORD_HISTORIES=1; re-record after an intended change
// that is shipped as a new deployment version (docs/versioning.md), never to silence a replay failure.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { backfillOptions, startBackfill } from '../../cli/backfill';
import { AGENT_USER_ID } from '../../sandbox/zendesk/users';
import { backfillProgressQuery, pauseBackfillSignal, resumeBackfillSignal } from '../../workflows/backfill-messages';
import type { BackfillMode, BackfillOptions } from '../../workflows/backfill-types';
import { redactionWorkflowId } from '../../workflows/ids';
import { claimUpdate, mergeDecisionUpdate, statusQuery } from '../../workflows/messages';
import type { RedactionSettings } from '../../workflows/types';
import { chatScreenshot } from '../corpus/attachments';
import { MASTERCARD, spaced, VISA, VISA_2 } from '../helpers/cards';
import { historyToFixture } from '../helpers/history-json';
import { eventually, LEAD, startHarness, type Harness } from '../helpers/harness';
import { FIXTURE_FINGERPRINT_KEY, FIXTURE_KEYS, historyPath, HISTORY_DIR } from '../fixtures/histories/paths';

jest.setTimeout(600_000);
// `files` records only the file paths: the other histories stay as recorded before the file-contents patch.
const RECORD_FILES = process.env.RECORD_HISTORIES === '1' || process.env.RECORD_HISTORIES === 'files';
const RECORD = process.env.RECORD_HISTORIES === '1';

let h: Harness;
beforeAll(async () => {
  if (!RECORD_FILES) return;
  const store = mkdtempSync(join(tmpdir(), 'record-reports-'));
  h = await startHarness({ env: { PAYLOAD_KEYS: FIXTURE_KEYS, FINGERPRINT_KEY: FIXTURE_FINGERPRINT_KEY, BACKFILL_REPORT_STORE: `file:${store}`, MERGE_POLL_INTERVAL: '200ms' } });
});
afterAll(async () => {
  await h?.close();
});

type Comment = { body: string; public?: boolean; author_id?: number };
const seed = async (comments: Comment[]) => (await h.zendesk.control.seedTicket({ subject: 'Replay fixture', comments })).ticket.id;
const handleOf = (ticketId: number, runId?: string) => h.client.workflow.getHandle(redactionWorkflowId(ticketId), runId);
const stage = async (ticketId: number, wanted: string) => eventually(async () => (await handleOf(ticketId).query(statusQuery)).stage === wanted, 60_000, wanted);
const claim = async (ticketId: number) => {
  await stage(ticketId, 'awaiting_claim');
  await handleOf(ticketId).executeUpdate(claimUpdate, { args: [{ slackUserId: LEAD }] });
};
const save = async (name: string, workflowId: string, runId?: string) => {
  writeFileSync(historyPath(name), historyToFixture(await h.client.workflow.getHandle(workflowId, runId).fetchHistory()));
};

async function redaction(name: string, comments: Comment[], opts: { source?: 'agent' | 'detection'; claim?: boolean; settings?: Partial<RedactionSettings>; during?: (ticketId: number) => Promise<void>; fails?: boolean } = {}) {
  const ticketId = await seed(comments);
  const handle = await h.request(ticketId, { source: opts.source ?? 'detection' }, opts.settings);
  if (opts.during) await opts.during(ticketId);
  if (opts.claim !== false) await claim(ticketId);
  await handle.result().catch((err: unknown) => {
    if (!opts.fails) throw err;
  });
  await save(name, handle.workflowId, handle.signaledRunId);
  return ticketId;
}

const agentNote = (body: string): Comment => ({ body, public: false, author_id: AGENT_USER_ID });
const card: Comment = { body: `card ${spaced(VISA)}` };

(RECORD ? test : test.skip)('record a history for every redaction path', async () => {
  mkdirSync(HISTORY_DIR, { recursive: true });
  await redaction('redaction-happy-path', [card]);
  await redaction('redaction-denied-last4', [{ body: 'card ending 1111' }], { source: 'agent', claim: false });
  await redaction('redaction-denied-not-card-data', [{ body: 'please delete my address' }], { source: 'agent', claim: false });
  await redaction('redaction-automatic', [card], { claim: false, settings: { mode: 'auto' } });
  const target = await seed([{ body: 'target' }]);
  await redaction('redaction-with-merge', [card, agentNote(`merge into #${target}`)]);
  const closed = (await h.zendesk.control.seedTicket({ subject: 'closed target', status: 'closed', comments: [{ body: 'old' }] })).ticket.id;
  await redaction('redaction-merge-skipped', [card, agentNote(`merge into #${closed}`)]);
  const other = await seed([{ body: 'other' }]);
  await redaction('redaction-merge-decided-by-lead', [card, agentNote(`should we merge into #${other}?`)], {
    during: async (ticketId) => {
      await claim(ticketId);
      await stage(ticketId, 'awaiting_merge_decision');
      await handleOf(ticketId).executeUpdate(mergeDecisionUpdate, { args: [{ slackUserId: LEAD, merge: false }] });
    },
    claim: false,
  });
  await redaction('redaction-reminder-and-escalation', [card], {
    settings: { claimReminderAfter: '1s' },
    during: async (ticketId) => {
      await eventually(async () => (await handleOf(ticketId).query(statusQuery)).remindersSent >= 2, 30_000, 'two reminders');
    },
  });
  await redaction('redaction-join', [card], {
    during: async (ticketId) => {
      await stage(ticketId, 'awaiting_claim');
      await h.zendesk.control.addComment(ticketId, { body: `another ${spaced(VISA_2)}` });
      await h.request(ticketId, { source: 'detection' });
      await eventually(async () => (await handleOf(ticketId).query(statusQuery)).last4.length === 2, 30_000, 'joined');
    },
  });
  // Failures: the redaction call answered but changing nothing; a 422 on the redaction.
  await redaction('redaction-verification-failed', [card], {
    fails: true,
    during: async (ticketId) => {
      const unchanged = (await h.zendesk.control.getTicket(ticketId)).comments[0]!;
      await h.zendesk.control.addFault({ match: { method: 'PUT', path: '^/api/v2/comment_redactions/' }, times: 2, response: { status: 200, body: { comment: unchanged } } });
    },
  });
  await h.zendesk.control.clearFaults();
  await redaction('redaction-step-failed', [card], {
    fails: true,
    during: async () => {
      await h.zendesk.control.addFault({ match: { method: 'PUT', path: '^/api/v2/comment_redactions/' }, times: 1, response: { status: 422, body: { error: 'RecordInvalid' } } });
    },
  });
  await h.zendesk.control.clearFaults();

  // Continue-as-new with a request pending: a new request arrives while the first one is redacting.
  const ticketId = await seed([card]);
  const first = await h.request(ticketId, { source: 'detection' });
  await h.zendesk.control.addFault({ match: { method: 'PUT', path: '^/api/v2/comment_redactions/' }, times: 1, response: { delayMs: 1_500 } });
  await claim(ticketId);
  await stage(ticketId, 'redacting');
  await h.zendesk.control.addComment(ticketId, { body: `and ${spaced(VISA_2)}` });
  await h.request(ticketId, { source: 'detection', deliveryId: randomUUID() });
  const next = await eventually(async () => {
    const d = await handleOf(ticketId).describe();
    return d.runId !== first.signaledRunId ? d.runId : undefined;
  }, 60_000, 'continue-as-new');
  // The first run's second pass took the new number too: the carried request finds nothing left.
  await handleOf(ticketId, next).result();
  await save('redaction-continue-as-new-with-pending', first.workflowId, first.signaledRunId);
  await save('redaction-after-continue-as-new', first.workflowId, next);
});

const END = Date.now() - 2 * 3600_000;
const SINCE = Math.floor((END - 91 * 86400_000) / 1000);
const options = (mode: BackfillMode, extra: Partial<BackfillOptions> = {}) =>
  backfillOptions(h.config, { mode, since: SINCE, pageSize: 200, pagesPerRun: 50, incrementalPerMinute: 0, requestsPerMinute: 2_500, concurrency: 4, ...extra });

(RECORD ? test : test.skip)('record a history for every backfill path', async () => {
  await h.zendesk.control.reset();
  await h.zendesk.control.seedTickets(300, { seed: 11, cardRate: 0.02, endTime: END });
  const report = await startBackfill(h.client, h.taskQueue, options('report'), `record-report-${Date.now()}`);
  await report.result();
  await save('backfill-report', report.workflowId);

  const auto = await startBackfill(h.client, h.taskQueue, options('auto', { redaction: { ...options('auto').redaction, mode: 'auto', childTicketPerRequest: false } }), `record-auto-${Date.now()}`);
  await auto.result();
  await save('backfill-auto', auto.workflowId);

  const paused = await startBackfill(h.client, h.taskQueue, options('report', { incrementalPerMinute: 60 }), `record-pause-${Date.now()}`);
  await paused.signal(pauseBackfillSignal);
  await eventually(async () => (await paused.query(backfillProgressQuery)).state === 'paused', 30_000, 'paused');
  await paused.signal(resumeBackfillSignal);
  await paused.result();
  await save('backfill-pause-resume', paused.workflowId);

  const rolled = await startBackfill(h.client, h.taskQueue, options('report', { pagesPerRun: 1 }), `record-can-${Date.now()}`);
  const firstRun = (await rolled.describe()).runId;
  await rolled.result();
  await save('backfill-continue-as-new', rolled.workflowId, firstRun);

  const claimRun = await startBackfill(h.client, h.taskQueue, options('claim', { claimMessageLimit: 10_000 }), `record-claim-${Date.now()}`);
  await claimRun.result();
  await save('backfill-claim', claimRun.workflowId);
  for await (const wf of h.client.workflow.list({ query: `TaskQueue = '${h.taskQueue}' AND ExecutionStatus = 'Running'` })) {
    await h.client.workflow.getHandle(wf.workflowId, wf.runId).terminate('recording done').catch(() => undefined);
  }
});

(RECORD_FILES ? test : test.skip)('record a history for each file path (cards inside attachments)', async () => {
  const photo = async (pan: string) => ({ file_name: 'receipt.png', content_type: 'image/png', content_base64: (await chatScreenshot(['Here is my card', spaced(pan)])).toString('base64') });
  const withFile = async (pan: string) => (await h.zendesk.control.seedTicket({ subject: 'Replay fixture', comments: [{ body: 'photo attached', attachments: [await photo(pan)] }] })).ticket.id;
  // Claim mode: the file is redacted whole after a lead's claim.
  const claimed = await withFile(MASTERCARD);
  const one = await h.request(claimed, { source: 'detection' });
  await claim(claimed);
  await one.result();
  await save('redaction-file-in-attachment', one.workflowId, one.signaledRunId);
  // Automatic mode, read with low OCR confidence: a lead is asked to look.
  const unsure = await withFile(VISA);
  const two = await h.request(unsure, { source: 'detection' }, { mode: 'auto' });
  await claim(unsure);
  await two.result();
  await save('redaction-file-needs-a-look', two.workflowId, two.signaledRunId);
});
