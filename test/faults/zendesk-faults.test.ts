// Scenario 3: Zendesk fails in several ways. 429 bursts with Retry-After (honoured: no call before
// the time is up), 500s, responses slower than the activity's time limit, and connections reset
// mid-response. Each request still ends in one recorded outcome with every invariant kept.
import type { CallLogEntry } from '../../sandbox/zendesk';
import type { Harness } from '../helpers/harness';
import { claim, printSummary, resultWithin, seedCardTicket, startFaultHarness, verify, note } from './fixtures';

// The project's testTimeout does not reach this file's tests and hooks under jest 30.
jest.setTimeout(180_000);

let h: Harness;
beforeAll(async () => {
  // HTTP timeout above the activity limit (4 s / 5 s for scans): a slow answer outlives its attempt.
  h = await startFaultHarness({ env: { ZENDESK_TIMEOUT_MS: '10000' } });
}, 120_000);
afterAll(async () => {
  printSummary('zendesk-faults');
  await h?.close();
});

const ms = (c: CallLogEntry) => Date.parse(c.time);
const callsTo = async (method: string, path: RegExp) => (await h.zendesk.control.calls()).filter((c) => c.method === method && path.test(c.path));

test('429 bursts with Retry-After: every retry waits at least Retry-After after the 429', async () => {
  const { ticketId, commentId } = await seedCardTicket(h);
  const commentsPath = `^/api/v2/tickets/${ticketId}/comments`;
  await h.zendesk.control.addFault({ match: { method: 'GET', path: commentsPath }, times: 3, response: { status: 429, headers: { 'Retry-After': '2' } } });
  await h.zendesk.control.addFault({ match: { method: 'POST', path: '^/api/v2/tickets(\\.json)?$' }, times: 2, response: { status: 429, headers: { 'Retry-After': '1' } } });
  await h.zendesk.control.addFault({ match: { method: 'PUT', path: `^/api/v2/comment_redactions/${commentId}` }, times: 2, response: { status: 429, headers: { 'Retry-After': '1' } } });
  const handle = await h.request(ticketId, {});
  await claim(handle);
  const result = await resultWithin(handle);

  const honoured: string[] = [];
  for (const [method, path] of [['GET', new RegExp(commentsPath)], ['POST', /^\/api\/v2\/tickets(\.json)?$/], ['PUT', new RegExp(`^/api/v2/comment_redactions/${commentId}`)]] as const) {
    const calls = await callsTo(method, path);
    for (let i = 1; i < calls.length; i++) {
      const prev = calls[i - 1]!;
      if (prev.status !== 429) continue;
      const wait = Number(method === 'GET' ? 2000 : 1000);
      const gap = ms(calls[i]!) - (ms(prev) + prev.durationMs);
      expect(gap).toBeGreaterThanOrEqual(wait);
      honoured.push(`${method} ${gap}ms≥${wait}`);
    }
  }
  expect(honoured.length).toBeGreaterThanOrEqual(7); // 3 + 2 + 2 retries after a 429
  note(`3a 429 gaps after Retry-After: ${honoured.join(', ')}`);
  await verify(h, '3a Zendesk 429 bursts', '3×429 on detection read, 2× on child-ticket create, 2× on redaction; all retried after Retry-After', {
    ticketId,
    result,
    outcomes: ['redacted'],
    redactedComments: [commentId],
  });
});

test('500s on reads and writes are retried; the writes land once', async () => {
  const { ticketId, commentId } = await seedCardTicket(h);
  await h.zendesk.control.addFault({ match: { method: 'GET', path: `^/api/v2/tickets/${ticketId}(\\.json)?$` }, times: 2, response: { status: 500 } });
  await h.zendesk.control.addFault({ match: { method: 'POST', path: '^/api/v2/tickets(\\.json)?$' }, times: 2, response: { status: 500 } });
  await h.zendesk.control.addFault({ match: { method: 'PUT', path: `^/api/v2/comment_redactions/${commentId}` }, times: 2, response: { status: 503 } });
  const handle = await h.request(ticketId, {});
  await claim(handle);
  const result = await resultWithin(handle);
  const fives = (await h.zendesk.control.calls()).filter((c) => c.status >= 500).length;
  expect(fives).toBeGreaterThanOrEqual(6);
  await verify(h, '3b Zendesk 500s', '2×500 on ticket read, 2×500 on child create, 2×503 on redaction; retried with backoff', {
    ticketId,
    result,
    outcomes: ['redacted'],
    redactedComments: [commentId],
  });
});

test('answers slower than the activity time limit: the attempt times out, the retry finishes the work once', async () => {
  const { ticketId, commentId } = await seedCardTicket(h);
  // Detection read: 6 s > the 5 s scan limit. Redaction write: 7 s, processed after the attempt was abandoned.
  await h.zendesk.control.addFault({ match: { method: 'GET', path: `^/api/v2/tickets/${ticketId}/comments` }, times: 1, response: { delayMs: 6_000 } });
  await h.zendesk.control.addFault({ match: { method: 'PUT', path: `^/api/v2/comment_redactions/${commentId}` }, times: 1, response: { delayMs: 7_000 } });
  const handle = await h.request(ticketId, {});
  await claim(handle);
  const result = await resultWithin(handle);
  const history = await handle.fetchHistory();
  const timeouts = (history.events ?? []).filter((e) => e.activityTaskTimedOutEventAttributes || (e.activityTaskStartedEventAttributes?.attempt ?? 0) > 1).length;
  expect(timeouts).toBeGreaterThanOrEqual(2);
  await verify(h, '3c Zendesk slower than the activity limit', 'detection read 6 s (limit 5 s) and redaction write 7 s: attempts timed out, retries completed; the late write was rejected as stale (422)', {
    ticketId,
    result,
    outcomes: ['redacted'],
    redactedComments: [commentId],
  });
});

test('a slow child-ticket create that outlives its attempt still leaves one child ticket', async () => {
  const { ticketId, commentId } = await seedCardTicket(h);
  await h.zendesk.control.addFault({ match: { method: 'POST', path: '^/api/v2/tickets(\\.json)?$' }, times: 1, response: { delayMs: 6_000 } });
  const handle = await h.request(ticketId, {});
  await claim(handle);
  const result = await resultWithin(handle);
  await verify(h, '3d slow child-ticket create', 'POST /tickets answered after 6 s (limit 4 s), processed after the retry had already run', {
    ticketId,
    result,
    outcomes: ['redacted'],
    redactedComments: [commentId],
  });
});

test('connections reset mid-response are retried', async () => {
  const { ticketId, commentId } = await seedCardTicket(h);
  await h.zendesk.control.addFault({ match: { method: 'GET', path: `^/api/v2/tickets/${ticketId}/comments` }, times: 2, response: { resetConnection: true } });
  await h.zendesk.control.addFault({ match: { method: 'PUT', path: `^/api/v2/comment_redactions/${commentId}` }, times: 1, response: { resetConnection: true } });
  await h.zendesk.control.addFault({ match: { method: 'GET', path: '^/api/v2/job_statuses' }, times: 1, response: { resetConnection: true } });
  const handle = await h.request(ticketId, {});
  await claim(handle);
  const result = await resultWithin(handle);
  const resets = (await h.zendesk.control.calls()).filter((c) => c.status === 0).length;
  expect(resets).toBeGreaterThanOrEqual(3);
  await verify(h, '3e Zendesk connection resets', '2 resets on comment reads, 1 on the redaction write', {
    ticketId,
    result,
    outcomes: ['redacted'],
    redactedComments: [commentId],
  });
});
