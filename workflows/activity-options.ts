// Timeouts and retry policies of every activity, named in one place.
// Validation errors (4xx) are non-retryable; a 429 retries after its Retry-After through
// ApplicationFailure.nextRetryDelay, which activities set (see activities/failures.ts).
import type { Duration } from '@temporalio/common';
import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';
import type { ActivityTimeouts } from './types';

export const NON_RETRYABLE_TYPES = ['ValidationError', 'NotFound', 'TicketNotFound', 'SlackPlatformError', 'Unauthorized'];

/** Patient retries: rate limits and outages can last minutes; 4xx validation errors stop at once. */
const RETRY_POLICY: ActivityOptions['retry'] = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 20,
  nonRetryableErrorTypes: NON_RETRYABLE_TYPES,
};

/** Zendesk reads and writes: quick calls. */
export const zendeskCalls: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '30 minutes',
  retry: RETRY_POLICY,
};

/** Redaction and verification read every comment of a ticket: allow more time per attempt. */
export const zendeskScans: ActivityOptions = {
  ...zendeskCalls,
  startToCloseTimeout: '2 minutes',
};

/** Reading a ticket's files (download, PDF text, OCR): minutes for many pages; heartbeats show it is alive. */
export const fileReads: ActivityOptions = {
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '1 minute',
  scheduleToCloseTimeout: '1 hour',
  retry: { ...RETRY_POLICY, maximumAttempts: 5 },
};

/** Slack Web API calls. */
export const slackCalls: ActivityOptions = {
  startToCloseTimeout: '15 seconds',
  scheduleToCloseTimeout: '30 minutes',
  retry: RETRY_POLICY,
};

/** The worker's own settings: a local activity, no external call. */
export const settingsLookup: LocalActivityOptions = { startToCloseTimeout: '10 seconds' };

/** The three option sets, with the per-attempt limits the settings override. */
export function activityOptions(timeouts: ActivityTimeouts = {}) {
  const limit = (base: ActivityOptions, startToCloseTimeout: string | undefined): ActivityOptions =>
    startToCloseTimeout ? { ...base, startToCloseTimeout: startToCloseTimeout as Duration } : base;
  return {
    zendesk: limit(zendeskCalls, timeouts.zendesk),
    scans: limit(zendeskScans, timeouts.scan),
    slack: limit(slackCalls, timeouts.slack),
    files: fileReads,
  };
}
