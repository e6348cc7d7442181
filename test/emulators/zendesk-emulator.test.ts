// The Zendesk emulator driven over HTTP by the real node-zendesk 6.0.1 client (and raw fetch
// where node-zendesk hides status codes or headers).
import { seedTickets } from '../../sandbox/zendesk';
import { type Any, count, GLYPH, raw, useEnv } from './zendesk/helpers';

const env = useEnv();
beforeEach(async () => {
  await env.sb.control.configure({ exportExclusionSeconds: 0 });
});

async function seedOne(body: string, extra: Record<string, unknown> = {}): Promise<{ ticketId: number; commentId: number; html: string }> {
  const s = await env.sb.control.seedTicket({ subject: 'Card', comments: [{ body }], ...extra });
  const c = s.comments[0]!;
  return { ticketId: s.ticket.id, commentId: c.id, html: c.html_body };
}

describe('conventions', () => {
  test('token auth is checked: missing or wrong credentials → 401 as Zendesk answers', async () => {
    const { ticketId } = await seedOne('hello');
    const none = await raw(env.sb, 'GET', `/api/v2/tickets/${ticketId}.json`, undefined, null);
    expect(none.status).toBe(401);
    expect(none.json).toEqual({ error: "Couldn't authenticate you" });
    const wrong = await raw(env.sb, 'GET', `/api/v2/tickets/${ticketId}.json`, undefined, 'Basic ' + Buffer.from(`${env.sb.email}/token:nope`).toString('base64'));
    expect(wrong.status).toBe(401);
  });

  test('JSON content type, rate-limit headers, .json suffix optional', async () => {
    const { ticketId } = await seedOne('hello');
    for (const p of [`/api/v2/tickets/${ticketId}.json`, `/api/v2/tickets/${ticketId}`]) {
      const r = await raw(env.sb, 'GET', p);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(Number(r.headers.get('x-rate-limit'))).toBe(700);
      expect(Number(r.headers.get('x-rate-limit-remaining'))).toBeLessThan(700);
      expect(r.json.ticket.id).toBe(ticketId);
    }
  });

  test('unknown ids → 404 RecordNotFound everywhere', async () => {
    const { ticketId, commentId } = await seedOne('hello');
    const nf = { error: 'RecordNotFound', description: 'Not found' };
    const cases: [string, string, unknown?][] = [
      ['GET', '/api/v2/tickets/999999.json'],
      ['PUT', '/api/v2/tickets/999999.json', { ticket: { subject: 'x' } }],
      ['DELETE', '/api/v2/tickets/999999.json'],
      ['GET', '/api/v2/tickets/999999/comments.json'],
      ['PUT', '/api/v2/comment_redactions/999999.json', { ticket_id: ticketId, html_body: 'x' }],
      ['PUT', `/api/v2/tickets/${ticketId}/comments/999999/redact.json`, { text: 'x' }],
      ['PUT', `/api/v2/tickets/${ticketId}/comments/${commentId}/attachments/999999/redact.json`],
      ['POST', '/api/v2/tickets/999999/merge.json', { ids: [ticketId] }],
      ['GET', '/api/v2/job_statuses/abcdef.json'],
    ];
    for (const [m, p, b] of cases) {
      const r = await raw(env.sb, m, p, b);
      expect([m, p, r.status]).toEqual([m, p, 404]);
      expect(r.json).toEqual(nf);
    }
  });
});

