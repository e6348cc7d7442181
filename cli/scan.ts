/**
 * `redactor scan`: finds card numbers in files (or stdin). Streams, so memory stays flat on any input size.
 * Exit status like grep: 0 found, 1 none found, 2 error.
 */
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Readable, type Writable } from 'node:stream';
import { cardDigits, findCardNumbers, type CardFinding, type DetectOptions } from '../detection';
import { scanFilesMain, wantsFileReader } from './scan-files';

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
const OUT_FLUSH_CHARS = 1 << 16;

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

/** Buffered writer that respects backpressure. */
class Output {
  private buf = '';
  private failed: Error | undefined;
  constructor(private readonly out: Writable) {
    // EPIPE and the like arrive as 'error' events; without a listener they would crash the process.
    out.on('error', (e: Error) => {
      this.failed = e;
    });
  }

  async write(s: string): Promise<void> {
    if (this.failed) throw this.failed;
    this.buf += s;
    if (this.buf.length >= OUT_FLUSH_CHARS) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.failed) throw this.failed;
    if (this.buf === '') return;
    const chunk = this.buf;
    this.buf = '';
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

/**
 * Yields blocks of whole lines as soon as they arrive (the last block may lack a final newline), so a caller
 * talking to `scan --jsonl` over a pipe gets each answer without waiting for more input. Works on bytes: a
 * newline byte never occurs inside a multi-byte UTF-8 character, and Buffer#toString is much faster than a
 * streaming StringDecoder.
 */
async function* lineBlocks(input: Readable): AsyncGenerator<string> {
  let pending: Buffer[] = [];
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const nl = buf.lastIndexOf(10);
    if (nl < 0) {
      pending.push(buf); // no complete line yet (or one very long line): keep reading
      continue;
    }
    const head = buf.subarray(0, nl + 1);
    yield pending.length === 0 ? head.toString('utf8') : Buffer.concat([...pending, head]).toString('utf8');
    pending = nl + 1 < buf.length ? [buf.subarray(nl + 1)] : [];
  }
  if (pending.length > 0) yield Buffer.concat(pending).toString('utf8');
}

function maskedNumber(text: string, f: CardFinding): string {
  return '*'.repeat(cardDigits(text, f).length - 4) + f.last4;
}

/** Table mode for one input. Returns the number of findings. */
async function scanText(name: string, input: Readable, options: DetectOptions, out: Output): Promise<number> {
  let found = 0;
  let carry = '';
  let lineNo = 1; // line number of carry's first character
  const report = async (block: string, limit: number): Promise<void> => {
    // A number may wrap onto the next line, so the block's last line is scanned again with the next block;
    // only findings starting before `limit` are reported here.
    let line = lineNo;
    let lineStart = 0;
    let counted = 0;
    for (const f of findCardNumbers(block, options)) {
      if (f.start >= limit) break;
      for (let nl = block.indexOf('\n', counted); nl >= 0 && nl < f.start; nl = block.indexOf('\n', nl + 1)) {
        line++;
        lineStart = nl + 1;
        counted = nl + 1;
      }
      found++;
      const cvv = f.cvv ? '  +cvv' : '';
      await out.write(`${name}:${line}:${f.start - lineStart + 1}\t${f.brand}\t${maskedNumber(block, f)}${cvv}\n`);
    }
    for (let nl = block.indexOf('\n', counted); nl >= 0 && nl < limit; nl = block.indexOf('\n', nl + 1)) line++;
    lineNo = line;
  };
  for await (const chunk of lineBlocks(input)) {
    const block = carry + chunk;
    // Start of the last complete line: everything before it is final.
    const lastNl = block.lastIndexOf('\n', block.length - 2);
    const limit = lastNl + 1;
    await report(block, limit);
    await out.flush();
    carry = block.slice(limit);
  }
  if (carry !== '') await report(carry, carry.length);
  return found;
}

/** JSONL mode for one input: one output line per non-blank input line, same order. */
async function scanJsonl(name: string, input: Readable, options: DetectOptions, out: Output, err: Writable): Promise<{
  found: number;
  errors: number;
}> {
  let found = 0;
  let errors = 0;
  let lineNo = 0;
  for await (const block of lineBlocks(input)) {
    let p = 0;
    while (p < block.length) {
      let nl = block.indexOf('\n', p);
      if (nl < 0) nl = block.length;
      const line = block.slice(p, nl);
      p = nl + 1;
      lineNo++;
      if (line.trim() === '') continue;
      let id: unknown = null;
      let text: unknown;
      try {
        const rec = JSON.parse(line) as { id?: unknown; text?: unknown };
        id = rec.id ?? null;
        text = rec.text;
      } catch {
        text = undefined;
      }
      if (typeof text !== 'string') {
        errors++;
        err.write(`redactor scan: ${name}:${lineNo}: expected a JSON object with a string "text"\n`);
        await out.write(`${JSON.stringify({ id, findings: [], error: 'invalid input line' })}\n`);
        continue;
      }
      const findings = findCardNumbers(text, options).map((f) => {
        const o: { start: number; end: number; last4: string; brand: string; cvv?: { start: number; end: number } } =
          { start: f.start, end: f.end, last4: f.last4, brand: f.brand };
        if (f.cvv) o.cvv = f.cvv;
        return o;
      });
      found += findings.length;
      await out.write(`${JSON.stringify({ id, findings })}\n`);
    }
    await out.flush();
  }
  return { found, errors };
}

/** Files under a directory, sorted, skipping node_modules and dot-directories. */
function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && !e.name.startsWith('.')) out.push(...walk(path));
    } else if (e.isFile()) out.push(path);
  }
  return out;
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
      const input = file === '-' ? io.stdin : createReadStream(file, { highWaterMark: READ_BYTES });
      if (args.jsonl) {
        const r = await scanJsonl(name, input, args.options, out, io.stderr);
        found += r.found;
        errors += r.errors;
      } else {
        found += await scanText(name, input, args.options, out);
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
