/**
 * Card-number (PAN) detection. Pure: no I/O, no allocation per scanned character.
 * Rules and their reasons: detection/README.md.
 */
import { brandOf, type Brand } from './brands';
import { DIGIT_CLASS, DIGIT_VALUE } from './digits';
import { luhnValid } from './luhn';

export type { Brand } from './brands';

export interface CardFinding {
  kind: 'pan';
  /** JavaScript string indices into the input; the span covers the PAN with its inner separators. */
  start: number;
  end: number;
  last4: string;
  brand: Brand;
  /** A card verification code written right after the PAN (sensitive authentication data). */
  cvv?: { start: number; end: number };
  /** HTML: where the number sits when it is not in the text (an attribute value, a comment, <style>/<script>). */
  in?: 'attribute' | 'comment' | 'style' | 'script';
  /** HTML: the element whose attribute holds the number; Zendesk removes it with a bare `redact` attribute. */
  element?: { start: number; end: number };
  /** False when Zendesk's comment_redactions cannot remove it (HTML comments, <style>, <script>): a residual. */
  redactable?: false;
}

export interface DetectOptions {
  /** Treat input as HTML: skip tags/attributes, decode entities; offsets still index the raw HTML. */
  html?: boolean;
  /** Accept UnionPay PANs (62…, 81…) that fail Luhn; some real UnionPay cards do. Default false. */
  unionPayLuhnExempt?: boolean;
}

// Separator kinds between digit groups.
const SEP_SPACE = 1;
const SEP_DASH = 2;
const SEP_DOT = 3;
const SEP_LINE = 4;

const MAX_GROUPS = 32;
const MAX_DIGITS = 512;
/** How far back to look for a URL scheme in front of a number. */
const URL_LOOKBACK = 2048;

// Every PAN layout we accept contains a group of ≥4 digits, so the scan only stops at 4-digit runs
// and walks back for shorter leading groups. Much faster than stopping at every digit.
const CANDIDATE = new RegExp(`${DIGIT_CLASS}{4,}`, 'g');

// 6–9 pairs of digits with one repeated separator, optionally a last single digit; nothing digit-like around.
const PAIRS = new RegExp(
  `(?<!${DIGIT_CLASS}|${DIGIT_CLASS}[ .\\-])${DIGIT_CLASS}{2}([ .\\-])${DIGIT_CLASS}{2}(?:\\1${DIGIT_CLASS}{2}){4,7}(?:\\1${DIGIT_CLASS})?` +
    `(?!${DIGIT_CLASS}|[ .\\-]${DIGIT_CLASS})`,
  'g',
);

// Unicode format characters (Cf: zero-width space/joiners, word joiner, BOM, soft hyphen, bidi marks): invisible,
// so "4111\u200b1111…" reads as one number. They are removed before the scan and offsets mapped back.
const FORMAT_CHAR = /\p{Cf}/u;
const FORMAT_CHARS = /\p{Cf}+/gu;

const VOID_ELEMENTS = new Set([
  'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr', 'param',
]);

interface Tag {
  name: string;
  /** Just after the tag's name: where a `redact` attribute goes. */
  nameEnd: number;
  /** Just after the tag's '>'. */
  end: number;
  selfClosing: boolean;
  /** Attribute value spans. */
  values: Array<[number, number]>;
}

/** Reads the start tag at lt: its name and the spans of its attribute values. */
export function readTag(text: string, lt: number): Tag {
  const len = text.length;
  let p = lt + 1;
  while (p < len && /[A-Za-z0-9:-]/.test(text[p]!)) p++;
  const name = text.slice(lt + 1, p).toLowerCase();
  const nameEnd = p;
  const values: Array<[number, number]> = [];
  while (p < len && text.charCodeAt(p) !== 62) {
    const c = text.charCodeAt(p);
    if (c === 61 /* = */) {
      p++;
      while (p < len && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9 || text.charCodeAt(p) === 10)) p++;
      const q = text.charCodeAt(p);
      if (q === 34 || q === 39) {
        const close = text.indexOf(text[p]!, p + 1);
        const e = close < 0 ? len : close;
        values.push([p + 1, e]);
        p = e + 1;
      } else {
        const s0 = p;
        while (p < len && !/[\s>]/.test(text[p]!)) p++;
        values.push([s0, p]);
      }
    } else p++;
  }
  const end = Math.min(len, p + 1);
  return { name, nameEnd, end, selfClosing: text.charCodeAt(p - 1) === 47, values };
}