describe('tickets', () => {
  test('POST /tickets → 201 with ticket, audit and Location; ticket.comment is the first comment', async () => {
    const r = await raw(env.sb, 'POST', '/api/v2/tickets.json', { ticket: { subject: 'Help', comment: { body: 'My order', public: false }, tags: ['A', 'b'], external_id: 'ext-1' } });
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe(`${env.sb.url}/api/v2/tickets/${r.json.ticket.id}.json`);
    expect(r.json.ticket).toMatchObject({ subject: 'Help', status: 'new', tags: ['a', 'b'], external_id: 'ext-1', description: 'My order', is_public: false });
    expect(r.json.audit.events[0]).toMatchObject({ type: 'Comment', body: 'My order', public: false });
    const comments: Any[] = await env.zd.tickets.getComments(r.json.ticket.id);
    expect(comments).toHaveLength(1);
    expect(comments[0]).toMatchObject({ body: 'My order', public: false, type: 'Comment' });
  });

  test('node-zendesk create/show/update round trip', async () => {
    const created: Any = (await env.zd.tickets.create({ ticket: { subject: 'S', comment: { body: 'first' } } })).result;
    const id = created.id;
    const shown: Any = (await env.zd.tickets.show(id)).result;
    expect(shown.subject).toBe('S');
    const updated: Any = (
      await env.zd.tickets.update(id, {
        ticket: {
          comment: { body: 'internal', public: false, author_id: 42 },
          status: 'pending',
          tags: ['x', 'y'],
          custom_fields: [{ id: 7, value: 'v' }],
          external_id: 'E',
          subject: 'S2',
        },
      })
    ).result;
    expect(updated).toMatchObject({ status: 'pending', tags: ['x', 'y'], custom_fields: [{ id: 7, value: 'v' }], external_id: 'E', subject: 'S2' });
    const tagged: Any = (await env.zd.tickets.update(id, { ticket: { additional_tags: ['z'], remove_tags: ['x'] } } as Any)).result;
    expect(tagged.tags).toEqual(['y', 'z']);
    const comments: Any[] = await env.zd.tickets.getComments(id);
    expect(comments[1]).toMatchObject({ body: 'internal', public: false, author_id: 42 });
  });

  test('validation errors → 422 RecordInvalid with details', async () => {
    const blank = await raw(env.sb, 'POST', '/api/v2/tickets.json', { ticket: { subject: 'no comment' } });
    expect(blank.status).toBe(422);
    expect(blank.json).toMatchObject({ error: 'RecordInvalid', description: 'Record validation errors', details: { base: [expect.any(Object)] } });
    const { ticketId } = await seedOne('x');
    const bad = await raw(env.sb, 'PUT', `/api/v2/tickets/${ticketId}.json`, { ticket: { status: 'archived' } });
    expect(bad.status).toBe(422);
    expect(bad.json.details.status).toBeDefined();
  });

  test('closed tickets cannot be updated (422)', async () => {
    const { ticketId } = await seedOne('x', { status: 'closed' });
    const r = await raw(env.sb, 'PUT', `/api/v2/tickets/${ticketId}.json`, { ticket: { comment: { body: 'late', public: false } } });
    expect(r.status).toBe(422);
    expect(r.json.error).toBe('RecordInvalid');
    await expect(env.zd.tickets.update(ticketId, { ticket: { subject: 'x' } })).rejects.toThrow(/422/);
  });

  test('GET /tickets?external_id lists matches (node-zendesk listWithFilter, cursor pages)', async () => {
    await seedOne('a', { external_id: 'k1' });
    await seedOne('b', { external_id: 'k2' });
    await seedOne('c', { external_id: 'k1' });
    const list: Any[] = await env.zd.tickets.listWithFilter('external_id', 'k1');
    expect(list.map((t) => t.external_id)).toEqual(['k1', 'k1']);
    const offset = await raw(env.sb, 'GET', '/api/v2/tickets.json?external_id=k2');
    expect(offset.json).toMatchObject({ count: 1, next_page: null });
  });

  test('DELETE → 204, then 404', async () => {
    const { ticketId } = await seedOne('x');
    const r = await raw(env.sb, 'DELETE', `/api/v2/tickets/${ticketId}.json`);
    expect(r.status).toBe(204);
    expect(r.json).toBeUndefined();
    expect((await raw(env.sb, 'GET', `/api/v2/tickets/${ticketId}.json`)).status).toBe(404);
  });
});

