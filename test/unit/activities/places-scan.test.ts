// The pure parts of activities/places: the scanner, residual grouping and the field overwrite.
import { blockOutDigits, residualLines, residualsByPlace } from '../../../activities/places';
import { residualsOf, scanPlaces, type PlacesInput } from '../../../activities/places/scan';
import type { ZendeskComment, ZendeskTicket } from '../../../activities/zendesk-api';
import { assertNoLeak, MASTERCARD, spaced, VISA } from '../../helpers/cards';

const KEY = 'unit-test-fingerprint-key-0123456789abcdef';
const ticket = (custom_fields: { id: number; value: unknown }[] = []): ZendeskTicket =>
  ({ id: 7, subject: 's', status: 'open', tags: [], custom_fields, created_at: '', updated_at: '' }) as ZendeskTicket;
const chatComment = (history: unknown[]): ZendeskComment =>
  ({ id: 1, type: 'ChatStartedEvent', author_id: 1, body: '', html_body: '', public: true, attachments: [], created_at: '', data: { chat_id: 'c1', history } }) as unknown as ZendeskComment;
const input = (over: Partial<PlacesInput>): PlacesInput => ({ ticket: ticket(), comments: [], audits: [], sideConversations: [], textFieldIds: new Set(), fingerprintKey: KEY, ...over });

test('chat entries: every card of a message, file names, nothing from redacted files or entries without a reference', () => {
  const found = scanPlaces(
    input({
      comments: [
        chatComment([
          { type: 'ChatMessage', chat_index: 0, message: `${VISA} and ${spaced(MASTERCARD)}` },
          { type: 'ChatFileAttachment', chat_index: 1, filename: 'redacted.txt' },
          { type: 'ChatMessage', message: VISA },
          { type: 'ChatJoin', chat_index: 3 },
        ]),
      ],
    }),
  );
  expect(found.map((f) => f.place === 'chat' && [f.kind, f.chatIndex, f.last4])).toEqual([
    ['message', 0, '1111'],
    ['message', 0, '4444'],
  ]);
  assertNoLeak(JSON.stringify(found), [VISA, MASTERCARD], 'findings');
});

test('only text fields with string values; the same card twice at one place is one finding', () => {
  const found = scanPlaces(input({ ticket: ticket([{ id: 1, value: `${VISA} / ${VISA}` }, { id: 2, value: VISA }, { id: 3, value: 4111 }]), textFieldIds: new Set([1, 3]) }));
  expect(found.map((f) => f.place === 'field' && f.fieldId)).toEqual([1]);
});

test('a field finding carries the field title when the Ticket Fields API gave one (for the evidence report)', () => {
  const found = scanPlaces(input({ ticket: ticket([{ id: 1, value: VISA }, { id: 3, value: VISA }]), textFieldIds: new Set([1, 3]), fieldTitles: new Map([[1, 'Order note']]) }));
  expect(found.map((f) => f.place === 'field' && [f.fieldId, f.fieldTitle])).toEqual([[1, 'Order note'], [3, undefined]]);
});

test('audit values are grouped per card into one residual; redactable places give none', () => {
  const audits = [
    { id: 10, ticket_id: 7, created_at: '', events: [{ id: 1, type: 'Create', field_name: 'subject', value: `x ${VISA}` }] },
    { id: 11, ticket_id: 7, created_at: '', events: [{ id: 2, type: 'Change', field_name: 'subject', value: 'x', previous_value: `x ${VISA}` }, { id: 3, type: 'Comment', body: MASTERCARD }] },
  ];
  const found = scanPlaces(input({ audits }));
  expect(found).toHaveLength(2);
  expect(residualsOf(7, found)).toEqual([{ place: 'audit', ref: 'audits 10 (subject), 11 (subject)', last4: '1111', manualStep: expect.stringContaining('ticket #7') }]);
  expect(residualsOf(7, [{ place: 'field', fieldId: 1, last4: '1111', brand: 'visa', fingerprint: 'f' }])).toEqual([]);
});

test('blockOutDigits replaces digits inside the spans only, keeping separators and the rest', () => {
  const text = `ref 12 card ${spaced(VISA, '-')} end`;
  const start = text.indexOf('4111');
  expect(blockOutDigits(text, [{ start, end: start + 19 }])).toBe(`ref 12 card ${'▇▇▇▇-'.repeat(3)}▇▇▇▇ end`);
});

test('residual lines name the place, ids, last 4 and the manual step; counts by place', () => {
  const residuals = residualsOf(7, [
    { place: 'audit', auditId: 10, fieldName: 'subject', last4: '1111', brand: 'visa', fingerprint: 'a' },
    { place: 'email', commentId: 3, last4: '4444', brand: 'mastercard', fingerprint: 'b' },
  ]);
  const lines = residualLines(residuals);
  expect(lines[0]).toMatch(/^email already sent \(comment 3\), card ending 4444: Zendesk emailed public comment 3 of ticket #7/);
  expect(lines[1]).toMatch(/^audit trail \(audits 10 \(subject\)\), card ending 1111: Zendesk keeps old values/);
  expect(residualsByPlace(residuals)).toEqual({ audit: 1, email: 1 });
});