/** End of the element whose start tag is `tag`: after its matching end tag, or the tag itself for void elements. */
function elementEnd(text: string, tag: Tag): number {
  if (tag.selfClosing || VOID_ELEMENTS.has(tag.name) || tag.name === '') return tag.end;
  const re = new RegExp(`<(/?)${tag.name}(?=[\\s/>])`, 'gi');
  re.lastIndex = tag.end;
  let depth = 1;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    depth += m[1] ? -1 : 1;
    if (depth === 0) {
      const gt = text.indexOf('>', m.index);
      return gt < 0 ? text.length : gt + 1;
    }
  }
  return tag.end;
}

// What may follow a PAN before a CVV: an optional expiry (never absorbed), then an optional keyword.
const D = DIGIT_CLASS;
const CVV_AFTER = new RegExp(
  `[ \\t\\u00a0,;]*(?:[-\\u2013/|][ \\t\\u00a0]*)?` +
    `((?:(?:exp(?:iry|ires|iration)?|valid(?: thru| until)?)[ \\t\\u00a0.:]*)?${D}{1,2} ?[/.\\-] ?(?:${D}{4}|${D}{2})(?!${D})` +
    `[ \\t\\u00a0,;]*(?:[-\\u2013/|][ \\t\\u00a0]*)?)?` +
    `((?:cvv2?|cvc2?|cid|csc|cav2|security code|sec(?:urity)?\\.? code)[ \\t\\u00a0.:#=\\-]*)?` +
    `(${D}{3,4})(?!${D}|[/.,:\\-]${D})`,
  'iy',
);

// Words that may be glued to the front of a number ("cc4111…", "CARD4111…").
const LEAD_KEYWORDS = new Set([
  'cc', 'ccn', 'ccno', 'card', 'cardno', 'cardnum', 'cardnumber', 'creditcard', 'debitcard', 'credit', 'debit',
  'visa', 'amex', 'mc', 'mastercard', 'discover', 'jcb', 'maestro', 'diners', 'unionpay', 'pan', 'no', 'nr', 'num',
  'number',
]);
// Words that may be glued to the end of a number ("…1111exp06/17", "…1111cvv123").
const TRAIL_KEYWORD = /^(?:ex|cvv|cvc|cid|csc|valid|thru)/i;
// A number right after one of these words is an identifier of another kind.
const NOT_CARD_WORDS = new Set([
  'imei', 'imeisv', 'meid', 'esn', 'iccid', 'imsi', 'sim', 'serial', 'sn', 'isbn', 'issn', 'ean', 'upc', 'gtin',
  'tracking', 'awb', 'iban', 'phone', 'tel', 'telephone', 'fax', 'mobile', 'mob', 'cell', 'whatsapp', 'order',
  'invoice', 'ticket', 'ref', 'reference', 'routing', 'aba', 'swift', 'bic', 'arn', 'rrn',
]);

const LETTER = /\p{L}/u;

function isSpaceLike(c: number): boolean {
  return c === 32 || c === 9 || c === 0xa0 || c === 0x2007 || c === 0x2009 || c === 0x202f || c === 0x3000;
}
function isDash(c: number): boolean {
  return c === 45 || (c >= 0x2010 && c <= 0x2014) || c === 0x2212 || c === 0xff0d;
}
/** Index of char code `c` in [from, limit), or -1. */
function findAhead(text: string, c: number, from: number, limit: number): number {
  const end = Math.min(limit, text.length);
  for (let p = from; p < end; p++) if (text.charCodeAt(p) === c) return p;
  return -1;
}

/** Index of char code `c` in [from - maxBack, from], searching backwards, or -1. */
function findBack(text: string, c: number, from: number, maxBack: number): number {
  for (let p = from; p >= 0 && from - p <= maxBack; p--) if (text.charCodeAt(p) === c) return p;
  return -1;
}

/** Any character readSeparator/walkBack accept in plain text. */
function isSeparatorChar(c: number): boolean {
  return isSpaceLike(c) || isDash(c) || c === 46 || c === 0xff0e || c === 10 || c === 13;
}
/**
 * Letters of space-separated scripts (Latin, Greek, Cyrillic, Armenian) and '_': a number glued to one is part of
 * an identifier. Chinese and Japanese text has no spaces, so "番号は4111…です" is still a number on its own.
 */
function isWordChar(c: number): boolean {
  if (c < 128) return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  return c >= 0xc0 && c < 0x0590 && LETTER.test(String.fromCharCode(c));
}

/** Reused scratch state for one scan; a run is digit groups joined by separators. */
class Run {
  readonly gStart = new Int32Array(MAX_GROUPS);
  readonly gEnd = new Int32Array(MAX_GROUPS);
  readonly gLen = new Int32Array(MAX_GROUPS);
  /** Index into `digits` of each group's first digit. */
  readonly gDigit = new Int32Array(MAX_GROUPS);
  /** Separator kind in front of each group (0 for the first). */
  readonly gSep = new Int8Array(MAX_GROUPS);
  readonly digits = new Uint8Array(MAX_DIGITS);
  n = 0;
  /** Position just after the last group, where scanning resumes. */
  end = 0;
}

