// Maps client errors to Temporal failures: what to retry, when, and what never to retry.
// Messages name the action and status only: request and response bodies can hold card numbers.
import { ApplicationFailure } from '@temporalio/activity';
import { classifySlackError } from './slack-api';
import { isZendeskApiError } from './zendesk-api';

/** Slack platform errors worth another try; every other `ok:false` is final. */
const RETRYABLE_SLACK_ERRORS = new Set(['ratelimited', 'rate_limited', 'request_timeout', 'service_unavailable', 'fatal_error', 'internal_error']);

export function zendeskFailure(err: unknown, action: string): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err; // already decided deeper down
  if (!isZendeskApiError(err)) {
    return ApplicationFailure.create({ type: 'ZendeskUnavailable', message: `${action}: ${errorName(err)}` });
  }
  const message = `${action}: Zendesk answered ${err.status || 'no response'}${err.code ? ` (${err.code})` : ''}`;
  if (err.status === 429) {
    return ApplicationFailure.create({
      type: 'RateLimited',
      message,
      nextRetryDelay: `${Math.max(1, err.retryAfterSeconds ?? 10)} seconds`,
    });
  }
  if (err.status === 404) return ApplicationFailure.create({ type: 'NotFound', message, nonRetryable: true });
  if (err.status === 401 || err.status === 403) return ApplicationFailure.create({ type: 'Unauthorized', message, nonRetryable: true });
  if (!err.retryable) return ApplicationFailure.create({ type: 'ValidationError', message, nonRetryable: true });
  return ApplicationFailure.create({ type: 'ZendeskUnavailable', message });
}

export function slackFailure(err: unknown, action: string): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const kind = classifySlackError(err);
  switch (kind.kind) {
    case 'rate_limited':
      return ApplicationFailure.create({
        type: 'RateLimited',
        message: `${action}: Slack rate limit`,
        nextRetryDelay: `${Math.max(1, kind.retryAfterSeconds)} seconds`,
      });
    case 'platform':
      return ApplicationFailure.create({
        type: RETRYABLE_SLACK_ERRORS.has(kind.error) ? 'SlackUnavailable' : 'SlackPlatformError',
        message: `${action}: Slack answered ${kind.error}`,
        nonRetryable: !RETRYABLE_SLACK_ERRORS.has(kind.error),
        details: [kind.error],
      });
    case 'http':
      return ApplicationFailure.create({ type: 'SlackUnavailable', message: `${action}: Slack HTTP ${kind.status}` });
    default:
      return ApplicationFailure.create({ type: 'SlackUnavailable', message: `${action}: Slack unreachable` });
  }
}

/** The error's class name only: its message may quote a body. */
function errorName(err: unknown): string {
  return err instanceof Error ? err.name : 'unknown error';
}

/** Runs a Zendesk call, turning its errors into Temporal failures. */
export async function zendeskCall<T>(action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw zendeskFailure(err, action);
  }
}

export async function slackCall<T>(action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw slackFailure(err, action);
  }
}