describe('comments', () => {
  test('html_body is generated from a plain body: escaped, paragraphs, <br>', async () => {
    const { html } = await seedOne('Hi <b> & "you"\nline two\n\nsecond para');
    expect(html).toBe('<div class="zd-comment" dir="auto"><p dir="auto">Hi &lt;b&gt; &amp; &quot;you&quot;<br>line two</p><p dir="auto">second para</p></div>');
  });

  test('a given html_body is kept; body/plain_body derive from it; documented fields present', async () => {
    const s = await env.sb.control.seedTicket({
      comments: [{ html_body: '<div class="zd-comment" dir="auto"><p>Hello&nbsp;<b>there</b></p></div>', attachments: [{ file_name: 'card.png', content_type: 'image/png', size: 123 }] }],
    });
    const c: Any = (await env.zd.tickets.getComments(s.ticket.id))[0];
    expect(c.html_body).toBe('<div class="zd-comment" dir="auto"><p>Hello&nbsp;<b>there</b></p></div>');
    expect(c.plain_body).toBe('Hello\u00a0there');
    expect(c.body).toBe(c.plain_body);
    for (const k of ['id', 'type', 'body', 'html_body', 'plain_body', 'public', 'author_id', 'attachments', 'audit_id', 'via', 'metadata', 'created_at']) expect(c).toHaveProperty(k);
    expect(Object.keys(c.attachments[0])).toEqual(
      expect.arrayContaining(['id', 'file_name', 'content_url', 'mapped_content_url', 'content_type', 'size', 'inline', 'deleted', 'url', 'thumbnails', 'malware_scan_result']),
    );
    expect(c.attachments[0]).toMatchObject({ file_name: 'card.png', content_type: 'image/png', size: 123 });
  });

  test('cursor pagination: page[size] ≤ 100, has_more/after_cursor, links next/prev', async () => {
    const s = await env.sb.control.seedTicket({ comments: Array.from({ length: 250 }, (_, i) => ({ body: `c${i}` })) });
    const seen: string[] = [];
    let url: string | null = `/api/v2/tickets/${s.ticket.id}/comments.json?page[size]=100`;
    let pages = 0;
    let last: Any;
    while (url) {
      const r = await raw(env.sb, 'GET', url.replace(env.sb.url, ''));
      last = r.json;
      pages++;
      seen.push(...r.json.comments.map((c: Any) => c.body));
      expect(r.json.meta.has_more).toBe(r.json.links.next !== null);
      url = r.json.links.next;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => `c${i}`));
    expect(last.links.prev).toContain('page%5Bbefore%5D');
    const prev = await raw(env.sb, 'GET', last.links.prev.replace(env.sb.url, ''));
    expect(prev.json.comments.map((c: Any) => c.body)).toEqual(Array.from({ length: 100 }, (_, i) => `c${i + 100}`));
    expect((await raw(env.sb, 'GET', `/api/v2/tickets/${s.ticket.id}/comments.json?page[size]=101`)).status).toBe(400);
  });

  test('offset pagination (node-zendesk getComments follows next_page)', async () => {
    const s = await env.sb.control.seedTicket({ comments: Array.from({ length: 230 }, (_, i) => ({ body: `c${i}` })) });
    const first = await raw(env.sb, 'GET', `/api/v2/tickets/${s.ticket.id}/comments.json?per_page=100`);
    expect(first.json).toMatchObject({ count: 230, previous_page: null });
    expect(first.json.next_page).toContain('page=2');
    const all: Any[] = await env.zd.tickets.getComments(s.ticket.id);
    expect(all.map((c) => c.body)).toEqual(Array.from({ length: 230 }, (_, i) => `c${i}`));
  });
});

