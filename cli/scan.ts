/**
 * `redactor scan`: finds card numbers in files (or stdin). Streams, so memory stays flat on any input size.
 * Exit status like grep: 0 found, 1 none found, 2 error.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { type Readable, type Writable } from 'node:stream';
import { cardDigits, findCardNumbers, type CardFinding, type DetectOptions } from '../detection';
import { scanFilesMain, wantsFileReader } from './scan-files';
import { candidateLines, decodeJsonText, readJsonlLine } from './prefilter';
import { walk } from './walk';

const USAGE = `usage: redactor scan [--jsonl | --json] [--html] [--unionpay-luhn-exempt] [file ...]

Reads the files, or stdin when none is given ("-" also means stdin). Directories are walked recursively
(skipping node_modules and dot-directories).
  --jsonl                 each input line is {"id","text"}; each output line is {"id","findings":[…]}, same order
  --html                  treat text as HTML (Zendesk html_body): skip tags and attributes, decode entities
  --unionpay-luhn-exempt  accept UnionPay numbers that fail the Luhn check
Without --jsonl prints file:line:col, brand and the number masked to its last 4.
Images (PNG, JPEG, GIF, WebP, TIFF, BMP) and PDFs are read with OCR and their text layer: those print
file:page, brand and the masked number. --json prints one line per input file, in order:
  {"file": "<path>", "findings": [{"last4": "1111", "brand": "visa", "page": 1}]} (an "error" when unreadable)
Exit status: 0 found, 1 none found, 2 error.
`;

/** Read size for files; the detector gets whole lines of each read. */
const READ_BYTES = 1 << 20;
const OUT_BYTES = 1 << 16;

export interface ScanIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

interface ScanArgs {
  jsonl: boolean;
  options: DetectOptions;
  files: string[];
}

function parseArgs(argv: string[]): ScanArgs | string {
  const args: ScanArgs = { jsonl: false, options: {}, files: [] };
  let onlyFiles = false;
  for (const a of argv) {
    if (onlyFiles || a === '-' || !a.startsWith('-')) args.files.push(a);
    else if (a === '--') onlyFiles = true;
    else if (a === '--jsonl') args.jsonl = true;
    else if (a === '--html') args.options.html = true;
    else if (a === '--unionpay-luhn-exempt') args.options.unionPayLuhnExempt = true;
    else return `unknown option '${a}'`;
  }
  return args;
}

/**
 * Output collected as bytes and handed to the stream once per input block: writing a line is a copy, not a
 * string concatenation and an `await` (per-line awaits and strings cost more than the scan itself).
 */
class Output {
  private buf = Buffer.allocUnsafe(OUT_BYTES);
  private len = 0;
  private failed: Error | undefined;
  constructor(private readonly out: Writable) {
    // EPIPE and the like arrive as 'error' events; without a listener they would crash the process.
    out.on('error', (e: Error) => {
      this.failed = e;
    });
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(bigger, 0, 0, this.len);
    this.buf = bigger;
  }

  /** Appends text as UTF-8. */
  write(s: string): void {
    this.room(s.length * 3); // a UTF-16 code unit is at most 3 UTF-8 bytes
    this.len += this.buf.write(s, this.len);
  }

  /** Appends raw bytes src[from, to). */
  bytes(src: Uint8Array, from: number, to: number): void {
    this.room(to - from);
    const buf = this.buf;
    let at = this.len;
    if (to - from > 64) buf.set(src.subarray(from, to), at);
    else for (let p = from; p < to; p++) buf[at++] = src[p]!; // an id: shorter than a native call's set-up
    this.len += to - from;
  }

  async flush(): Promise<void> {
    if (this.failed) throw this.failed;
    if (this.len === 0) return;
    // The stream may keep the chunk until it is written: hand it over and start a new buffer.
    const chunk = this.buf.subarray(0, this.len);
    this.buf = Buffer.allocUnsafe(this.buf.length);
    this.len = 0;
    if (!this.out.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = (): void => {
          this.out.off('error', onError);
          resolve();
        };
        const onError = (err: Error): void => {
          this.out.off('drain', onDrain);
          reject(err);
        };
        this.out.once('drain', onDrain);
        this.out.once('error', onError);
      });
    }
  }
}

/** A block of whole lines; `last` when the input ended (the final line may lack its newline). */
interface Block {
  bytes: Buffer;
  last: boolean;
}

