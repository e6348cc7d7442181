/** The evidence export's rendering of the workflow's evidence fields, and "—" for what a request lacks. */
import type { ReportRow } from '../../report/collect';
import { columns, findingsPerDay, renderCsv, renderHtml } from '../../report/render';
import { readPlaces, whereFound } from '../../report/where-found';
import { assertNoLeak, spaced, VISA } from '../helpers/cards';

const full: ReportRow = {
  workflowId: 'redaction-ticket-42',
  ticketId: 42,
  execution: 'COMPLETED',
  startedAt: '2026-03-01T10:00:00.000Z',
  outcome: 'redacted_and_merged',
  status: {
    ticketId: 42,
    stage: 'documenting',
    outcome: 'redacted_and_merged',
    last4: ['1111'],
    attachments: [],
    claimedBy: 'U0LEAD1',
    childTicketId: 43,
    mergeTarget: 7,
    remindersSent: 0,
    requests: 1,
    places: [
      // As workflows/redaction.ts records them today.
      { kind: 'comment', ref: 'comment 100000001', last4: '1111', brand: 'visa' },
      { kind: 'file', ref: 'file statement.pdf in comment 100000002', last4: '', brand: '' },
    ],
    requestedAt: '2026-03-01T10:00:00.000Z',
    claimedAt: '2026-03-01T10:12:00.000Z',
    redactedAt: '2026-03-01T10:12:30.000Z',
    verification: 'residual',
    residuals: [{ place: 'file statement.pdf', manualStep: 'delete the attachment in Agent Workspace' }],
    merged: true,
  },
};

test('every evidence field is shown when the workflow carries it', () => {
  expect(columns(full)).toEqual({
    ticket: '#42',
    places: 'comment 100000001; file statement.pdf in comment 100000002',
    cards: '1111 visa; —',
    requested: '2026-03-01T10:00:00.000Z',
    claimedBy: 'U0LEAD1',
    claimedAt: '2026-03-01T10:12:00.000Z',
    redactedAt: '2026-03-01T10:12:30.000Z',
    verification: 'residual',
    residuals: 'file statement.pdf: delete the attachment in Agent Workspace',
    merge: 'merged into #7',
    childTicket: '#43',
    outcome: 'redacted_and_merged',
  });
  expect(findingsPerDay([full])).toEqual([{ day: '2026-03-01', findings: 2 }]);
});

test('what a request lacks is "—", and a status that could not be read says so', () => {
  const bare: ReportRow = { workflowId: 'redaction-ticket-5', ticketId: 5, execution: 'RUNNING', startedAt: '2026-03-02T00:00:00.000Z', stage: 'awaiting_claim', statusError: 'status query not answered (is a worker running?)' };
  const c = columns(bare);
  expect([c.places, c.cards, c.claimedBy, c.claimedAt, c.redactedAt, c.verification, c.residuals, c.merge, c.childTicket]).toEqual(Array(9).fill('—'));
  expect(c.outcome).toBe('open: awaiting_claim (status query not answered (is a worker running?))');
});

test('a card number that reached a reference anyway is masked in every format', () => {
  const leaky: ReportRow = { ...full, status: { ...full.status!, places: [{ kind: 'file', ref: `card ${spaced(VISA)}.png`, last4: '1111', brand: 'visa' }] } };
  const period = { since: new Date('2026-03-01'), until: new Date('2026-03-02') };
  assertNoLeak(renderCsv([leaky]), [VISA], 'CSV');
  assertNoLeak(renderHtml([leaky], period), [VISA], 'HTML');
});

test('Zendesk ids of 12 or more digits stay searchable in "where found"; names around them are still masked', () => {
  const ids: ReportRow = { ...full, status: { ...full.status!, places: [
    { kind: 'comment', ref: 'comment 26452361829012', commentId: 26452361829012, last4: '1111', brand: 'visa' },
    { kind: 'file', ref: 'file x', fileName: `card ${VISA}.png`, commentId: 26452361829012, page: 1, last4: '1111', brand: 'visa' },
    { kind: 'chat', ref: 'chat', chatId: '2104.10390135.KhDRvJFs', chatEntry: 'message', chatIndex: 2, last4: '1111', brand: 'visa' },
  ] } };
  const where = columns(ids).places;
  expect(where).toBe('comment 26452361829012; file card [card ••••1111].png (page 1) in comment 26452361829012; chat 2104.10390135.KhDRvJFs, message #2');
  assertNoLeak(renderCsv([ids]), [VISA], 'CSV');
});

