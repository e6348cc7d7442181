// What a backfill run carries: a cursor, counters and ticket ids. Never ticket text.
import type { Outcome, RedactionSettings } from './types';

export type BackfillMode = 'report' | 'claim' | 'auto';
export type BackfillState = 'running' | 'paused' | 'awaiting_confirmation' | 'cancelled' | 'completed';
export type ReportFormat = 'jsonl' | 'csv';

/** Where the walk of `incremental/ticket_events` stands. */
export interface BackfillCursor {
  /** Unix seconds: the next page's start_time. */
  startTime: number;
  /** Event ids already processed at exactly `startTime` (time-based pages overlap by one second). */
  seenEventIds: number[];
  /** Ticket ids of the previous page, delta-encoded: a ticket spanning a page boundary counts once. */
  previousTickets: string;
}

export interface BackfillCounters {
  pages: number;
  events: number;
  ticketsScanned: number;
  commentsScanned: number;
  /** Card numbers found (references written to the report). */
  findings: number;
  /** Pages that wrote a report file: the final merge must find this many. */
  reportPages: number;
  ticketsWithFindings: number;
  /** Per-ticket redaction requests sent (claim and auto modes). */
  requested: number;
  /** Requests that joined a per-ticket workflow already open. */
  joined: number;
  redacted: number;
  /** Per-ticket workflows that ended without redacting (no card data any more, ticket gone). */
  denied: number;
  errors: number;
  /** --attachments: files read, files not read (with a reason in the worker log), files showing a card. */
  filesScanned?: number;
  filesSkipped?: number;
  filesFound?: number;
}

export interface BackfillOptions {
  mode: BackfillMode;
  /** Unix seconds: where the walk starts. */
  since: number;
  reportFormat: ReportFormat;
  /** Events per export page (≤ 1000). */
  pageSize: number;
  /** Continue-as-new after this many pages. */
  pagesPerRun: number;
  /** Incremental export requests per minute; 0 = no pacing (sandbox benchmarks). */
  incrementalPerMinute: number;
  /** This run's share of the account's requests per minute, for the per-ticket redactions. */
  requestsPerMinute: number;
  /** Per-ticket redactions in flight at once (auto mode): the sliding window. */
  concurrency: number;
  /** Claim mode: Slack messages allowed before the run asks for confirmation. */
  claimMessageLimit: number;
  /** Auto mode: tickets per Slack summary and per note on the run's child ticket. */
  summaryBatchSize: number;
  /** Settings for the per-ticket workflows the run starts. */
  redaction: RedactionSettings;
  /** --attachments: read what files show (PDF text, OCR), within `attachmentBytesPerMinute`. */
  attachments?: boolean;
  /** Bytes of files read per minute across the run; pages wait (durably) when a page read more. */
  attachmentBytesPerMinute?: number;
}

export interface BackfillCarry {
  cursor: BackfillCursor;
  counters: BackfillCounters;
  state: BackfillState;
  confirmedClaims: boolean;
  /** Auto mode: redacted tickets not yet in a summary. */
  pendingSummary: number[];
  childTicketId?: number;
  /** ms since epoch of the first run's start; and the cursor's position then (for the estimate). */
  startedAt: number;
  firstCursorTime: number;
  reportPath?: string;
  /** When the last export page was asked for (pacing survives continue-as-new). */
  lastPageAt?: number;
  /** Auto mode: tickets whose per-ticket workflow runs and has not yet said how it ended. */
  inFlight?: number[];
  /** Tickets of the current page not yet requested. */
  queue?: number[];
  /** When the last per-ticket request was started (pacing). */
  lastRequestAt?: number;
  /** --attachments: no page before this time (ms), so file reading stays within its bytes-per-minute budget. */
  filesBudgetUntil?: number;
}

/** What a per-ticket workflow tells the run that started it. */
export interface BackfillTicketDone {
  ticketId: number;
  /** Undefined when the request failed or was lost without an outcome. */
  outcome?: Outcome;
}

export interface BackfillInput {
  options: BackfillOptions;
  carry?: BackfillCarry;
}

export interface BackfillProgress extends BackfillCounters {
  state: BackfillState;
  mode: BackfillMode;
  /** ISO time the cursor has reached. */
  cursorTime: string;
  startedAt: string;
  elapsedSeconds: number;
  ticketsPerSecond: number;
  /** Estimated seconds left, from how fast the cursor moves; null until it can be told. */
  etaSeconds: number | null;
  warning?: string;
  /** Per-ticket requests running now (auto mode). */
  inFlight: number;
  claimMessageLimit: number;
  childTicketId?: number;
  reportPath?: string;
  done: boolean;
}

export interface BackfillResult extends BackfillProgress {
  reportRows: number;
}

export function emptyCounters(): BackfillCounters {
  return { pages: 0, events: 0, ticketsScanned: 0, commentsScanned: 0, findings: 0, reportPages: 0, ticketsWithFindings: 0, requested: 0, joined: 0, redacted: 0, denied: 0, errors: 0 };
}

export const BACKFILL_WORKFLOW_PREFIX = 'backfill-';