/**
 * Yields blocks of whole lines as raw bytes as soon as they arrive, so a caller talking to `scan --jsonl` over a
 * pipe gets each answer without waiting for more input. With `overlap`, each block after the first starts with
 * the previous block's last line (table mode: a number may wrap onto the next line, so that line is scanned again
 * with what follows). Bytes, not text: a newline byte never occurs inside a multi-byte UTF-8 character, and only
 * the lines the pre-filter (prefilter.ts) selects are ever decoded. A block is only valid until the next one.
 */
async function* lineBlocks(input: Readable, overlap: boolean): AsyncGenerator<Block> {
  let kept: Buffer = Buffer.alloc(0); // the carried last line (overlap) and any incomplete tail
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const nl = buf.lastIndexOf(10);
    if (nl < 0) {
      kept = kept.length === 0 ? buf : Buffer.concat([kept, buf]); // no complete line yet: keep reading
      continue;
    }
    const bytes = kept.length === 0 ? buf.subarray(0, nl + 1) : Buffer.concat([kept, buf.subarray(0, nl + 1)]);
    yield { bytes, last: false };
    const from = overlap ? bytes.lastIndexOf(10, bytes.length - 2) + 1 : bytes.length;
    kept = Buffer.concat([bytes.subarray(from), buf.subarray(nl + 1)]);
  }
  if (kept.length > 0) yield { bytes: kept, last: true };
}

/**
 * Same blocks, read from a file into one reused buffer (no allocation per read, so memory stays flat and the
 * garbage collector idle). The buffer grows only for a line longer than itself.
 */
async function* fileBlocks(path: string, overlap: boolean): AsyncGenerator<Block> {
  const fd = openSync(path, 'r');
  try {
    let buf = Buffer.allocUnsafe(2 * READ_BYTES);
    let filled = 0;
    let seen = 0; // bytes already searched for a newline (the kept part)
    for (;;) {
      if (buf.length - filled < READ_BYTES) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      const n = readSync(fd, buf, filled, READ_BYTES, null);
      if (n === 0) break;
      filled += n;
      const nl = buf.lastIndexOf(10, filled - 1);
      if (nl < seen) {
        seen = filled;
        continue;
      }
      yield { bytes: buf.subarray(0, nl + 1), last: false };
      const from = overlap ? buf.lastIndexOf(10, nl - 1) + 1 : nl + 1;
      buf.copyWithin(0, from, filled);
      filled -= from;
      seen = nl + 1 - from;
    }
    if (filled > 0) yield { bytes: buf.subarray(0, filled), last: true };
  } finally {
    closeSync(fd);
  }
}

function maskedNumber(text: string, f: CardFinding): string {
  return '*'.repeat(cardDigits(text, f).length - 4) + f.last4;
}

/** Newlines in buf[from, to). */
function countLines(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let p = buf.indexOf(10, from); p >= 0 && p < to; p = buf.indexOf(10, p + 1)) n++;
  return n;
}

/** Table mode for one input. Returns the number of findings. */
async function scanText(name: string, blocks: AsyncIterable<Block>, options: DetectOptions, out: Output): Promise<number> {
  let found = 0;
  let lineNo = 1; // line number of the block's first byte
  for await (const { bytes: block, last } of blocks) {
    // The block's last line comes again at the start of the next block (it may wrap onto what follows), so
    // only findings before it are reported here; the final block reports all.
    const limit = last ? block.length : block.lastIndexOf(10, block.length - 2) + 1;
    // HTML is not pre-filtered: the whole block goes to the detector.
    const spans = options.html ? [0, block.length] : candidateLines(block);
    let at = 0;
    let line = lineNo;
    for (let i = 0; i < spans.length && spans[i]! < limit; i += 2) {
      line += countLines(block, at, spans[i]!);
      at = spans[i]!;
      const text = block.toString('utf8', spans[i]!, spans[i + 1]!);
      const textLimit = spans[i + 1]! <= limit ? text.length : block.toString('utf8', spans[i]!, limit).length;
      let fLine = line;
      let lineStart = 0;
      for (const f of findCardNumbers(text, options)) {
        if (f.start >= textLimit) break;
        for (let nl = text.indexOf('\n', lineStart); nl >= 0 && nl < f.start; nl = text.indexOf('\n', lineStart)) {
          fLine++;
          lineStart = nl + 1;
        }
        found++;
        const cvv = f.cvv ? '  +cvv' : '';
        out.write(`${name}:${fLine}:${f.start - lineStart + 1}\t${f.brand}\t${maskedNumber(text, f)}${cvv}\n`);
      }
    }
    lineNo = line + countLines(block, at, limit);
    await out.flush();
  }
  return found;
}

const NO_FINDINGS = Buffer.from(',"findings":[]}\n');

