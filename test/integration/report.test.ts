/** `redactor report`: every request of a test run, from Temporal only, with no card digits in any format. */
import { PassThrough } from 'node:stream';
import { reportMain } from '../../cli/report';
import { findCardNumbers } from '../../detection';
import { claimUpdate, statusQuery } from '../../workflows/messages';
import { assertNoLeak, MASTERCARD, spaced, VISA } from '../helpers/cards';
import { runCli, STACK_LINE } from '../helpers/cli';
import { eventually, LEAD, startHarness, type Harness } from '../helpers/harness';

let h: Harness;
const started = new Date(Date.now() - 60_000);
const tickets: Record<'claimed' | 'waiting' | 'clean' | 'places', number> = { claimed: 0, waiting: 0, clean: 0, places: 0 };

beforeAll(async () => {
  h = await startHarness();
  await h.startWorker();
  const seed = async (body: string) => (await h.zendesk.control.seedTicket({ subject: 'Billing', status: 'open', comments: [{ body }] })).ticket.id;
  tickets.claimed = await seed(`my card is ${spaced(VISA)} exp 09/28`);
  tickets.waiting = await seed(`use ${MASTERCARD} please`);
  tickets.clean = await seed('no card here, order 123456');
  const claimed = await h.request(tickets.claimed, { source: 'agent', requestedBy: 9001 });
  const waiting = await h.request(tickets.waiting, { source: 'agent', requestedBy: 9001 });
  const clean = await h.request(tickets.clean, { source: 'agent', requestedBy: 9001 });
  // Cards beyond comments: a chat transcript and a text custom field.
  const field = await h.zendeskApi.createTicketField({ type: 'text', title: 'Order note' });
  tickets.places = (await h.zendeskApi.createTicket({ subject: 'Order', comment: { body: 'see fields', public: false }, custom_fields: [{ id: field.id, value: `pay with ${VISA}` }] })).id;
  await h.zendesk.control.seedChat(tickets.places, { messages: [{ message: `card ${spaced(MASTERCARD)}` }] });
  const places = await h.request(tickets.places, { source: 'agent', requestedBy: 9001 });
  await eventually(async () => (await claimed.query(statusQuery)).stage === 'awaiting_claim', 60_000, 'awaiting_claim');
  await claimed.executeUpdate(claimUpdate, { args: [{ slackUserId: LEAD, source: 'test' }] });
  await claimed.result();
  await clean.result();
  await eventually(async () => (await waiting.query(statusQuery)).stage === 'awaiting_claim', 60_000, 'awaiting_claim');
  await eventually(async () => (await places.query(statusQuery)).stage === 'awaiting_claim', 60_000, 'awaiting_claim');
});
afterAll(async () => {
  await h?.close();
});

async function report(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const until = new Date(Date.now() + 60_000).toISOString();
  const code = await reportMain(['--since', started.toISOString(), '--until', until, '--task-queue', h.taskQueue, ...args], { stdout, stderr, client: h.client });
  return { code, out, err };
}

function assertNoCardDigits(text: string, where: string): void {
  assertNoLeak(text, [VISA, MASTERCARD], where);
  expect(findCardNumbers(text)).toEqual([]);
}

test('the text report lists every request of the period with its claim, child ticket and outcome', async () => {
  // Visibility is eventually consistent: wait until all three closed/open states are listed.
  const r = await eventually(async () => {
    const x = await report();
    return /\bredacted\b/.test(x.out) && x.out.includes('not_card_data') ? x : undefined;
  }, 30_000, 'the report to list the outcomes');
  expect(r.code).toBe(0);
  const lines = r.out.split('\n');
  const line = (id: number) => lines.find((l) => l.startsWith(`#${id} `)) ?? '';
  expect(line(tickets.claimed)).toContain(LEAD);
  expect(line(tickets.claimed)).toContain(VISA.slice(-4));
  expect(line(tickets.claimed)).toMatch(/#\d+\s/); // the child ticket
  expect(line(tickets.waiting)).toContain('open: awaiting_claim');
  expect(line(tickets.waiting)).toContain(MASTERCARD.slice(-4));
  expect(line(tickets.clean)).toMatch(/not_card_data|no_card_data/);
  expect(r.out).toMatch(/: 4\n/);
  assertNoCardDigits(r.out + r.err, 'the text report');
});

test('CSV and HTML carry the same rows, no card digits, and the HTML page needs nothing external', async () => {
  const csv = await report('--csv');
  expect(csv.out.split('\n')[0]).toBe('ticket,where found,last 4 / brand,requested,claimed by,claimed at,redacted at,verification,residuals,merge,child ticket,outcome');
  expect(csv.out.trim().split('\n')).toHaveLength(5);
  assertNoCardDigits(csv.out, 'the CSV report');

  const html = await report('--html');
  expect(html.out).toMatch(/^<!doctype html>/);
  expect(html.out).toContain('<svg');
  expect(html.out).toContain('4 requests');
  expect(html.out).not.toMatch(/<(script|link|img|iframe)\b|url\(|@import/i);
  for (const id of Object.values(tickets)) expect(html.out).toContain(`#${id}`);
  assertNoCardDigits(html.out, 'the HTML report');
});

/** One CSV line's cells (RFC 4180 quoting, as renderCsv writes it). */
const csvCells = (line: string): string[] => [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((m) => m[1]!.replace(/^"|"$/g, '').replace(/""/g, '"'));

test('"where found" names each place in words, from the status query: the comment by id, the chat, the field, the audit trail', async () => {
  const comment = (await h.zendeskApi.listComments(tickets.claimed))[0]!.id;
  const csv = await eventually(async () => {
    const x = await report('--csv');
    return x.out.includes(`#${tickets.places},`) ? x : undefined;
  }, 30_000, 'the report to list the places ticket');
  const header = csvCells(csv.out.split('\n')[0]!);
  const where = header.indexOf('where found');
  const cards = header.indexOf('last 4 / brand');
  const row = (id: number) => csvCells(csv.out.split('\n').find((l) => l.startsWith(`#${id},`)) ?? '');
  expect(row(tickets.claimed)[where]).toBe(`comment ${comment}`);
  expect(row(tickets.claimed)[cards]).toBe(`${VISA.slice(-4)} visa`);
  const places = row(tickets.places)[where]!.split('; ');
  // The field's value also sits in the ticket's first audit event: a residual place of its own.
  expect(places).toHaveLength(3);
  // (Ids of 12+ digits, as Zendesk's are, come out of the last masking pass as [card ••••NNNN].)
  expect(places.find((p) => p.startsWith('audit'))).toMatch(/^audit trail(, event .+, field "Order note")?$/);
  expect(places.find((p) => p.startsWith('chat'))).toMatch(/^chat (transcript|.+, message .+)$/);
  expect(places.find((p) => p.includes('field') && !p.startsWith('audit'))).toMatch(/^(ticket field|field "Order note")$/);
  // Readable labels, never a kind repeated or a raw key.
  for (const p of [...places, row(tickets.claimed)[where]!]) expect(p).not.toMatch(/^(\w+) \1\b|side_conversation/);
  assertNoCardDigits(csv.out, 'the CSV report');
});

test('report --help, and bad dates answered without a stack', async () => {
  const help = await runCli(['report', '--help'], {});
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('usage: redactor report');
  const bad = await runCli(['report', '--since', 'yesterday-ish'], {});
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("cannot read 'yesterday-ish' as a date");
  expect(bad.stderr).not.toMatch(STACK_LINE);
});
