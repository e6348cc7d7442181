import { parseWebhookBody, toRedactionRequest } from '../../../service/webhook-schemas';
import { parseRedactionCommand } from '../../../service/slack-schemas';
import { RecentIds } from '../../../service/webhook-dedupe';
import { maskCardNumbers } from '../../../security/mask';

const mask = maskCardNumbers;

describe('Zendesk webhook bodies', () => {
  test('trigger body with string ids is coerced', () => {
    const parsed = parseWebhookBody({ ticket_id: '123', comment_id: '456', type: 'comment_added' });
    expect(parsed).toEqual({ kind: 'trigger', body: { ticket_id: 123, comment_id: 456, type: 'comment_added' } });
    if (parsed.kind !== 'trigger') throw new Error('unreachable');
    expect(toRedactionRequest(parsed, { rawBody: '{}', mask })).toEqual({
      ticketId: 123,
      request: { deliveryId: 'comment:456', source: 'detection', commentId: 456 },
    });
  });

  test('non-numeric ids are rejected with the field named', () => {
    const parsed = parseWebhookBody({ ticket_id: '12a', type: 'comment_added' });
    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'invalid' && parsed.problems.join()).toMatch(/ticket_id/);
    expect(parseWebhookBody({ ticket_id: -1, type: 'comment_added' }).kind).toBe('invalid');
    expect(parseWebhookBody({ type: 'comment_added' })).toEqual({ kind: 'invalid', problems: ['ticket_id: is required'] });
    // Problems never quote the input, so a card number sent as an id is not echoed back.
    expect(JSON.stringify(parseWebhookBody({ ticket_id: '4111111111111111111', type: 'comment_added' }))).not.toMatch(/4111/);
    expect(parseWebhookBody({ ticket_id: 1, type: 'something' }).kind).toBe('invalid');
    expect(parseWebhookBody([1, 2]).kind).toBe('invalid');
    expect(parseWebhookBody(null).kind).toBe('invalid');
  });

  test('empty placeholders count as absent; attachment names from a comma list are masked', () => {
    const parsed = parseWebhookBody({
      ticket_id: 7,
      comment_id: '',
      requested_by: '99',
      type: 'redaction_request',
      attachment_names: 'receipt.png, card 4111 1111 1111 1111.jpg,',
    });
    if (parsed.kind !== 'trigger') throw new Error(JSON.stringify(parsed));
    const { request } = toRedactionRequest(parsed, { invocationId: 'inv-1', rawBody: 'x', mask });
    expect(request).toEqual({
      deliveryId: 'inv-1',
      source: 'agent',
      requestedBy: 99,
      attachmentNames: ['receipt.png', 'card [card ••••1111].jpg'],
    });
  });

  test('agent request without invocation id or comment is keyed by a body hash', () => {
    const parsed = parseWebhookBody({ ticket_id: 7, type: 'redaction_request', attachment_names: ['a.pdf'] });
    if (parsed.kind !== 'trigger') throw new Error('unreachable');
    const a = toRedactionRequest(parsed, { rawBody: 'body-1', mask }).request.deliveryId;
    expect(a).toMatch(/^body:[0-9a-f]{32}$/);
    expect(toRedactionRequest(parsed, { rawBody: 'body-1', mask }).request.deliveryId).toBe(a);
    expect(toRedactionRequest(parsed, { rawBody: 'body-2', mask }).request.deliveryId).not.toBe(a);
  });

  const envelope = {
    type: 'zen:event-type:ticket.comment_added',
    id: 'c3a6e2b0-0000-4000-8000-000000000001',
    account_id: '1234',
    time: '2026-11-25T12:00:00Z',
    zendesk_event_version: '2022-11-06',
    subject: 'zen:ticket:5158',
    detail: { id: '5158', status: 'OPEN', description: 'card 4111 1111 1111 1111' },
    event: { comment: { id: '9001', body: 'my card is 4111 1111 1111 1111', is_public: true, author: { id: '42', is_staff: false, name: 'Pat' } } },
  };

  test('event-subscription envelope maps to a detection request and drops the comment text', () => {
    const parsed = parseWebhookBody(envelope);
    expect(parsed.kind).toBe('comment_event');
    expect(JSON.stringify(parsed)).not.toMatch(/4111/);
    if (parsed.kind !== 'comment_event') throw new Error('unreachable');
    expect(toRedactionRequest(parsed, { rawBody: JSON.stringify(envelope), mask })).toEqual({
      ticketId: 5158,
      request: { deliveryId: 'comment:9001', source: 'detection', commentId: 9001 },
    });
  });

  test('envelope whose subject and detail disagree is invalid; other event types are ignored', () => {
    expect(parseWebhookBody({ ...envelope, subject: 'zen:ticket:1' }).kind).toBe('invalid');
    expect(parseWebhookBody({ ...envelope, type: 'zen:event-type:ticket.status_changed' })).toEqual({
      kind: 'ignored_event',
      eventType: 'zen:event-type:ticket.status_changed',
    });
  });
});

describe('/redaction command text', () => {
  test.each([
    ['status 123', { kind: 'status', ticketId: 123 }],
    ['  status   #77 ', { kind: 'status', ticketId: 77 }],
    ['', { kind: 'help' }],
    ['help', { kind: 'help' }],
  ])('%j', (text, expected) => expect(parseRedactionCommand(text)).toEqual(expected));

  test('bad usage explains itself without echoing digits', () => {
    expect(parseRedactionCommand('status')).toMatchObject({ kind: 'usage' });
    expect(parseRedactionCommand('status abc')).toMatchObject({ kind: 'usage', problem: expect.stringMatching(/number/) });
    expect(parseRedactionCommand('status 1 2')).toMatchObject({ kind: 'usage' });
    expect(parseRedactionCommand('redact now')).toEqual({ kind: 'usage', problem: 'unknown subcommand "redact"' });
    const r = parseRedactionCommand('4111111111111111');
    expect(r.kind === 'usage' && r.problem).toBe('unknown subcommand');
  });
});

describe('RecentIds', () => {
  test('expires after the TTL and evicts the oldest beyond the cap', () => {
    let t = 0;
    const ids = new RecentIds(2, 1000, () => t);
    ids.add('a');
    ids.add('b');
    ids.add('c');
    expect(ids.has('a')).toBe(false);
    expect(ids.has('b') && ids.has('c')).toBe(true);
    t = 1001;
    expect(ids.has('b')).toBe(false);
  });
});
