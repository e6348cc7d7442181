// Everything a redaction workflow carries: references only (ids, offsets, last 4, brand,
// keyed fingerprint). Ticket text never enters workflow state, history or results.

export type RequestSource = 'agent' | 'detection' | 'backfill';
export type RedactionMode = 'claim' | 'auto';

/** One trigger for a ticket: a webhook delivery, an agent's macro, or a backfill hit. */
export interface RedactionRequest {
  /** Idempotency key: a webhook invocation id, or `comment:<id>` for comment events. */
  deliveryId: string;
  source: RequestSource;
  /** Zendesk user id of the agent who asked, when an agent asked. */
  requestedBy?: number;
  /** The comment that triggered the request, if known. */
  commentId?: number;
  /** File names the agent named (already masked of card digits by the caller). */
  attachmentNames?: string[];
  /** The backfill run that waits for this request's outcome (it is signalled when the request ends). */
  backfillId?: string;
}

export interface CardFindingRef {
  /** Comment id, or null when the card number is in the ticket subject. */
  commentId: number | null;
  start: number;
  end: number;
  last4: string;
  brand: string;
  /** Keyed HMAC of the digits: lets an activity re-find the number without us storing it. */
  fingerprint: string;
  withCvv: boolean;
  /** False when Zendesk cannot redact it where it is (an HTML comment, <style>, <script>): report it as a residual. */
  redactable?: false;
}

export interface AttachmentRef {
  commentId: number;
  attachmentId: number;
  /** Masked file name, safe to show. */
  fileName: string;
  /** Why it is part of the request. */
  reason: 'named_by_agent' | 'card_number_in_name' | 'card_in_file';
  /** `card_in_file`: what the file shows, as references (page, last 4, brand, keyed fingerprint). */
  cards?: FileCardRef[];
}

/** A card number read from a file (text layer or OCR). The API cannot redact part of a file: the whole file goes. */
export interface FileCardRef {
  page: number;
  last4: string;
  brand: string;
  fingerprint: string;
  /** 0–100; under the OCR threshold a lead takes a look, even in automatic mode. */
  confidence: number;
  lowConfidence: boolean;
}

/** A file that could not be read, with the reason: listed on the child ticket and the Slack card. */
export interface NotScannedRef {
  commentId: number;
  attachmentId: number;
  fileName: string;
  reason: 'encrypted_pdf' | 'unsupported_type' | 'too_large' | 'too_many_pages' | 'ocr_timeout' | 'read_timeout' | 'download_failed' | 'unreadable';
  /** Our own words (sizes, limits, types): never text from the file. */
  detail: string;
}

/** What the ticket's files show: the files with cards, the files not read, and how many were read. */
export interface FileScan {
  attachments: AttachmentRef[];
  notScanned: NotScannedRef[];
  /** Attachment ids read, card or not: a join reads only files it has not read before. */
  scannedIds: number[];
}

export interface Detection {
  findings: CardFindingRef[];
  attachments: AttachmentRef[];
  /** Agent-named files that matched no attachment on the ticket. */
  unmatchedAttachmentNames: string[];
  /** True when the ticket mentions card endings (e.g. "ending 1234") but no full number. */
  last4Only: boolean;
  /** What the agents' internal notes say about a merge (only notes by agents and admins count). */
  mergeInstruction?: MergeInstruction;
  ticketStatus: string;
  /** Files that could not be read (set by the workflow from the file scan). */
  notScanned?: NotScannedRef[];
  /** Ids of the ticket's live attachments: the file scan runs only when one has not been read. */
  fileIds?: number[];
}

/**
 * An agent's merge instruction. `merge` only when an internal note by an agent or admin asks for it
 * affirmatively and names exactly one other ticket; `unclear` when a note mentions a merge otherwise
 * (negated, a question, several targets…): then a lead decides, or automatic mode does not merge.
 */
export type MergeInstruction =
  | { kind: 'merge'; target: number; commentId: number }
  | { kind: 'unclear'; reason: string; candidates: number[]; commentId: number };

export interface Claim {
  slackUserId: string;
  /** Display name, if known, for notes. */
  name?: string;
  source?: 'slack' | 'cli' | 'test';
}

export type Stage =
  | 'waiting_for_request'
  | 'detecting'
  | 'opening_child_ticket'
  | 'awaiting_claim'
  | 'redacting'
  | 'verifying'
  | 'awaiting_merge_decision'
  | 'merging'
  | 'documenting'
  | 'done';

