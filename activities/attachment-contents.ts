// Detect, for files: read what each attachment of the ticket shows (text layer or OCR) and return references only.
// The whole file is the unit of redaction (the API cannot redact part of an image), so a file with a card
// becomes an attachment of the request; verification then checks that Zendesk replaced it.
import type { AttachmentRef, FileScan, NotScannedRef } from '../workflows/types';
import { unreadIds, type AttachmentScanner, type FileFindingRef } from './attachment-scan';
import { readTicket } from './detect';
import { whileHeartbeating } from './heartbeat';

export interface AttachmentContentDeps {
  zendesk: Parameters<typeof readTicket>[0];
  files: AttachmentScanner;
}

/** Heartbeats while files are read, so a lost worker is noticed in a minute, not at the time-out. */
const HEARTBEAT_MS = 5_000;

export function createAttachmentContentActivities({ zendesk, files }: AttachmentContentDeps) {
  return {
    /** Reads the files not read before (`known`: attachment ids already part of the request or already read). */
    async scanAttachmentContents(input: { ticketId: number; known: number[] }): Promise<FileScan> {
      const { comments } = await readTicket(zendesk, input.ticketId);
      const known = new Set(input.known);
      const unread = comments.map((c) => ({ id: c.id, attachments: (c.attachments ?? []).filter((a) => !known.has(a.id)) })).filter((c) => c.attachments.length > 0);
      if (unread.length === 0) return { attachments: [], notScanned: [], scannedIds: [] };
      const scan = await whileHeartbeating(HEARTBEAT_MS, () => files.scanAttachments(unread));
      const notScanned: NotScannedRef[] = scan.notScanned.map((n) => ({ commentId: n.commentId, attachmentId: n.attachmentId, fileName: n.fileName, reason: n.reason, detail: n.detail }));
      const unreadable = unreadIds(scan.notScanned);
      const scannedIds = unread.flatMap((c) => c.attachments.map((a) => a.id)).filter((id) => !unreadable.has(id));
      return { attachments: asAttachments(scan.findings), notScanned, scannedIds };
    },
  };
}

/** One attachment per file, listing every card it shows. */
function asAttachments(findings: FileFindingRef[]): AttachmentRef[] {
  const byFile = new Map<number, AttachmentRef>();
  for (const f of findings) {
    const file = byFile.get(f.attachmentId) ?? { commentId: f.commentId, attachmentId: f.attachmentId, fileName: f.fileName, reason: 'card_in_file' as const, cards: [] };
    file.cards!.push({ page: f.page, last4: f.last4, brand: f.brand, fingerprint: f.fingerprint, confidence: f.confidence, lowConfidence: f.lowConfidence });
    byFile.set(f.attachmentId, file);
  }
  return [...byFile.values()];
}
