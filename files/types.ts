import { z } from 'zod';

/** Why a file was not read. Each one is listed on the child ticket and the Slack card: nothing is skipped silently. */
export const notScannedReasonSchema = z.enum([
  'encrypted_pdf',
  'unsupported_type',
  'too_large',
  'too_many_pages',
  'ocr_timeout',
  'read_timeout',
  'download_failed',
  'unreadable',
]);
export type NotScannedReason = z.infer<typeof notScannedReasonSchema>;

/** A word of OCR output: its span in the page text and tesseract's confidence (0–100). */
export interface WordSpan {
  start: number;
  end: number;
  confidence: number;
}

export interface PageText {
  page: number;
  /** What the page shows. Stays inside the activity process: never in a payload, log or message. */
  text: string;
  /** 100 for a text layer; tesseract's page confidence for OCR. */
  confidence: number;
  source: 'text' | 'ocr';
  /** OCR only: per-word confidences, so a finding gets the confidence of its own digits. */
  words?: WordSpan[];
  /** The text is HTML (an .html attachment): the detector skips markup. */
  html?: boolean;
}

/** The sniffed kind of a file, from its bytes. */
export type FileKind = 'pdf' | 'png' | 'jpeg' | 'gif' | 'webp' | 'tiff' | 'bmp' | 'text' | 'html';

export type FileReadResult =
  | { kind: FileKind; pages: PageText[]; /** PDF pages past ATTACHMENT_MAX_PAGES, not read. */ skippedPages?: number; notScanned?: undefined }
  | { notScanned: NotScannedReason; detail: string; kind?: undefined; pages?: undefined; skippedPages?: undefined };

/** Bounds of the reader; defaults from config/index.ts. */
export interface ReadLimits {
  /** Bytes per file (ATTACHMENT_MAX_BYTES). */
  maxBytes: number;
  /** Wall time to read one file, download included (ATTACHMENT_READ_TIMEOUT_MS). */
  timeoutMs: number;
  /** Files read at once and OCR workers in the pool (ATTACHMENT_CONCURRENCY). */
  concurrency: number;
  /** PDF pages read per file (ATTACHMENT_MAX_PAGES); a longer PDF reads its first pages and says so. */
  maxPages: number;
}

export const DEFAULT_LIMITS: ReadLimits = { maxBytes: 25 * 1024 * 1024, timeoutMs: 60_000, concurrency: 2, maxPages: 50 };

export function notScanned(reason: NotScannedReason, detail: string): FileReadResult {
  return { notScanned: reason, detail };
}
