/**
 * Byte-level pre-filter for `redactor scan`: finds the stretches of raw UTF-8 that could hold a card number,
 * so lines without one are never decoded, parsed or handed to the detector (most of a ticket export).
 *
 * A card number in plain text is ≥ 12 digits joined by the detector's separators (spaces, tabs, one line break,
 * dashes, dots). Every non-ASCII byte counts as "maybe a digit" (fullwidth and other scripts' digits, NBSP,
 * Unicode dashes), so the filter can only over-select, never miss. HTML mode is not filtered (tags and
 * entities separate digits there). Words of 4 bytes with nothing of interest are skipped at once (SWAR bit
 * tests), which is what makes it fast: prose is mostly letters.
 */

/** Digits a card number has at least. */
const MIN_DIGITS = 12;

const OTHER = 0;
const DIGIT = 1;
const SEP = 2;
const CLASS = new Uint8Array(256);
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT;
for (const c of [9, 10, 13, 32, 45, 46]) CLASS[c] = SEP;
for (let c = 128; c < 256; c++) CLASS[c] = DIGIT; // maybe a digit of another script: count it as one

const HIGH = 0x80808080 | 0;
const LOW7 = 0x7f7f7f7f;
/** Non-zero when one of the 4 bytes of `w` is an ASCII digit or non-ASCII (bithacks "hasbetween"). */
function digitish(w: number): number {
  // `| 0` keeps every step in int32 arithmetic (the constants above 2^31 would otherwise go through doubles).
  const x7 = w & LOW7;
  return (w & HIGH) | (((0xb9b9b9b9 | 0) - x7) | 0) & ~w & ((x7 + 0x50505050) | 0) & HIGH;
}
/** Non-zero when a byte of `w` is a digit, non-ASCII, `"`, `\` or a control byte (JSON text that needs a look). */
function jsonNotable(w: number): number {
  const x7 = w & LOW7;
  return (
    digitish(w) |
    (((0xdcdcdcdc | 0) - x7) | 0) & ~w & ((x7 + 0x24242424) | 0) & HIGH | // 0x5B < b < 0x5D: backslash
    (((0xa2a2a2a2 | 0) - x7) | 0) & ~w & ((x7 + 0x5e5e5e5e) | 0) & HIGH | // 0x21 < b < 0x23: quote
    ((w - 0x20202020) | 0) & ~w & HIGH // b < 0x20: control
  );
}

/** A 32-bit view of the buffer's memory, for the word-at-a-time skip; kept while the caller reuses its buffer. */
let viewed: ArrayBufferLike | undefined;
let view: Int32Array<ArrayBufferLike> = new Int32Array(0);
function wordsOf(buf: Uint8Array): Int32Array {
  if (buf.buffer !== viewed) {
    viewed = buf.buffer;
    view = new Int32Array(buf.buffer, 0, buf.buffer.byteLength >> 2);
  }
  return view;
}

/**
 * Half-open byte ranges [start, end) of `buf` in [from, to) that may hold a card number, widened to whole lines
 * (a line runs up to and including its `\n`) and merged. Lines are what the detector needs around a number.
 */
export function candidateLines(buf: Uint8Array, from = 0, to = buf.length): number[] {
  const spans: number[] = [];
  let runStart = -1;
  let digits = 0;
  let p = from;
  let bytewiseUntil = from; // after a window without a stop byte, go byte by byte past it before skipping again
  while (p < to) {
    if (runStart < 0 && p >= bytewiseUntil) {
      // Not in a run. A run worth reporting has ≥ 12 digits, so it covers any 12 bytes in a row from its start:
      // when the 12th byte from p stops runs (a letter, most of the time), no such run starts in those 12.
      // Otherwise start over after the last stopping byte before it (Boyer-Moore-Horspool, on classes).
      while (p + MIN_DIGITS <= to) {
        let q = p + MIN_DIGITS - 1;
        if (CLASS[buf[q]!] === OTHER) {
          p = q + 1;
          continue;
        }
        while (--q >= p && CLASS[buf[q]!] !== OTHER);
        if (q < p) break; // 12 digits and separators in a row: read them one by one
        p = q + 1;
      }
      bytewiseUntil = p + MIN_DIGITS;
      if (p >= to) break;
    }
    const k = CLASS[buf[p]!]!;
    if (k === DIGIT) {
      if (runStart < 0) runStart = p;
      digits++;
    } else if (k === OTHER || runStart < 0) {
      if (digits >= MIN_DIGITS) addLines(buf, from, to, runStart, p, spans);
      digits = 0;
      runStart = -1;
    }
    p++;
  }
  if (digits >= MIN_DIGITS) addLines(buf, from, to, runStart, to, spans);
  return spans;
}

function addLines(buf: Uint8Array, from: number, to: number, start: number, end: number, spans: number[]): void {
  let s = start;
  while (s > from && buf[s - 1] !== 10) s--;
  let e = end;
  while (e < to && buf[e - 1] !== 10) e++;
  const last = spans.length - 1;
  if (last > 0 && spans[last]! >= s) spans[last] = Math.max(spans[last]!, e);
  else spans.push(s, e);
}

/** `cold`: no card-shaped run in the text; `hot`: maybe one; `unsure`: a `\u` escape could spell digits. */
export type JsonTextCheck = 'cold' | 'hot' | 'unsure';

