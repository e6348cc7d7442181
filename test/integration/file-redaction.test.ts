// Cards inside attachments, end to end: the emulator's trigger delivers the documented body over HTTP, the real
// worker downloads the file through content_url's redirect, reads it (OCR or PDF text), redacts the whole file and
// verifies that Zendesk replaced it. Nothing read from a file reaches Temporal, Slack, a child ticket or a log.
import type { WorkflowHandle } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { COMMENT_TRIGGER_TEMPLATE, deliverWebhook, renderTriggerBody } from '../../sandbox/zendesk/trigger';
import { redactionWorkflowId } from '../../workflows/ids';
import { statusQuery } from '../../workflows/messages';
import type { redactionWorkflow } from '../../workflows/redaction';
import { chatScreenshot, encryptedPdf, longPdf } from '../corpus/attachments';
import { MASTERCARD, spaced, VISA, VISA_2 } from '../helpers/cards';
import { CHANNEL, eventually, LEAD, type Harness } from '../helpers/harness';
import { describeFindings, LeakCollector } from '../helpers/leak-scan';
import { startLoggedStack, type LoggedStack } from '../helpers/logged-stack';

jest.setTimeout(240_000);

/** Words only the photo shows: if any of them appears outside Zendesk, text read from a file leaked. */
const PHOTO_WORDS = 'Quokka Zephyr Marmalade';

let stack: LoggedStack;
let h: Harness;
let url: string;
const workflowIds: string[] = [];
const firstTickets: number[] = [];

beforeAll(async () => {
  stack = await startLoggedStack();
  ({ h, url } = stack);
});
afterAll(async () => stack?.close());

/** Every payload in a history, decrypted with the codec: what the workflow and its activities carried. */
async function decodedPayloads(history: unknown): Promise<string> {
  const payloads: Payload[] = [];
  const walk = (v: unknown): void => {
    if (!v || typeof v !== 'object' || v instanceof Uint8Array) return;
    const p = v as Payload;
    if (p.metadata && p.data instanceof Uint8Array) payloads.push(p);
    else for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k]);
  };
  walk(history);
  expect(payloads.length).toBeGreaterThan(10);
  return (await h.codec.decode(payloads)).map((p) => Buffer.from(p.data ?? []).toString('utf8')).join('\n');
}

const png = async (lines: string[]) => (await chatScreenshot(lines)).toString('base64');

async function ticketWith(attachments: { file_name: string; content_type?: string; content_base64?: string; size?: number }[], body = 'Please see the attached file.') {
  const seeded = await h.zendesk.control.seedTicket({ subject: 'Refund', status: 'open', comments: [{ body: 'Hello, I was charged twice.' }] });
  const { comment } = await h.zendesk.control.addComment(seeded.ticket.id, { body, public: true, attachments });
  firstTickets.push(seeded.ticket.id);
  workflowIds.push(redactionWorkflowId(seeded.ticket.id));
  return { ticket: seeded.ticket, comment };
}

const cardFor = (ticketId: number) =>
  eventually(async () => (await h.slack.control.messages(CHANNEL)).find((m) => m.text?.includes(`#${ticketId}`)), 90_000, `Slack card for #${ticketId}`);
const cardText = async (ticketId: number) => JSON.stringify((await h.slack.control.messages(CHANNEL)).find((m) => m.text?.includes(`#${ticketId}`))?.blocks ?? []);
const click = (ts: string) => h.slack.control.click({ channel: CHANNEL, ts, actionId: 'claim_redaction', userId: LEAD, url: `${url}/slack/interactions` });
const handleOf = (ticketId: number): WorkflowHandle<typeof redactionWorkflow> => h.client.workflow.getHandle(redactionWorkflowId(ticketId));
const childBody = async (childId: number) => (await h.zendesk.control.getTicket(childId)).comments.map((c) => c.plain_body).join('\n---\n');
const fileNames = async (ticketId: number, commentId: number) => (await h.zendesk.control.getTicket(ticketId)).comments.find((c) => c.id === commentId)!.attachments.map((a) => a.file_name).sort();

