// Backfill activities: one export page per call (scan + report rows), the final report, and the
// run's documentation. They return counts, ticket ids and cursors: never text. The per-ticket
// requests are started by the workflow itself (workflows/backfill.ts).
import type { WebClient } from '@slack/web-api';
import { Context, heartbeat, log } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { BackfillCursor, ReportFormat } from '../workflows/backfill-types';
import { redactionWorkflowId } from '../workflows/ids';
import { fetchTicketEvents, type ExportAuth, type TicketEventAttachments } from './backfill-export';
import { slackCall, zendeskCall } from './failures';
import { unreadIds, type AttachmentScanner } from './attachment-scan';
import { whileHeartbeating } from './heartbeat';
import { commentText, findingsIn, isLiveAttachment } from './scan';
import type { ReportStore } from './report-store';
import type { ZendeskApi } from './zendesk-api';

export interface BackfillDeps {
  zendesk: ZendeskApi;
  slack: WebClient;
  zendeskUrl: string;
  slackChannelId: string;
  /** Credentials for the export endpoint. */
  exportAuth: ExportAuth;
  /** Shared by every worker: page files written by one are merged by another. */
  reportStore: ReportStore;
  /** Reads what files show (--attachments). */
  files?: AttachmentScanner;
}

export interface ScanPageInput {
  backfillId: string;
  cursor: BackfillCursor;
  pageSize: number;
  /** Return the ids of tickets with findings (claim and auto modes need them). */
  wantTicketIds: boolean;
  /** Read what the page's files show (--attachments). */
  attachments?: boolean;
}

export interface ScanPageResult {
  events: number;
  ticketsScanned: number;
  commentsScanned: number;
  findings: number;
  ticketsWithFindings: number;
  findingTicketIds: number[];
  next: BackfillCursor;
  endOfStream: boolean;
  /** The page's report file, when it had findings. */
  reportPage?: string;
  /** --attachments: files read, not read, showing a card; and the bytes read (for the budget). */
  files?: { scanned: number; skipped: number; found: number; bytes: number };
}

/** --attachments: a comment's live files, as the export lists them. */
interface CommentFiles {
  ticketId: number;
  comment: { id: number; attachments: NonNullable<TicketEventAttachments> };
}

/** One report row: references only. `at` (offset, or minus the attachment id) keeps two cards in one comment apart when merging. */
interface ReportRow {
  ticket_id: number;
  comment_id: number | null;
  last4: string;
  brand: string;
  at: number;
  /** A card a file shows: its page (`at` is minus the attachment id). */
  page?: number;
}

// ---------- compact ticket-id sets (sorted, delta-encoded base 36) ----------

export function encodeIds(ids: Iterable<number>): string {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  let prev = 0;
  return sorted
    .map((id) => {
      const d = id - prev;
      prev = id;
      return d.toString(36);
    })
    .join(',');
}

export function decodeIds(s: string): Set<number> {
  const out = new Set<number>();
  if (!s) return out;
  let prev = 0;
  for (const part of s.split(',')) {
    prev += parseInt(part, 36);
    out.add(prev);
  }
  return out;
}

/** Keys in the report store: one object per page with findings, one final report per run. */
export function reportKeys(backfillId: string, format: ReportFormat) {
  return { pages: `${backfillId}/pages/`, final: `${backfillId}.${format}` };
}

