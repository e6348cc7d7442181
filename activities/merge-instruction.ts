// Agents ask for a merge in an internal note: "merge into #123", "merge to 123",
// "please merge this ticket into ticket #123". The latest such note wins.
import type { MergeInstruction } from '../workflows/types';

const MERGE_PATTERN = /\bmerge(?:\s+(?:it|this|this\s+ticket|ticket))?\s+(?:in)?to\s+(?:ticket\s+)?#?\s?(\d{1,12})\b/i;

export function mergeTargetOf(notes: string[]): number | undefined {
  for (let i = notes.length - 1; i >= 0; i--) {
    const match = MERGE_PATTERN.exec(notes[i]!);
    if (match) return Number(match[1]);
  }
  return undefined;
}

// "ending 1234", "last 4: 1234", "**** 1234", "XXXX-1234": a card named by its last digits only.
const LAST4_PATTERN = /(?:\b(?:ending|ends)(?:\s+(?:in|with))?|\blast\s*(?:4|four)(?:\s+digits)?(?:\s+(?:are|is))?|[*•xX]{4}[\s-]*)[\s:#-]*\d{4}\b/i;

export function mentionsLast4Only(text: string): boolean {
  return LAST4_PATTERN.test(text);
}

export type NoteMergeReading = { kind: 'merge'; target: number } | { kind: 'unclear'; reason: string; candidates: number[] } | { kind: 'none' };

const MENTIONS_MERGE = /\bmerg(?:e|ed|es|ing)\b/i;
const NEGATION = /\b(?:do\s+not|don'?t|never|no\s+merge|not\b[^.\n]{0,30}\bmerge)/i;
const TICKET_REF = /#\s?(\d{1,12})\b|\bticket\s+(\d{1,12})\b|\b(?:in)?to\s+(\d{1,12})\b/gi;

/** What one note says about a merge. */
export function readMergeNote(note: string, ticketId: number): NoteMergeReading {
  if (!MENTIONS_MERGE.test(note)) return { kind: 'none' };
  const candidates = [...new Set([...note.matchAll(TICKET_REF)].map((m) => Number(m[1] ?? m[2] ?? m[3])))];
  if (NEGATION.test(note)) return { kind: 'unclear', reason: 'the note says not to merge', candidates };
  if (/\?/.test(note)) return { kind: 'unclear', reason: 'the note asks a question', candidates };
  const match = MERGE_PATTERN.exec(note);
  if (!match) return { kind: 'unclear', reason: 'the note mentions a merge but names no target ticket', candidates };
  const others = candidates.filter((c) => c !== ticketId);
  if (others.length > 1) return { kind: 'unclear', reason: 'the note names several tickets', candidates: others };
  const target = Number(match[1]);
  if (target === ticketId) return { kind: 'unclear', reason: 'the note names this same ticket', candidates };
  return { kind: 'merge', target };
}

export interface NoteLike {
  id: number;
  public: boolean;
  authorId: number;
  text: string;
}

/** The latest merge instruction in internal notes written by agents or admins; others never count. */
export function pickMergeInstruction(notes: NoteLike[], roleOf: (userId: number) => string | undefined, ticketId: number): MergeInstruction | undefined {
  for (let i = notes.length - 1; i >= 0; i--) {
    const note = notes[i]!;
    if (note.public) continue;
    const role = roleOf(note.authorId);
    if (role !== undefined && role !== 'agent' && role !== 'admin') continue; // end users' notes never count
    const reading = readMergeNote(note.text, ticketId);
    if (reading.kind === 'none') continue;
    if (role === undefined) return { kind: 'unclear', reason: "the note's author could not be checked", candidates: reading.kind === 'merge' ? [reading.target] : reading.candidates, commentId: note.id };
    return reading.kind === 'merge'
      ? { kind: 'merge', target: reading.target, commentId: note.id }
      : { kind: 'unclear', reason: reading.reason, candidates: reading.candidates, commentId: note.id };
  }
  return undefined;
}
