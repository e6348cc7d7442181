// The README's `temporal workflow show --codec-endpoint <service>/codec --codec-auth "Bearer <token>"` against
// histories of real workflows (happy path, denial, merge), through the real HTTP service.
import { AGENT_USER_ID } from '../../sandbox/zendesk/users';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { claimUpdate, statusQuery } from '../../workflows/messages';
import { resolveTemporalCli } from '../../scripts/temporal-cli';
import { ENCRYPTED_ENCODING } from '../../security/codec';
import { VISA, spaced } from '../helpers/cards';
import { eventually, LEAD, startHarness, type Harness } from '../helpers/harness';
import { startService, type RunningService } from './fixtures/http-helpers';

jest.setTimeout(180_000);
const run = promisify(execFile);

let h: Harness;
let svc: RunningService;
beforeAll(async () => {
  h = await startHarness();
  svc = await startService({ config: h.config, temporal: h.client, slack: h.slackClient, codec: h.codec });
});
afterAll(async () => {
  await svc?.close();
  await h?.close();
});


/** `temporal workflow show` as the README documents it; returns the decoded JSON history. */
async function show(workflowId: string): Promise<string> {
  const { stdout } = await run(
    await resolveTemporalCli(),
    [
      'workflow', 'show', '-w', workflowId,
      '--address', process.env.TEMPORAL_TEST_ADDRESS!,
      '--codec-endpoint', `${svc.url}/codec`,
      '--codec-auth', `Bearer ${h.config.CODEC_AUTH_TOKEN}`,
      '--output', 'json',
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

async function seed(comments: Array<{ body: string; public?: boolean; author_id?: number }>): Promise<number> {
  const { ticket } = await h.zendesk.control.seedTicket({ subject: 'Help', status: 'open', comments });
  return ticket.id;
}

const encryptedB64 = Buffer.from(ENCRYPTED_ENCODING).toString('base64');

function expectDecoded(history: string, workflowId: string): void {
  // No payload is left encrypted: every one, empty results included, went through /codec/decode.
  expect(history).not.toContain(encryptedB64);
  expect(history).not.toContain(ENCRYPTED_ENCODING);
  expect(history).toContain(workflowId);
  expect(history.replace(/[^0-9]/g, '')).not.toContain(VISA);
}

describe('temporal workflow show --codec-endpoint', () => {
  beforeAll(async () => h.startWorker());

  test('happy path, denial and merge histories decode through the service', async () => {
    const happy = await seed([{ body: `card ${spaced(VISA)} please` }]);
    const denied = await seed([{ body: 'my card ending 4242 was charged twice' }]);
    const target = await seed([{ body: 'older ticket' }]);
    const merged = await seed([{ body: `card ${VISA}` }, { body: `please merge into #${target}`, public: false, author_id: AGENT_USER_ID }]);

    const handles = await Promise.all([
      h.request(happy, { source: 'agent', requestedBy: 9001 }),
      h.request(denied, { source: 'agent', requestedBy: 9001 }),
      h.request(merged, { source: 'agent', requestedBy: 9001 }),
    ]);
    for (const handle of [handles[0], handles[2]]) {
      await eventually(async () => (await handle.query(statusQuery)).stage === 'awaiting_claim', 30_000, 'awaiting_claim');
      await handle.executeUpdate(claimUpdate, { args: [{ slackUserId: LEAD, source: 'test' }] });
    }
    const results = await Promise.all(handles.map((hd) => hd.result()));
    expect(results.map((r) => r.outcome)).toEqual(['redacted', 'denied_last4_only', 'redacted_and_merged']);

    for (const handle of handles) {
      const history = await show(handle.workflowId);
      expectDecoded(history, handle.workflowId);
      // Results of activities that return nothing decode to the null payload; the rest to JSON.
      expect(history).toContain(Buffer.from('binary/null').toString('base64'));
      expect(history).toContain(Buffer.from('json/plain').toString('base64'));
    }
  });
});