describe('where found', () => {
  const card = { last4: '1111', brand: 'visa' };
  it.each([
    // What the workflow's status query gives today: kind and ref only.
    [{ kind: 'subject', ref: 'subject' }, 'ticket subject'],
    [{ kind: 'comment', ref: 'comment 77' }, 'comment 77'],
    [{ kind: 'comment', ref: 'email' }, 'comment (emailed copy)'],
    [{ kind: 'file', ref: 'file receipt.png in comment 77' }, 'file receipt.png in comment 77'],
    [{ kind: 'file', ref: 'file statement.pdf (page 2) in comment 77' }, 'file statement.pdf (page 2) in comment 77'],
    [{ kind: 'file', ref: 'file a (page 1) b.pdf in comment 77' }, 'file a (page 1) b.pdf in comment 77'],
    // The page read from the ref, the name from its own field.
    [{ kind: 'file', ref: 'file statement.pdf (page 2) in comment 77', fileName: 'statement.pdf' }, 'file statement.pdf (page 2) in comment 77'],
    [{ kind: 'chat', ref: 'chat' }, 'chat transcript'],
    [{ kind: 'field', ref: 'field' }, 'ticket field'],
    [{ kind: 'side_conversation', ref: 'side_conversation' }, 'side conversation'],
    [{ kind: 'audit', ref: 'audit' }, 'audit trail'],
    // With the ids each kind is known by, when the workflow provides them.
    [{ kind: 'comment', ref: 'email', commentId: 77, emailed: true }, 'comment 77 (emailed copy)'],
    [{ kind: 'file', ref: 'file receipt.pdf in comment 77', fileName: 'receipt.pdf', page: 2, commentId: 77 }, 'file receipt.pdf (page 2) in comment 77'],
    [{ kind: 'chat', ref: 'chat', chatId: 'c-9', chatEntry: 'message', chatIndex: 3 }, 'chat c-9, message #3'],
    [{ kind: 'chat', ref: 'chat', chatId: 'c-9', chatEntry: 'file', messageId: 'm-1' }, 'chat c-9, file name of message id m-1'],
    [{ kind: 'field', ref: 'field', fieldId: 360001, fieldTitle: 'Card on file' }, 'field "Card on file"'],
    [{ kind: 'field', ref: 'field', fieldId: 360001 }, 'field 360001'],
    [{ kind: 'side_conversation', ref: 'side_conversation', sideConversationId: 'sc-1', eventId: 'ev-2', channel: 'slack' }, 'side conversation sc-1, message ev-2, posted to Slack'],
    [{ kind: 'audit', ref: 'audit', auditId: 555, auditField: 'subject' }, 'audit trail, event 555, field subject'],
  ])('%j reads "%s"', (place, label) => {
    const [parsed] = readPlaces([{ ...card, ...place }]);
    expect(whereFound(parsed!)).toBe(label);
  });

  it('names the custom field an audit event changed by the title its field place gave', () => {
    const row: ReportRow = { ...full, status: { ...full.status!, places: readPlaces([{ kind: 'field', ref: 'field', fieldId: 360001, fieldTitle: 'Order note', ...card }, { kind: 'audit', ref: 'audit', auditId: 9, auditField: '360001', ...card }, { kind: 'audit', ref: 'audit', auditId: 9, auditField: 'subject', ...card }]) } };
    expect(columns(row).places).toBe('field "Order note"; audit trail, event 9, field "Order note"; audit trail, event 9, field subject');
  });

  it('drops an entry of another shape instead of failing the report', () => {
    expect(readPlaces([{ ref: 'no kind' }, { kind: 'comment', ref: 'comment 1', ...card }, 'text'])).toHaveLength(1);
    expect(readPlaces(undefined)).toEqual([]);
  });

  it('shows one label per card, in the order of the last 4 column', () => {
    const row: ReportRow = { ...full, status: { ...full.status!, places: readPlaces([{ kind: 'chat', ref: 'chat', chatId: 'c-9', chatIndex: 1, ...card }, { kind: 'subject', ref: 'subject', last4: '4444', brand: 'mastercard' }]) } };
    expect(columns(row)).toMatchObject({ places: 'chat c-9, message #1; ticket subject', cards: '1111 visa; 4444 mastercard' });
  });
});
