// Issue 12, item 2: card numbers a reader does not see, or sees oddly, are found, redacted through the emulator's
// comment_redactions (which follows Zendesk's documented `<redact>` / bare `redact` attribute rules), and the
// independent verifier finds nothing left.
import type { WorkflowHandle } from '@temporalio/client';
import { claimUpdate, statusQuery } from '../../workflows/messages';
import type { redactionWorkflow } from '../../workflows/redaction';
import { verifyComment } from '../../verification';
import { MASTERCARD, VISA, spaced } from '../helpers/cards';
import { eventually, LEAD, startHarness, type Harness } from '../helpers/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.startWorker();
});
afterAll(async () => {
  await h?.close();
});

async function claim(handle: WorkflowHandle<typeof redactionWorkflow>) {
  await eventually(async () => (await handle.query(statusQuery)).stage === 'awaiting_claim', 30_000, 'awaiting_claim');
  return handle.executeUpdate(claimUpdate, { args: [{ slackUserId: LEAD, source: 'test' }] });
}

const pairs = (pan: string): string => pan.replace(/(\d{2})(?=\d)/g, '$1 ');

test.each([
  ['an alt attribute', `<p>see the photo <img src="https://x.example/a.png" alt="card ${spaced(VISA)}"></p>`],
  ['a title attribute', `<p>hover <span title="${spaced(MASTERCARD, '-')}">here</span> please</p>`],
  ['zero-width spaces between the groups', `<p>card ${spaced(VISA, '\u200b')} thanks</p>`],
  ['2-digit groupings', `<p>card ${pairs(VISA)} thanks</p>`],
])('a card in %s is redacted and verified clean', async (_name, html) => {
  const { ticket, comments } = await h.zendesk.control.seedTicket({ subject: 'Help', status: 'open', comments: [{ html_body: html }] });
  const handle = await h.request(ticket.id, { source: 'agent', requestedBy: 9001 });
  await claim(handle);
  const result = await handle.result();
  expect(result.outcome).toBe('redacted');
  const after = (await h.zendesk.control.getTicket(ticket.id)).comments.find((c) => c.id === comments[0]!.id)!;
  expect(verifyComment(after, { fingerprintKey: h.config.FINGERPRINT_KEY })).toEqual([]);
  expect(after.html_body.replace(/[^0-9]/g, '')).not.toContain(VISA.slice(0, 12));
});
