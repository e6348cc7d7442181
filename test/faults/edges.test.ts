// Scenarios 4, 7 and 8: Slack errors (429, channel_not_found, already_reacted, invalid_name), a
// comment redacted by hand between detection and redaction, and a merge target closed or missing.
import { wrapRedactions } from '../../activities/html-redact';
import { findCardNumbers } from '../../detection';
import { statusQuery } from '../../workflows/messages';
import { CHANNEL, eventually } from '../helpers/harness';
import { awaitStage, claim, note, printSummary, resultWithin, seedCardTicket, slackCard, startFaultHarness, verify, type FaultHarness } from './fixtures';

jest.setTimeout(180_000);

let h: FaultHarness;
beforeAll(async () => {
  h = await startFaultHarness();
}, 120_000);
afterAll(async () => {
  printSummary('edges');
  await h?.close();
});
afterEach(async () => {
  await h.slack.control.clearFaults();
  await h.zendesk.control.clearFaults();
});

const childNotes = async (childId: number) => (await h.zendesk.control.getTicket(childId)).comments.map((c) => c.plain_body).join('\n');

describe('4. Slack errors', () => {
  test('429 on every Slack method is retried after Retry-After; one card, one reaction', async () => {
    const { ticketId, commentId } = await seedCardTicket(h);
    await h.slack.control.rateLimit('^chat\\.postMessage$', 1, 2);
    await h.slack.control.rateLimit('^chat\\.update$', 1, 1);
    await h.slack.control.rateLimit('^reactions\\.add$', 1, 2);
    const handle = await h.request(ticketId, {});
    await claim(handle);
    const result = await resultWithin(handle);
    const ts = await slackCard(h, ticketId);
    const ours = (await h.slack.control.requests({ method: '^(chat\\.postMessage|chat\\.update|reactions\\.add)$' })).filter(
      (r) => String(r.body.text ?? '').startsWith(`Card data redaction for ticket #${ticketId}:`) || r.body.ts === ts || r.body.timestamp === ts,
    );
    expect(ours.filter((r) => r.status === 429)).toHaveLength(5);
    const gaps: string[] = [];
    for (const method of ['chat.postMessage', 'chat.update', 'reactions.add']) {
      const calls = ours.filter((r) => r.method === method);
      for (let i = 1; i < calls.length; i++) {
        if (calls[i - 1]!.status !== 429) continue;
        const gap = calls[i]!.at - calls[i - 1]!.at;
        expect(gap).toBeGreaterThanOrEqual(1_000); // Retry-After: 1
        gaps.push(`${method} ${gap}ms`);
      }
    }
    note(`4a Slack gaps after 429 (Retry-After 1 s): ${gaps.join(', ')}`);
    await verify(h, '4a Slack 429', '2×429 on chat.postMessage, 1× chat.update, 2× reactions.add (Retry-After 1 s)', { ticketId, result, outcomes: ['redacted'], redactedComments: [commentId] });
  });

  test('channel_not_found: no retry loop; the child ticket says so and the request still completes on a claim', async () => {
    const { ticketId, commentId } = await seedCardTicket(h);
    await h.slack.control.failWith('^chat\\.postMessage$', 'channel_not_found', -1);
    const handle = await h.request(ticketId, {});
    // Claims open before the card is posted: wait for the post's outcome, the note on the child ticket.
    await awaitStage(handle, 'awaiting_claim');
    const childId = (await handle.query(statusQuery)).childTicketId!;
    await eventually(async () => (await childNotes(childId)).includes('Slack answered channel_not_found'), 60_000, 'the note on the child ticket');
    const posts = (await h.slack.control.requests({ method: '^chat\\.postMessage$' })).filter((r) => String(r.body.text).startsWith(`Card data redaction for ticket #${ticketId}:`)).length;
    expect(posts).toBe(1); // non-retryable: one attempt, no loop
    await claim(handle);
    const result = await resultWithin(handle);
    await verify(h, '4b Slack channel_not_found', 'card post refused once (not retried); noted on the child ticket; claimed via the tryClaim update; redacted', {
      ticketId,
      result,
      outcomes: ['redacted'],
      redactedComments: [commentId],
      slackCard: false,
    });
  });

  test('already_reacted (the first reactions.add answer was lost) counts as done', async () => {
    const { ticketId, commentId } = await seedCardTicket(h);
    // 3 s > the 2.5 s HTTP timeout: the attempt fails, the reaction is added anyway, the retry gets already_reacted.
    await h.slack.control.slow('^reactions\\.add$', 3_000, 1);
    const handle = await h.request(ticketId, {});
    await claim(handle);
    const result = await resultWithin(handle);
    const ts = await slackCard(h, ticketId);
    await eventually(async () => (await h.slack.control.requests({ method: '^reactions\\.add$' })).some((r) => (r.response as { error?: string } | undefined)?.error === 'already_reacted'), 20_000, 'already_reacted answer');
    expect((await h.slack.control.reactions(CHANNEL, ts)).map((r) => r.count)).toEqual([1]);
    await verify(h, '4c Slack already_reacted', 'first reactions.add timed out client-side but landed; the retry got already_reacted = success', { ticketId, result, outcomes: ['redacted'], redactedComments: [commentId] });
  });

  test('invalid_name: an unknown done emoji falls back to white_check_mark, once', async () => {
    const { ticketId, commentId } = await seedCardTicket(h);
    const handle = await h.request(ticketId, {}, { doneEmoji: 'no_such_emoji_here' });
    await claim(handle);
    const result = await resultWithin(handle);
    const ts = await slackCard(h, ticketId);
    const adds = (await h.slack.control.requests({ method: '^reactions\\.add$' })).filter((r) => r.body.timestamp === ts);
    expect(adds.map((r) => (r.response as { error?: string; ok?: boolean }).error ?? 'ok')).toEqual(['invalid_name', 'ok']);
    await verify(h, '4d Slack invalid_name', 'configured emoji unknown → fallback white_check_mark (one reaction)', { ticketId, result, outcomes: ['redacted'], redactedComments: [commentId] });
  });
});