test('a card photo attached to a comment: webhook, Slack card, Take it, the whole file redacted and verified', async () => {
  const { ticket, comment } = await ticketWith([{ file_name: 'receipt.png', content_type: 'image/png', content_base64: await png([PHOTO_WORDS, spaced(MASTERCARD)]) }]);
  // The comment's text is clean: only its file count makes the service start the request.
  const delivered = await deliverWebhook(`${url}/webhooks/zendesk`, renderTriggerBody(COMMENT_TRIGGER_TEMPLATE, ticket, comment), { secret: h.config.ZENDESK_WEBHOOK_SECRET, retryDelayMs: 300 });
  expect(delivered.status).toBe(202);

  const card = await cardFor(ticket.id);
  const line = 'receipt.png (page 1): card ending 4444 (mastercard)';
  expect(JSON.stringify(card.blocks)).toContain(line);
  const handle = handleOf(ticket.id);
  const waiting = await eventually(async () => {
    const s = await handle.query(statusQuery);
    return s.stage === 'awaiting_claim' && s;
  }, 30_000, 'awaiting_claim');
  expect(waiting.last4).toEqual(['4444']);
  expect(waiting.places).toEqual([{ kind: 'file', ref: `file receipt.png (page 1) in comment ${comment.id}`, commentId: comment.id, fileName: 'receipt.png', page: 1, last4: '4444', brand: 'mastercard' }]);
  expect(await childBody(waiting.childTicketId!)).toContain(`- comment ${comment.id}: ${line}`);
  expect(await fileNames(ticket.id, comment.id)).toEqual(['receipt.png']);

  expect((await click(card.ts)).status).toBe(200);
  const result = await handle.result();
  expect(result.outcome).toBe('redacted');
  expect(result.verification).toBe('clean');
  // Zendesk replaced the file with an empty redacted.txt; the rest of the ticket is untouched.
  expect(await fileNames(ticket.id, comment.id)).toEqual(['redacted.txt']);
  expect(await childBody(result.childTicketId!)).toContain(`- Redacted ${line} in comment ${comment.id} (the whole file`);
  expect(await cardText(ticket.id)).toContain('Done');
});

test('automatic mode: a card read with low OCR confidence is not redacted unseen; a lead takes a look', async () => {
  // Tesseract reads the 1s of this test card with low confidence (29 on this font): automatic mode must not act alone.
  const { ticket, comment } = await ticketWith([{ file_name: 'screenshot.png', content_type: 'image/png', content_base64: await png(['Here is my card', spaced(VISA)]) }]);
  const handle = await h.request(ticket.id, { source: 'detection', commentId: comment.id }, { mode: 'auto' });
  const waiting = await eventually(async () => {
    const s = await handle.query(statusQuery);
    if (s.stage === 'done') throw new Error(`ended without a lead: ${JSON.stringify(s)}`);
    return s.stage === 'awaiting_claim' && s;
  }, 60_000, 'a lead asked to look');
  expect(waiting.needsALook).toBe(true);
  expect(waiting.claimedBy).toBeUndefined();
  const card = await cardFor(ticket.id);
  expect(JSON.stringify(card.blocks)).toContain('screenshot.png (page 1): card ending 1111 (visa), needs a look: low OCR confidence');
  expect(await childBody(waiting.childTicketId!)).toContain('needs a look: low OCR confidence');
  expect(await fileNames(ticket.id, comment.id)).toEqual(['screenshot.png']); // untouched until a lead claims

  expect((await click(card.ts)).status).toBe(200);
  const result = await handle.result();
  expect(result.outcome).toBe('redacted');
  expect(result.claimedBy).toBe(LEAD);
  expect(await fileNames(ticket.id, comment.id)).toEqual(['redacted.txt']);
});

test('automatic mode: a card read with high confidence and a statement PDF are redacted without a lead', async () => {
  const { ticket, comment } = await ticketWith([
    { file_name: 'card.png', content_type: 'image/png', content_base64: await png(['Card for the refund', spaced(VISA_2)]) },
    { file_name: 'statement.pdf', content_type: 'application/pdf', content_base64: (await longPdf(2, spaced(MASTERCARD))).toString('base64') },
    { file_name: 'notes.txt', content_type: 'text/plain', content_base64: Buffer.from('Order 123-4567, nothing else').toString('base64') },
  ]);
  const result = await (await h.request(ticket.id, { source: 'detection', commentId: comment.id }, { mode: 'auto' })).result();
  expect(result.outcome).toBe('redacted');
  expect(result.claimedBy).toBe('automatic');
  expect(result.places!.map((p) => p.ref).sort()).toEqual([`file card.png (page 1) in comment ${comment.id}`, `file statement.pdf (page 2) in comment ${comment.id}`]);
  expect(await fileNames(ticket.id, comment.id)).toEqual(['notes.txt', 'redacted.txt', 'redacted.txt']);
});

