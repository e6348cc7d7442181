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
  // One regex pass over all BMP code units (surrogates replaced by "x", so index = code point) instead of one
  // test per code point: this table is built at every start of the CLI.
  const units = new Uint16Array(0x10000);
  for (let cp = 0; cp < 0x10000; cp++) units[cp] = cp >= 0xd800 && cp <= 0xdfff ? 0x78 : cp;
  let all = '';
  for (let i = 0; i < units.length; i += 4096) all += String.fromCharCode(...units.subarray(i, i + 4096));
  for (const m of all.matchAll(/\p{Nd}+/gu)) {
    // Unicode guarantees Nd code points come in consecutive 0..9 blocks.
    for (let k = 0; k < m[0].length; k++) table[m.index + k] = k % 10;
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
