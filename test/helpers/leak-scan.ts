// Reusable canary scanner: give it named text sources (log lines, HTTP bodies, raw Temporal history,
// emulator state...) and canary card numbers; it returns every place a canary's digits appear, plain or
// with separators between any digits (spaces, dashes, dots, NBSP and other Unicode spaces, JSON escapes
// such as `\n` / `\u00a0`, form encoding `+` / `%20`, HTML entities and tags), in any script's digits
// (fullwidth, Arabic-Indic, ...), and inside base64 blobs. Findings never quote the canary itself.

export interface LeakSource {
  name: string;
  text: string;
}

export interface LeakFinding {
  /** The source's name. */
  source: string;
  /** Last 4 digits of the canary found (never the whole number). */
  last4: string;
  /** `plain`: the digits in a row; `separated`: with separators between them; `base64`: inside a base64 blob. */
  form: 'plain' | 'separated' | 'base64';
  /** Offset in the source text. */
  index: number;
  /** Where in a structured value (the `path` of the flattened line), when the source came from {@link flatten}. */
  path?: string;
  /** Up to 40 characters either side, with the canary replaced by `[canary ••••NNNN]`. */
  context: string;
}

// Anything that may sit between two digits of a leaked number and still leave it readable.
const SEP = [
  '[\\s\\u00A0\\u00AD\\u1680\\u180E\\u2000-\\u200F\\u2028\\u2029\\u202F\\u205F\\u2060\\u3000\\uFEFF]',
  '[-._/+,:\\u00B7\\u2010-\\u2015\\u2212\\u2024\\u2027\\uFE58\\uFE63\\uFF0D\\uFF0E]',
  '\\\\+(?:[nrtbf/]|u[0-9a-fA-F]{4})', // JSON/JS escapes, escaped once or more
  '%(?:20|2[dDeEfFbB]|0[aAdD9]|[cC]2%[aA]0)', // percent-encoded separators
  '&(?:nbsp|#160|#x[aA]0|#32|#x20|ndash|mdash|thinsp|ensp|emsp);',
  '<[^<>]{0,60}>', // HTML tags
].join('|');

/** Maps any Unicode decimal digit to its ASCII digit (`\p{Nd}` come in aligned runs of ten). */
function asciiDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, (ch) => {
    if (ch >= '0' && ch <= '9') return ch;
    let cp = ch.codePointAt(0)!;
    let steps = 0;
    while (/\p{Nd}/u.test(String.fromCodePoint(cp - 1))) {
      cp -= 1;
      steps += 1;
    }
    // Keep string offsets stable for ASCII; astral digits (2 UTF-16 units) become two characters.
    const digit = String(steps % 10);
    return ch.length === 2 ? `${digit}\u200B` : digit;
  });
}

function canaryPattern(pan: string): RegExp {
  return new RegExp(pan.split('').join(`(?:${SEP})*`), 'g');
}

const BASE64_TOKEN = /[A-Za-z0-9+/_-]{24,}={0,2}/g;

function contextAround(text: string, start: number, end: number, last4: string): string {
  const before = text.slice(Math.max(0, start - 40), start);
  const after = text.slice(end, end + 40);
  return `${before}[canary ••••${last4}]${after}`.replace(/\s+/g, ' ');
}

function pathAt(text: string, index: number): string | undefined {
  const lineStart = text.lastIndexOf('\n', index) + 1;
  const line = text.slice(lineStart, text.indexOf('\n', index) === -1 ? undefined : text.indexOf('\n', index));
  const m = /^([^\s=]+) = /.exec(line);
  return m?.[1];
}