export type Outcome =
  | 'redacted'
  | 'redacted_and_merged'
  | 'redacted_merge_skipped'
  | 'denied_last4_only'
  | 'denied_not_card_data'
  | 'no_card_data'
  | 'ticket_not_found'
  | 'verification_failed'
  /** A step failed in a way no retry fixes (e.g. Zendesk refused the redaction): the team was told what is left. */
  | 'redaction_failed'
  /** Redacted and verified where the API allows; what it cannot erase is named with its manual step. */
  | 'redacted_with_residuals';

export interface RedactionStatus {
  ticketId: number;
  stage: Stage;
  outcome?: Outcome;
  last4: string[];
  attachments: string[];
  claimedBy?: string;
  childTicketId?: number;
  mergeTarget?: number;
  remindersSent: number;
  requests: number;
  /** Human-readable detail for the outcome (never ticket text). */
  detail?: string;
  /** Where each card was found: references only, for the evidence report. */
  places?: PlaceRef[];
  requestedAt?: string;
  claimedAt?: string;
  redactedAt?: string;
  verification?: 'clean' | 'residual' | 'failed';
  /** What is left that a person must remove, and how. */
  residuals?: Residual[];
  merged?: boolean;
  /** A lead's answer to an unclear merge instruction. */
  mergeDecision?: { merge: boolean; by: string };
  /** Report-only steps (card updates, thread replies, reactions) that failed; the redaction went on. */
  reportFailures?: string[];
  /** Files that could not be read, with the reason ("statement.pdf: encrypted PDF"). */
  notScanned?: string[];
  /** Automatic mode put the request to a lead: a file shows a card read with low OCR confidence. */
  needsALook?: boolean;
}

export interface PlaceRef {
  kind: 'comment' | 'subject' | 'file' | 'chat' | 'field' | 'side_conversation' | 'audit';
  /** e.g. `comment 123`, `file receipt.png in comment 123`. */
  ref: string;
  last4: string;
  brand: string;
  // The ids each kind is known by, for the evidence report's "where found" (report/where-found.ts).
  commentId?: number;
  /** A public comment Zendesk already emailed out (place `email`). */
  emailed?: boolean;
  fileName?: string;
  page?: number;
  chatId?: string;
  chatEntry?: 'message' | 'file';
  chatIndex?: number;
  messageId?: string;
  fieldId?: number;
  fieldTitle?: string;
  sideConversationId?: string;
  eventId?: string;
  channel?: 'email' | 'slack' | 'msteams' | 'child_ticket';
  auditId?: number;
  auditField?: string;
}

export interface Residual {
  place: string;
  manualStep: string;
}

/** A lead's answer to "Merge into #N?" (Slack buttons). */
export interface MergeDecision {
  slackUserId: string;
  merge: boolean;
  /** The ticket to merge into, one the note names (when `merge`). */
  target?: number;
}

export interface RedactionSettings {
  mode: RedactionMode;
  /** Time without a claim before a reminder; a second such period escalates. */
  claimReminderAfter: string;
  /** Slack mention for escalations, e.g. `<!subteam^S0123>` or `<@U0123>`. */
  escalationMention?: string;
  doneEmoji: string;
  /** Redaction passes before verification fails loudly. */
  maxRedactionPasses: number;
  /** Interval between merge job polls. */
  mergePollInterval: string;
  mergePollLimit: number;
  /** How often a chat still active is checked again before its redaction (default 5 minutes). */
  chatWaitInterval?: string;
  /**
   * Automatic requests only: `false` skips the per-ticket child ticket (and its notes), because the
   * caller documents them itself, as a backfill run does on its one child ticket. Default true.
   */
  childTicketPerRequest?: boolean;
  /**
   * Per-attempt time limits of the activities (defaults in workflows/activity-options.ts). An attempt
   * lost with a killed worker is retried only once its limit has passed, so keep them short.
   */
  activityTimeouts?: ActivityTimeouts;
}

export interface ActivityTimeouts {
  /** startToClose of single Zendesk calls. */
  zendesk?: string;
  /** startToClose of whole-ticket scans (detect, redact, verify). */
  scan?: string;
  /** startToClose of Slack calls. */
  slack?: string;
}

export interface RedactionWorkflowInput {
  ticketId: number;
  /** Absent on webhook starts: the workflow asks the worker (local activity `redactionSettings`). */
  settings?: RedactionSettings;
  /** Requests carried over by continue-as-new. */
  pending?: RedactionRequest[];
  seenDeliveryIds?: string[];
}

export interface ClaimResult {
  claimedBy: string;
  childTicketId?: number;
}