describe('PUT /comment_redactions/{id}', () => {
  const put = (id: number, body: unknown) => raw(env.sb, 'PUT', `/api/v2/comment_redactions/${id}.json`, body);

  test('<redact> content becomes one ▇ per character; html, body and plain_body agree; tag added', async () => {
    const pan = '4111 1111 1111 1111';
    const { ticketId, commentId, html } = await seedOne(`Card ${pan} please\n\nThanks`);
    const r = await put(commentId, { ticket_id: ticketId, html_body: html.replace(pan, `<redact>${pan}</redact>`) });
    expect(r.status).toBe(200);
    const c = r.json.comment;
    expect(count(c.html_body)).toBe(pan.length);
    expect(c.body).toBe(`Card ${GLYPH.repeat(pan.length)} please\n\nThanks`);
    expect(c.plain_body).toBe(c.body);
    expect(c.html_body).not.toContain('1111');
    const stored: Any = (await env.zd.tickets.getComments(ticketId))[0];
    expect(stored.html_body).toBe(c.html_body);
    expect((await env.sb.control.getTicket(ticketId)).tags).toContain('redacted_content');
  });

  test('an entity inside <redact> counts as one character', async () => {
    const { ticketId, commentId, html } = await seedOne('a & b');
    const r = await put(commentId, { ticket_id: ticketId, html_body: html.replace('a &amp; b', '<redact>a &amp; b</redact>') });
    expect(r.status).toBe(200);
    expect(r.json.comment.body).toBe(GLYPH.repeat(5));
  });

  test('a bare redact attribute removes the element tags; text needs <redact> too', async () => {
    const original = '<div class="zd-comment" dir="auto"><p>See <a href="https://x.test/4111111111111111">card link</a> and <b>bold</b></p></div>';
    const s = await env.sb.control.seedTicket({ comments: [{ html_body: original }] });
    const c0 = s.comments[0]!;
    const req = original
      .replace('<a href="https://x.test/4111111111111111">card link</a>', '<a href="https://x.test/4111111111111111" redact><redact>card link</redact></a>')
      .replace('<b>', '<b redact>');
    const r = await put(c0.id, { ticket_id: s.ticket.id, html_body: req });
    expect(r.status).toBe(200);
    expect(r.json.comment.html_body).toBe(`<div class="zd-comment" dir="auto"><p>See ${GLYPH.repeat(9)} and bold</p></div>`);
    expect(r.json.comment.body).toBe(`See ${GLYPH.repeat(9)} and bold`);
  });

  test('stale or edited html_body is rejected (422) and changes nothing', async () => {
    const { ticketId, commentId, html } = await seedOne('Card 4111111111111111 and 5555555555554444');
    const first = await put(commentId, { ticket_id: ticketId, html_body: html.replace('4111111111111111', '<redact>4111111111111111</redact>') });
    expect(first.status).toBe(200);
    // The original html is now stale: applying it must not bring the first card back.
    const stale = await put(commentId, { ticket_id: ticketId, html_body: html.replace('5555555555554444', '<redact>5555555555554444</redact>') });
    expect(stale.status).toBe(422);
    expect(stale.json).toMatchObject({ error: 'RecordInvalid', details: { html_body: [expect.objectContaining({ error: 'ContentMismatch' })] } });
    const edited = await put(commentId, { ticket_id: ticketId, html_body: first.json.comment.html_body.replace('and', 'or') });
    expect(edited.status).toBe(422);
    const stored: Any = (await env.zd.tickets.getComments(ticketId))[0];
    expect(stored.html_body).toBe(first.json.comment.html_body);
  });

  test('ticket_id mismatch → 404, missing ticket_id → 400, nothing to do → 400', async () => {
    const { commentId, html } = await seedOne('x');
    const other = await seedOne('y');
    expect((await put(commentId, { ticket_id: other.ticketId, html_body: html })).status).toBe(404);
    expect((await put(commentId, { html_body: html })).status).toBe(400);
    expect((await put(commentId, { ticket_id: other.ticketId - 1 })).status).toBe(400);
  });

  test('works on closed tickets, including external_attachment_urls → redacted.txt', async () => {
    const s = await env.sb.control.seedTicket({ status: 'closed', comments: [{ body: 'pan 4111111111111111', attachments: [{ file_name: 'card.jpg', content_type: 'image/jpeg', size: 9000 }] }] });
    const c0 = s.comments[0]!;
    const r = await put(c0.id, {
      ticket_id: s.ticket.id,
      html_body: c0.html_body.replace('4111111111111111', '<redact>4111111111111111</redact>'),
      external_attachment_urls: [c0.attachments[0]!.content_url],
    });
    expect(r.status).toBe(200);
    expect(r.json.comment.attachments[0]).toMatchObject({ file_name: 'redacted.txt', size: 0, content_type: 'text/plain', id: c0.attachments[0]!.id });
    expect(count(r.json.comment.body)).toBe(16);
    const bad = await put(c0.id, { ticket_id: s.ticket.id, external_attachment_urls: ['https://elsewhere.test/x.png'] });
    expect(bad.status).toBe(422);
  });
});

describe('legacy PUT /tickets/{t}/comments/{c}/redact', () => {
  const put = (t: number, c: number, body: unknown) => raw(env.sb, 'PUT', `/api/v2/tickets/${t}/comments/${c}/redact.json`, body);

  test('every exact occurrence becomes ▇ per character (node-zendesk generic put)', async () => {
    const { ticketId, commentId } = await seedOne('4111111111111111 again 4111111111111111, not 4111-1111-1111-1111');
    const r: Any = await env.zd.tickets.put(['tickets', ticketId, 'comments', commentId, 'redact'], { text: '4111111111111111' });
    // node-zendesk returns the raw body here: "comment" is not one of the tickets client's names.
    const c = r.result.comment;
    expect(c.body).toBe(`${GLYPH.repeat(16)} again ${GLYPH.repeat(16)}, not 4111-1111-1111-1111`);
    expect(c.html_body).toContain(GLYPH.repeat(16));
    expect((await env.sb.control.getTicket(ticketId)).tags).toContain('redacted_content');
  });

  test('in a formatted html_body only text within one text node matches', async () => {
    const s = await env.sb.control.seedTicket({ comments: [{ html_body: '<div><p>4111 <b>1111</b> and 5555-5555</p></div>' }] });
    const c0 = s.comments[0]!;
    const split = await put(s.ticket.id, c0.id, { text: '4111 1111' });
    expect(split.json.comment.html_body).toBe(c0.html_body);
    const r = await put(s.ticket.id, c0.id, { text: '5555-5555' });
    expect(r.json.comment.html_body).toBe(`<div><p>4111 <b>1111</b> and ${GLYPH.repeat(9)}</p></div>`);
    expect(r.json.comment.body).toBe(`4111 1111 and ${GLYPH.repeat(9)}`);
  });

  test('closed ticket → 422', async () => {
    const { ticketId, commentId } = await seedOne('4111111111111111', { status: 'closed' });
    const r = await put(ticketId, commentId, { text: '4111111111111111' });
    expect(r.status).toBe(422);
    expect(r.json.error).toBe('RecordInvalid');
  });

  test('text not in the comment → 200 with the comment unchanged (caller must check); missing text → 400', async () => {
    const { ticketId, commentId } = await seedOne('nothing here');
    const r = await put(ticketId, commentId, { text: '4111' });
    expect(r.status).toBe(200);
    expect(r.json.comment.body).toBe('nothing here');
    expect((await env.sb.control.getTicket(ticketId)).tags).not.toContain('redacted_content');
    expect((await put(ticketId, commentId, {})).status).toBe(400);
  });
});