describe('7. The comment changes between detection and redaction', () => {
  test('a person already redacted it by hand: no error, recorded as already gone', async () => {
    const { ticketId, commentId } = await seedCardTicket(h);
    const handle = await h.request(ticketId, {});
    await awaitStage(handle, 'awaiting_claim');
    // A lead redacts the number in Zendesk's UI while the request waits for its claim.
    const comment = (await h.zendesk.control.getTicket(ticketId)).comments.find((c) => c.id === commentId)!;
    const spans = findCardNumbers(comment.html_body, { html: true }).map((f) => ({ start: f.start, end: f.end }));
    await h.zendeskApi.redactCommentHtml(ticketId, commentId, wrapRedactions(comment.html_body, spans));
    await claim(handle);
    const result = await resultWithin(handle);
    expect(await childNotes(result.childTicketId!)).toContain('Already gone before redaction: card ending 1111');
    await verify(h, '7 hand-redacted comment', 'redacted by hand while awaiting the claim; the service made no redaction call and documented "already gone"', {
      ticketId,
      result,
      outcomes: ['redacted'],
      redactedComments: [commentId], // once in total: the hand redaction
    });
  });
});

describe('8. The merge target is closed or missing', () => {
  test('closed target: a clear note, the redaction kept, no merge, no retry loop', async () => {
    const target = await h.zendesk.control.seedTicket({ subject: 'Old', status: 'closed', comments: [{ body: 'old' }] });
    const { ticketId, commentId } = await seedCardTicket(h, { mergeInto: target.ticket.id });
    const handle = await h.request(ticketId, {});
    await claim(handle);
    const result = await resultWithin(handle);
    expect(result.detail).toBe(`Merge into #${target.ticket.id} skipped: ticket #${target.ticket.id} is closed. The redaction is kept.`);
    expect(await childNotes(result.childTicketId!)).toContain(`Merge into #${target.ticket.id} skipped`);
    const targetReads = (await h.zendesk.control.calls()).filter((c) => c.method === 'GET' && c.path.startsWith(`/api/v2/tickets/${target.ticket.id}`));
    expect(targetReads.length).toBe(1);
    await verify(h, '8a closed merge target', 'one read of the target, note on the child ticket, outcome redacted_merge_skipped', {
      ticketId,
      result,
      outcomes: ['redacted_merge_skipped'],
      redactedComments: [commentId],
      merged: false,
    });
  });

  test('missing target: a clear note, the redaction kept, no merge, no retry loop', async () => {
    const missing = 987_654_321;
    const { ticketId, commentId } = await seedCardTicket(h, { mergeInto: missing });
    const handle = await h.request(ticketId, {});
    await claim(handle);
    const result = await resultWithin(handle);
    expect(result.detail).toBe(`Merge into #${missing} skipped: ticket #${missing} does not exist. The redaction is kept.`);
    note(`8b detail: ${result.detail}`);
    await verify(h, '8b missing merge target', '404 on the target read → note, outcome redacted_merge_skipped', {
      ticketId,
      result,
      outcomes: ['redacted_merge_skipped'],
      redactedComments: [commentId],
      merged: false,
    });
  });
});
