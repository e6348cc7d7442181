// The product's Slack client factory and error classification, without a server where possible.
import { ErrorCode, WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import {
  classifySlackError,
  createSlackClient,
  describeSlackError,
  isRetryableSlackError,
  scrubSlackLogText,
  type SlackErrorClass,
} from '../../activities/slack-api';

describe('createSlackClient', () => {
  test('fails fast: no SDK retries, 429 rejected, timeout set, token only to slackApiUrl', () => {
    const c = createSlackClient({ botToken: 'xoxb-1', timeoutMs: 1234 });
    // Private fields, read only to pin the configuration the service relies on.
    const cfg = c as unknown as { slackApiUrl: string; retryConfig: unknown; rejectRateLimitedCalls: boolean; timeout: number; allowAbsoluteUrls: boolean };
    expect(cfg.slackApiUrl).toBe('https://slack.com/api/');
    expect(cfg.retryConfig).toEqual({ retries: 0 });
    expect(cfg.rejectRateLimitedCalls).toBe(true);
    expect(cfg.timeout).toBe(1234);
    expect(cfg.allowAbsoluteUrls).toBe(false);
    expect((createSlackClient({ botToken: 'xoxb-1', timeoutMs: 1, apiUrl: 'http://127.0.0.1:9/api' }) as unknown as { slackApiUrl: string }).slackApiUrl).toBe(
      'http://127.0.0.1:9/api/',
    );
  });

  test('rejects a missing token and a zero/absent timeout', () => {
    expect(() => createSlackClient({ botToken: '', timeoutMs: 1000 })).toThrow(/botToken/);
    expect(() => createSlackClient({ botToken: 'xoxb-1', timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => createSlackClient({ botToken: 'xoxb-1', timeoutMs: Number.NaN })).toThrow(/timeoutMs/);
  });
});

describe('classifySlackError', () => {
  const cases: Array<[string, unknown, SlackErrorClass, boolean]> = [
    ['rate limited', new WebAPIRateLimitedError(30), { kind: 'rate_limited', retryAfterSeconds: 30 }, true],
    ['already_reacted', new WebAPIPlatformError({ ok: false, error: 'already_reacted' }), { kind: 'platform', error: 'already_reacted' }, false],
    ['channel_not_found', new WebAPIPlatformError({ ok: false, error: 'channel_not_found' }), { kind: 'platform', error: 'channel_not_found' }, false],
    ['platform rate_limited', new WebAPIPlatformError({ ok: false, error: 'rate_limited' }), { kind: 'platform', error: 'rate_limited' }, true],
    ['internal_error', new WebAPIPlatformError({ ok: false, error: 'internal_error' }), { kind: 'platform', error: 'internal_error' }, true],
    ['http 502', new WebAPIHTTPError(502, 'Bad Gateway', {}, 'x'), { kind: 'http', status: 502 }, true],
    ['http 404', new WebAPIHTTPError(404, 'Not Found', {}, 'x'), { kind: 'http', status: 404 }, false],
    ['network', new WebAPIRequestError(new Error('fetch failed')), { kind: 'network', timedOut: false }, true],
    ['timeout', new WebAPIRequestError(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), { kind: 'network', timedOut: true }, true],
    ['429 without Retry-After', new Error('Retry header did not contain a valid timeout (url: x, retry-after header: null)'), { kind: 'http', status: 429 }, true],
    ['duplicate SDK copy (code only)', Object.assign(new Error('x'), { code: ErrorCode.PlatformError, data: { error: 'invalid_name' } }), { kind: 'platform', error: 'invalid_name' }, false],
    ['anything else', 'boom', { kind: 'network', timedOut: false }, true],
  ];
  test.each(cases)('%s', (_name, err, expected, retryable) => {
    const c = classifySlackError(err);
    expect(c).toEqual(expected);
    expect(isRetryableSlackError(c)).toBe(retryable);
    expect(describeSlackError(c)).toMatch(/^slack /);
  });
});

describe('scrubSlackLogText', () => {
  test('removes card-like digit runs and tokens, truncates', () => {
    expect(scrubSlackLogText('pan 4111-1111-1111-1111 and 4111111111111111 ts 1700000000.000100')).toBe('pan [digits] and [digits] ts 1700000000.000100');
    expect(scrubSlackLogText('token xoxb-123-abc here')).toBe('token [token] here');
    expect(scrubSlackLogText('x'.repeat(1000))).toHaveLength(300);
  });
});
