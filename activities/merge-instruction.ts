// Agents ask for a merge in an internal note: "merge into #123", "pls merge w/ #123", "dupe of #45, merge".
// A merge cannot be undone, so anything short of a plain, affirmative request naming exactly one other
// ticket is `unclear` (a lead decides) — never a merge.

export type MergeInstruction =
  | { kind: 'merge'; target: number }
  | { kind: 'unclear'; reason: string; candidates: number[] }
  | { kind: 'none' };

const NONE: MergeInstruction = { kind: 'none' };

// "merge", "merging", "mrg", "dupe of #45", "duplicate of 45"; "DNM" = do not merge.
const ASK_WORD = /\b(?:merge|merging|mrg)\b|\b(?:dupe?|duplicate)\s+(?:of|w\/|with)\b/i;
const PAST_WORD = /\bmerged\b/i;
const DNM = /\bDNM\b/i;

// "no" except in "ticket no. 123".
const NEGATION = /\b(?:not|never|nope|dont|cannot|wont|avoid|unmerge|dnm|hold\s+off)\b|\bno\b(?!\.?\s*#?\d)|n['’]t\b/i;
const QUESTION_START =
  /^\W*(?:should|shall|can|could|would|do|does|did|is|are|was|were|will|may|might|any\s+reason)\s+(?:we|i|you|it|this|they|these|those|someone|somebody|one)\b/i;
const HEDGE =
  /\b(?:maybe|perhaps|possibly|probably|might|not\s+sure|unsure|i\s+think|i\s+guess|consider|if|unless|pending|until|once|depending|assuming|in\s+case|whether)\b/i;
// Someone else's wish reported by the agent: "customer asked to merge into #5".
const ATTRIBUTED =
  /\b(?:customer|cust|requester|requestor|end[-\s]?user|client|caller|user|they|he|she)\s+(?:wrote|writes|said|says|asked|asks|wants|wanted|requested|requests|would\s+like|would\s+prefer|prefers)\b/i;
// "… Actually, don't.", "scratch that", "nvm": the note takes the request back, in any sentence.
const REVOKED =
  /\b(?:actually|wait|scratch\s+that|ignore\s+(?:that|this|my\s+last)|never\s*mind|nvm|cancel(?:led)?|on\s+second\s+thought|hold\s+on|disregard)\b/i;
const BARE_NEGATION = /^\W*(?:no|nope|don['’]?t|do\s+not|not\s+yet|never|not)\W*$/i;
// "merge #50 into this one": the other ticket would be merged into ours.
const OTHER_INTO = /\b(?:merge|merging|mrg)\s+(?:ticket\s*|tkt\s*)?#?\s?(\d{1,12})\s+(?:in)?to\b/i;

// Ticket references: "#123", "ticket 123", "tkt 123", ".../tickets/123", "into 123", "w/ 123", "→ 77".
const TICKET_REF = new RegExp(
  [
    String.raw`#\s?(\d{1,12})`,
    String.raw`\b(?:tickets?|tkts?|tix|zd|case)\s*(?:no\.?|nr\.?|number)?\s*[:#]?\s*(\d{1,12})`,
    String.raw`/tickets/(\d{1,12})`,
    String.raw`(?:\b(?:into|in\s+to|to|with|w/|of|onto)|→|->|=>)\s*(\d{1,12})`,
  ]
    .map((s) => `(?:${s})(?![\\d/.:-]\\d|\\d)`)
    .join('|'),
  'gi',
);

/** Drops quoted text: "> " lines, "… wrote:" blocks up to a blank line, and text in quotation marks. */
export function withoutQuotes(note: string): string {
  const kept: string[] = [];
  let inWroteBlock = false;
  for (const line of note.split(/\r?\n/)) {
    if (inWroteBlock) {
      if (line.trim() === '') inWroteBlock = false;
      continue;
    }
    if (/^\s*>/.test(line)) continue;
    const wrote = /\b(?:wrote|writes|said|says|asked|quote|quoting|message|email)\s*:/i.exec(line);
    if (wrote) {
      kept.push(line.slice(0, wrote.index));
      inWroteBlock = true;
      continue;
    }
    kept.push(line);
  }
  return kept
    .join('\n')
    .replace(/"[^"\n]*"|“[^”\n]*”|„[^“”\n]*[“”]|«[^»\n]*»|‘[^’\n]*’/g, ' ')
    .replace(/(^|[\s(])'[^'\n]+'(?=$|[\s.,;:!?)])/g, '$1 ');
}

function ticketRefs(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(TICKET_REF)) {
    const digits = m.slice(1).find((g) => g !== undefined);
    if (digits !== undefined) out.push(Number(digits));
  }
  return out;
}

function sentences(text: string): string[] {
  // "ticket no. 123" is not a sentence end.
  return text.split(/(?<=[.!?])(?<!\b(?:no|nr)\.)\s+|\n+/i).filter((s) => s.trim() !== '');
}

function mentionsMerge(text: string): boolean {
  return ASK_WORD.test(text) || DNM.test(text);
}

function unclear(reason: string, candidates: number[]): MergeInstruction {
  return { kind: 'unclear', reason, candidates };
}

/** What one internal note says about merging ticket `ticketId`. */
export function parseMergeInstruction(note: string, ticketId: number): MergeInstruction {
  const text = withoutQuotes(note);
  const others = (refs: number[]): number[] => [...new Set(refs)].filter((n) => n !== ticketId && n > 0);
  if (!mentionsMerge(text)) {
    if (mentionsMerge(note)) return unclear('the merge is only asked for in quoted text, not by the agent', others(ticketRefs(note)));
    if (PAST_WORD.test(text)) {
      const past = others(ticketRefs(text));
      return past.length > 0 ? unclear('the note reports a merge instead of asking for one', past) : NONE;
    }
    return NONE;
  }
  const candidates = others(ticketRefs(text));
  if (REVOKED.test(text) || sentences(text).some((s) => BARE_NEGATION.test(s))) {
    return unclear('the note takes the merge request back or doubts it', candidates);
  }
  for (const s of sentences(text).filter(mentionsMerge)) {
    if (DNM.test(s) || NEGATION.test(s)) return unclear('the note says not to merge', candidates);
    if (s.includes('?') || QUESTION_START.test(s)) return unclear('the note asks about a merge instead of asking for one', candidates);
    if (HEDGE.test(s)) return unclear('the note does not ask for the merge without conditions', candidates);
    if (ATTRIBUTED.test(s)) return unclear("the merge is the customer's wish, not an agent's instruction", candidates);
    const other = OTHER_INTO.exec(s);
    if (other && Number(other[1]) !== ticketId) return unclear('the note asks to merge another ticket into this one', candidates);
  }
  if (candidates.length > 1) return unclear('the note names several tickets', candidates);
  if (candidates.length === 0) {
    return ticketRefs(text).includes(ticketId)
      ? unclear('the note names this ticket itself as the target', [])
      : unclear('the note does not name the ticket to merge into', []);
  }
  return { kind: 'merge', target: candidates[0]! };
}

export interface NoteLike {
  id: number;
  author_id?: number | null;
  public: boolean;
  plain_body?: string | null;
  body?: string | null;
}

export type RoleOf = ReadonlyMap<number, string> | ((authorId: number) => string | undefined);

const STAFF_ROLES = new Set(['agent', 'admin']);

/**
 * The merge instruction of a ticket: the latest internal note by an agent or admin that says anything about
 * merging wins (a later "don't merge" overrides an earlier "merge into #5"). Comments in Zendesk's order
 * (oldest first); `roleOf` gives each author's Zendesk role ('end-user' | 'agent' | 'admin').
 */
export function pickMergeInstruction(
  comments: readonly NoteLike[],
  ticketId: number,
  roleOf: RoleOf,
): MergeInstruction & { commentId?: number } {
  const role = typeof roleOf === 'function' ? roleOf : (id: number): string | undefined => roleOf.get(id);
  for (let i = comments.length - 1; i >= 0; i--) {
    const c = comments[i]!;
    if (c.public || c.author_id == null || !STAFF_ROLES.has(role(c.author_id) ?? '')) continue;
    const instruction = parseMergeInstruction(c.plain_body ?? c.body ?? '', ticketId);
    if (instruction.kind !== 'none') return { ...instruction, commentId: c.id };
  }
  return NONE;
}

// "ending 1234", "last 4: 1234", "**** 1234", "XXXX-1234": a card named by its last digits only.
const LAST4_PATTERN = /(?:\b(?:ending|ends)(?:\s+(?:in|with))?|\blast\s*(?:4|four)(?:\s+digits)?(?:\s+(?:are|is))?|[*•xX]{4}[\s-]*)[\s:#-]*\d{4}\b/i;

export function mentionsLast4Only(text: string): boolean {
  return LAST4_PATTERN.test(text);
}
