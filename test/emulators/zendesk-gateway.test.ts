// activities/zendesk-api.ts against the emulator: typed results, thrown errors, timeouts, and
// the node-zendesk 6.0.1 bugs it works around.
import { createClient } from 'node-zendesk';
import { createZendeskApi, isZendeskApiError, ZendeskApiError } from '../../activities/zendesk-api';
import { seedTickets } from '../../sandbox/zendesk';
import { type Any, caught, count, useEnv } from './zendesk/helpers';

const env = useEnv({ timeoutMs: 500 });

const PAN = '4111 1111 1111 1111';

describe('gateway methods', () => {
  test('createTicket, getTicket, updateTicket, findTicketsByExternalId, deleteTicket', async () => {
    const t = await env.api.createTicket({ subject: 'Child', comment: { body: 'note', public: false }, external_id: 'wf-1', tags: ['pan_child'], status: 'open' });
    expect(t).toMatchObject({ subject: 'Child', status: 'open', external_id: 'wf-1', tags: ['pan_child'] });
    await env.api.createTicket({ subject: 'Other', comment: { body: 'x' }, external_id: 'wf-2' });
    expect((await env.api.findTicketsByExternalId('wf-1')).map((x) => x.id)).toEqual([t.id]);
    expect(await env.api.findTicketsByExternalId('none')).toEqual([]);
    const u = await env.api.updateTicket(t.id, { status: 'solved', additional_tags: ['slack_ts_1'], comment: { body: 'done', public: true } });
    expect(u).toMatchObject({ status: 'solved', tags: ['pan_child', 'slack_ts_1'] });
    expect((await env.api.getTicket(t.id)).status).toBe('solved');
    await env.api.deleteTicket(t.id);
    const err = await caught(env.api.getTicket(t.id));
    expect(err).toMatchObject({ status: 404, code: 'RecordNotFound', retryable: false });
  });

  test('listComments follows cursor pages (page[size]=100) to the end', async () => {
    const s = await env.sb.control.seedTicket({ comments: Array.from({ length: 250 }, (_, i) => ({ body: `c${i}` })) });
    await env.sb.control.clearCalls();
    const comments = await env.api.listComments(s.ticket.id);
    expect(comments.map((c) => c.body)).toEqual(Array.from({ length: 250 }, (_, i) => `c${i}`));
    const calls = await env.sb.control.calls();
    expect(calls).toHaveLength(3);
    expect(calls.every((c) => c.query['page[size]'] === '100')).toBe(true);
    expect(calls[1]!.query['page[after]']).toBeDefined();
  });

  test('redactCommentHtml, redactCommentText, redactAttachment', async () => {
    const s = await env.sb.control.seedTicket({
      comments: [{ body: `card ${PAN} twice ${PAN}`, attachments: [{ file_name: 'a.png' }, { file_name: 'b.png' }] }],
    });
    const c0 = s.comments[0]!;
    const once = await env.api.redactCommentHtml(s.ticket.id, c0.id, c0.html_body.replace(PAN, `<redact>${PAN}</redact>`), [c0.attachments[0]!.content_url]);
    expect(count(once.body)).toBe(PAN.length);
    expect(once.attachments[0]!.file_name).toBe('redacted.txt');
    const twice = await env.api.redactCommentText(s.ticket.id, c0.id, PAN);
    expect(count(twice.body)).toBe(PAN.length * 2);
    const att = await env.api.redactAttachment(s.ticket.id, c0.id, c0.attachments[1]!.id);
    expect(att).toMatchObject({ id: c0.attachments[1]!.id, file_name: 'redacted.txt', size: 0 });
  });

  test('mergeTickets + getJobStatus polling', async () => {
    const a = await env.sb.control.seedTicket({ comments: [{ body: 'a' }] });
    const b = await env.sb.control.seedTicket({ comments: [{ body: 'b' }] });
    const job = await env.api.mergeTickets(a.ticket.id, [b.ticket.id], 'target note', 'source note');
    expect(job.status).toBe('queued');
    let st = job;
    for (let i = 0; i < 5 && st.status !== 'completed' && st.status !== 'failed'; i++) st = await env.api.getJobStatus(job.id);
    expect(st.status).toBe('completed');
    const src = await env.sb.control.getTicket(b.ticket.id);
    expect(src.comments.at(-1)).toMatchObject({ body: 'source note', public: false });
    expect((await env.sb.control.getTicket(a.ticket.id)).comments.at(-1)).toMatchObject({ body: 'target note', public: false });
  });

  test('exportTicketsCursor pages through everything and sends neither page[size] nor start_time=undefined', async () => {
    await env.sb.control.configure({ exportExclusionSeconds: 0 });
    const seeded = seedTickets(env.sb.store, 10, { seed: 2 });
    await env.sb.control.clearCalls();
    const ids: number[] = [];
    let page = await env.api.exportTicketsCursor({ startTime: 0 }, 4);
    ids.push(...page.tickets.map((t) => t.id));
    while (!page.end_of_stream) {
      page = await env.api.exportTicketsCursor({ cursor: page.after_cursor! }, 4);
      ids.push(...page.tickets.map((t) => t.id));
    }
    expect(ids).toEqual(Array.from({ length: 10 }, (_, i) => seeded.firstTicketId + i));
    const calls = await env.sb.control.calls();
    expect(calls).toHaveLength(3);
    for (const c of calls) {
      expect(c.query['page[size]']).toBeUndefined();
      expect(Object.values(c.query)).not.toContain('undefined');
    }
  });
});