/** One Run for every scan: scans are synchronous and never nest, and allocating it per call dominated short texts. */
const SHARED_RUN = new Run();

class Scanner {
  private readonly run = SHARED_RUN;
  private readonly findings: CardFinding[] = [];
  /** HTML mode: position up to which markup has been classified; always in text state. */
  private htmlCursor = 0;
  /** Position of the first '<' at or after htmlCursor (text.length if none); -1 = unknown. */
  private nextLt = -1;
  /** Start of the markup markupResume last found a position in. */
  private markupStart = 0;
  private sepKind = 0;

  constructor(
    private readonly text: string,
    private readonly html: boolean,
    private readonly unionPayLuhnExempt: boolean,
    /** Also look for pair-grouped PANs (off in sub-scans of markup, which the top-level pass covers). */
    private readonly extra = true,
  ) {}

  scan(): CardFinding[] {
    const text = this.text;
    const re = CANDIDATE; // shared like the Run: no scan runs inside another
    re.lastIndex = 0;
    let floor = 0;
    // test() instead of exec(): no match array per candidate; the group's start is found by walking back.
    while (re.test(text)) {
      const end = re.lastIndex;
      let at = end - 4;
      while (at > floor && DIGIT_VALUE[text.charCodeAt(at - 1)]! >= 0) at--;
      if (this.html) {
        const resume = this.markupResume(at);
        if (resume >= 0) {
          this.scanMarkup(this.markupStart, resume);
          re.lastIndex = resume;
          continue;
        }
      }
      // Most digit groups in tickets (dates, amounts, order numbers) stand alone: skip them cheaply.
      if (end - at < 12 && !this.html && !this.mayJoin(at, end)) continue;
      let start = this.walkBack(at, floor);
      this.build(start);
      if (this.run.end <= at) {
        start = at;
        this.build(start);
      }
      this.evaluate();
      floor = this.run.end;
      re.lastIndex = floor;
    }
    if (this.extra) this.scanPairs();
    return this.findings;
  }

  /**
   * HTML: numbers in the markup [lt, end) that a reader does not see: attribute values (the element can be
   * removed with `redact`), comments and <style>/<script> text (comment_redactions cannot reach them).
   */
  private scanMarkup(lt: number, end: number): void {
    const text = this.text;
    if (text.startsWith('<!--', lt)) {
      this.subScan(lt + 4, Math.max(lt + 4, text.endsWith('-->', end) ? end - 3 : end), false, { in: 'comment', redactable: false });
      return;
    }
    if (text.charCodeAt(lt + 1) === 47 /* </ */) return;
    const tag = readTag(text, lt);
    for (const [vs, ve] of tag.values) {
      this.subScan(vs, ve, true, { in: 'attribute', element: { start: lt, end: elementEnd(text, tag) } });
    }
    if (tag.name === 'style' || tag.name === 'script') {
      const close = text.lastIndexOf('</', end);
      this.subScan(tag.end, close > tag.end ? close : end, false, { in: tag.name, redactable: false });
    }
  }

  /** Scans text[from, to) on its own and records its findings with `extra`. */
  private subScan(from: number, to: number, html: boolean, extra: Partial<CardFinding>): void {
    if (to - from < 12) return;
    const sub = new Scanner(this.text.slice(from, to), html, this.unionPayLuhnExempt, false);
    for (const f of sub.scan()) {
      if (f.in !== undefined) continue;
      const moved: CardFinding = { ...f, start: f.start + from, end: f.end + from, ...extra };
      if (f.cvv) moved.cvv = { start: f.cvv.start + from, end: f.cvv.end + from };
      this.findings.push(moved);
    }
  }

  /**
   * PANs written in pairs of digits, "41 11 11 11 …": 6–9 pairs (one trailing single digit for odd lengths) with
   * the same single separator throughout, nothing digit-like around them, and brand + Luhn. Phone numbers in pairs
   * have 10 digits; two of them in a row are 20.
   */
  private scanPairs(): void {
    const text = this.text;
    const re = PAIRS; // shared like CANDIDATE (compiling it per call cost more than the scan of a short text)
    re.lastIndex = 0;
    this.htmlCursor = 0;
    this.nextLt = -1;
    let m: RegExpExecArray | null;
    const digits = this.run.digits;
    while ((m = re.exec(text)) !== null) {
      const start = m.index;
      const end = start + m[0].length;
      if (this.html && this.markupResume(start) >= 0) continue;
      if (end < text.length && isWordChar(text.charCodeAt(end))) continue;
      if (!this.leadOk(start)) continue;
      let n = 0;
      for (let p = start; p < end; p++) {
        const v = DIGIT_VALUE[text.charCodeAt(p)]!;
        if (v >= 0) digits[n++] = v;
      }
      if (!this.valid(0, n)) continue;
      const six = digits[0]! * 100000 + digits[1]! * 10000 + digits[2]! * 1000 + digits[3]! * 100 + digits[4]! * 10 + digits[5]!;
      this.findings.push({
        kind: 'pan',
        start,
        end,
        last4: `${digits[n - 4]}${digits[n - 3]}${digits[n - 2]}${digits[n - 1]}`,
        brand: brandOf(six, n)!,
      });
    }
    this.findings.sort((a, b) => a.start - b.start);
  }