const ID_PREFIX = [123, 34, 105, 100, 34, 58]; // {"id":
const TEXT_KEY = [44, 34, 116, 101, 120, 116, 34, 58, 34]; // ,"text":"

/** What readJsonlLine found: byte ranges of the id's JSON source and of the text's (still escaped) content. */
export interface JsonlLine {
  id: [number, number];
  text: [number, number];
  check: JsonTextCheck;
}

const LINE: JsonlLine = { id: [0, 0], text: [0, 0], check: 'cold' };

/**
 * Reads a line shaped exactly like `JSON.stringify({ id, text })` output: `{"id":<id>,"text":"…"}`, with a
 * safe integer, a plain ASCII string or null as id. Returns the id's JSON source, the text's content and whether
 * the text may hold a card number; `undefined` for any other shape or invalid JSON text (the caller parses such
 * lines properly). `\n`, `\r`, `\t` count as separators. The result is valid until the next call.
 */
export function readJsonlLine(buf: Uint8Array, start: number, end: number): JsonlLine | undefined {
  if (end > start && buf[end - 1] === 13) end--;
  if (end - start < ID_PREFIX.length + TEXT_KEY.length + 3) return undefined;
  for (let i = 0; i < ID_PREFIX.length; i++) if (buf[start + i] !== ID_PREFIX[i]) return undefined;
  const idStart = start + ID_PREFIX.length;
  let p = idStart;
  const c0 = buf[p];
  if (c0 === 34) {
    for (p++; p < end && buf[p] !== 34; p++) if (buf[p]! < 32 || buf[p]! > 126 || buf[p] === 92) return undefined;
    if (p >= end) return undefined;
    p++;
  } else if (c0 === 110) {
    if (buf[p + 1] !== 117 || buf[p + 2] !== 108 || buf[p + 3] !== 108) return undefined; // null
    p += 4;
  } else {
    if (c0 === 45) p++;
    const d = p;
    while (p < end && buf[p]! >= 48 && buf[p]! <= 57) p++;
    if (p === d || p - d > 15 || (buf[d] === 48 && p - d > 1)) return undefined;
  }
  const idEnd = p;
  for (let i = 0; i < TEXT_KEY.length; i++) if (buf[p + i] !== TEXT_KEY[i]) return undefined;
  p += TEXT_KEY.length;
  if (buf[end - 1] !== 125 || buf[end - 2] !== 34) return undefined; // the text ends the line with `"}`
  const check = jsonTextCheck(buf, p, end - 2);
  if (check === undefined) return undefined;
  // One result object for every call (most of a file is lines read once and answered at once).
  LINE.id[0] = idStart;
  LINE.id[1] = idEnd;
  LINE.text[0] = p;
  LINE.text[1] = end - 2;
  LINE.check = check;
  return LINE;
}

/** Checks the raw bytes of a JSON string's content; `undefined` when they are not valid JSON string content. */
function jsonTextCheck(buf: Uint8Array, from: number, to: number): JsonTextCheck | undefined {
  const words = wordsOf(buf);
  const base = buf.byteOffset;
  let digits = 0;
  let p = from;
  while (p < to) {
    if (digits === 0 && ((base + p) & 3) === 0) {
      let w = (base + p) >> 2;
      const last = (base + to) >> 2;
      while (w < last && jsonNotable(words[w]!) === 0) w++;
      p = (w << 2) - base;
      if (p >= to) break;
    }
    const b = buf[p]!;
    if (b === 92) {
      if (p + 1 >= to) return undefined;
      const e = buf[p + 1]!;
      p += 2;
      if (e === 110 || e === 114 || e === 116) continue; // \n \r \t: separators
      if (e === 117) return 'unsure';
      if (e !== 34 && e !== 92 && e !== 47 && e !== 98 && e !== 102) return undefined; // not a JSON escape
      if (digits >= MIN_DIGITS) return 'hot';
      digits = 0;
      continue;
    }
    if (b === 34 || b < 32) return undefined; // an unescaped quote or control byte
    const k = CLASS[b]!;
    if (k === DIGIT) digits++;
    else if (k === OTHER || digits === 0) {
      if (digits >= MIN_DIGITS) return 'hot';
      digits = 0;
    }
    p++;
  }
  return digits >= MIN_DIGITS ? 'hot' : 'cold';
}

const UNESCAPED: Record<number, string> = { 34: '"', 92: '\\', 47: '/', 98: '\b', 102: '\f', 110: '\n', 114: '\r', 116: '\t' };

/**
 * The string a JSON string's content buf[from, to) stands for, for content readJsonlLine accepted (valid, no
 * `\u` escape, check not `unsure`): what JSON.parse would return, without decoding and parsing the whole line.
 */
export function decodeJsonText(buf: Buffer, from: number, to: number): string {
  const content = buf.subarray(from, to);
  let bs = content.indexOf(92);
  if (bs < 0) return content.toString('utf8');
  let out = '';
  let p = 0;
  while (bs >= 0) {
    out += content.toString('utf8', p, bs) + UNESCAPED[content[bs + 1]!]!;
    p = bs + 2;
    bs = content.indexOf(92, p);
  }
  return out + content.toString('utf8', p);
}
