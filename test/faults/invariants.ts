// The invariants every fault scenario must keep, checked from the outside: the Zendesk emulator's
// state and call log, the Slack emulator's messages and reactions, and the workflow's result.
//   1. no request is lost: the workflow ended with a recorded outcome (not a retry loop, not running)
//   2. exactly one child ticket per request (tag pan_redaction_request, subject names the ticket)
//   3. each finding is redacted exactly once (successful redaction calls per comment) and no card
//      digits are left on the ticket
//   4. a merge happens at most once, and only after a verification read that follows the last redaction
//   5. the Slack card and the done reaction are not duplicated
import type { SlackControl } from '../../sandbox/slack';
import type { CallLogEntry, ZendeskControl } from '../../sandbox/zendesk';
import type { Outcome, RedactionStatus } from '../../workflows/types';
import { findCardNumbers } from '../../detection';

export interface InvariantOptions {
  zendesk: ZendeskControl;
  slack: SlackControl;
  channel: string;
  ticketId: number;
  /** The workflow's final result (its recorded outcome). */
  result: RedactionStatus | undefined;
  /** Outcomes acceptable for this scenario. */
  outcomes: Outcome[];
  /** Child tickets expected: 1 for a request that reached step 3, 0 otherwise. Default 1. */
  childTickets?: number;
  /** Comments (by id) that held card data and must have been redacted exactly once by the service. */
  redactedComments?: number[];
  /** Comments redacted by hand in the scenario (not by the service): zero service redactions expected. */
  handRedactedComments?: number[];
  /** Whether a merge must have happened (true), must not (false), or either (undefined). */
  merged?: boolean;
  /** Whether a Slack card (and, when the request is done, the done reaction) is expected. Default true. */
  slackCard?: boolean;
  doneEmoji?: string;
}

export interface InvariantResult {
  name: string;
  held: boolean;
  detail: string;
}

const REDACTION_PATHS = [
  /^\/api\/v2\/comment_redactions\/(\d+)(?:\.json)?$/,
  /^\/api\/v2\/tickets\/\d+\/comments\/(\d+)\/redact(?:\.json)?$/,
  /^\/api\/v2\/tickets\/\d+\/comments\/(\d+)\/attachments\/\d+\/redact(?:\.json)?$/,
];

function redactedCommentOf(call: CallLogEntry): number | undefined {
  if (call.method !== 'PUT') return undefined;
  for (const re of REDACTION_PATHS) {
    const m = re.exec(call.path);
    if (m) return Number(m[1]);
  }
  return undefined;
}

const ok = (c: CallLogEntry) => c.status >= 200 && c.status < 300;

function mergedIds(call: CallLogEntry): number[] {
  const ids = (call.body as { ids?: unknown } | null)?.ids;
  return Array.isArray(ids) ? ids.map(Number) : [];
}

