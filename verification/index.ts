/**
 * Independent verifier: what a redaction left in a comment or subject, as references only.
 *
 * Deliberately not the detector (detection/): it shares none of its rules, so it does not share its blind
 * spots. It reads html_body raw (tags, attributes, comments, <style>/<script> text) and as text, plus body and
 * plain_body, drops Unicode format characters (Cf), decodes character references, and reports every
 * Luhn-valid run of 13–19 digits made of whole digit groups, whatever its prefix. It is more suspicious than
 * the detector on purpose: a hit it reports that the detector also finds can be redacted in a further pass
 * (`targetable`); anything else is a residual a person must look at.
 */
import { cardDigits, findCardNumbers } from '../detection';
import { luhnValid } from '../detection/luhn';
import { fingerprintCard } from '../security/fingerprint';
import { DIGIT, SEPARATOR, tokenise, type Tokens } from './normalise';

export type VerifiedField = 'html_body' | 'body' | 'plain_body' | 'subject';

export interface LeftoverRef {
  field: VerifiedField;
  /** Offsets in the field's original text: first digit to just after the last one. */
  start: number;
  end: number;
  last4: string;
  /** Keyed HMAC of the digits (security/fingerprint.ts). */
  fingerprint: string;
  /** The detector finds the same number in the text a redaction pass works on, so a further pass can remove it. */
  targetable: boolean;
}

export interface CommentFields {
  html_body?: string | null;
  body?: string | null;
  plain_body?: string | null;
}

/** More separator tokens than this between two digit groups end a run ("4111 - 1111" is three). */
const MAX_GAP = 3;
const MIN_DIGITS = 13;
const MAX_DIGITS = 19;

interface Hit {
  start: number;
  end: number;
  digits: string;
}

/** Luhn-valid 13–19-digit windows of whole digit groups in a token stream. */
function luhnRuns(t: Tokens): Hit[] {
  const hits: Hit[] = [];
  let i = 0;
  while (i < t.length) {
    if (t.kind[i] !== DIGIT) {
      i++;
      continue;
    }
    // Read one run: digit groups joined by short separator gaps. groupStarts index into `digits`.
    const digits: number[] = [];
    const digitToken: number[] = [];
    const groupStarts: number[] = [];
    let p = i;
    for (;;) {
      groupStarts.push(digits.length);
      while (p < t.length && t.kind[p] === DIGIT) {
        digits.push(t.value[p]!);
        digitToken.push(p);
        p++;
      }
      let q = p;
      while (q < t.length && t.kind[q] === SEPARATOR && q - p <= MAX_GAP) q++;
      if (q === p || q - p > MAX_GAP || q >= t.length || t.kind[q] !== DIGIT) break;
      p = q;
    }
    groupStarts.push(digits.length);
    hits.push(...windows(t, digits, digitToken, groupStarts));
    i = p;
  }
  return hits;
}

function windows(t: Tokens, digits: number[], digitToken: number[], groupStarts: number[]): Hit[] {
  const out: Hit[] = [];
  const groups = groupStarts.length - 1;
  let g = 0;
  while (g < groups) {
    const from = groupStarts[g]!;
    let chosen = -1;
    for (let h = g + 1; h <= groups; h++) {
      const length = groupStarts[h]! - from;
      if (length > MAX_DIGITS) break;
      // Prefer a 16-digit window (PAN + CVV "… 1111 123" may also pass Luhn as 19), else the longest.
      if (length >= MIN_DIGITS && luhnValid(digits, from, length) && chosen !== 16) chosen = length === 16 ? 16 : length;
      if (chosen === 16) break;
    }
    if (chosen < 0) {
      g++;
      continue;
    }
    const to = from + chosen;
    out.push({
      start: t.start[digitToken[from]!]!,
      end: t.end[digitToken[to - 1]!]!,
      digits: digits.slice(from, to).join(''),
    });
    while (g < groups && groupStarts[g]! < to) g++;
  }
  return out;
}


/** Card-like numbers in one field's text, original offsets. HTML is read raw and as the text a reader sees. */
export function cardRunsIn(text: string, html: boolean): Hit[] {
  const raw = luhnRuns(tokenise(text, { html, tagsAsSeparators: false }));
  if (!html) return raw;
  const seen = new Set(raw.map((h) => `${h.start}:${h.end}`));
  const visible = luhnRuns(tokenise(text, { html, tagsAsSeparators: true })).filter((h) => !seen.has(`${h.start}:${h.end}`));
  return [...raw, ...visible].sort((a, b) => a.start - b.start);
}

/** Fingerprints of the numbers the detector can target (and the redactor can remove) in `text`. */
function targetableFingerprints(key: string, text: string, html: boolean): Set<string> {
  const out = new Set<string>();
  for (const f of findCardNumbers(text, { html })) {
    if (f.redactable === false) continue;
    out.add(fingerprintCard(key, cardDigits(text, f)));
  }
  return out;
}

function refs(field: VerifiedField, text: string, html: boolean, key: string, targetable: Set<string>): LeftoverRef[] {
  return cardRunsIn(text, html).map((h) => {
    const fingerprint = fingerprintCard(key, h.digits);
    return { field, start: h.start, end: h.end, last4: h.digits.slice(-4), fingerprint, targetable: targetable.has(fingerprint) };
  });
}

/**
 * What is left in a comment as Zendesk returns it. A redaction pass works on html_body (or the plain body when
 * there is none), so a number is targetable when the detector finds it there.
 */
export function verifyComment(comment: CommentFields, options: { fingerprintKey: string }): LeftoverRef[] {
  const key = options.fingerprintKey;
  const html = comment.html_body ?? '';
  const redactionText = html !== '' ? html : (comment.plain_body ?? comment.body ?? '');
  const targetable = targetableFingerprints(key, redactionText, html !== '');
  const out: LeftoverRef[] = [];
  if (html !== '') out.push(...refs('html_body', html, true, key, targetable));
  if (comment.body) out.push(...refs('body', comment.body, false, key, targetable));
  if (comment.plain_body) out.push(...refs('plain_body', comment.plain_body, false, key, targetable));
  return out;
}

/** What is left in a ticket subject (plain text). */
export function verifySubject(subject: string | null | undefined, options: { fingerprintKey: string }): LeftoverRef[] {
  if (!subject) return [];
  return refs('subject', subject, false, options.fingerprintKey, targetableFingerprints(options.fingerprintKey, subject, false));
}

export interface TicketLeftoverRef extends LeftoverRef {
  /** The comment, or null for the subject. */
  commentId: number | null;
}

/** Everything left on a ticket as re-read from Zendesk: its subject and every comment. */
export function verifyTicket(
  ticket: { subject?: string | null },
  comments: ReadonlyArray<CommentFields & { id: number }>,
  options: { fingerprintKey: string },
): TicketLeftoverRef[] {
  const out: TicketLeftoverRef[] = verifySubject(ticket.subject, options).map((r) => ({ ...r, commentId: null }));
  for (const c of comments) out.push(...verifyComment(c, options).map((r) => ({ ...r, commentId: c.id })));
  return out;
}
