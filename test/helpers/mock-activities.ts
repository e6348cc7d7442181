// Mocked redaction activities for the time-skipping workflow tests (test/time-skipping/): the ONE
// place that knows the activity interface there, so a change to an activity is adapted here.
// Integration tests never use these: they run the real activities against the emulators.
import { activityInfo } from '@temporalio/activity';
import type { RedactionActivities, RedactionReport, SlackPost, Verification } from '../../activities';
import type { CardFindingRef, Detection } from '../../workflows/types';

type Activities = Pick<
  RedactionActivities,
  | 'detectCardData'
  | 'detectPlaces'
  | 'scanAttachmentContents'
  | 'redactPlaces'
  | 'verifyPlaces'
  | 'verifyRedaction'
  | 'redactFindings'
  | 'openChildTicket'
  | 'addInternalNote'
  | 'closeChildTicket'
  | 'startMerge'
  | 'checkMergeJob'
  | 'postClaimRequest'
  | 'updateSlackCard'
  | 'postThreadReply'
  | 'addDoneReaction'
>;
export type ActivityName = keyof Activities;

export interface ActivityCall {
  name: ActivityName;
  input: unknown;
  /** When the workflow scheduled it, in workflow time (skipped time included). */
  scheduledAt: number;
}

export const CHILD_TICKET_ID = 900_001;
export const SLACK_POST: SlackPost = { channel: 'C0REDACT', ts: '1700000000.000100' };

/** A finding reference as detectCardData returns it (no digits but the last 4). */
export function finding(last4: string, commentId: number | null = 1, start = 10): CardFindingRef {
  return { commentId, start, end: start + 16, last4, brand: 'visa', fingerprint: `fp-${last4}-${commentId ?? 'subject'}-${start}`, withCvv: false };
}

export function detection(findings: CardFindingRef[], extra: Partial<Detection> = {}): Detection {
  return { findings, attachments: [], unmatchedAttachmentNames: [], last4Only: false, ticketStatus: 'open', ...extra };
}

export const CLEAN: Verification = { remaining: [], attachmentsRemaining: [], residuals: [] };

export interface MockActivities {
  activities: Activities;
  calls: ActivityCall[];
  /** Inputs of every call to one activity, in order. */
  inputs<K extends ActivityName>(name: K): Array<Parameters<Activities[K]>[0]>;
  /** Texts of the Slack thread replies, in order. */
  threadReplies(): string[];
  /** Calls to one activity with their scheduled times. */
  callsTo(name: ActivityName): ActivityCall[];
  /** Bodies of the internal notes, in order. */
  notes(): string[];
}

/**
 * A ticket with one card number ending 1111 that every activity handles successfully: detected,
 * redacted at the first pass, verified clean, no merge. `overrides` replace single activities.
 */
export function mockActivities(overrides: Partial<Activities> = {}): MockActivities {
  const calls: ActivityCall[] = [];
  const defaults: Activities = {
    async detectCardData() {
      return detection([finding('1111')]);
    },
    async verifyRedaction() {
      return CLEAN;
    },
    async detectPlaces() {
      return { findings: [], residuals: [] };
    },
    async scanAttachmentContents() {
      return { attachments: [], notScanned: [], scannedIds: [] };
    },
    async redactPlaces() {
      return { outcome: 'done', redacted: [], alreadyGone: [], waiting: [], residuals: [] };
    },
    async verifyPlaces() {
      return { remaining: [], residuals: [] };
    },
    async redactFindings({ findings, attachments }): Promise<RedactionReport> {
      return { redacted: findings, alreadyGone: [], attachmentsRedacted: attachments };
    },
    async openChildTicket() {
      return { childTicketId: CHILD_TICKET_ID };
    },
    async addInternalNote() {},
    async closeChildTicket() {},
    async startMerge() {
      return { status: 'started', jobId: 'job-1' };
    },
    async checkMergeJob() {
      return { status: 'completed' };
    },
    async postClaimRequest() {
      return SLACK_POST;
    },
    async updateSlackCard() {},
    async postThreadReply() {},
    async addDoneReaction() {},
  };
  const merged = { ...defaults, ...overrides } as Record<ActivityName, (input: unknown) => Promise<unknown>>;
  const activities = Object.fromEntries(
    Object.entries(merged).map(([name, fn]) => [
      name,
      async (input: unknown) => {
        calls.push({ name: name as ActivityName, input, scheduledAt: activityInfo().scheduledTimestampMs });
        return fn(input);
      },
    ]),
  ) as unknown as Activities;
  const inputs = <K extends ActivityName>(name: K) => calls.filter((c) => c.name === name).map((c) => c.input as Parameters<Activities[K]>[0]);
  return {
    activities,
    calls,
    inputs,
    callsTo: (name) => calls.filter((c) => c.name === name),
    threadReplies: () => inputs('postThreadReply').map((i) => i.text),
    notes: () => inputs('addInternalNote').map((i) => i.body),
  };
}