test('an encrypted PDF, an oversized file and an unsupported type are each listed as not scanned, with the reason', async () => {
  const zip = Buffer.concat([Buffer.from('504b0304', 'hex'), Buffer.alloc(200, 1)]).toString('base64');
  const { ticket, comment } = await ticketWith(
    [
      { file_name: 'locked.pdf', content_type: 'application/pdf', content_base64: (await encryptedPdf()).toString('base64') },
      { file_name: 'scan.tiff', content_type: 'image/tiff', size: 40 * 1024 * 1024 },
      { file_name: 'photos.zip', content_type: 'application/zip', content_base64: zip },
    ],
    `my card is ${spaced(VISA_2)}, files attached`,
  );
  const handle = await h.request(ticket.id, { source: 'detection', commentId: comment.id });
  const card = await cardFor(ticket.id);
  const lines = [
    `locked.pdf in comment ${comment.id}: not scanned (encrypted PDF: the PDF needs a password)`,
    `scan.tiff in comment ${comment.id}: not scanned (too large: ${40 * 1024 * 1024} bytes, over the 26214400-byte limit)`,
    `photos.zip in comment ${comment.id}: not scanned (unsupported type: application/zip)`,
  ];
  const waiting = await handle.query(statusQuery);
  expect(waiting.notScanned).toEqual(lines);
  for (const l of lines) {
    expect(JSON.stringify(card.blocks)).toContain(l);
    expect(await childBody(waiting.childTicketId!)).toContain(l);
  }
  await click(card.ts);
  const result = await handle.result();
  expect(result.outcome).toBe('redacted');
  // The documentation says what nobody could check.
  expect(await childBody(result.childTicketId!)).toContain(`- Not scanned: ${lines[0]}. Check it by hand.`);
  expect(await fileNames(ticket.id, comment.id)).toEqual(['locked.pdf', 'photos.zip', 'scan.tiff']);
});

test('a file that cannot be read on an otherwise clean ticket is named in the outcome, not skipped silently', async () => {
  const { ticket, comment } = await ticketWith([{ file_name: 'locked.pdf', content_type: 'application/pdf', content_base64: (await encryptedPdf()).toString('base64') }]);
  const result = await (await h.request(ticket.id, { source: 'detection', commentId: comment.id }, { mode: 'auto' })).result();
  expect(result.outcome).toBe('no_card_data');
  expect(result.detail).toBe(`no full card number found; files not scanned: locked.pdf in comment ${comment.id}: not scanned (encrypted PDF: the PDF needs a password)`);
});

test('canary: no card number and no word read from a file appears in any history, log, Slack body or child ticket', async () => {
  const c = new LeakCollector();
  for (const id of workflowIds) {
    const history = await h.client.workflow.getHandle(id).fetchHistory();
    c.add(`history ${id} (raw)`, history);
    c.add(`history ${id} (payloads decoded)`, await decodedPayloads(history));
    c.add(`describe ${id}`, await h.connection.workflowService.describeWorkflowExecution({ namespace: h.config.TEMPORAL_NAMESPACE, execution: { workflowId: id } }));
  }
  c.add('service log', stack.logs.service.lines.join(''));
  c.add('worker log', stack.logs.worker.lines.join(''));
  c.add('sdk runtime log', stack.logs.runtime.lines.join(''));
  for (const r of await h.slack.control.requests()) c.add(`slack request #${r.seq} ${r.method}`, r.rawBodyDecoded);
  c.add('slack state', await h.slack.control.snapshot());
  // Child tickets and their notes: every ticket created after the first parent, parents excluded.
  const first = Math.min(...firstTickets);
  for (let id = first, misses = 0; misses < 5; id++) {
    const t = await h.zendesk.control.getTicket(id).catch(() => undefined);
    misses = t ? 0 : misses + 1;
    if (t && !firstTickets.includes(id)) c.add(`zendesk ticket #${id}`, t);
  }
  c.add('metrics', await (await fetch(`${url}/metrics`)).text());
  const leaks = c.scan([MASTERCARD, VISA, VISA_2]);
  expect(describeFindings(leaks)).toBe('');
  // The OCR worked (the cards were found above), so its words existed in the worker: none of them left it.
  for (const word of PHOTO_WORDS.split(' ')) {
    const where = c.sources.filter((s) => s.text.toLowerCase().includes(word.toLowerCase())).map((s) => s.name);
    expect({ word, where }).toEqual({ word, where: [] });
  }
  expect(workflowIds.length).toBe(5);
});
