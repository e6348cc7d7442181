/**
 * Reads the files attached to a ticket's comments and turns what they show into references: attachment id,
 * masked file name, page, last 4, brand, keyed fingerprint, confidence. No text read from a file leaves here.
 * A file that cannot be read comes back as "not scanned" with its reason: nothing is skipped silently.
 */
import { z } from 'zod';
import { cardDigits, findCardNumbers, type Brand } from '../detection';
import { findCardNumbersOcr, OCR_MIN_CONFIDENCE, withLineFindings, type OcrWord } from '../detection/ocr';
import { createFileReader, downloadAttachment, notScannedReasonSchema, type PageText, type ReadLimits } from '../files';
import { fingerprintCard } from '../security/fingerprint';
import { maskCardNumbers } from '../security/mask';
import { isLiveAttachment, type AttachmentLike } from './scan';

export const fileFindingRefSchema = z.object({
  commentId: z.number(),
  attachmentId: z.number(),
  /** Card numbers in the name itself are masked. */
  fileName: z.string(),
  page: z.number().int().min(1),
  last4: z.string().regex(/^\d{4}$/),
  /** One of detection/brands.ts's names. */
  brand: z.custom<Brand>((v) => typeof v === 'string' && /^[a-z]+$/.test(v)),
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  /** 0–100: the lowest OCR word confidence of the number's digits; 100 for a text layer. */
  confidence: z.number().min(0).max(100),
  /** Under OCR_MIN_CONFIDENCE: in automatic mode a lead takes a look instead of an automatic redaction. */
  lowConfidence: z.boolean(),
});
export type FileFindingRef = z.infer<typeof fileFindingRefSchema>;

export const notScannedFileSchema = z.object({
  commentId: z.number(),
  attachmentId: z.number(),
  fileName: z.string(),
  reason: notScannedReasonSchema,
  detail: z.string(),
});
export type NotScannedFile = z.infer<typeof notScannedFileSchema>;

export const attachmentScanSchema = z.object({
  findings: z.array(fileFindingRefSchema),
  notScanned: z.array(notScannedFileSchema),
  /** Files read (found or not), for progress counts. */
  scanned: z.number().int(),
});
export type AttachmentScan = z.infer<typeof attachmentScanSchema>;

/** Files that were not read at all; one cut at the page bound was read (its first pages) and is not among them. */
export function unreadIds(notScanned: readonly NotScannedFile[]): Set<number> {
  return new Set(notScanned.filter((n) => n.reason !== 'too_many_pages').map((n) => n.attachmentId));
}

export interface AttachmentCommentLike {
  id: number;
  attachments?: (AttachmentLike & { size?: number | null })[] | null;
}

export interface AttachmentScannerDeps {
  zendeskUrl: string;
  email: string;
  token: string;
  fingerprintKey: string;
  limits?: Partial<ReadLimits>;
}

export interface AttachmentScanner {
  scanAttachments(comments: readonly AttachmentCommentLike[]): Promise<AttachmentScan>;
  /** Stops the OCR workers (worker shutdown). */
  close(): Promise<void>;
}

/** `length`: how many digits the number has (for a masked display such as ************1111). */
export type PageFinding = { last4: string; brand: Brand; fingerprint: string; confidence: number; length: number };

/** Card numbers on one page of a file, deduplicated by fingerprint. Also used by bench/attachments.ts. */
export function pageFindings(key: string, page: PageText): PageFinding[] {
  const out = new Map<string, PageFinding>();
  const found =
    page.source === 'ocr'
      ? withLineFindings(page.text, (t, at) => findCardNumbersOcr(t, wordsIn(page.words ?? [], at, t.length)))
      : page.html
        ? findCardNumbers(page.text, { html: true }).map((f) => ({ ...f, digits: cardDigits(page.text, f), confidence: 100 }))
        : withLineFindings(page.text, (t) => findCardNumbers(t).map((f) => ({ ...f, digits: cardDigits(t, f), confidence: 100 })));
  for (const f of found) {
    const fingerprint = fingerprintCard(key, f.digits);
    const seen = out.get(fingerprint);
    if (!seen || seen.confidence < f.confidence) out.set(fingerprint, { last4: f.last4, brand: f.brand, fingerprint, confidence: Math.round(f.confidence), length: f.digits.length });
  }
  return [...out.values()];
}

/** The words inside [at, at + length), with offsets relative to `at`. */
function wordsIn(words: readonly OcrWord[], at: number, length: number): OcrWord[] {
  return words.filter((w) => w.start >= at && w.end <= at + length).map((w) => ({ ...w, start: w.start - at, end: w.end - at }));
}

export function createAttachmentScanner(deps: AttachmentScannerDeps): AttachmentScanner {
  const reader = createFileReader(deps.limits);
  const authorization = 'Basic ' + Buffer.from(`${deps.email}/token:${deps.token}`).toString('base64');

  const scanOne = async (commentId: number, a: AttachmentLike & { size?: number | null }): Promise<{ findings: FileFindingRef[]; notScanned: NotScannedFile[] }> => {
    const fileName = maskCardNumbers(a.file_name);
    const skip = (reason: NotScannedFile['reason'], detail: string): { findings: FileFindingRef[]; notScanned: NotScannedFile[] } => ({
      findings: [],
      notScanned: [{ commentId, attachmentId: a.id, fileName, reason, detail }],
    });
    const max = reader.limits.maxBytes;
    // Zendesk reports the size: a file known to be too large is not downloaded at all.
    if (typeof a.size === 'number' && a.size > max) return skip('too_large', `${a.size} bytes, over the ${max}-byte limit`);
    if (!a.content_url) return skip('download_failed', 'the attachment has no content_url');
    const dl = await downloadAttachment(a.content_url, { zendeskUrl: deps.zendeskUrl, authorization, maxBytes: max, timeoutMs: reader.limits.timeoutMs });
    if ('notScanned' in dl) return skip(dl.notScanned, dl.detail);
    const read = await reader.read(dl.bytes);
    if (read.notScanned) return skip(read.notScanned, read.detail);
    const findings: FileFindingRef[] = [];
    for (const page of read.pages) {
      for (const f of pageFindings(deps.fingerprintKey, page)) {
        findings.push({ commentId, attachmentId: a.id, fileName, page: page.page, last4: f.last4, brand: f.brand, fingerprint: f.fingerprint, confidence: f.confidence, lowConfidence: f.confidence < OCR_MIN_CONFIDENCE });
      }
    }
    const notScanned: NotScannedFile[] = [];
    if (read.skippedPages) {
      const first = read.pages.length + 1;
      notScanned.push({ commentId, attachmentId: a.id, fileName, reason: 'too_many_pages', detail: `pages ${first}–${first + read.skippedPages - 1} not read (limit ${reader.limits.maxPages})` });
    }
    return { findings, notScanned };
  };

  return {
    async scanAttachments(comments) {
      const jobs = comments.flatMap((c) => (c.attachments ?? []).filter(isLiveAttachment).map((a) => ({ commentId: c.id, a })));
      const results = await Promise.all(jobs.map((j) => reader.withSlot(() => scanOne(j.commentId, j.a))));
      const findings = results.flatMap((r) => r.findings);
      const notScanned = results.flatMap((r) => r.notScanned);
      const scanned = results.filter((r) => unreadIds(r.notScanned).size === 0).length;
      return attachmentScanSchema.parse({ findings, notScanned, scanned });
    },
    close: () => reader.close(),
  };
}
