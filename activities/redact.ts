// Step 6: redact what detection found. The comment is read again and only what still matches
// a fingerprint is redacted, so a number someone already removed is recorded, not an error.
import { log } from '@temporalio/activity';
import type { AttachmentRef, CardFindingRef } from '../workflows/types';
import { readTicket } from './detect';
import { zendeskCall } from './failures';
import { blockOut, wrapRedactions, type Span } from './html-redact';
import { commentText, findingsIn, isLiveAttachment, toRef, type CommentLike } from './scan';
import type { ZendeskApi } from './zendesk-api';
import { isZendeskApiError } from './zendesk-api';

export interface RedactionReport {
  redacted: CardFindingRef[];
  alreadyGone: CardFindingRef[];
  attachmentsRedacted: AttachmentRef[];
  /** Still present but out of comment_redactions' reach (HTML comments, <style>, <script>): residuals. */
  unredactable?: CardFindingRef[];
}

export interface RedactDeps {
  zendesk: ZendeskApi;
  fingerprintKey: string;
  /** Which Zendesk endpoint redacts comment text. */
  redactionApi: 'agent_workspace' | 'legacy';
  /** Use the legacy endpoint when comment_redactions is unavailable (Agent Workspace off). */
  legacyFallback: boolean;
}

export function createRedactActivities(deps: RedactDeps) {
  const { zendesk, fingerprintKey } = deps;

  async function redactComment(ticketId: number, comment: CommentLike, wanted: CardFindingRef[], report: RedactionReport) {
    const { text, html } = commentText(comment);
    const wantedPrints = new Set(wanted.map((f) => f.fingerprint));
    const current = findingsIn(text, html).map((f) => ({ raw: f, ref: toRef(fingerprintKey, comment.id, text, f) }));
    const matching = current.filter((c) => wantedPrints.has(c.ref.fingerprint));
    const present = new Set(matching.map((t) => t.ref.fingerprint));
    report.alreadyGone.push(...wanted.filter((f) => !present.has(f.fingerprint)));
    (report.unredactable ??= []).push(...matching.filter((t) => t.raw.redactable === false).map((t) => t.ref));
    const targets = matching.filter((t) => t.raw.redactable !== false);
    if (targets.length === 0) return;

    const spans: Span[] = targets.map((t) => ({ start: t.ref.start, end: t.ref.end, element: t.raw.element }));
    let useLegacy = deps.redactionApi === 'legacy' || !html;
    if (!useLegacy) {
      try {
        await zendesk.redactCommentHtml(ticketId, comment.id, wrapRedactions(text, spans));
      } catch (err) {
        const unavailable = isZendeskApiError(err) && (err.status === 403 || err.status === 404);
        if (!(unavailable && deps.legacyFallback)) throw err;
        log.warn('comment_redactions unavailable; using the legacy redaction endpoint', { ticketId, commentId: comment.id });
        useLegacy = true;
      }
    }
    if (useLegacy) await redactWithLegacyEndpoint(ticketId, comment, wantedPrints);
    report.redacted.push(...targets.map((t) => t.ref));
  }

  /** The legacy endpoint takes the exact string; it goes to Zendesk only, never into our state. */
  async function redactWithLegacyEndpoint(ticketId: number, comment: CommentLike, wantedPrints: Set<string>) {
    const plain = comment.plain_body ?? comment.body ?? '';
    for (const f of findingsIn(plain, false)) {
      if (!wantedPrints.has(toRef(fingerprintKey, comment.id, plain, f).fingerprint)) continue;
      await zendesk.redactCommentText(ticketId, comment.id, plain.slice(f.start, f.end));
      if (f.cvv) await zendesk.redactCommentText(ticketId, comment.id, plain.slice(f.cvv.start, f.cvv.end));
    }
  }

  return {
    async redactFindings(input: { ticketId: number; findings: CardFindingRef[]; attachments: AttachmentRef[] }): Promise<RedactionReport> {
      const { ticketId } = input;
      return zendeskCall(`redact ticket ${ticketId}`, async () => {
        const report: RedactionReport = { redacted: [], alreadyGone: [], attachmentsRedacted: [], unredactable: [] };
        const { ticket, comments } = await readTicket(zendesk, ticketId);
        const closed = ticket.status === 'closed';

        // Attachments first: on a closed ticket they go through comment_redactions, which needs
        // the comment's html_body as it is before any text redaction changes it.
        for (const a of input.attachments) {
          const comment = comments.find((c) => c.id === a.commentId);
          const file = comment?.attachments?.find((x) => x.id === a.attachmentId);
          if (!comment || !file || !isLiveAttachment(file)) continue;
          if (closed && file.content_url) {
            await zendesk.redactCommentHtml(ticketId, comment.id, comment.html_body ?? '', [file.content_url]);
          } else {
            await zendesk.redactAttachment(ticketId, comment.id, file.id);
          }
          report.attachmentsRedacted.push(a);
        }

        const fresh = input.attachments.length > 0 ? (await readTicket(zendesk, ticketId)).comments : comments;
        const byComment = new Map<number, CardFindingRef[]>();
        const inSubject: CardFindingRef[] = [];
        for (const f of input.findings) {
          if (f.commentId === null) inSubject.push(f);
          else byComment.set(f.commentId, [...(byComment.get(f.commentId) ?? []), f]);
        }
        for (const [commentId, wanted] of byComment) {
          const comment = fresh.find((c) => c.id === commentId);
          if (!comment) report.alreadyGone.push(...wanted);
          else await redactComment(ticketId, comment, wanted, report);
        }

        if (inSubject.length > 0) {
          // Subjects have no redaction endpoint: overwrite the digits with block glyphs.
          const subject = ticket.subject ?? '';
          const prints = new Set(inSubject.map((f) => f.fingerprint));
          const current = findingsIn(subject, false).map((f) => toRef(fingerprintKey, null, subject, f));
          const targets = current.filter((f) => prints.has(f.fingerprint));
          const present = new Set(targets.map((t) => t.fingerprint));
          report.alreadyGone.push(...inSubject.filter((f) => !present.has(f.fingerprint)));
          if (targets.length > 0) {
            await zendesk.updateTicket(ticketId, { subject: blockOut(subject, targets) });
            report.redacted.push(...targets);
          }
        }
        return report;
      });
    },
  };
}