/** Store errors no retry can fix (no bucket, bad credentials) stop the run with a clear message. */
const UNUSABLE = new Set(['NoSuchBucket', 'AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'EACCES', 'EROFS']);
async function store<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const e = err as { name?: string; code?: string } | undefined;
    const cause = [e?.name, e?.code].find((n) => n !== undefined && UNUSABLE.has(n));
    if (cause) {
      throw ApplicationFailure.create({ type: 'ReportStoreUnusable', message: `report store: ${what} failed (${cause}); check BACKFILL_REPORT_STORE and its credentials`, nonRetryable: true });
    }
    throw err;
  }
}
export function createBackfillActivities(deps: BackfillDeps) {
  const { zendesk, slack, zendeskUrl, slackChannelId, reportStore } = deps;

  /** --attachments: the page's files, read with the worker's bounded reader; rows and counts, never text. */
  async function readFiles(withFiles: CommentFiles[], rows: ReportRow[], withFindings: Set<number>) {
    const counts = { scanned: 0, skipped: 0, found: 0, bytes: 0 };
    if (withFiles.length === 0) return counts;
    if (!deps.files) throw ApplicationFailure.create({ type: 'AttachmentsUnavailable', message: 'this worker cannot read attachments', nonRetryable: true });
    const files = deps.files;
    await whileHeartbeating(2_000, async () => {
      for (const { ticketId, comment } of withFiles) {
        const scan = await files.scanAttachments([{ id: comment.id, attachments: comment.attachments.map((a) => ({ id: a.id, file_name: a.file_name ?? '', content_url: a.content_url, size: a.size })) }]);
        const unread = unreadIds(scan.notScanned);
        for (const n of scan.notScanned) if (unread.has(n.attachmentId)) log.info('backfill: file not scanned', { ticketId, commentId: comment.id, attachmentId: n.attachmentId, reason: n.reason });
        counts.skipped += unread.size;
        counts.scanned += comment.attachments.length - unread.size;
        counts.bytes += comment.attachments.filter((a) => !unread.has(a.id)).reduce((sum, a) => sum + (a.size ?? 0), 0);
        counts.found += new Set(scan.findings.map((f) => f.attachmentId)).size;
        for (const f of scan.findings) {
          rows.push({ ticket_id: ticketId, comment_id: comment.id, last4: f.last4, brand: f.brand, at: -f.attachmentId, page: f.page });
          withFindings.add(ticketId);
        }
        heartbeat();
      }
    });
    return counts;
  }

  return {
    /**
     * One page of `incremental/ticket_events` with comment bodies: scans every comment, writes the
     * page's report rows to their own file (same page → same file, so retries and restarts never
     * duplicate or lose a row), and returns counts and the next cursor.
     */
    async backfillScanPage(input: ScanPageInput): Promise<ScanPageResult> {
      const { cursor } = input;
      // Heartbeats keep a slow page alive and let a page lost with its worker be retried within seconds.
      const page = await whileHeartbeating(2_000, () => zendeskCall('export ticket events', () => fetchTicketEvents(deps.exportAuth, cursor.startTime, input.pageSize)));
      heartbeat();
      const seen = new Set(cursor.seenEventIds);
      const previous = decodeIds(cursor.previousTickets);
      const tickets = new Set<number>();
      const withFindings = new Set<number>();
      const rows: ReportRow[] = [];
      const withFiles: CommentFiles[] = [];
      let events = 0;
      let comments = 0;
      let firstEventId: number | undefined;
      for (const ev of page.ticket_events) {
        if (seen.has(ev.id)) continue; // time-based pages repeat the boundary second
        events++;
        firstEventId ??= ev.id;
        tickets.add(ev.ticket_id);
        for (const child of ev.child_events ?? []) {
          const type = child.type ?? child.event_type;
          let found: { commentId: number | null; text: string; html: boolean } | undefined;
          if (type === 'Comment' && (child.html_body || child.body || child.plain_body)) {
            comments++;
            found = { commentId: child.id, ...commentText({ id: child.id, public: true, body: child.body, html_body: child.html_body, plain_body: child.plain_body }) };
          } else if ((type === 'Create' || type === 'Change') && child.field_name === 'subject' && typeof child.value === 'string') {
            found = { commentId: null, text: child.value, html: false };
          }
          if (type === 'Comment' && input.attachments) {
            const live = (child.attachments ?? []).filter((a) => a.content_url && isLiveAttachment({ id: a.id, file_name: a.file_name ?? '', deleted: a.deleted }));
            if (live.length > 0) withFiles.push({ ticketId: ev.ticket_id, comment: { id: child.id, attachments: live } });
          }
          if (type === 'Comment') {
            // A card number in a file name (the per-ticket workflow redacts such files); keyed by attachment.
            for (const a of child.attachments ?? []) {
              for (const f of a.file_name ? findingsIn(a.file_name, false) : []) {
                rows.push({ ticket_id: ev.ticket_id, comment_id: child.id, last4: f.last4, brand: f.brand, at: -a.id });
                withFindings.add(ev.ticket_id);
              }
            }
          }
          if (!found) continue;
          for (const f of findingsIn(found.text, found.html)) {
            rows.push({ ticket_id: ev.ticket_id, comment_id: found.commentId, last4: f.last4, brand: f.brand, at: f.start });
            withFindings.add(ev.ticket_id);
          }
        }
      }
      let newTickets = 0;
      for (const t of tickets) if (!previous.has(t)) newTickets++;
      const files = input.attachments ? await readFiles(withFiles, rows, withFindings) : undefined;

      // Next cursor: events at exactly end_time come again in the next page; remember their ids.
      let nextStart = page.end_time;
      const atEnd = page.ticket_events.filter((e) => e.timestamp === nextStart).map((e) => e.id);
      const nextSeen = nextStart === cursor.startTime ? [...new Set([...cursor.seenEventIds, ...atEnd])] : atEnd;
      if (!page.end_of_stream && events === 0 && nextStart <= cursor.startTime) nextStart = cursor.startTime + 1; // never stall
      let reportPage: string | undefined;
      if (rows.length > 0) {
        reportPage = `${reportKeys(input.backfillId, 'jsonl').pages}${String(cursor.startTime).padStart(12, '0')}-${String(firstEventId ?? 0).padStart(15, '0')}.jsonl`;
        const body = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
        await store('write a report page', () => reportStore.put(reportPage!, body));
      }
      return {
        events,
        ticketsScanned: newTickets,
        commentsScanned: comments,
        findings: rows.length,
        ticketsWithFindings: withFindings.size,
        findingTicketIds: input.wantTicketIds ? [...withFindings] : [],
        next: { startTime: nextStart, seenEventIds: nextStart === page.end_time ? nextSeen : [], previousTickets: encodeIds(tickets) },
        endOfStream: page.end_of_stream,
        ...(reportPage ? { reportPage } : {}),
        ...(files ? { files } : {}),
      };
    },

    /**
     * Merges the page files into one report (JSONL or CSV), each finding once. Safe to repeat. Fails
     * loudly when fewer page files are found than the run wrote (a store not shared by all workers).
     */
    async backfillFinalizeReport(input: { backfillId: string; format: ReportFormat; expectedPages: number }): Promise<{ path: string; rows: number }> {
      const keys = reportKeys(input.backfillId, input.format);
      const files = (await store('list report pages', () => reportStore.list(keys.pages))).filter((f) => f.endsWith('.jsonl'));
      if (files.length < input.expectedPages) {
        throw ApplicationFailure.create({
          type: 'ReportIncomplete',
          message: `report store holds ${files.length} of the ${input.expectedPages} report pages this run wrote: every worker must use the same BACKFILL_REPORT_STORE (s3://… for more than one host)`,
          nonRetryable: true,
        });
      }
      const seen = new Set<string>();
      const out: string[] = input.format === 'csv' ? ['ticket_id,comment_id,last4,brand'] : [];
      for (const file of files) {
        for (const line of (await store('read a report page', () => reportStore.get(file))).split('\n')) {
          if (!line) continue;
          const r = JSON.parse(line) as ReportRow;
          const key = `${r.ticket_id}:${r.comment_id ?? 's'}:${r.at}:${r.page ?? ''}:${r.page === undefined ? '' : r.last4}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push(
            input.format === 'csv'
              ? `${r.ticket_id},${r.comment_id ?? ''},${r.last4},${r.brand}`
              : JSON.stringify({ ticket_id: r.ticket_id, comment_id: r.comment_id, last4: r.last4, brand: r.brand, ...(r.page !== undefined ? { attachment_id: -r.at, page: r.page } : {}) }),
          );
        }
        heartbeat();
      }
      await store('write the report', () => reportStore.put(keys.final, out.length > 0 ? out.join('\n') + '\n' : ''));
      return { path: reportStore.locate(keys.final), rows: seen.size };
    },

    /**
     * Tickets whose per-ticket workflow has been closed for a while without telling the run (terminated,
     * timed out, or failed before its last step): the run counts them as errors instead of waiting.
     */
    async backfillFindLostRequests(input: { ticketIds: number[]; closedForSeconds: number }): Promise<number[]> {
      const { client } = Context.current();
      const lost: number[] = [];
      for (const ticketId of input.ticketIds) {
        try {
          const d = await client.workflow.getHandle(redactionWorkflowId(ticketId)).describe();
          if (d.status.name !== 'RUNNING' && d.closeTime && Date.now() - d.closeTime.getTime() > input.closedForSeconds * 1000) lost.push(ticketId);
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          lost.push(ticketId);
        }
      }
      return lost;
    },

    /** Auto mode: the run's one child ticket (found by external id) gets a note per batch of redacted tickets. */
    async backfillDocumentBatch(input: { backfillId: string; tickets: number[]; batch: number; final?: string }): Promise<{ childTicketId: number }> {
      const externalId = `pan-backfill:${input.backfillId}`;
      return zendeskCall(`document backfill batch ${input.batch}`, async () => {
        const existing = await zendesk.findTicketsByExternalId(externalId);
        let childTicketId = existing[0]?.id;
        if (childTicketId === undefined) {
          const created = await zendesk.createTicket({
            subject: `Card data backfill ${input.backfillId}`,
            comment: { body: `Historical card data backfill ${input.backfillId} (automatic mode). Each note below lists the tickets whose card numbers were redacted and verified.`, public: false },
            external_id: externalId,
            tags: ['pan_redaction_backfill'],
            status: 'open',
          });
          childTicketId = created.id;
        }
        if (input.tickets.length > 0) {
          const lines = input.tickets.map((t) => `- #${t} (${zendeskUrl}/agent/tickets/${t})`);
          await zendesk.updateTicket(childTicketId, { comment: { body: `Batch ${input.batch}: card data redacted and verified on ${input.tickets.length} tickets:\n${lines.join('\n')}`, public: false } });
        }
        if (input.final) await zendesk.updateTicket(childTicketId, { status: 'solved', comment: { body: input.final, public: false } });
        return { childTicketId };
      });
    },

    /** Auto mode: one Slack message per batch instead of one per ticket. */
    async backfillPostSummary(input: { backfillId: string; tickets: number[]; batch: number; childTicketId: number }): Promise<void> {
      const text =
        `Backfill ${input.backfillId}, batch ${input.batch}: card data redacted and verified on ${input.tickets.length} tickets ` +
        `(${input.tickets.slice(0, 20).map((t) => `#${t}`).join(', ')}${input.tickets.length > 20 ? ', …' : ''}). ` +
        `Documented on <${zendeskUrl}/agent/tickets/${input.childTicketId}|#${input.childTicketId}>.`;
      await slackCall('post backfill summary', () => slack.chat.postMessage({ channel: slackChannelId, text }));
    },
  };
}

export type BackfillActivities = ReturnType<typeof createBackfillActivities>;
