// The product's Slack Web API client. Temporal owns retries (activity retry policy), so the SDK
// must fail fast: no internal retries, 429s rejected at once, a hard per-call timeout, and a
// logger that never forwards request/response bodies (message text could carry card data).
import {
  ErrorCode,
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
  type Logger,
} from '@slack/web-api';

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

export type SlackLogLevel = 'info' | 'warn' | 'error';

export interface SlackClientOptions {
  /** Web API base URL; point at the sandbox's `apiUrl` in tests. */
  apiUrl?: string;
  botToken: string;
  /** Per-call HTTP timeout (ms). Must be > 0: the SDK default is "wait forever". */
  timeoutMs: number;
  /** Receives the SDK's info/warn/error lines after scrubbing. Default: dropped. */
  log?: (level: SlackLogLevel, message: string) => void;
}

export type SlackErrorClass =
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'platform'; error: string }
  | { kind: 'http'; status: number }
  | { kind: 'network'; timedOut: boolean };

/**
 * Platform errors worth retrying: transient on Slack's side. Everything else `ok:false`
 * (channel_not_found, invalid_auth, invalid_blocks, ...) will fail the same way again.
 * `already_reacted` is deliberately absent: callers should treat it as success.
 */
export const RETRYABLE_PLATFORM_ERRORS: ReadonlySet<string> = new Set([
  'rate_limited',
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

const MAX_LOG_CHARS = 300;

/** Removes digit runs that could be card numbers and anything token-shaped. */
export function scrubSlackLogText(text: string): string {
  return text
    .replace(/xox[a-z]-[A-Za-z0-9-]+/g, '[token]')
    .replace(/\d(?:[ -]?\d){11,}/g, '[digits]')
    .slice(0, MAX_LOG_CHARS);
}

/**
 * Debug lines (which include serialized request bodies) are dropped outright; for the rest only
 * string arguments survive, scrubbed and truncated. Objects (bodies, headers) are never forwarded.
 */
function safeLogger(sink: SlackClientOptions['log']): Logger {
  let level = LogLevel.INFO;
  let name = 'slack';
  const forward = (lvl: SlackLogLevel, args: unknown[]) => {
    if (!sink) return;
    const text = args.filter((a): a is string => typeof a === 'string').join(' ');
    if (text) sink(lvl, scrubSlackLogText(`${name}: ${text}`));
  };
  return {
    debug: () => undefined,
    info: (...args: unknown[]) => {
      if (level === LogLevel.INFO || level === LogLevel.DEBUG) forward('info', args);
    },
    warn: (...args: unknown[]) => {
      if (level !== LogLevel.ERROR) forward('warn', args);
    },
    error: (...args: unknown[]) => forward('error', args),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: (n: string) => {
      name = n;
    },
  };
}

export function createSlackClient(opts: SlackClientOptions): WebClient {
  if (!opts.botToken) throw new Error('createSlackClient: botToken is required');
  if (!Number.isFinite(opts.timeoutMs) || opts.timeoutMs <= 0) throw new Error('createSlackClient: timeoutMs must be > 0');
  return new WebClient(opts.botToken, {
    slackApiUrl: opts.apiUrl ?? DEFAULT_SLACK_API_URL,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: opts.timeoutMs,
    logger: safeLogger(opts.log),
    // The token must only ever travel to slackApiUrl.
    allowAbsoluteUrls: false,
  });
}

function codeOf(err: unknown): unknown {
  return err && typeof err === 'object' && 'code' in err ? (err as { code: unknown }).code : undefined;
}

/**
 * Maps whatever a WebClient call threw to what an activity needs to decide on retrying.
 * Uses `instanceof` first and the SDK's `code` strings as a fallback (two copies of the SDK in
 * one process break instanceof). Unknown errors count as `network`: transient until proven not.
 */
export function classifySlackError(err: unknown): SlackErrorClass {
  const code = codeOf(err);
  if (err instanceof WebAPIRateLimitedError || code === ErrorCode.RateLimitedError) {
    const retryAfter = Number((err as { retryAfter?: unknown }).retryAfter);
    return { kind: 'rate_limited', retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : 1 };
  }
  if (err instanceof WebAPIPlatformError || code === ErrorCode.PlatformError) {
    const data = (err as { data?: { error?: unknown } }).data;
    return { kind: 'platform', error: typeof data?.error === 'string' ? data.error : 'unknown_error' };
  }
  if (err instanceof WebAPIHTTPError || code === ErrorCode.HTTPError) {
    return { kind: 'http', status: Number((err as { statusCode?: unknown }).statusCode) || 0 };
  }
  if (err instanceof WebAPIRequestError || code === ErrorCode.RequestError) {
    // fetch's timeout DOMException may come from another realm (jest, vm); the SDK then wraps it
    // as `new Error(String(domException))`, so check the message as well as the name.
    const original = (err as { original?: { name?: unknown; message?: unknown } }).original;
    const name = typeof original?.name === 'string' ? original.name : '';
    const message = typeof original?.message === 'string' ? original.message : '';
    const timedOut = name === 'TimeoutError' || name === 'AbortError' || /^(TimeoutError|AbortError)\b/.test(message);
    return { kind: 'network', timedOut };
  }
  if (err instanceof Error) {
    // A 429 without a usable Retry-After surfaces as a plain Error from the SDK.
    if (/Retry header did not contain a valid timeout/.test(err.message)) return { kind: 'http', status: 429 };
    const m = /rate limit was exceeded.*retry-after: (\d+)/.exec(err.message);
    if (m?.[1]) return { kind: 'rate_limited', retryAfterSeconds: Number(m[1]) };
    if (err.name === 'TimeoutError') return { kind: 'network', timedOut: true };
  }
  return { kind: 'network', timedOut: false };
}

export function isRetryableSlackError(c: SlackErrorClass): boolean {
  switch (c.kind) {
    case 'rate_limited':
    case 'network':
      return true;
    case 'platform':
      return RETRYABLE_PLATFORM_ERRORS.has(c.error);
    case 'http':
      return c.status === 408 || c.status === 429 || c.status >= 500;
  }
}

/** Short description for failures and logs; never includes request or response bodies. */
export function describeSlackError(c: SlackErrorClass): string {
  switch (c.kind) {
    case 'rate_limited':
      return `slack rate limited, retry after ${c.retryAfterSeconds}s`;
    case 'platform':
      return `slack error ${c.error}`;
    case 'http':
      return `slack http ${c.status}`;
    case 'network':
      return c.timedOut ? 'slack request timed out' : 'slack network error';
  }
}
