/**
 * Unicode decimal digits (\p{Nd}) of the Basic Multilingual Plane, as a code-unit table.
 * JavaScript's \d is ASCII-only; customers paste fullwidth (U+FF10…) and Arabic-Indic digits.
 * Astral digits (e.g. mathematical bold) are out of scope: they take two code units each.
 */
export const DIGIT_VALUE: Int8Array = buildDigitTable();

/** Character class source matching one BMP decimal digit, for building regexes. */
export const DIGIT_CLASS: string = buildDigitClass();

function buildDigitTable(): Int8Array {
  const table = new Int8Array(0x10000).fill(-1);
  const nd = /\p{Nd}/u;
  let runStart = -1;
  for (let cp = 0; cp < 0x10000; cp++) {
    // Surrogate halves are never digits; skip them so the regex sees no lone surrogates.
    if (cp >= 0xd800 && cp <= 0xdfff) {
      runStart = -1;
      continue;
    }
    if (nd.test(String.fromCharCode(cp))) {
      if (runStart < 0) runStart = cp;
      // Unicode guarantees Nd code points come in consecutive 0..9 blocks.
      table[cp] = (cp - runStart) % 10;
    } else {
      runStart = -1;
    }
  }
  return table;
}

function buildDigitClass(): string {
  const hex = (n: number): string => '\\u' + n.toString(16).padStart(4, '0');
  let out = '';
  let cp = 0;
  while (cp < 0x10000) {
    if (DIGIT_VALUE[cp] === -1) {
      cp++;
      continue;
    }
    const lo = cp;
    while (cp < 0x10000 && DIGIT_VALUE[cp] !== -1) cp++;
    out += lo === 0x30 ? '0-9' : `${hex(lo)}-${hex(cp - 1)}`;
  }
  return `[${out}]`;
}
