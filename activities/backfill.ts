// Backfill activities: one export page per call (scan + report rows), the per-ticket requests
// of a page, and the run's documentation. They return counts, ticket ids and cursors: never text.
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WebClient } from '@slack/web-api';
import { Context, heartbeat, log } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { BackfillCursor, ReportFormat } from '../workflows/backfill-types';
import { redactionWorkflowId } from '../workflows/ids';
import { requestSignal } from '../workflows/messages';
import type { RedactionRequest, RedactionSettings, RedactionStatus, RedactionWorkflowInput } from '../workflows/types';
import { fetchTicketEvents, type ExportAuth } from './backfill-export';
import { slackCall, zendeskCall } from './failures';
import { commentText, findingsIn } from './scan';
import type { ZendeskApi } from './zendesk-api';

export interface BackfillDeps {
  zendesk: ZendeskApi;
  slack: WebClient;
  zendeskUrl: string;
  slackChannelId: string;
  /** Credentials for the export endpoint. */
  exportAuth: ExportAuth;
}

export interface ScanPageInput {
  backfillId: string;
  cursor: BackfillCursor;
  pageSize: number;
  reportDir: string;
  /** Return the ids of tickets with findings (claim and auto modes need them). */
  wantTicketIds: boolean;
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
}

/** One report row: references only. `at` (offset, or minus the attachment id) keeps two cards in one comment apart when merging. */
interface ReportRow {
  ticket_id: number;
  comment_id: number | null;
  last4: string;
  brand: string;
  at: number;
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

export function reportPaths(reportDir: string, backfillId: string, format: ReportFormat) {
  return { pagesDir: join(reportDir, backfillId, 'pages'), final: join(reportDir, `${backfillId}.${format}`) };
}

async function writeAtomic(path: string, data: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, data, { mode: 0o600 });
  await rename(tmp, path);
}

