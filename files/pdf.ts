/** Runs files/pdf-worker.mjs in a worker thread for one PDF, bounded in time; see that file for why a thread. */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type NotScannedReason } from './types';

export type PdfPage = { page: number; text: string; image?: undefined } | { page: number; image: Buffer; text?: undefined };
export type PdfRead = { pages: PdfPage[]; pageCount: number } | { notScanned: NotScannedReason; detail: string };

/** Rendering scale for pages without a text layer: 2 × 72 dpi = 144 dpi, enough for 10 pt text. */
const RENDER_SCALE = 2;
/** The worker's heap bound: a hostile PDF must not take the activity worker down. */
const WORKER_HEAP_MB = 512;

export function readPdf(bytes: Buffer, maxPages: number, timeoutMs: number): Promise<PdfRead> {
  return new Promise((resolve) => {
    const worker = new Worker(join(__dirname, 'pdf-worker.mjs'), {
      workerData: { bytes, maxPages, renderScale: RENDER_SCALE },
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      stdout: true,
      stderr: true,
    });
    // pdfjs may print warnings; they go nowhere (a warning could quote the file).
    worker.stdout.resume();
    worker.stderr.resume();
    let done = false;
    const finish = (r: PdfRead): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ notScanned: 'read_timeout', detail: `PDF not read within ${timeoutMs} ms` }), timeoutMs);
    worker.once('message', (m: { pages?: { page: number; text?: string; image?: Uint8Array }[]; pageCount?: number; notScanned?: NotScannedReason; detail?: string }) => {
      if (m.notScanned) return finish({ notScanned: m.notScanned, detail: m.detail ?? '' });
      const pages = (m.pages ?? []).map((p): PdfPage => (p.image ? { page: p.page, image: Buffer.from(p.image) } : { page: p.page, text: p.text ?? '' }));
      finish({ pages, pageCount: m.pageCount ?? pages.length });
    });
    worker.once('error', (e) => finish({ notScanned: 'unreadable', detail: `PDF could not be read (${e.name})` }));
    worker.once('exit', () => finish({ notScanned: 'unreadable', detail: 'PDF reader stopped' }));
  });
}
