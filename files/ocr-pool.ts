/**
 * A bounded pool of tesseract.js workers (each a worker thread running tesseract's WebAssembly build).
 * The English model comes from the npm package @tesseract.js-data/eng: nothing is downloaded at run time,
 * and `cacheMethod: 'none'` keeps tesseract from writing a copy of the model into the working directory.
 */
import { createWorker, OEM, type Block, type Worker as TesseractWorker } from 'tesseract.js';
import { type WordSpan } from './types';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ENG = require('@tesseract.js-data/eng') as { langPath: string; gzip: boolean };

export interface OcrText {
  text: string;
  confidence: number;
  words: WordSpan[];
}

/** An OCR worker idle this long is stopped; the next image starts one again (about a second). */
const IDLE_MS = 60_000;

export class OcrTimeout extends Error {
  constructor() {
    super('OCR timed out');
    this.name = 'OcrTimeout';
  }
}

interface Job {
  image: Buffer;
  timeoutMs: number;
  resolve: (r: OcrText) => void;
  reject: (e: unknown) => void;
}

export class OcrPool {
  private readonly idle: TesseractWorker[] = [];
  private readonly lastUsed = new WeakMap<TesseractWorker, number>();
  private readonly queue: Job[] = [];
  private live = 0;
  private closed = false;

  constructor(private readonly size: number) {}

  /** Text of an image (PNG/JPEG/BMP… bytes), with word confidences; rejects with OcrTimeout past `timeoutMs`. */
  recognize(image: Buffer, timeoutMs: number): Promise<OcrText> {
    if (this.closed) return Promise.reject(new Error('OCR pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ image, timeoutMs, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('OCR pool is closed'));
    await Promise.all(this.idle.splice(0).map((w) => w.terminate().catch(() => undefined)));
  }

  private pump(): void {
    while (this.queue.length > 0 && (this.idle.length > 0 || this.live < this.size)) {
      const job = this.queue.shift()!;
      const ready = this.idle.pop();
      if (ready) void this.run(ready, job);
      else {
        this.live++;
        createWorker('eng', OEM.LSTM_ONLY, { langPath: ENG.langPath, gzip: ENG.gzip, cacheMethod: 'none' })
          // Images carry no usable resolution (screenshots say 72 dpi or nothing); tell tesseract a scan's.
          .then(async (w) => (await w.setParameters({ user_defined_dpi: '300' }), w))
          .then(
          (w) => this.run(w, job),
          (e: unknown) => {
            this.live--;
            job.reject(e);
            this.pump();
          },
        );
      }
    }
  }

  private async run(worker: TesseractWorker, job: Job): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), job.timeoutMs);
    });
    try {
      const r = await Promise.race([worker.recognize(job.image, {}, { text: false, blocks: true }), timeout]);
      if (r === 'timeout') {
        // A tesseract job cannot be cancelled: the worker goes, and a new one is made on demand.
        this.live--;
        void worker.terminate().catch(() => undefined);
        job.reject(new OcrTimeout());
      } else {
        job.resolve(toText(r.data.blocks ?? []));
        this.release(worker);
      }
    } catch (e) {
      this.live--;
      void worker.terminate().catch(() => undefined);
      job.reject(e);
    } finally {
      clearTimeout(timer);
      this.pump();
    }
  }

  private release(worker: TesseractWorker): void {
    if (this.closed) {
      this.live--;
      void worker.terminate().catch(() => undefined);
      return;
    }
    this.idle.push(worker);
    // An idle OCR worker holds ~150 MB: a worker that reads files now and then gives it back.
    setTimeout(() => {
      const at = this.idle.indexOf(worker);
      if (at < 0 || this.lastUsed.get(worker)! > Date.now() - IDLE_MS + 50) return;
      this.idle.splice(at, 1);
      this.live--;
      void worker.terminate().catch(() => undefined);
    }, IDLE_MS).unref();
    this.lastUsed.set(worker, Date.now());
  }
}

/** Page text rebuilt from tesseract's words (lines joined by newlines), with each word's span and confidence. */
function toText(blocks: Block[]): OcrText {
  let text = '';
  const words: WordSpan[] = [];
  let confSum = 0;
  let chars = 0;
  for (const block of blocks) {
    for (const para of block.paragraphs) {
      for (const line of para.lines) {
        let first = true;
        for (const w of line.words) {
          const t = w.text.trim();
          if (t === '') continue;
          if (!first) text += ' ';
          first = false;
          words.push({ start: text.length, end: text.length + t.length, confidence: w.confidence });
          text += t;
          confSum += w.confidence * t.length;
          chars += t.length;
        }
        if (!first) text += '\n';
      }
    }
    text += '\n';
  }
  return { text, confidence: chars > 0 ? confSum / chars : 0, words };
}