describe('PUT …/attachments/{a}/redact', () => {
  test('replaces the file with an empty redacted.txt; refused on closed tickets', async () => {
    const s = await env.sb.control.seedTicket({ comments: [{ body: 'see file', attachments: [{ file_name: 'card.png', content_type: 'image/png', size: 500 }] }] });
    const c0 = s.comments[0]!;
    const a0 = c0.attachments[0]!;
    const r = await raw(env.sb, 'PUT', `/api/v2/tickets/${s.ticket.id}/comments/${c0.id}/attachments/${a0.id}/redact.json`);
    expect(r.status).toBe(200);
    expect(r.json.attachment).toMatchObject({ id: a0.id, file_name: 'redacted.txt', size: 0 });
    expect(r.json.attachment.content_url).not.toBe(a0.content_url);
    const closed = await env.sb.control.seedTicket({ status: 'closed', comments: [{ body: 'f', attachments: [{ file_name: 'x.png' }] }] });
    const cc = closed.comments[0]!;
    const r2 = await raw(env.sb, 'PUT', `/api/v2/tickets/${closed.ticket.id}/comments/${cc.id}/attachments/${cc.attachments[0]!.id}/redact.json`);
    expect(r2.status).toBe(422);
  });
});

describe('merge and job statuses', () => {
  test('job goes queued → working → completed; sources closed with a private note; target gets its note', async () => {
    const target = await seedOne('target');
    const source = await seedOne('source', { comments: [{ body: 'source', attachments: [{ file_name: 'a.pdf' }] }] });
    const job: Any = (
      await env.zd.tickets.merge(target.ticketId, { ids: [source.ticketId], target_comment: 'merged in', source_comment: 'merged away' })
    ).result;
    expect(job.job_status).toMatchObject({ status: 'queued', job_type: 'TicketMergeJob', total: 1 });
    expect(job.job_status.id).toMatch(/^[0-9a-f]{32}$/);
    expect(job.job_status.url).toContain(`/api/v2/job_statuses/${job.job_status.id}`);
    const p1: Any = (await env.zd.jobstatuses.show(job.job_status.id)).result;
    expect(p1.job_status.status).toBe('working');
    const p2: Any = (await env.zd.jobstatuses.show(job.job_status.id)).result;
    expect(p2.job_status).toMatchObject({ status: 'completed', progress: 1 });
    expect(p2.job_status.message).toMatch(/^Completed at/);
    const src = await env.sb.control.getTicket(source.ticketId);
    expect(src.status).toBe('closed');
    expect(src.comments.at(-1)).toMatchObject({ body: 'merged away', public: false });
    const tgt = await env.sb.control.getTicket(target.ticketId);
    expect(tgt.comments.at(-1)).toMatchObject({ body: 'merged in', public: false });
    expect(tgt.comments.at(-1)!.attachments.map((a) => a.file_name)).toEqual(['a.pdf']);
  });

  test('node-zendesk jobstatuses.watch resolves on completion', async () => {
    const a = await seedOne('a');
    const b = await seedOne('b');
    const job: Any = (await env.zd.tickets.merge(a.ticketId, { ids: [b.ticketId] })).result;
    const done: Any = await env.zd.jobstatuses.watch(job.job_status.id, 20, 5);
    expect(done.status).toBe('completed');
  });

  test('solved/closed target → job fails with a message; missing target → 404 up front', async () => {
    const solved = await seedOne('t', { status: 'solved' });
    const src = await seedOne('s');
    const job = await raw(env.sb, 'POST', `/api/v2/tickets/${solved.ticketId}/merge.json`, { ids: [src.ticketId] });
    expect(job.status).toBe(200);
    let status: Any;
    for (let i = 0; i < 3; i++) status = (await raw(env.sb, 'GET', `/api/v2/job_statuses/${job.json.job_status.id}.json`)).json.job_status;
    expect(status).toMatchObject({ status: 'failed' });
    expect(status.message).toMatch(/solved/);
    expect((await env.sb.control.getTicket(src.ticketId)).status).toBe('open');
    expect((await raw(env.sb, 'POST', '/api/v2/tickets/424242/merge.json', { ids: [src.ticketId] })).status).toBe(404);
  });

  test('a job also completes on its own after jobCompleteAfterMs', async () => {
    await env.sb.control.configure({ jobCompleteAfterMs: 50 });
    const a = await seedOne('a');
    const b = await seedOne('b');
    await raw(env.sb, 'POST', `/api/v2/tickets/${a.ticketId}/merge.json`, { ids: [b.ticketId] });
    await new Promise((r) => setTimeout(r, 150));
    expect((await env.sb.control.getTicket(b.ticketId)).status).toBe('closed');
  });
});