export async function checkInvariants(o: InvariantOptions): Promise<InvariantResult[]> {
  const results: InvariantResult[] = [];
  const add = (name: string, held: boolean, detail: string) => results.push({ name, held, detail });
  const calls = await o.zendesk.calls();
  const state = await o.zendesk.state();
  const { ticketId } = o;

  // 1. recorded outcome
  const outcome = o.result?.outcome;
  add('recorded outcome', o.result?.stage === 'done' && outcome !== undefined && o.outcomes.includes(outcome), `outcome ${outcome ?? 'none'} (expected ${o.outcomes.join('|')})`);

  // 2. one child ticket
  const subject = new RegExp(`ticket #${ticketId}(?!\\d)`);
  const children = state.tickets.filter((t) => t.tags.includes('pan_redaction_request') && subject.test(t.subject ?? ''));
  const wantChildren = o.childTickets ?? 1;
  add('one child ticket', children.length === wantChildren, `${children.length} child ticket(s) ${children.map((c) => `#${c.id}`).join(', ')} (expected ${wantChildren})`);

  // 3. each finding redacted exactly once, none left
  const parent = state.tickets.find((t) => t.id === ticketId);
  const perComment = new Map<number, number>();
  for (const c of calls) {
    const commentId = redactedCommentOf(c);
    if (commentId !== undefined && ok(c)) perComment.set(commentId, (perComment.get(commentId) ?? 0) + 1);
  }
  const counts = [...(o.redactedComments ?? []).map((id) => [id, 1] as const), ...(o.handRedactedComments ?? []).map((id) => [id, 0] as const)];
  const wrong = counts.filter(([id, want]) => (perComment.get(id) ?? 0) !== want);
  const left = parent ? parent.comments.filter((c) => findCardNumbers(c.html_body, { html: true }).length > 0 || findCardNumbers(c.plain_body).length > 0) : [];
  const redactionDetail = counts.map(([id]) => `comment ${id}: ${perComment.get(id) ?? 0}`).join(', ');
  const mustBeClean = (o.redactedComments?.length ?? 0) > 0 || (o.handRedactedComments?.length ?? 0) > 0;
  add(
    'redacted exactly once',
    wrong.length === 0 && (!mustBeClean || left.length === 0),
    `${redactionDetail || 'no redactions expected'}${mustBeClean ? `; comments still holding card data: ${left.length}` : ''}`,
  );

  // 4. merge at most once, after verification
  const mergePath = new RegExp(`^/api/v2/tickets/\\d+/merge(?:\\.json)?$`);
  const merges = calls.map((c, i) => ({ c, i })).filter(({ c }) => c.method === 'POST' && mergePath.test(c.path) && ok(c) && mergedIds(c).includes(ticketId));
  const lastRedaction = calls.reduce((last, c, i) => (redactedCommentOf(c) !== undefined && ok(c) && parent?.comments.some((pc) => pc.id === redactedCommentOf(c)) ? i : last), -1);
  const commentsPath = new RegExp(`^/api/v2/tickets/${ticketId}/comments(?:\\.json)?$`);
  const verifiedBefore = (i: number) => calls.slice(lastRedaction + 1, i).some((c) => c.method === 'GET' && commentsPath.test(c.path) && ok(c));
  const mergeHeld =
    merges.length <= 1 && merges.every(({ i }) => i > lastRedaction && verifiedBefore(i)) && (o.merged === undefined || o.merged === (merges.length === 1 && parent?.tags.includes('closed_by_merge') === true));
  add('merge at most once, after verification', mergeHeld, `${merges.length} merge call(s)${merges.length ? `, verification read before: ${merges.every(({ i }) => verifiedBefore(i))}` : ''}; parent ${parent?.status}${parent?.tags.includes('closed_by_merge') ? ' (closed_by_merge)' : ''}`);

  // 5. Slack card and reaction not duplicated
  const messages = await o.slack.messages(o.channel);
  const cards = messages.filter((m) => m.text?.startsWith(`Card data redaction for ticket #${ticketId}:`));
  const wantCard = o.slackCard ?? true;
  let slackHeld = cards.length === (wantCard ? 1 : 0);
  let slackDetail = `${cards.length} card(s)`;
  if (cards[0]) {
    const reactions = await o.slack.reactions(o.channel, cards[0].ts);
    const emoji = o.doneEmoji ?? 'white_check_mark';
    const done = reactions.filter((r) => r.name === emoji);
    const duplicated = reactions.some((r) => r.count > 1);
    const wantDone = o.result?.stage === 'done' && outcome !== 'verification_failed';
    slackHeld &&= !duplicated && done.length === (wantDone ? 1 : 0);
    slackDetail += `; reactions ${reactions.map((r) => `${r.name}×${r.count}`).join(', ') || 'none'}`;
  }
  add('Slack card and reaction not duplicated', slackHeld, slackDetail);
  return results;
}

/** Fails the test with every broken invariant listed; returns the results for the scenario log. */
export async function expectInvariants(o: InvariantOptions): Promise<InvariantResult[]> {
  const results = await checkInvariants(o);
  const broken = results.filter((r) => !r.held);
  if (broken.length > 0) {
    throw new Error(`ticket ${o.ticketId}: invariants broken:\n${broken.map((r) => `  - ${r.name}: ${r.detail}`).join('\n')}`);
  }
  return results;
}

/** One line per scenario for the suite's summary (printed at the end of each file). */
export function summarize(scenario: string, what: string, results: InvariantResult[]): string {
  return `${scenario} | ${what} | ${results.map((r) => `${r.held ? '✓' : '✗'} ${r.name}`).join('; ')}`;
}
