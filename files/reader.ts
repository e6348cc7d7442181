/**
 * Reads what a file shows: text layers of PDFs, OCR of images and scanned PDF pages, text-like files as text.
 * Bounded in bytes, pages, time per file and files at once. What it returns stays in the process that asked.
 */
import { OcrPool, OcrTimeout } from './ocr-pool';
import { readPdf } from './pdf';
import { imageFrames, prepareForOcr } from './preprocess';
import { decodeText, sniffType } from './sniff';
import { DEFAULT_LIMITS, notScanned, type FileKind, type FileReadResult, type PageText, type ReadLimits } from './types';

export interface FileReader {
  /** Reads one file's bytes. Never throws for a file's content: an unreadable file is `notScanned` with a reason. */
  read(bytes: Buffer): Promise<FileReadResult>;
  /** Runs `fn` when a reading slot is free (downloads take a slot too, so memory stays bounded). */
  withSlot<T>(fn: () => Promise<T>): Promise<T>;
  readonly limits: ReadLimits;
  close(): Promise<void>;
}

export function createFileReader(limits: Partial<ReadLimits> = {}): FileReader {
  const l: ReadLimits = { ...DEFAULT_LIMITS, ...limits };
  const pool = new OcrPool(l.concurrency);
  const slots = new Semaphore(l.concurrency);

  const ocrPage = async (bytes: Buffer, kind: FileKind, page: number, frame: number, deadline: number): Promise<PageText> => {
    const image = await prepareForOcr(bytes, kind, frame);
    const r = await pool.recognize(image, Math.max(1, deadline - Date.now()));
    return { page, text: r.text, confidence: r.confidence, source: 'ocr', words: r.words };
  };

  const readBytes = async (bytes: Buffer): Promise<FileReadResult> => {
    if (bytes.length > l.maxBytes) return notScanned('too_large', `${bytes.length} bytes, over the ${l.maxBytes}-byte limit`);
    const deadline = Date.now() + l.timeoutMs;
    const sniffed = await sniffType(bytes);
    if ('unsupported' in sniffed) return notScanned('unsupported_type', sniffed.unsupported);
    const kind = sniffed.kind;
    try {
      if (kind === 'text' || kind === 'html') {
        return { kind, pages: [{ page: 1, text: decodeText(bytes), confidence: 100, source: 'text', ...(kind === 'html' ? { html: true } : {}) }] };
      }
      if (kind === 'pdf') {
        const pdf = await readPdf(bytes, l.maxPages, l.timeoutMs);
        if ('notScanned' in pdf) return notScanned(pdf.notScanned, pdf.detail);
        const pages: PageText[] = [];
        for (const p of pdf.pages) {
          if (p.image) pages.push(await ocrPage(p.image, 'png', p.page, 0, deadline));
          else pages.push({ page: p.page, text: p.text, confidence: 100, source: 'text' });
        }
        const skipped = pdf.pageCount - pdf.pages.length;
        return { kind, pages, ...(skipped > 0 ? { skippedPages: skipped } : {}) };
      }
      const frames = await imageFrames(bytes, kind, l.maxPages);
      const pages: PageText[] = [];
      for (let f = 0; f < frames; f++) pages.push(await ocrPage(bytes, kind, f + 1, f, deadline));
      return { kind, pages };
    } catch (e) {
      if (e instanceof OcrTimeout) return notScanned('ocr_timeout', `OCR not done within ${l.timeoutMs} ms`);
      // Decoder errors name the format problem, never the content.
      return notScanned('unreadable', `${kind} could not be decoded (${e instanceof Error ? e.name : 'error'})`);
    }
  };

  return {
    limits: l,
    read: (bytes) => readBytes(bytes),
    withSlot: (fn) => slots.run(fn),
    close: () => pool.close(),
  };
}

/** At most `n` tasks at once. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly n: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    // A finished task hands its slot straight to the next waiter, so no newcomer can slip in between.
    if (this.active >= this.n) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