  /** Whether a separator and another digit sit right before `start` or right after `end` (plain text). */
  private mayJoin(start: number, end: number): boolean {
    const text = this.text;
    for (let p = end, k = 0; k < 10 && p < text.length; p++, k++) {
      const c = text.charCodeAt(p);
      if (DIGIT_VALUE[c]! >= 0) return true;
      if (!isSeparatorChar(c)) break;
    }
    for (let p = start - 1, k = 0; k < 10 && p >= 0; p--, k++) {
      const c = text.charCodeAt(p);
      if (DIGIT_VALUE[c]! >= 0) return k > 0;
      if (!isSeparatorChar(c)) break;
    }
    return false;
  }

  /** Earliest digit from which separator-joined groups lead to `at`. */
  private walkBack(at: number, floor: number): number {
    const text = this.text;
    let start = at;
    for (let hops = 0; hops < 8; hops++) {
      let p = start;
      let budget = 12;
      while (p > floor && budget > 0) {
        const c = text.charCodeAt(p - 1);
        if (isSpaceLike(c) || isDash(c) || c === 46 || c === 10 || c === 13) {
          p--;
          budget--;
        } else if (this.html && c === 59 /* ; */) {
          const amp = findBack(text, 38, p - 1, 10);
          if (amp < 0) break;
          p = amp;
          budget -= 2;
        } else if (this.html && c === 62 /* > */) {
          const lt = findBack(text, 60, p - 1, 40);
          if (lt < 0) break;
          p = lt;
          budget -= 2;
        } else break;
      }
      if (p === start || p <= floor || DIGIT_VALUE[text.charCodeAt(p - 1)]! < 0) break;
      while (p > floor && DIGIT_VALUE[text.charCodeAt(p - 1)]! >= 0) p--;
      start = p;
    }
    return start;
  }

  /** Reads digit groups and separators from `start` into this.run. */
  private build(start: number): void {
    const text = this.text;
    const len = text.length;
    const run = this.run;
    let n = 0;
    let nd = 0;
    let p = start;
    let sep = 0;
    for (;;) {
      run.gStart[n] = p;
      run.gDigit[n] = nd;
      run.gSep[n] = sep;
      let v: number;
      while (p < len && (v = DIGIT_VALUE[text.charCodeAt(p)]!) >= 0) {
        if (nd < MAX_DIGITS) run.digits[nd] = v;
        nd++;
        p++;
      }
      run.gEnd[n] = p;
      run.gLen[n] = nd - run.gDigit[n]!;
      n++;
      if (n >= MAX_GROUPS || nd >= MAX_DIGITS) break;
      const q = this.readSeparator(p);
      if (q < 0 || q >= len || DIGIT_VALUE[text.charCodeAt(q)]! < 0) break;
      if (this.html && this.markupResume(q) >= 0) break;
      sep = this.sepKind;
      p = q;
    }
    run.n = n;
    run.end = p;
  }

  /** End of the separator starting at p (kind in this.sepKind), or -1. */
  private readSeparator(p: number): number {
    const text = this.text;
    const len = text.length;
    let spaces = 0;
    let dash = 0;
    let dot = 0;
    let line = 0;
    let q = p;
    for (let steps = 0; steps < 10 && q < len; steps++) {
      const c = text.charCodeAt(q);
      if (isSpaceLike(c)) {
        spaces++;
        q++;
      } else if (c === 10 || c === 13) {
        if (this.html) {
          spaces++; // a raw newline in HTML source is just whitespace
          q++;
          continue;
        }
        if (line) break;
        line = 1;
        q += c === 13 && text.charCodeAt(q + 1) === 10 ? 2 : 1;
      } else if (isDash(c)) {
        if (dash) break;
        dash = 1;
        q++;
      } else if (c === 46 || c === 0xff0e) {
        if (dot) break;
        dot = 1;
        q++;
      } else if (this.html && c === 38 /* & */) {
        const kind = this.entityKind(q);
        if (kind === 0) break;
        if (kind === SEP_DASH) {
          if (dash) break;
          dash = 1;
        } else spaces++;
        q = text.indexOf(';', q) + 1;
      } else if (this.html && c === 60 /* < */) {
        const kind = this.tagKind(q);
        if (kind === 0) break;
        // Adjacent block tags ("</p><p>", "</div>\n<div>") are one line break.
        if (kind === SEP_LINE) line = 1;
        q = this.markupEnd(q);
      } else break;
    }
    if (q === p) return -1;
    if (dot && (spaces || dash || line)) return -1;
    if (spaces > 4) return -1;
    this.sepKind = line ? SEP_LINE : dot ? SEP_DOT : dash ? SEP_DASH : SEP_SPACE;
    return q;
  }