export function createBackfillActivities(deps: BackfillDeps) {
  const { zendesk, slack, zendeskUrl, slackChannelId } = deps;

  return {
    /**
     * One page of `incremental/ticket_events` with comment bodies: scans every comment, writes the
     * page's report rows to their own file (same page → same file, so retries and restarts never
     * duplicate or lose a row), and returns counts and the next cursor.
     */
    async backfillScanPage(input: ScanPageInput): Promise<ScanPageResult> {
      const { cursor } = input;
      // Heartbeats keep a slow page alive and let a page lost with its worker be retried within seconds.
      heartbeat();
      const beat = setInterval(() => heartbeat(), 2_000);
      let page;
      try {
        page = await zendeskCall('export ticket events', () => fetchTicketEvents(deps.exportAuth, cursor.startTime, input.pageSize));
      } finally {
        clearInterval(beat);
      }
      heartbeat();
      const seen = new Set(cursor.seenEventIds);
      const previous = decodeIds(cursor.previousTickets);
      const tickets = new Set<number>();
      const withFindings = new Set<number>();
      const rows: ReportRow[] = [];
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

      // Next cursor: events at exactly end_time come again in the next page; remember their ids.
      let nextStart = page.end_time;
      const atEnd = page.ticket_events.filter((e) => e.timestamp === nextStart).map((e) => e.id);
      const nextSeen = nextStart === cursor.startTime ? [...new Set([...cursor.seenEventIds, ...atEnd])] : atEnd;
      if (!page.end_of_stream && events === 0 && nextStart <= cursor.startTime) nextStart = cursor.startTime + 1; // never stall
      if (rows.length > 0) {
        const { pagesDir } = reportPaths(input.reportDir, input.backfillId, 'jsonl');
        await mkdir(pagesDir, { recursive: true, mode: 0o700 });
        const name = `${String(cursor.startTime).padStart(12, '0')}-${String(firstEventId ?? 0).padStart(15, '0')}.jsonl`;
        await writeAtomic(join(pagesDir, name), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
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
      };
    },

    /** Merges the page files into one report (JSONL or CSV), each finding once. Safe to repeat. */
    async backfillFinalizeReport(input: { backfillId: string; reportDir: string; format: ReportFormat }): Promise<{ path: string; rows: number }> {
      const { pagesDir, final } = reportPaths(input.reportDir, input.backfillId, input.format);
      await mkdir(input.reportDir, { recursive: true, mode: 0o700 });
      let files: string[] = [];
      try {
        files = (await readdir(pagesDir)).filter((f) => f.endsWith('.jsonl')).sort();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      const keys = new Set<string>();
      const out: string[] = input.format === 'csv' ? ['ticket_id,comment_id,last4,brand'] : [];
      for (const file of files) {
        for (const line of (await readFile(join(pagesDir, file), 'utf8')).split('\n')) {
          if (!line) continue;
          const r = JSON.parse(line) as ReportRow;
          const key = `${r.ticket_id}:${r.comment_id ?? 's'}:${r.at}`;
          if (keys.has(key)) continue;
          keys.add(key);
          out.push(
            input.format === 'csv'
              ? `${r.ticket_id},${r.comment_id ?? ''},${r.last4},${r.brand}`
              : JSON.stringify({ ticket_id: r.ticket_id, comment_id: r.comment_id, last4: r.last4, brand: r.brand }),
          );
        }
        heartbeat();
      }
      await writeAtomic(final, out.length > 0 ? out.join('\n') + '\n' : '');
      return { path: final, rows: keys.size };
    },

    /**
     * Claim and auto modes: one request per ticket with findings, through the per-ticket workflow by
     * signal-with-start (an open request is joined, never doubled). Auto mode waits for each result,
     * `concurrency` at a time, paced to the run's share of the account's requests per minute.
     */
    async backfillRequestRedactions(input: {
      backfillId: string;
      tickets: number[];
      mode: 'claim' | 'auto';
      settings: RedactionSettings;
      concurrency: number;
      requestsPerMinute: number;
    }): Promise<{ requested: number; joined: number; redacted: number[]; denied: number; errors: number }> {
      const ctx = Context.current();
      const client = ctx.client;
      const taskQueue = ctx.info.taskQueue;
      type Partial = { done: number; requested: number; joined: number; redacted: number[]; denied: number; errors: number };
      const saved = (ctx.info.heartbeatDetails as Partial | undefined) ?? { done: 0, requested: 0, joined: 0, redacted: [], denied: 0, errors: 0 };
      const acc: Partial = { ...saved, redacted: [...saved.redacted] };
      // Zendesk calls a per-ticket request makes: auto ≈ read, comments, redact, verify, notes; claim ≈ read and comments.
      const callsPerTicket = input.mode === 'auto' ? 8 : 3;
      const msPerTicket = input.requestsPerMinute > 0 ? (60_000 * callsPerTicket) / input.requestsPerMinute : 0;
      const beat = setInterval(() => heartbeat(acc), 5_000);
      try {
        const size = Math.max(1, input.concurrency);
        for (let i = acc.done; i < input.tickets.length; i += size) {
          const chunk = input.tickets.slice(i, i + size);
          const started = Date.now();
          await Promise.all(
            chunk.map(async (ticketId) => {
              const workflowId = redactionWorkflowId(ticketId);
              let running = false;
              try {
                running = (await client.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
              } catch (err) {
                if (!(err instanceof WorkflowNotFoundError)) throw err;
              }
              const request: RedactionRequest = { deliveryId: `backfill:${input.backfillId}:${ticketId}`, source: 'backfill' };
              const handle = await client.workflow.signalWithStart<(i: RedactionWorkflowInput) => Promise<RedactionStatus>, [RedactionRequest]>('redactionWorkflow', {
                workflowId,
                taskQueue,
                args: [{ ticketId, settings: input.settings }],
                signal: requestSignal,
                signalArgs: [request],
              });
              if (running) {
                acc.joined++;
                return;
              }
              acc.requested++;
              if (input.mode !== 'auto') return;
              try {
                const result = await client.workflow.getHandle<(i: RedactionWorkflowInput) => Promise<RedactionStatus>>(workflowId, handle.signaledRunId).result();
                if (result.outcome?.startsWith('redacted')) acc.redacted.push(ticketId);
                else acc.denied++;
              } catch {
                acc.errors++;
                log.warn('backfill: per-ticket redaction failed', { ticketId });
              }
            }),
          );
          acc.done = i + chunk.length;
          heartbeat(acc);
          const wait = msPerTicket * chunk.length - (Date.now() - started);
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
      } finally {
        clearInterval(beat);
      }
      return { requested: acc.requested, joined: acc.joined, redacted: acc.redacted, denied: acc.denied, errors: acc.errors };
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
