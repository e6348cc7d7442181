// Recorded histories of the redaction workflow must replay on the current code: a change that
// alters the command sequence of running workflows (without patched()) fails here.
// Re-record after an intended, patched change: RECORD_HISTORIES=1 npx jest test/integration/replay
import { AGENT_USER_ID } from '../../sandbox/zendesk/users';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { claimUpdate, statusQuery } from '../../workflows/messages';
import { spaced, VISA } from '../helpers/cards';
import { historyFromFixture, historyToFixture } from '../helpers/history-json';
import { eventually, LEAD, startHarness, workflowBundle, type Harness } from '../helpers/harness';

const DIR = join(__dirname, '..', 'fixtures', 'histories');
// A test-only key: the recorded payloads are encrypted like any other history.
const FIXTURE_KEYS = 'replay-fixtures:cmVwbGF5LWZpeHR1cmVzLWtleS0wMDAwMDAwMDAwMDA=';
const RECORD = process.env.RECORD_HISTORIES === '1';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { PAYLOAD_KEYS: FIXTURE_KEYS, FINGERPRINT_KEY: 'replay-fixtures-fingerprint-key-0000000000' } });
});
afterAll(async () => {
  await h?.close();
});

async function record(name: string, comments: Array<{ body: string; public?: boolean; author_id?: number }>, source: 'agent' | 'detection', claim: boolean) {
  const { ticket } = await h.zendesk.control.seedTicket({ subject: 'Replay fixture', comments });
  const handle = await h.request(ticket.id, { source });
  if (claim) {
    await eventually(async () => (await handle.query(statusQuery)).stage === 'awaiting_claim');
    await handle.executeUpdate(claimUpdate, { args: [{ slackUserId: LEAD }] });
  }
  await handle.result();
  writeFileSync(join(DIR, `${name}.json`), historyToFixture(await handle.fetchHistory()));
}

(RECORD ? test : test.skip)('record histories', async () => {
  mkdirSync(DIR, { recursive: true });
  await record('redaction-happy-path', [{ body: `card ${spaced(VISA)}` }], 'detection', true);
  await record('redaction-denied-last4', [{ body: 'card ending 1111' }], 'agent', false);
  const target = await h.zendesk.control.seedTicket({ subject: 'target', comments: [{ body: 'target' }] });
  await record('redaction-with-merge', [{ body: `card ${VISA}` }, { body: `merge into #${target.ticket.id}`, public: false, author_id: AGENT_USER_ID }], 'detection', true);
});

test('every recorded history replays on the current workflow code', async () => {
  const files = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.json')) : [];
  expect(files.length).toBeGreaterThanOrEqual(3);
  for (const file of files) {
    const history = historyFromFixture(readFileSync(join(DIR, file), 'utf8'));
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter: h.dataConverter }, history, file),
    ).resolves.toBeUndefined();
  }
});