describe('incremental exports', () => {
  const past = (h: number): number => Math.floor(Date.now() / 1000) - h * 3600;

  test('cursor export pages with per_page, ends with end_of_stream, resumes from after_cursor', async () => {
    const seeded = seedTickets(env.sb.store, 7, { seed: 3 });
    const ids: number[] = [];
    let r = await raw(env.sb, 'GET', `/api/v2/incremental/tickets/cursor.json?start_time=${past(24 * 365)}&per_page=3`);
    for (let guard = 0; guard < 10; guard++) {
      expect(Object.keys(r.json).sort()).toEqual(['after_cursor', 'after_url', 'before_cursor', 'before_url', 'end_of_stream', 'tickets']);
      ids.push(...r.json.tickets.map((t: Any) => t.id));
      if (r.json.end_of_stream) break;
      r = await raw(env.sb, 'GET', r.json.after_url.replace(env.sb.url, ''));
    }
    expect(ids).toEqual(Array.from({ length: 7 }, (_, i) => seeded.firstTicketId + i));
    const resume = r.json.after_cursor;
    expect((await raw(env.sb, 'GET', `/api/v2/incremental/tickets/cursor.json?cursor=${resume}`)).json.tickets).toEqual([]);
    await env.zd.tickets.update(seeded.firstTicketId + 2, { ticket: { subject: 'changed' } });
    const again = await raw(env.sb, 'GET', `/api/v2/incremental/tickets/cursor.json?cursor=${resume}`);
    expect(again.json.tickets.map((t: Any) => [t.id, t.subject])).toEqual([[seeded.firstTicketId + 2, 'changed']]);
    expect((await raw(env.sb, 'GET', '/api/v2/incremental/tickets/cursor.json?per_page=1001&start_time=0')).status).toBe(400);
  });

  test('tickets changed within the exclusion window (Zendesk: 1 minute) are left out', async () => {
    await env.sb.control.configure({ exportExclusionSeconds: 60 });
    seedTickets(env.sb.store, 2, { seed: 1 });
    const fresh = await seedOne('just now');
    const r = await raw(env.sb, 'GET', `/api/v2/incremental/tickets/cursor.json?start_time=${past(24 * 365)}`);
    expect(r.json.tickets.map((t: Any) => t.id)).not.toContain(fresh.ticketId);
    expect(r.json.tickets).toHaveLength(2);
    expect(r.json.end_of_stream).toBe(true);
    const tooRecent = await raw(env.sb, 'GET', `/api/v2/incremental/tickets/cursor.json?start_time=${Math.floor(Date.now() / 1000) - 10}`);
    expect(tooRecent.status).toBe(400);
    await env.sb.control.configure({ exportExclusionSeconds: 0 });
    const later = await raw(env.sb, 'GET', `/api/v2/incremental/tickets/cursor.json?cursor=${r.json.after_cursor}`);
    expect(later.json.tickets.map((t: Any) => t.id)).toEqual([fresh.ticketId]);
  });

  test('switchable 10 requests/minute limit → 429 with Retry-After', async () => {
    await env.sb.control.configure({ incrementalRateLimit: true });
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof raw>> | undefined;
    for (let i = 0; i < 11; i++) {
      last = await raw(env.sb, 'GET', `/api/v2/incremental/tickets/cursor.json?start_time=${past(1)}`);
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses[10]).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  test('ticket_events: a full page within one second grows to hold that second (no loop, no loss)', async () => {
    const at = Date.now() - 3_600_000;
    for (let i = 0; i < 5; i++) await env.sb.control.seedTicket({ created_at: at, comments: [{ body: `same second ${i}` }] });
    const r = await raw(env.sb, 'GET', `/api/v2/incremental/ticket_events.json?start_time=${Math.floor(at / 1000)}&per_page=2`);
    expect(r.json.count).toBe(5);
    expect(r.json.end_time).toBe(Math.floor(at / 1000) + 1);
  });

  test('ticket_events with include=comment_events carries Comment child events; pages by next_page', async () => {
    const seeded = seedTickets(env.sb.store, 4, { seed: 5, commentsPerTicket: 2 });
    const first = await raw(env.sb, 'GET', `/api/v2/incremental/ticket_events.json?start_time=${past(24 * 365)}&include=comment_events&per_page=3`);
    expect(first.json).toMatchObject({ count: 3, end_of_stream: false });
    expect(first.json.next_page).toContain('include=comment_events');
    const ev = first.json.ticket_events[0];
    expect(ev.ticket_id).toBe(seeded.firstTicketId);
    const child = ev.child_events.find((e: Any) => e.type === 'Comment');
    expect(Object.keys(child)).toEqual(expect.arrayContaining(['id', 'body', 'html_body', 'public', 'attachments', 'audit_id', 'author_id']));
    expect(child.audit_id).toBe(ev.id);
    let total = first.json.ticket_events.length;
    let next: string | null = first.json.next_page;
    const seenIds = new Set<number>(first.json.ticket_events.map((e: Any) => e.id));
    while (next) {
      const r = await raw(env.sb, 'GET', next.replace(env.sb.url, ''));
      for (const e of r.json.ticket_events) seenIds.add(e.id);
      total += r.json.count;
      expect(typeof r.json.end_time).toBe('number');
      next = r.json.next_page;
    }
    expect(seenIds.size).toBe(seeded.commentCount);
    expect(total).toBeGreaterThanOrEqual(seeded.commentCount); // time-based paging may repeat items
    const noInclude = await raw(env.sb, 'GET', `/api/v2/incremental/ticket_events.json?start_time=${past(24 * 365)}&per_page=1`);
    expect(noInclude.json.ticket_events[0].child_events[0]).toEqual(expect.objectContaining({ comment_present: true }));
    expect(noInclude.json.ticket_events[0].child_events[0].body).toBeUndefined();
  });
});

describe('node-zendesk generic calls (the paths the fact sheet recommends)', () => {
  test('comment_redactions and attachment redaction through client.tickets.put', async () => {
    const s = await env.sb.control.seedTicket({ comments: [{ body: 'pan 5555555555554444', attachments: [{ file_name: 'card.png' }] }] });
    const c0 = s.comments[0]!;
    const r: Any = await env.zd.tickets.put(['comment_redactions', c0.id], {
      ticket_id: s.ticket.id,
      html_body: c0.html_body.replace('5555555555554444', '<redact>5555555555554444</redact>'),
    });
    expect(count(r.result.comment.body)).toBe(16);
    const a: Any = await env.zd.tickets.put(['tickets', s.ticket.id, 'comments', c0.id, 'attachments', c0.attachments[0]!.id, 'redact'], undefined);
    expect(a.result.attachment.file_name).toBe('redacted.txt');
    // A stale html_body surfaces as node-zendesk's generic 422 error.
    await expect(env.zd.tickets.put(['comment_redactions', c0.id], { ticket_id: s.ticket.id, html_body: c0.html_body })).rejects.toThrow(/422/);
  });

  test('ticketexport.exportCursor: first call sends cursor=undefined (→ 400 here), a cursor call works', async () => {
    seedTickets(env.sb.store, 3, { seed: 8 });
    const start = Math.floor(Date.now() / 1000) - 365 * 86400;
    await expect(env.zd.ticketexport.exportCursor(start, undefined as unknown as string)).rejects.toThrow(/400/);
    const first = await raw(env.sb, 'GET', `/api/v2/incremental/tickets/cursor.json?start_time=${start}&per_page=2`);
    const next: Any = await env.zd.ticketexport.exportCursor(undefined as unknown as number, first.json.after_cursor);
    expect(next.result.tickets).toHaveLength(1);
    expect(next.result.end_of_stream).toBe(true);
  });
});

describe('control API', () => {
  test('seed a ticket, add an end-user comment, read state and the call log', async () => {
    const s = await env.sb.control.seedTicket({ subject: 'Q', status: 'solved', requester_id: 555, tags: ['vip'], comments: [{ body: 'hi' }, { body: 'note', public: false, author_id: 900002 }] });
    expect(s.comments.map((c) => [c.author_id, c.public])).toEqual([
      [555, true],
      [900002, false],
    ]);
    const added = await env.sb.control.addComment(s.ticket.id, { body: 'my card is 4111111111111111' });
    expect(added.comment).toMatchObject({ author_id: 555, public: true });
    expect(added.ticket.status).toBe('open');
    const state = await env.sb.control.state();
    expect(state.tickets).toHaveLength(1);
    expect(state.tickets[0]!.comments).toHaveLength(3);
    await env.zd.tickets.update(s.ticket.id, { ticket: { subject: 'x' } });
    const calls = await env.sb.control.calls();
    expect(calls.at(-1)).toMatchObject({ method: 'PUT', path: `/api/v2/tickets/${s.ticket.id}.json`, status: 200, body: { ticket: { subject: 'x' } } });
    expect(typeof calls.at(-1)!.time).toBe('string');
    await env.sb.control.reset();
    expect((await env.sb.control.state()).tickets).toEqual([]);
    expect(await env.sb.control.calls()).toEqual([]);
  });

  test('faults: 500 for N requests, 429 with Retry-After, delay, reset mid-response', async () => {
    const { ticketId } = await seedOne('x');
    const path = `/api/v2/tickets/${ticketId}.json`;
    await env.sb.control.addFault({ match: { method: 'GET', path: `^/api/v2/tickets/${ticketId}` }, times: 2, response: { status: 500 } });
    expect((await raw(env.sb, 'GET', path)).status).toBe(500);
    expect((await raw(env.sb, 'GET', path)).status).toBe(500);
    expect((await raw(env.sb, 'GET', path)).status).toBe(200);
    await env.sb.control.addFault({ match: { path: '/tickets/' }, response: { status: 429, headers: { 'Retry-After': '7' } } });
    const limited = await raw(env.sb, 'GET', path);
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
    await env.sb.control.addFault({ match: { path: '/tickets/' }, response: { delayMs: 300 } });
    const t0 = Date.now();
    expect((await raw(env.sb, 'GET', path)).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    await env.sb.control.addFault({ match: { path: '/tickets/' }, response: { resetConnection: true } });
    await expect(raw(env.sb, 'GET', path)).rejects.toThrow();
    expect((await env.sb.control.faults()).every((f) => f.remaining === 0)).toBe(true);
    const log = await env.sb.control.calls();
    expect(log.filter((c) => c.fault !== undefined)).toHaveLength(5);
  });

  test('seedTickets is deterministic and plants known card numbers', async () => {
    const a = await env.sb.control.seedTickets(300, { seed: 42, cardRate: 0.1, endTime: Date.UTC(2026, 0, 1) });
    const stateA = await env.sb.control.state();
    await env.sb.control.reset();
    const b = await env.sb.control.seedTickets(300, { seed: 42, cardRate: 0.1, endTime: Date.UTC(2026, 0, 1) });
    const stateB = await env.sb.control.state();
    expect(b).toEqual(a);
    expect(stateB.tickets.map((t) => t.comments.map((c) => c.body))).toEqual(stateA.tickets.map((t) => t.comments.map((c) => c.body)));
    expect(a.cards.length).toBeGreaterThan(10);
    expect(a.commentCount / a.ticketCount).toBeGreaterThan(2);
    expect(a.commentCount / a.ticketCount).toBeLessThan(4);
    for (const card of a.cards) {
      const c = stateA.tickets.find((t) => t.id === card.ticketId)!.comments.find((x) => x.id === card.commentId)!;
      expect(c.body.replace(/\D/g, '')).toContain(card.last4);
    }
  });

  test('commentsPerTicket: 1 gives exactly one comment per ticket', () => {
    const r = seedTickets(env.sb.store, 200, { seed: 3, commentsPerTicket: 1 });
    expect(r.commentCount).toBe(200);
  });

  test('100,000 tickets in-process within a few seconds', () => {
    const t0 = Date.now();
    const res = seedTickets(env.sb.store, 100_000, { seed: 9 });
    const ms = Date.now() - t0;
    expect(res.ticketCount).toBe(100_000);
    expect(res.cards.length).toBeGreaterThan(500);
    expect(ms).toBeLessThan(8000);
  });
});