  /** Separator kind of an HTML entity at p, or 0 when it is not a separator. */
  private entityKind(p: number): number {
    const text = this.text;
    const semi = findAhead(text, 59, p, p + 10);
    if (semi < 0) return 0;
    const name = text.slice(p + 1, semi).toLowerCase();
    // Spaces, and zero-width or other invisible characters written as references (&#8203;, &zwnj;, &shy;…).
    switch (name) {
      case 'nbsp': case 'ensp': case 'emsp': case 'thinsp': case '#32': case '#x20': case '#160': case '#xa0':
      case '#8239': case '#x202f': case '#8201': case '#x2009':
      case '#8203': case '#x200b': case '#8204': case '#x200c': case 'zwnj': case '#8205':
      case '#x200d': case 'zwj': case '#8288': case '#x2060': case 'nobreak': case '#65279': case '#xfeff': case 'shy':
      case '#173': case '#xad':
        return SEP_SPACE;
      case 'ndash': case 'mdash': case 'minus': case 'hyphen': case 'dash': case '#45': case '#x2d': case '#8211':
      case '#x2013': case '#8208': case '#x2010': case '#8209': case '#x2011':
        return SEP_DASH;
      default:
        return 0;
    }
  }

  /** Separator kind of the tag at p: line break for <br> and block tags, space for inline tags, else 0. */
  private tagKind(p: number): number {
    const text = this.text;
    let q = p + 1;
    if (text.charCodeAt(q) === 47 /* / */) q++;
    let e = q;
    while (e < text.length && e - q < 10) {
      const c = text.charCodeAt(e) | 0x20;
      if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57 && e > q)) e++;
      else break;
    }
    switch (text.slice(q, e).toLowerCase()) {
      case 'br': case 'p': case 'div': case 'li': case 'tr': case 'td': case 'th': case 'h1': case 'h2': case 'h3':
      case 'h4': case 'h5': case 'h6': case 'blockquote': case 'pre':
        return SEP_LINE;
      case 'span': case 'b': case 'strong': case 'i': case 'em': case 'u': case 'font': case 'small': case 'code':
      case 'mark': case 'wbr':
        return SEP_SPACE;
      default:
        return 0;
    }
  }

  /** HTML: if pos lies inside markup (tag, comment, script/style), where text resumes; else -1. */
  private markupResume(pos: number): number {
    const text = this.text;
    if (pos < this.htmlCursor) return -1;
    for (;;) {
      // Cached: many candidates fall between the same two tags.
      if (this.nextLt < this.htmlCursor) {
        const lt = text.indexOf('<', this.htmlCursor);
        this.nextLt = lt < 0 ? text.length : lt;
      }
      const lt = this.nextLt;
      if (lt >= text.length || lt > pos) {
        this.htmlCursor = pos;
        return -1;
      }
      const end = this.markupEnd(lt);
      if (pos < end) {
        this.markupStart = lt;
        return end;
      }
      this.htmlCursor = end;
    }
  }

  /** End (exclusive) of the markup starting with '<' at lt; lt+1 when the '<' is literal text. */
  private markupEnd(lt: number): number {
    const text = this.text;
    const len = text.length;
    const next = text.charCodeAt(lt + 1);
    if (next === 33 /* ! */) {
      if (text.startsWith('<!--', lt)) {
        const close = text.indexOf('-->', lt + 4);
        return close < 0 ? len : close + 3;
      }
    } else if (next !== 47 && !((next | 0x20) >= 97 && (next | 0x20) <= 122)) {
      return lt + 1;
    }
    let q = lt + 1;
    let quote = 0;
    while (q < len) {
      const c = text.charCodeAt(q);
      if (quote) {
        if (c === quote) quote = 0;
      } else if (c === 34 || c === 39) quote = c;
      else if (c === 62) break;
      q++;
    }
    const tagEnd = q < len ? q + 1 : len;
    // Script and style bodies are not text.
    const name = text.slice(lt + 1, Math.min(lt + 7, len)).toLowerCase();
    if (name.startsWith('script') || name.startsWith('style')) {
      const closing = name.startsWith('script') ? 'script' : 'style';
      let close = text.indexOf('</', tagEnd);
      while (close >= 0 && text.slice(close + 2, close + 2 + closing.length).toLowerCase() !== closing) {
        close = text.indexOf('</', close + 2);
      }
      if (close < 0) return len;
      const gt = text.indexOf('>', close);
      return gt < 0 ? len : gt + 1;
    }
    return tagEnd;
  }

  /** Finds PANs among the groups of this.run. */
  private evaluate(): void {
    const run = this.run;
    const text = this.text;
    let n = run.n;
    if (run.gDigit[n - 1]! + run.gLen[n - 1]! < 12) return;
    const start = run.gStart[0]!;
    if (!this.leadOk(start) || this.isUuid()) return;

    // An expiry after the PAN is not part of it: "… 1111 12/25", "… 1111 12-25".
    const after = run.end < text.length ? text.charCodeAt(run.end) : 0;
    if (n > 1 && (after === 47 || after === 0xff0f) && run.gLen[n - 1]! <= 2 && run.gSep[n - 1] !== SEP_DOT) {
      n--;
    } else if (
      n > 2 &&
      run.gLen[n - 2]! <= 2 &&
      (run.gLen[n - 1] === 2 || run.gLen[n - 1] === 4) &&
      (run.gSep[n - 1] === SEP_DASH || run.gSep[n - 1] === SEP_DOT) &&
      run.gSep[n - 2] !== run.gSep[n - 1] &&
      this.groupValue(n - 2) >= 1 &&
      this.groupValue(n - 2) <= 12
    ) {
      n -= 2;
    }
    // A trailing group glued to letters belongs to another token ("…1234abc"), unless it is "exp"/"cvv".
    let lastUsable = n - 1;
    if (n === run.n && run.end < text.length && isWordChar(after) && !this.trailKeyword(run.end)) lastUsable--;
    if (lastUsable < 0 || run.gDigit[lastUsable]! + run.gLen[lastUsable]! < 12) return;

    let i = 0;
    let afterFinding = 0;
    while (i <= lastUsable) {
      let singleGroupOnly = false;
      if (i > 0 && i !== afterFinding) {
        const sep = run.gSep[i];
        // Mid-run windows only start after whitespace or a line break, so "0.5309…", "112-4567890-…" stay whole.
        if (sep !== SEP_SPACE && sep !== SEP_LINE) {
          i++;
          continue;
        }
        // Inside a long 4-grouped number (USPS "9400 1000 0000 0000 0000 00") a window is just a slice of it,
        // so after a 4-digit group only a contiguous number may start ("$1000 4111 1111 …" is missed).
        singleGroupOnly =
          sep === SEP_SPACE && run.gLen[i - 1] === 4 && run.gSep[i - 1] !== SEP_DASH && run.gSep[i - 1] !== SEP_DOT;
      }
      const j = this.bestWindow(i, singleGroupOnly ? i : lastUsable);
      if (j < 0) {
        i++;
        continue;
      }
      const finding = this.finding(i, j);
      const k = j + 1;
      // A bare group closing the run right after the PAN is its CVV: 3 digits, 4 for Amex (CID).
      const cvvGroup =
        k === n - 1 &&
        k <= lastUsable &&
        (run.gLen[k] === 3 || (run.gLen[k] === 4 && finding.brand === 'amex')) &&
        (run.gSep[k] === SEP_SPACE || run.gSep[k] === SEP_DASH);
      // A short PAN (Maestro 12, Visa 13, Amex 15…) followed by more digits on the same line is more likely the
      // head of a longer non-card number ("5019 5592 8970 4851" failing Luhn) than a PAN.
      if (!cvvGroup && k <= lastUsable && run.gSep[k] !== SEP_LINE && run.gDigit[k]! - run.gDigit[i]! < 16) {
        i++;
        continue;
      }
      if (cvvGroup) {
        finding.cvv = { start: run.gStart[k]!, end: run.gEnd[k]! };
        i = k + 1;
      } else {
        if (k >= n) this.cvvAfter(finding);
        i = k;
      }
      afterFinding = i;
      this.findings.push(finding);
    }
  }

  /** Last group of the best PAN window starting at group i, or -1. */
  private bestWindow(i: number, last: number): number {
    const run = this.run;
    let total = 0;
    let lines = 0;
    let best = -1;
    let bestLong = -1;
    for (let j = i; j <= last; j++) {
      total += run.gLen[j]!;
      if (total > 19) break;
      if (j > i) {
        if (run.gSep[j] === SEP_LINE && ++lines > 1) break;
        // Card layouts (4-4-4-4, 4-6-5, 4-6-4, …) have no short inner groups; phone numbers and dates do.
        const inner = j - 1;
        if (inner > i && run.gLen[inner]! < 3 && run.gSep[inner] !== SEP_LINE && run.gSep[j] !== SEP_LINE) break;
      }
      if (total < 12) continue;
      if (j > i && run.gLen[i]! < 4 && run.gSep[i + 1] !== SEP_LINE) break;
      // Two groups joined by a dash or dot are a range or a decimal ("500000-504174", "5123.456789012345").
      const pair = j === i + 1 && (run.gSep[j] === SEP_DASH || run.gSep[j] === SEP_DOT);
      if (!pair && this.valid(run.gDigit[i]!, total)) {
        // Prefer "PAN + short trailing group" over one long PAN that swallows a CVV.
        bestLong = best;
        best = j;
      }
    }
    if (best > i && bestLong === best - 1 && run.gLen[best] === 3) return bestLong;
    return best;
  }

  private valid(from: number, length: number): boolean {
    const digits = this.run.digits;
    if (from + length > MAX_DIGITS) return false;
    const six = digits[from]! * 100000 + digits[from + 1]! * 10000 + digits[from + 2]! * 1000 +
      digits[from + 3]! * 100 + digits[from + 4]! * 10 + digits[from + 5]!;
    const brand = brandOf(six, length);
    if (brand === undefined) return false;
    if (brand === 'unionpay' && this.unionPayLuhnExempt) return true;
    return luhnValid(digits, from, length);
  }

  private finding(i: number, j: number): CardFinding {
    const run = this.run;
    const from = run.gDigit[i]!;
    const length = run.gDigit[j]! + run.gLen[j]! - from;
    const d = run.digits;
    const six = d[from]! * 100000 + d[from + 1]! * 10000 + d[from + 2]! * 1000 + d[from + 3]! * 100 +
      d[from + 4]! * 10 + d[from + 5]!;
    const e = from + length;
    return {
      kind: 'pan',
      start: run.gStart[i]!,
      end: run.gEnd[j]!,
      last4: `${d[e - 4]}${d[e - 3]}${d[e - 2]}${d[e - 1]}`,
      brand: brandOf(six, length)!,
    };
  }

  /** All-digit UUIDs (8-4-4-4-12 joined by dashes) contain card-length windows. */
  private isUuid(): boolean {
    const run = this.run;
    for (let g = 0; g + 4 < run.n; g++) {
      if (
        run.gLen[g] === 8 && run.gLen[g + 1] === 4 && run.gLen[g + 2] === 4 && run.gLen[g + 3] === 4 &&
        run.gLen[g + 4] === 12 && run.gSep[g + 1] === SEP_DASH && run.gSep[g + 4] === SEP_DASH
      ) {
        return true;
      }
    }
    return false;
  }

  private groupValue(g: number): number {
    const run = this.run;
    let v = 0;
    for (let k = run.gDigit[g]!, e = k + run.gLen[g]!; k < e; k++) v = v * 10 + run.digits[k]!;
    return v;
  }

  /** "… exp 12/25 cvv 123" after a PAN: record the CVV, never the expiry. */
  private cvvAfter(finding: CardFinding): void {
    const text = this.text;
    let p = finding.end;
    // HTML: step over closing inline tags and &nbsp; ("4111</span>&nbsp;cvv 123").
    while (this.html && p < text.length) {
      const c = text.charCodeAt(p);
      if (c === 60 && this.tagKind(p) === SEP_SPACE) p = this.markupEnd(p);
      else if (c === 38 && this.entityKind(p) === SEP_SPACE) p = text.indexOf(';', p) + 1;
      else break;
    }
    // Glued "…1111cvv123" / "…1111exp06/17".
    CVV_AFTER.lastIndex = p;
    const m = CVV_AFTER.exec(text);
    if (m === null || (m[1] === undefined && m[2] === undefined)) return;
    p = m.index + m[0].length;
    if (p < text.length && isWordChar(text.charCodeAt(p))) return;
    finding.cvv = { start: p - m[3]!.length, end: p };
  }

  /** Whether what precedes a run lets it be a card number. */
  private leadOk(start: number): boolean {
    const text = this.text;
    if (start === 0) return true;
    const c = text.charCodeAt(start - 1);
    // "+44 …" is a phone number; "/…" is a path.
    if (c === 43 || c === 47 || c === 92) return false;
    if (this.html && c === 59 && (text.endsWith('&#43;', start) || text.endsWith('&plus;', start))) return false;
    if (isWordChar(c)) return this.keywordBefore(start) && !this.inUrl(start);
    // "ab12-4111…", "e29b-5000…" (UUID tail): joined to an alphanumeric token, unless that token is a keyword.
    if ((c === 45 || c === 46 || c === 95) && start > 1) {
      const b = text.charCodeAt(start - 2);
      if (isWordChar(b) && !this.keywordBefore(start - 1)) return false;
      if (DIGIT_VALUE[b]! >= 0) return false;
    }
    // The word just before, skipping ": # =" and spaces: "IMEI: 3569…", "tracking # 1Z…".
    let p = start - 1;
    let budget = 4;
    while (p >= 0 && budget-- > 0) {
      const ch = text.charCodeAt(p);
      if (isSpaceLike(ch) || ch === 58 || ch === 35 || ch === 61 || ch === 46 || ch === 45) p--;
      else break;
    }
    if (p >= 0 && p < start - 1 && isWordChar(text.charCodeAt(p)) && NOT_CARD_WORDS.has(this.wordBefore(p + 1))) {
      return false;
    }
    if (p >= 0 && text.charCodeAt(p) === 43 /* "+ 44" */) return false;
    return !this.inUrl(start);
  }

  /** Lower-cased letters ending at `end` (at most 16). */
  private wordBefore(end: number): string {
    const text = this.text;
    let p = end;
    while (p > 0 && end - p < 16 && isWordChar(text.charCodeAt(p - 1))) p--;
    return text.slice(p, end).toLowerCase();
  }

  /** Whether a whole-word card keyword ends at `end` ("cc" in "cc4111…", not in "a7cc-4111…"). */
  private keywordBefore(end: number): boolean {
    const word = this.wordBefore(end);
    const p = end - word.length;
    if (p > 0 && DIGIT_VALUE[this.text.charCodeAt(p - 1)]! >= 0) return false;
    return LEAD_KEYWORDS.has(word);
  }

  private trailKeyword(pos: number): boolean {
    return TRAIL_KEYWORD.test(this.text.slice(pos, pos + 5));
  }

  /** Whether the non-space token containing `start` is a URL. */
  private inUrl(start: number): boolean {
    const text = this.text;
    const limit = Math.max(0, start - URL_LOOKBACK);
    let p = start - 1;
    while (p >= limit) {
      const c = text.charCodeAt(p);
      if (c <= 32 || c === 0xa0 || c === 34 || c === 39 || c === 60 || (this.html && c === 62)) break;
      p--;
    }
    const token = text.slice(p + 1, start);
    return token.includes('://') || token.startsWith('www.') || token.toLowerCase().startsWith('www.');
  }
}

