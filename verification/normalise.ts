// Turns one Zendesk field into a token stream the verifier can read: digits (with their Unicode value),
// separators and everything else, each pointing back to its span in the original text. Unicode format
// characters (category Cf: U+200B, U+2060, soft hyphen, bidi marks…) are dropped; HTML character references
// are decoded, so "&#52;" is a 4 and "&nbsp;" a space.
import { DIGIT_VALUE } from '../detection/digits';

export const DIGIT = 0;
export const SEPARATOR = 1;
export const OTHER = 2;

export interface Tokens {
  /** DIGIT | SEPARATOR | OTHER per token. */
  kind: Uint8Array;
  /** Digit value for DIGIT tokens. */
  value: Int8Array;
  /** Span of each token in the original text: [start, end). */
  start: Int32Array;
  end: Int32Array;
  length: number;
}

const FORMAT = /^\p{Cf}$/u;
const NUMERIC_DIGIT = /^\p{Nd}$/u;
const SPACE_SEPARATOR = /^\p{Zs}$/u;

// Class of each BMP code point, built once: 1 = format (dropped), 2 = separator, 0 = other.
const BMP_CLASS = buildClasses();
function buildClasses(): Uint8Array {
  const table = new Uint8Array(0x10000);
  for (let cp = 0; cp < 0x10000; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const ch = String.fromCharCode(cp);
    if (FORMAT.test(ch)) table[cp] = 1;
    else if (
      cp === 9 || cp === 10 || cp === 13 || cp === 45 || cp === 46 || (cp >= 0x2010 && cp <= 0x2015) || cp === 0x2212 ||
      cp === 0xff0d || cp === 0xff0e || cp === 0xb7 || SPACE_SEPARATOR.test(ch)
    ) {
      table[cp] = 2;
    }
  }
  return table;
}

// Named references that can stand between or for digits. Others stay as text (they are not separators).
const NAMED: Record<string, number> = {
  nbsp: 0xa0, ensp: 0x2002, emsp: 0x2003, emsp13: 0x2004, emsp14: 0x2005, numsp: 0x2007, puncsp: 0x2008,
  thinsp: 0x2009, hairsp: 0x200a, nnbsp: 0x202f, ndash: 0x2013, mdash: 0x2014, minus: 0x2212, hyphen: 0x2010,
  dash: 0x2010, period: 0x2e, middot: 0xb7, shy: 0xad, zwsp: 0x200b, zerowidthspace: 0x200b, zwnj: 0x200c,
  zwj: 0x200d, lrm: 0x200e, rlm: 0x200f, nobreak: 0x2060, wj: 0x2060, tab: 9, newline: 10,
};
const REFERENCE = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,15}));?/y;

function digitValue(cp: number): number {
  if (cp < 0x10000) return DIGIT_VALUE[cp]!;
  if (!NUMERIC_DIGIT.test(String.fromCodePoint(cp))) return -1;
  // Nd code points come in blocks of ten starting at 0.
  let zero = cp;
  while (NUMERIC_DIGIT.test(String.fromCodePoint(zero - 1))) zero--;
  return (cp - zero) % 10;
}

function classOf(cp: number): number {
  if (cp < 0x10000) return BMP_CLASS[cp]!;
  return FORMAT.test(String.fromCodePoint(cp)) ? 1 : 0;
}

class Builder {
  kind: Uint8Array;
  value: Int8Array;
  start: Int32Array;
  end: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.kind = new Uint8Array(capacity);
    this.value = new Int8Array(capacity);
    this.start = new Int32Array(capacity);
    this.end = new Int32Array(capacity);
  }
  push(kind: number, value: number, start: number, end: number): void {
    const n = this.length++;
    this.kind[n] = kind;
    this.value[n] = value;
    this.start[n] = start;
    this.end[n] = end;
  }
  code(cp: number, start: number, end: number): void {
    const cls = classOf(cp);
    if (cls === 1) return;
    const d = digitValue(cp);
    if (d >= 0) this.push(DIGIT, d, start, end);
    else this.push(cls === 2 ? SEPARATOR : OTHER, 0, start, end);
  }
}

export interface NormaliseOptions {
  /** Decode character references and "%20". */
  html: boolean;
  /** Read each tag and comment as one separator (the text a reader sees) instead of character by character. */
  tagsAsSeparators: boolean;
}

export function tokenise(text: string, options: NormaliseOptions): Tokens {
  const out = new Builder(text.length);
  let p = 0;
  while (p < text.length) {
    const cp = text.codePointAt(p)!;
    const width = cp > 0xffff ? 2 : 1;
    if (options.html && cp === 38 /* & */) {
      REFERENCE.lastIndex = p;
      const m = REFERENCE.exec(text);
      const decoded = m ? referenceValue(m) : undefined;
      if (m && decoded !== undefined) {
        out.code(decoded, p, p + m[0].length);
        p += m[0].length;
        continue;
      }
    } else if (options.html && cp === 37 /* % */ && text.startsWith('%20', p)) {
      out.push(SEPARATOR, 0, p, p + 3);
      p += 3;
      continue;
    } else if (options.tagsAsSeparators && cp === 60 /* < */) {
      const end = markupEnd(text, p);
      if (end > p + 1) {
        out.push(SEPARATOR, 0, p, end);
        p = end;
        continue;
      }
    }
    out.code(cp, p, p + width);
    p += width;
  }
  return out;
}

function referenceValue(m: RegExpExecArray): number | undefined {
  let cp: number | undefined;
  if (m[1] !== undefined) cp = Number(m[1]);
  else if (m[2] !== undefined) cp = parseInt(m[2], 16);
  else cp = NAMED[m[3]!.toLowerCase()];
  if (cp === undefined || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
  return cp;
}

/** End of the tag or comment at `lt`, or lt + 1 when the '<' is text. */
function markupEnd(text: string, lt: number): number {
  if (text.startsWith('<!--', lt)) {
    const close = text.indexOf('-->', lt + 4);
    return close < 0 ? text.length : close + 3;
  }
  const next = text.charCodeAt(lt + 1) | 0x20;
  if (!(next >= 97 && next <= 122) && text.charCodeAt(lt + 1) !== 47 && text.charCodeAt(lt + 1) !== 33) return lt + 1;
  let quote = 0;
  for (let q = lt + 1; q < text.length; q++) {
    const c = text.charCodeAt(q);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 62) return q + 1;
  }
  return text.length;
}