function scanText(source: string, raw: string, canaries: readonly string[], out: LeakFinding[], base64Depth = 1): void {
  const text = asciiDigits(raw);
  for (const pan of canaries) {
    const last4 = pan.slice(-4);
    for (const m of text.matchAll(canaryPattern(pan))) {
      const end = m.index + m[0].length;
      out.push({
        source,
        last4,
        form: m[0] === pan ? 'plain' : 'separated',
        index: m.index,
        path: pathAt(text, m.index),
        context: contextAround(text, m.index, end, last4),
      });
    }
  }
  if (base64Depth <= 0) return;
  for (const m of text.matchAll(BASE64_TOKEN)) {
    const decoded = Buffer.from(m[0].replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1');
    const inner: LeakFinding[] = [];
    scanText(source, decoded, canaries, inner, base64Depth - 1);
    for (const f of inner) out.push({ ...f, form: 'base64', index: m.index, path: pathAt(text, m.index), context: `base64 blob at ${m.index}: ${f.context}` });
  }
}

/** Scans every source for every canary; an empty array means no leak. */
export function scanForLeaks(sources: readonly LeakSource[], canaries: readonly string[]): LeakFinding[] {
  for (const pan of canaries) if (!/^\d{12,19}$/.test(pan)) throw new Error('canaries must be 12-19 ASCII digits');
  const findings: LeakFinding[] = [];
  for (const s of sources) scanText(s.name, s.text, canaries, findings);
  return findings;
}

/** One line per finding, safe to print (canaries appear as last 4 only). */
export function describeFindings(findings: readonly LeakFinding[]): string {
  return findings.map((f) => `canary ••••${f.last4} (${f.form}) in ${f.source}${f.path ? ` at ${f.path}` : ''}: …${f.context}…`).join('\n');
}

/** Throws with {@link describeFindings} when any canary is found. */
export function expectNoLeaks(sources: readonly LeakSource[], canaries: readonly string[]): void {
  const findings = scanForLeaks(sources, canaries);
  if (findings.length) throw new Error(`${findings.length} canary leak(s):\n${describeFindings(findings)}`);
}

function isLong(v: object): v is { low: number; high: number; toString(): string } {
  return typeof (v as { low?: unknown }).low === 'number' && typeof (v as { high?: unknown }).high === 'number' && typeof (v as { toString?: unknown }).toString === 'function';
}

/**
 * Flattens any value to `path = value` lines for scanning. Binary fields (protobuf `bytes`, Buffers) are
 * decoded as UTF-8, so plaintext inside unencrypted payloads or nested protos is visible; protobuf Longs
 * print as numbers; Maps, Sets and Errors (message, stack, cause) are walked.
 */
export function flatten(value: unknown, rootPath = '$'): string {
  const lines: string[] = [];
  const seen = new WeakSet<object>();
  const walk = (v: unknown, path: string, depth: number): void => {
    if (v === null || v === undefined) return;
    if (typeof v === 'string') return void lines.push(`${path} = ${v}`);
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return void lines.push(`${path} = ${String(v)}`);
    if (typeof v !== 'object' || depth > 64) return;
    if (seen.has(v)) return;
    seen.add(v);
    if (v instanceof Uint8Array) return void lines.push(`${path} = ${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8')}`);
    if (isLong(v)) return void lines.push(`${path} = ${v.toString()}`);
    if (v instanceof Error) {
      walk(v.message, `${path}.message`, depth + 1);
      walk(v.stack, `${path}.stack`, depth + 1);
      walk((v as { cause?: unknown }).cause, `${path}.cause`, depth + 1);
    }
    if (v instanceof Map) {
      for (const [k, x] of v) {
        walk(k, `${path}<key>`, depth + 1);
        walk(x, `${path}[${String(k)}]`, depth + 1);
      }
      return;
    }
    if (v instanceof Set) return void [...v].forEach((x, i) => walk(x, `${path}[${i}]`, depth + 1));
    if (Array.isArray(v)) return void v.forEach((x, i) => walk(x, `${path}[${i}]`, depth + 1));
    for (const key of Object.keys(v)) {
      if (/\d{4}/.test(key)) lines.push(`${path}<key> = ${key}`);
      walk((v as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
    }
  };
  walk(value, rootPath, 0);
  return lines.join('\n');
}

/** Named sources gathered during a test, scanned in one go at the end. */
export class LeakCollector {
  readonly sources: LeakSource[] = [];

  /** Adds text as is, or any other value {@link flatten}ed. */
  add(name: string, value: unknown): this {
    this.sources.push({ name, text: typeof value === 'string' ? value : flatten(value) });
    return this;
  }

  scan(canaries: readonly string[]): LeakFinding[] {
    return scanForLeaks(this.sources, canaries);
  }
}

/** A writable destination for `createLogger({ destination })` that keeps every line. */
export function captureStream(): { lines: string[]; write(line: string): void } {
  const lines: string[] = [];
  return { lines, write: (line: string) => void lines.push(line) };
}
