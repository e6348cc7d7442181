// How files are named to people (Slack card, child ticket, notes): references only, shared by the workflow and
// the child-ticket activity so both say the same thing.
import type { AttachmentRef, NotScannedRef } from './types';

const NOT_SCANNED_LABELS: Record<NotScannedRef['reason'], string> = {
  encrypted_pdf: 'encrypted PDF',
  unsupported_type: 'unsupported type',
  too_large: 'too large',
  too_many_pages: 'too many pages',
  ocr_timeout: 'OCR time-out',
  read_timeout: 'read time-out',
  download_failed: 'download failed',
  unreadable: 'unreadable',
};

/** "statement.pdf in comment 12: not scanned (encrypted PDF: the PDF needs a password)". */
export function describeNotScanned(n: NotScannedRef): string {
  return `${n.fileName} in comment ${n.commentId}: not scanned (${NOT_SCANNED_LABELS[n.reason]}: ${n.detail})`;
}

/** "receipt.png (page 1): card ending 1111 (visa)", or "file receipt.png" for a file named by an agent. */
export function describeFile(a: AttachmentRef): string {
  if (!a.cards?.length) return `file ${a.fileName}`;
  const cards = a.cards.map((c) => `${a.fileName} (page ${c.page}): card ending ${c.last4} (${c.brand})${c.lowConfidence ? ', needs a look: low OCR confidence' : ''}`);
  return [...new Set(cards)].join(', ');
}

