/**
 * Card numbers in OCR output. OCR text has two kinds of noise the plain detector must not tolerate in typed text:
 * letters read for digits ("4111 1lI1 …") and stray marks between digit groups ("4111, 1111 · 1111"). This mode
 * rewrites both, character for character (offsets keep their meaning), then runs the plain detector. Each finding
 * keeps the lowest tesseract confidence of the words it spans. Rules: detection/README.md, "OCR text".
 */
import { cardDigits, findCardNumbers, type CardFinding, type DetectOptions } from './index';

/** A word's span in the OCR text and its confidence (0–100), as tesseract reports it. */
export interface OcrWord {
  start: number;
  end: number;
  confidence: number;
}

export interface OcrCardFinding extends CardFinding {
  /** Lowest confidence of the OCR words the number spans, minus CORRECTION_PENALTY if letters were read as digits. */
  confidence: number;
  /** Letters were taken for digits inside the number. */
  corrected: boolean;
  /** The PAN's ASCII digits, for a keyed fingerprint only. Never log it, never return it from an activity. */
  digits: string;
}

/** Below this confidence a finding from a file is "needs a look", not redacted automatically. */
export const OCR_MIN_CONFIDENCE = 80;
/** Confidence taken off a number in which letters were read as digits. */
export const CORRECTION_PENALTY = 10;

/** Letters OCR reads in place of digits, and the digit they stand for. */
const CONFUSABLE: Record<string, string> = { O: '0', o: '0', D: '0', I: '1', l: '1', '|': '1', ']': '1', S: '5', B: '8', Z: '2' };
/** Marks OCR puts between digit groups where the image shows a space. */
const NOISE = new Set([',', '.', ':', ';', '_', '\'', '`', '"', '·', '•', '‚', '„', '|', '~', '*', '°']);

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isAlnum = (c: string): boolean => /[\p{L}\p{Nd}|\]]/u.test(c);

/** The OCR text with confusable letters inside digit runs and noise between digit groups rewritten (same length). */
export function normaliseOcrText(text: string): { text: string; corrected: Uint8Array } {
  const out = text.split('');
  const corrected = new Uint8Array(text.length);
  // 1. Tokens of letters and digits whose letters are all confusable, with a digit, and either no fewer digits
  //    than letters or a digit group next to them ("4lll 1111").
  // Twice: a token fixed on the first pass is the digit group its left neighbour needs ("4OOO O566").
  for (let pass = 0; pass < 2; pass++) {
    let i = 0;
    while (i < out.length) {
      if (!isAlnum(out[i]!)) {
        i++;
        continue;
      }
      let j = i;
      let digits = 0;
      let letters = 0;
      let other = false;
      while (j < out.length && isAlnum(out[j]!)) {
        const c = out[j]!;
        if (isDigit(c)) digits++;
        else if (CONFUSABLE[c] !== undefined) letters++;
        else other = true;
        j++;
      }
      if (!other && letters > 0 && digits >= 1 && (digits >= letters || digitNear(out, i - 1, -1) || digitNear(out, j, 1))) {
        for (let k = i; k < j; k++) {
          const d = CONFUSABLE[out[k]!];
          if (d !== undefined) {
            out[k] = d;
            corrected[k] = 1;
          }
        }
      }
      i = j;
    }
  }
  // 2. Between two digits, on one line, at most 3 characters of spaces and noise marks become spaces.
  for (let p = 0; p < out.length; p++) {
    if (!isDigit(out[p])) continue;
    let q = p + 1;
    let noise = 0;
    while (q < out.length && q - p <= 4 && (out[q] === ' ' || NOISE.has(out[q]!))) {
      if (out[q] !== ' ') noise++;
      q++;
    }
    if (noise === 0 || q - p > 4 || !isDigit(out[q])) continue;
    // A lone '.' or ',' between digits is a decimal or thousands mark ("1,250.00"): keep it.
    if (q - p === 2 && (out[p + 1] === '.' || out[p + 1] === ',')) continue;
    for (let k = p + 1; k < q; k++) out[k] = ' ';
    p = q - 1;
  }
  return { text: out.join(''), corrected };
}

/** Whether a digit sits within 3 spaces or noise marks of `from`, walking in direction `dir`. */
function digitNear(chars: string[], from: number, dir: 1 | -1): boolean {
  for (let p = from, k = 0; p >= 0 && p < chars.length && k < 4; p += dir, k++) {
    const c = chars[p]!;
    if (isDigit(c)) return k > 0;
    if (c !== ' ' && !NOISE.has(c)) return false;
  }
  return false;
}

/** Card numbers in OCR output, each with a confidence from the words it spans. */
export function findCardNumbersOcr(text: string, words: readonly OcrWord[] = [], options?: DetectOptions): OcrCardFinding[] {
  const norm = normaliseOcrText(text);
  return findCardNumbers(norm.text, options).map((f) => {
    let confidence = words.length === 0 ? 100 : Infinity;
    for (const w of words) if (w.end > f.start && w.start < f.end) confidence = Math.min(confidence, w.confidence);
    if (!Number.isFinite(confidence)) confidence = 0;
    let corrected = false;
    for (let p = f.start; p < f.end && !corrected; p++) if (norm.corrected[p]) corrected = true;
    if (corrected) confidence = Math.max(0, confidence - CORRECTION_PENALTY);
    return { ...f, confidence, corrected, digits: cardDigits(norm.text, f) };
  });
}

/**
 * Findings of the whole text plus those of each line read alone, in a file's text (OCR or a PDF text layer),
 * where a line is a layout unit: a number on its own line is found even when the line above ends in digits
 * that would join it into a longer, rejected run ("IMEI: 3569…" then the card on the next line).
 * `find` runs on the whole text and on every line (with the line's offset); line findings get their offsets shifted.
 */
export function withLineFindings<F extends { start: number; end: number }>(text: string, find: (t: string, offset: number) => F[]): F[] {
  const out = find(text, 0);
  const covered = (s: number, e: number): boolean => out.some((f) => f.start < e && s < f.end);
  let lineStart = 0;
  while (lineStart <= text.length) {
    let nl = text.indexOf('\n', lineStart);
    if (nl < 0) nl = text.length;
    const line = text.slice(lineStart, nl);
    if (/\d{4}/.test(line)) {
      for (const f of find(line, lineStart)) {
        const shifted = { ...f, start: f.start + lineStart, end: f.end + lineStart };
        if (!covered(shifted.start, shifted.end)) out.push(shifted);
      }
    }
    lineStart = nl + 1;
  }
  return out.sort((a, b) => a.start - b.start);
}
