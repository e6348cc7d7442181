/** The evidence export's rendering of the workflow's evidence fields, and "—" for what a request lacks. */
import type { ReportRow } from '../../report/collect';
import { columns, findingsPerDay, renderCsv, renderHtml } from '../../report/render';
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
      { kind: 'comment', ref: '100000001', last4: '1111', brand: 'visa' },
      { kind: 'file', ref: 'statement.pdf', last4: '4444', brand: 'mastercard' },
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
    places: 'comment 100000001; file statement.pdf',
    cards: '1111 visa; 4444 mastercard',
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
