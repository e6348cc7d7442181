/**
 * `redactor scan` on images and PDFs (and `--json`): each file is read by files/ (text layer, OCR) and scanned
 * for card numbers. Prints `file:page`, brand and the masked number; `--json` prints one line per input file, in
 * the order given. A file that cannot be read gets an "error" and the run goes on. Exit: 0 found, 1 none, 2 error.
 * The OCR libraries load only when this path is taken, so the text path stays fast.
 */
import { closeSync, openSync, readSync, readFileSync, statSync } from 'node:fs';
import type * as AttachmentScan from '../activities/attachment-scan';
import type * as Files from '../files';
import type { ScanIo } from './scan';
import { walk } from './walk';

/** Leading bytes of the formats the file reader takes and the text path does not. */
const MAGIC: Buffer[] = [
  Buffer.from('%PDF-'),
  Buffer.from('89504e47', 'hex'),
  Buffer.from('ffd8ff', 'hex'),
  Buffer.from('GIF8'),
  Buffer.from('RIFF'),
  Buffer.from('49492a00', 'hex'),
  Buffer.from('4d4d002a', 'hex'),
  Buffer.from('BM'),
];

function looksLikeImageOrPdf(path: string): boolean {
  let fd: number | undefined;
  try {
    if (!statSync(path).isFile()) return false;
    fd = openSync(path, 'r');
    const head = Buffer.alloc(8);
    const n = readSync(fd, head, 0, 8, 0);
    return MAGIC.some((m) => n >= m.length && head.subarray(0, m.length).equals(m));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Whether `scan` should take the file-reader path: `--json`, or an image or PDF among the inputs. */
export function wantsFileReader(argv: string[]): boolean {
  if (argv.includes('--json')) return true;
  return argv.some((a) => a !== '-' && !a.startsWith('-') && looksLikeImageOrPdf(a));
}


const FINGERPRINT_KEY = 'redactor-scan-cli: findings are only compared within one run';

async function readInput(path: string, io: ScanIo): Promise<Buffer> {
  if (path !== '-') return readFileSync(path);
  const chunks: Buffer[] = [];
  for await (const c of io.stdin as AsyncIterable<Buffer | string>) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks);
}

interface FileOutcome {
  findings: { last4: string; brand: string; page: number; length: number }[];
  error?: string;
}

export async function scanFilesMain(argv: string[], io: ScanIo): Promise<number> {
  const json = argv.includes('--json');
  const inputs: string[] = [];
  let onlyFiles = false;
  for (const a of argv) {
    if (onlyFiles || a === '-' || !a.startsWith('-')) inputs.push(a);
    else if (a === '--') onlyFiles = true;
    else if (a !== '--json') {
      io.stderr.write(`redactor scan: option '${a}' does not apply to images and PDFs (use --json)\n`);
      return 2;
    }
  }
  if (inputs.length === 0) inputs.push('-');
  /* eslint-disable @typescript-eslint/no-require-imports */
  const files = require('../files') as typeof Files;
  const { pageFindings } = require('../activities/attachment-scan') as typeof AttachmentScan;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const reader = files.createFileReader();

  // A directory stands for the files under it, each its own line.
  const expanded: { name: string; path?: string; error?: string }[] = [];
  for (const f of inputs) {
    try {
      if (f !== '-' && statSync(f).isDirectory()) for (const p of walk(f)) expanded.push({ name: p, path: p });
      else expanded.push({ name: f, path: f });
    } catch (e) {
      expanded.push({ name: f, error: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot be read' });
    }
  }

  const outcome = async (item: { name: string; path?: string; error?: string }): Promise<FileOutcome> => {
    if (item.error || item.path === undefined) return { findings: [], error: item.error ?? 'cannot be read' };
    let bytes: Buffer;
    try {
      bytes = await readInput(item.path, io);
    } catch (e) {
      return { findings: [], error: (e as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a directory' : 'cannot be read' };
    }
    const r = await reader.read(bytes);
    if (r.notScanned) return { findings: [], error: `not scanned: ${r.notScanned} (${r.detail})` };
    const findings = r.pages.flatMap((p) => pageFindings(FINGERPRINT_KEY, p).map((f) => ({ last4: f.last4, brand: f.brand, page: p.page, length: f.length })));
    return r.skippedPages ? { findings, error: `pages after ${r.pages.length} not read (${r.skippedPages} more)` } : { findings };
  };

  // Read in parallel (bounded by the reader's pool), print in the order given.
  const pending = expanded.map((item) => reader.withSlot(() => outcome(item)));
  let found = 0;
  let errors = 0;
  try {
    for (let i = 0; i < expanded.length; i++) {
      const name = expanded[i]!.name === '-' ? '(stdin)' : expanded[i]!.name;
      const o = await pending[i]!;
      const { findings: list, error } = o;
      found += list.length;
      if (error) errors++;
      if (json) {
        const line: Record<string, unknown> = { file: expanded[i]!.name, findings: list.map((f) => ({ last4: f.last4, brand: f.brand, page: f.page })) };
        if (error) line.error = error;
        io.stdout.write(`${JSON.stringify(line)}\n`);
      } else {
        for (const f of list) io.stdout.write(`${name}:${f.page}\t${f.brand}\t${'*'.repeat(Math.max(0, f.length - 4))}${f.last4}\n`);
        if (error) io.stderr.write(`redactor scan: ${name}: ${error}\n`);
      }
    }
  } finally {
    await reader.close();
  }
  if (errors > 0) return 2;
  return found > 0 ? 0 : 1;
}