describe('errors', () => {
  test('404 / 422 / 401 map to status, code and retryable', async () => {
    const nf = await caught(env.api.getTicket(987654));
    expect(nf).toBeInstanceOf(ZendeskApiError);
    expect(nf).toMatchObject({ status: 404, code: 'RecordNotFound', retryable: false });
    expect(nf.message).toBe('Zendesk getTicket: GET /api/v2/tickets/987654.json failed: HTTP 404 RecordNotFound');

    const closed = await env.sb.control.seedTicket({ status: 'closed', comments: [{ body: 'x' }] });
    const inv = await caught(env.api.updateTicket(closed.ticket.id, { comment: { body: 'note', public: false } }));
    expect(inv).toMatchObject({ status: 422, code: 'RecordInvalid', retryable: false, details: [{ field: 'status', error: 'ClosedTicket' }] });

    const bad = createZendeskApi({ url: env.sb.url, email: env.sb.email, token: 'wrong', timeoutMs: 1000 });
    expect(await caught(bad.getTicket(closed.ticket.id))).toMatchObject({ status: 401, code: 'Unauthorized', retryable: false });
  });

  test('429 is thrown with retryAfterSeconds (node-zendesk alone returns it as a result)', async () => {
    const s = await env.sb.control.seedTicket({ comments: [{ body: 'x' }] });
    await env.sb.control.addFault({ match: { path: `/tickets/${s.ticket.id}` }, times: 2, response: { status: 429, headers: { 'Retry-After': '7' } } });
    // The bug: node-zendesk resolves, with an Error object as `result`.
    const plain: Any = await env.zd.tickets.show(s.ticket.id);
    expect(plain.result).toBeInstanceOf(Error);
    expect(plain.result.statusCode).toBe(429);
    // The gateway throws.
    const err = await caught(env.api.getTicket(s.ticket.id));
    expect(err).toMatchObject({ status: 429, code: 'TooManyRequests', retryable: true, retryAfterSeconds: 7 });
    expect(err.message).toContain('retry after 7s');
  });

  test('409 (colliding updates) is retryable', async () => {
    const s = await env.sb.control.seedTicket({ comments: [{ body: 'x' }] });
    await env.sb.control.addFault({ match: { method: 'PUT', path: '/tickets/' }, response: { status: 409, body: { error: 'UpdateConflict' } } });
    expect(await caught(env.api.updateTicket(s.ticket.id, { subject: 'x' }))).toMatchObject({ status: 409, code: 'UpdateConflict', retryable: true });
  });

  test('the incremental export limit surfaces as a thrown 429 with retryAfterSeconds', async () => {
    await env.sb.control.configure({ exportExclusionSeconds: 0, incrementalRateLimit: true, incrementalRequestsPerMinute: 2 });
    await env.api.exportTicketsCursor({ startTime: 0 });
    await env.api.exportTicketsCursor({ startTime: 0 });
    const err = await caught(env.api.exportTicketsCursor({ startTime: 0 }));
    expect(err).toMatchObject({ status: 429, retryable: true });
    expect(err.retryAfterSeconds).toBeGreaterThan(50);
    expect(err.message).toContain('GET /api/v2/incremental/tickets/cursor.json');
  });

  test('500 is retryable', async () => {
    const s = await env.sb.control.seedTicket({ comments: [{ body: 'x' }] });
    await env.sb.control.addFault({ match: { path: '/comments' }, response: { status: 503 } });
    expect(await caught(env.api.listComments(s.ticket.id))).toMatchObject({ status: 503, retryable: true });
    expect(await env.api.listComments(s.ticket.id)).toHaveLength(1);
  });

  test('a slow response times out (status 0, Timeout, retryable)', async () => {
    const s = await env.sb.control.seedTicket({ comments: [{ body: 'x' }] });
    await env.sb.control.addFault({ match: { path: '/tickets/' }, response: { delayMs: 1500 } });
    const t0 = Date.now();
    const err = await caught(env.api.getTicket(s.ticket.id));
    expect(Date.now() - t0).toBeLessThan(1400);
    expect(err).toMatchObject({ status: 0, code: 'Timeout', retryable: true });
  });

  test('a connection reset mid-response is a retryable network error', async () => {
    const s = await env.sb.control.seedTicket({ comments: [{ body: 'x' }] });
    await env.sb.control.addFault({ match: { path: '/comments' }, response: { resetConnection: true } });
    const err = await caught(env.api.listComments(s.ticket.id));
    expect(err.status).toBe(0);
    expect(err.code).toMatch(/^NetworkError/);
    expect(err.retryable).toBe(true);
  });

  test('an unexpected response shape is InvalidResponse, not a crash', async () => {
    const s = await env.sb.control.seedTicket({ comments: [{ body: 'x' }] });
    await env.sb.control.addFault({ match: { path: '/tickets/' }, response: { status: 200, body: { nope: true } } });
    expect(await caught(env.api.getTicket(s.ticket.id))).toMatchObject({ code: 'InvalidResponse', retryable: false });
  });

  test('error messages never carry request or response bodies (card numbers)', async () => {
    const s = await env.sb.control.seedTicket({ status: 'closed', comments: [{ body: `my card ${PAN}` }] });
    const c0 = s.comments[0]!;
    const digits = /4111|1111/;
    const errors: ZendeskApiError[] = [];
    // A request carrying the PAN that Zendesk refuses (stale html: not the stored one).
    errors.push(await caught(env.api.redactCommentHtml(s.ticket.id, c0.id, `<div>my card <redact>${PAN}</redact> extra</div>`)));
    errors.push(await caught(env.api.updateTicket(s.ticket.id, { comment: { body: `again ${PAN}` } })));
    errors.push(await caught(env.api.createTicket({ subject: PAN, comment: { body: '' } })));
    // A server that echoes the PAN in its error body, even in the error code field.
    await env.sb.control.addFault({ match: { path: '/redact' }, response: { status: 500, body: { error: `bad ${PAN}`, description: `text ${PAN}`, details: { [PAN]: [{ error: PAN }] } } } });
    errors.push(await caught(env.api.redactCommentText(s.ticket.id, c0.id, PAN)));
    await env.sb.control.addFault({ match: { path: '/redact' }, response: { status: 422, body: { error: 'RecordInvalid', details: { text: [{ description: `no ${PAN}`, error: 'Invalid' }] } } } });
    errors.push(await caught(env.api.redactCommentText(s.ticket.id, c0.id, PAN)));
    expect(errors.map((e) => e.status)).toEqual([422, 422, 422, 500, 422]);
    for (const e of errors) {
      expect(e.message).toMatch(/^Zendesk \w+: (PUT|POST) \/api\/v2\//);
      expect(e.message).not.toMatch(digits);
      expect(JSON.stringify(e)).not.toMatch(digits);
      expect(String(e.stack)).not.toMatch(digits);
    }
  });
});

describe('node-zendesk 6.0.1 bugs and how the gateway goes around them', () => {
  test('attachments.redactAttachmentComment sends DELETE (→ 404); the gateway sends PUT', async () => {
    const s = await env.sb.control.seedTicket({ comments: [{ body: 'f', attachments: [{ file_name: 'card.png' }] }] });
    const c0 = s.comments[0]!;
    const a0 = c0.attachments[0]!;
    await env.sb.control.clearCalls();
    await expect(env.zd.attachments.redactAttachmentComment(s.ticket.id, c0.id, a0.id)).rejects.toThrow(/404/);
    const [bugCall] = await env.sb.control.calls();
    expect(bugCall).toMatchObject({ method: 'DELETE', path: `/api/v2/tickets/${s.ticket.id}/comments/${c0.id}/attachments/${a0.id}/redact.json`, status: 404 });
    expect((await env.sb.control.getTicket(s.ticket.id)).comments[0]!.attachments[0]!.file_name).toBe('card.png');
    await env.api.redactAttachment(s.ticket.id, c0.id, a0.id);
    expect((await env.sb.control.calls()).at(-1)).toMatchObject({ method: 'PUT', status: 200 });
    expect((await env.sb.control.getTicket(s.ticket.id)).comments[0]!.attachments[0]!.file_name).toBe('redacted.txt');
  });

  test('getAll on incremental endpoints stops after the first page; the gateway drives the cursor', async () => {
    await env.sb.control.configure({ exportExclusionSeconds: 0 });
    const seeded = seedTickets(env.sb.store, 12, { seed: 4, commentsPerTicket: 2 });
    // per_page via node-zendesk's default-query option, so a "page" is small.
    const zd = createClient({ username: env.sb.email, token: env.sb.token, endpointUri: `${env.sb.url}/api/v2`, query: { per_page: 5 } } as Parameters<typeof createClient>[0]);
    const events: Any = await zd.ticketevents.incrementalInclude(0, 'comment_events');
    expect(events).toHaveLength(5); // next_page was set, but not followed
    expect(seeded.commentCount).toBeGreaterThan(5);
    const ids: number[] = [];
    let page = await env.api.exportTicketsCursor({ startTime: 0 }, 5);
    ids.push(...page.tickets.map((t) => t.id));
    while (!page.end_of_stream) {
      page = await env.api.exportTicketsCursor({ cursor: page.after_cursor! }, 5);
      ids.push(...page.tickets.map((t) => t.id));
    }
    expect(ids).toHaveLength(12);
  });

  test('ticketexport.exportCursor(undefined, cursor) sends start_time=undefined', async () => {
    await env.sb.control.configure({ exportExclusionSeconds: 0 });
    seedTickets(env.sb.store, 2, { seed: 1 });
    const first = await env.api.exportTicketsCursor({ startTime: 0 }, 1);
    await env.sb.control.clearCalls();
    await env.zd.ticketexport.exportCursor(undefined as unknown as number, first.after_cursor!);
    const [call] = await env.sb.control.calls();
    expect(call!.query.start_time).toBe('undefined');
    expect(call!.query['page[size]']).toBe('100');
  });
});

test('an account URL given with /api/v2 still works', async () => {
  const s = await env.sb.control.seedTicket({ comments: [{ body: 'x' }] });
  const api = createZendeskApi({ url: `${env.sb.url}/api/v2/`, email: env.sb.email, token: env.sb.token, timeoutMs: 1000 });
  expect((await api.getTicket(s.ticket.id)).id).toBe(s.ticket.id);
});

test('isZendeskApiError', () => {
  expect(isZendeskApiError(new ZendeskApiError({ method: 'GET', path: '/x', status: 500, code: 'ServerError', retryable: true }))).toBe(true);
  expect(isZendeskApiError(new Error('x'))).toBe(false);
  expect(isZendeskApiError(null)).toBe(false);
});