/** Card numbers in `text`, in order of position. */
export function findCardNumbers(text: string, options?: DetectOptions): CardFinding[] {
  const html = options?.html === true;
  const exempt = options?.unionPayLuhnExempt === true;
  if (!FORMAT_CHAR.test(text)) return new Scanner(text, html, exempt).scan();
  // Rare: scan the text without format characters, then map offsets back to the original.
  const map: number[] = [];
  let stripped = '';
  let cursor = 0;
  for (const m of text.matchAll(FORMAT_CHARS)) {
    for (let p = cursor; p < m.index; p++) map.push(p);
    stripped += text.slice(cursor, m.index);
    cursor = m.index + m[0].length;
  }
  for (let p = cursor; p < text.length; p++) map.push(p);
  stripped += text.slice(cursor);
  map.push(text.length);
  const back = (s: { start: number; end: number }): { start: number; end: number } => ({ start: map[s.start]!, end: map[s.end - 1]! + 1 });
  return new Scanner(stripped, html, exempt).scan().map((f) => {
    const out: CardFinding = { ...f, ...back(f) };
    if (f.cvv) out.cvv = back(f.cvv);
    if (f.element) out.element = back(f.element);
    return out;
  });
}

/** ASCII digits of the PAN at a finding (normalises Unicode digits, drops separators). Used for keyed fingerprints; never log it. */
export function cardDigits(text: string, finding: CardFinding): string {
  let out = '';
  for (let p = finding.start; p < finding.end; p++) {
    const c = text.charCodeAt(p);
    // Separators inside an HTML span may be entities (&#160;) or tags (<br>): their digits are not the PAN's.
    if (c === 38 /* & */) {
      const semi = findAhead(text, 59, p, Math.min(p + 10, finding.end));
      if (semi > 0) {
        p = semi;
        continue;
      }
    } else if (c === 60 /* < */) {
      const gt = findAhead(text, 62, p, finding.end);
      if (gt > 0) {
        p = gt;
        continue;
      }
    }
    const v = DIGIT_VALUE[c]!;
    if (v >= 0) out += String.fromCharCode(48 + v);
  }
  return out;
}
