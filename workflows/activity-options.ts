// Timeouts and retry policies of every activity, named in one place.
// Validation errors (4xx) are non-retryable; a 429 retries after its Retry-After through
// ApplicationFailure.nextRetryDelay, which activities set (see activities/failures.ts).
import type { Duration } from '@temporalio/common';
import type { ActivityOptions } from '@temporalio/workflow';
import type { ActivityTimeouts } from './types';

export const NON_RETRYABLE_TYPES = ['ValidationError', 'NotFound', 'TicketNotFound', 'SlackPlatformError', 'Unauthorized'];

/** Zendesk reads and writes: quick calls, patient retries (rate limits can last minutes). */
export const zendeskCalls: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '30 minutes',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 20,
    nonRetryableErrorTypes: NON_RETRYABLE_TYPES,
  },
};

/** Redaction and verification read every comment of a ticket: allow more time per attempt. */
export const zendeskScans: ActivityOptions = {
  ...zendeskCalls,
  startToCloseTimeout: '2 minutes',
};

/** Slack Web API calls. */
export const slackCalls: ActivityOptions = {
  startToCloseTimeout: '15 seconds',
  scheduleToCloseTimeout: '30 minutes',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 20,
    nonRetryableErrorTypes: NON_RETRYABLE_TYPES,
  },
};

/** The three option sets, with the per-attempt limits the settings override. */
export function activityOptions(timeouts: ActivityTimeouts = {}) {
  const limit = (base: ActivityOptions, startToCloseTimeout: string | undefined): ActivityOptions =>
    startToCloseTimeout ? { ...base, startToCloseTimeout: startToCloseTimeout as Duration } : base;
  return {
    zendesk: limit(zendeskCalls, timeouts.zendesk),
    scans: limit(zendeskScans, timeouts.scan),
    slack: limit(slackCalls, timeouts.slack),
  };
}