/** JSONL mode for one input: one output line per non-blank input line, same order. */
async function scanJsonl(name: string, blocks: AsyncIterable<Block>, options: DetectOptions, out: Output, err: Writable): Promise<{
  found: number;
  errors: number;
}> {
  let found = 0;
  let errors = 0;
  let lineNo = 0;
  for await (const { bytes: block } of blocks) {
    let p = 0;
    while (p < block.length) {
      let nl = block.indexOf(10, p);
      if (nl < 0) nl = block.length;
      const start = p;
      p = nl + 1;
      lineNo++;
      // Most lines are `{"id":…,"text":"…"}` without a card-shaped run: answered without decoding them.
      const quick = options.html ? undefined : readJsonlLine(block, start, nl);
      if (quick?.check === 'cold') {
        out.bytes(block, start, quick.id[1]); // `{"id":<id>` as it came: ASCII, checked by readJsonlLine
        out.bytes(NO_FINDINGS, 0, NO_FINDINGS.length);
        continue;
      }
      let id: unknown = null;
      let text: unknown;
      if (quick?.check === 'hot') {
        // The same values JSON.parse would give, without decoding and parsing the whole line.
        id = JSON.parse(block.toString('latin1', quick.id[0], quick.id[1])) as unknown;
        text = decodeJsonText(block, quick.text[0], quick.text[1]);
      } else {
        const line = block.toString('utf8', start, nl);
        if (line.trim() === '') continue;
        try {
          const rec = JSON.parse(line) as { id?: unknown; text?: unknown };
          id = rec.id ?? null;
          text = rec.text;
        } catch {
          text = undefined;
        }
      }
      if (typeof text !== 'string') {
        errors++;
        err.write(`redactor scan: ${name}:${lineNo}: expected a JSON object with a string "text"\n`);
        out.write(`${JSON.stringify({ id, findings: [], error: 'invalid input line' })}\n`);
        continue;
      }
      const findings = findCardNumbers(text, options).map((f) => {
        const o: { start: number; end: number; last4: string; brand: string; cvv?: { start: number; end: number } } =
          { start: f.start, end: f.end, last4: f.last4, brand: f.brand };
        if (f.cvv) o.cvv = f.cvv;
        return o;
      });
      found += findings.length;
      out.write(findings.length === 0 ? `{"id":${JSON.stringify(id)},"findings":[]}\n` : `${JSON.stringify({ id, findings })}\n`);
    }
    await out.flush();
  }
  return { found, errors };
}


function expand(files: string[], err: Writable): { paths: string[]; errors: number } {
  const paths: string[] = [];
  let errors = 0;
  for (const f of files) {
    try {
      if (f !== '-' && statSync(f).isDirectory()) paths.push(...walk(f));
      else paths.push(f);
    } catch (e) {
      errors++;
      err.write(`redactor scan: ${f}: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
  return { paths, errors };
}

export async function scanMain(argv: string[], io: ScanIo = process): Promise<number> {
  // Images, PDFs and --json go to the file reader (OCR, PDF text layers): cli/scan-files.ts.
  if (wantsFileReader(argv)) return scanFilesMain(argv, io);
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    io.stderr.write(`redactor scan: ${args}\n${USAGE}`);
    return 2;
  }
  if (argv.includes('-h') || argv.includes('--help')) {
    io.stdout.write(USAGE);
    return 0;
  }
  const out = new Output(io.stdout);
  let found = 0;
  const expanded = expand(args.files.length === 0 ? ['-'] : args.files, io.stderr);
  let errors = expanded.errors;
  const inputs = expanded.paths;
  for (const file of inputs) {
    const name = file === '-' ? '(stdin)' : file;
    try {
      const blocks = file === '-' ? lineBlocks(io.stdin, !args.jsonl) : fileBlocks(file, !args.jsonl);
      if (args.jsonl) {
        const r = await scanJsonl(name, blocks, args.options, out, io.stderr);
        found += r.found;
        errors += r.errors;
      } else {
        found += await scanText(name, blocks, args.options, out);
      }
    } catch (e) {
      // The reader went away (`scan … | head`): stop quietly, like grep does on SIGPIPE.
      // Table mode writes only findings, so a broken pipe means something was found.
      if ((e as NodeJS.ErrnoException).code === 'EPIPE') return args.jsonl && found === 0 ? 1 : 0;
      errors++;
      io.stderr.write(`redactor scan: ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
  try {
    await out.flush();
  } catch {
    return 2; // e.g. EPIPE: the reader went away
  }
  if (errors > 0) return 2;
  return found > 0 ? 0 : 1;
}

/** For `redactor scan --help` (cli/redactor.ts). */
export { USAGE as SCAN_USAGE };
