import { attachmentLimits, ConfigError, loadConfig, loadConfigFor, redactionSettings, reportStoreSettings } from '../../config';

const valid = {
  ZENDESK_URL: 'https://acme.zendesk.com/api/v2/',
  ZENDESK_EMAIL: 'bot@acme.test',
  ZENDESK_API_TOKEN: 'zd-token',
  ZENDESK_WEBHOOK_SECRET: 'zd-secret',
  SLACK_BOT_TOKEN: 'xoxb-test',
  SLACK_SIGNING_SECRET: 'slack-secret',
  SLACK_CHANNEL_ID: 'C0123ABCD',
  SLACK_LEAD_USER_IDS: 'U0LEAD1, U0LEAD2',
  PAYLOAD_KEYS: 'k1:' + Buffer.alloc(32, 1).toString('base64'),
  FINGERPRINT_KEY: 'f'.repeat(32),
};

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('loadConfig accepted a bad environment');
}

test('a complete environment loads with defaults and normalised values', () => {
  const config = loadConfig(valid);
  expect(config.ZENDESK_URL).toBe('https://acme.zendesk.com');
  expect(config.SLACK_LEAD_USER_IDS).toEqual(['U0LEAD1', 'U0LEAD2']);
  expect(config.TEMPORAL_TASK_QUEUE).toBe('pan-redaction');
  expect(config.WEBHOOK_MAX_BODY_BYTES).toBe(65_536);
  expect(config.PORT).toBe(3000);
  expect(redactionSettings(config)).toMatchObject({ mode: 'claim', claimReminderAfter: '30 minutes', maxRedactionPasses: 2 });
});

test('every missing required variable is listed at once', () => {
  const problems = problemsOf({});
  for (const key of [
    'ZENDESK_URL',
    'ZENDESK_EMAIL',
    'ZENDESK_API_TOKEN',
    'ZENDESK_WEBHOOK_SECRET',
    'SLACK_BOT_TOKEN',
    'SLACK_SIGNING_SECRET',
    'SLACK_CHANNEL_ID',
    'PAYLOAD_KEYS',
    'FINGERPRINT_KEY',
  ]) {
    expect(problems).toContainEqual(`${key}: is required but not set`);
  }
});

test('empty strings count as unset', () => {
  expect(problemsOf({ ...valid, SLACK_BOT_TOKEN: '' })).toEqual(['SLACK_BOT_TOKEN: is required but not set']);
});

test('every bad value is listed with the reason, and secrets are never echoed', () => {
  const err = (() => {
    try {
      loadConfig({
        ...valid,
        ZENDESK_URL: 'ftp://acme',
        SLACK_CHANNEL_ID: 'general',
        SLACK_LEAD_USER_IDS: 'bob',
        PORT: 'eighty',
        CLAIM_REMINDER_AFTER: 'soon',
        REDACTION_MODE: 'yolo',
        FINGERPRINT_KEY: 'short-secret-value',
        WEBHOOK_MAX_BODY_BYTES: '10',
        TEMPORAL_ADDRESS: 'localhost',
      });
    } catch (e) {
      return e as ConfigError;
    }
    throw new Error('accepted');
  })();
  const keys = err.problems.map((p) => p.split(':')[0]);
  expect(keys).toEqual(
    expect.arrayContaining([
      'ZENDESK_URL',
      'SLACK_CHANNEL_ID',
      'SLACK_LEAD_USER_IDS.0',
      'PORT',
      'CLAIM_REMINDER_AFTER',
      'REDACTION_MODE',
      'FINGERPRINT_KEY',
      'WEBHOOK_MAX_BODY_BYTES',
      'TEMPORAL_ADDRESS',
    ]),
  );
  expect(err.problems).toHaveLength(9);
  expect(err.problems.find((p) => p.startsWith('SLACK_CHANNEL_ID'))).toMatch(/C0123ABCD/);
  expect(err.problems.find((p) => p.startsWith('CLAIM_REMINDER_AFTER'))).toMatch(/duration/);
  expect(err.message).toMatch(/^Invalid configuration:\n {2}- /);
  expect(err.message).not.toContain('short-secret-value');
});

test('someone must be allowed to claim', () => {
  const { SLACK_LEAD_USER_IDS: _unused, ...noLeads } = valid;
  expect(problemsOf(noLeads)).toEqual([expect.stringMatching(/^SLACK_LEAD_USER_IDS or SLACK_LEAD_USERGROUP_ID/)]);
  expect(loadConfig({ ...noLeads, SLACK_LEAD_USERGROUP_ID: 'S0LEADS' }).SLACK_LEAD_USERGROUP_ID).toBe('S0LEADS');
  expect(problemsOf({ ...noLeads, SLACK_LEAD_USERGROUP_ID: 'leads' })).toEqual([expect.stringMatching(/^SLACK_LEAD_USERGROUP_ID: .*S0123ABCD/)]);
});

test('the backfill report store: a directory for one host, s3:// with endpoint and keys for several workers', () => {
  expect(reportStoreSettings(loadConfig(valid)).location).toEqual({ kind: 'file', dir: '.data/reports' });
  const s3 = reportStoreSettings(
    loadConfig({
      ...valid,
      BACKFILL_REPORT_STORE: 's3://pan-reports/backfill/',
      BACKFILL_S3_ENDPOINT: 'http://minio:9000',
      BACKFILL_S3_ACCESS_KEY_ID: 'pan',
      BACKFILL_S3_SECRET_ACCESS_KEY: 'pan-secret',
    }),
  );
  expect(s3.location).toEqual({ kind: 's3', bucket: 'pan-reports', prefix: 'backfill' });
  expect(s3.s3).toMatchObject({ endpoint: 'http://minio:9000', region: 'us-east-1', forcePathStyle: true });
  // AWS S3 itself: virtual-hosted URLs and the SDK's own credential chain.
  expect(reportStoreSettings(loadConfig({ ...valid, BACKFILL_REPORT_STORE: 's3://pan-reports' })).s3).toMatchObject({ forcePathStyle: false, accessKeyId: undefined });
});

test('a bad report store is refused with the reason; S3 keys come in pairs', () => {
  expect(problemsOf({ ...valid, BACKFILL_REPORT_STORE: '/var/reports' })).toEqual(['BACKFILL_REPORT_STORE: expected file:<directory> or s3://bucket[/prefix]']);
  expect(problemsOf({ ...valid, BACKFILL_REPORT_STORE: 's3://No_Such' })[0]).toMatch(/^BACKFILL_REPORT_STORE: s3:\/\/ needs a valid bucket name/);
  expect(problemsOf({ ...valid, BACKFILL_REPORT_STORE: 'file:' })[0]).toMatch(/^BACKFILL_REPORT_STORE: file: needs a directory/);
  expect(problemsOf({ ...valid, BACKFILL_S3_ENDPOINT: 'minio:9000' })[0]).toMatch(/^BACKFILL_S3_ENDPOINT: /);
  const pair = problemsOf({ ...valid, BACKFILL_S3_ACCESS_KEY_ID: 'pan' });
  expect(pair).toEqual(['BACKFILL_S3_ACCESS_KEY_ID and BACKFILL_S3_SECRET_ACCESS_KEY: set both or neither']);
});

test('attachment reading bounds: defaults, and a bad value named', () => {
  expect(attachmentLimits(loadConfig(valid))).toEqual({ maxBytes: 25 * 1024 * 1024, timeoutMs: 60_000, concurrency: 2, maxPages: 50 });
  expect(attachmentLimits(loadConfig({ ...valid, ATTACHMENT_MAX_BYTES: '1048576', ATTACHMENT_CONCURRENCY: '4' }))).toMatchObject({ maxBytes: 1_048_576, concurrency: 4 });
  expect(problemsOf({ ...valid, ATTACHMENT_MAX_PAGES: '0' })[0]).toMatch(/^ATTACHMENT_MAX_PAGES: /);
});

test('a malformed PAYLOAD_KEYS is listed with the other problems, without its key material', () => {
  const secretish = 'c2VjcmV0LWtleS1tYXRlcmlhbA';
  const problems = problemsOf({ ...valid, PAYLOAD_KEYS: `k1:${secretish}`, FINGERPRINT_KEY: 'short' });
  expect(problems).toContainEqual(expect.stringMatching(/^PAYLOAD_KEYS: entry 1 \(key id "k1"\): key is not valid standard base64$/));
  expect(problems).toContainEqual(expect.stringMatching(/^FINGERPRINT_KEY:/));
  expect(problems.join('\n')).not.toContain(secretish);
});

test('a command validates only what it needs, with the same messages', () => {
  expect(loadConfigFor({ PAYLOAD_KEYS: valid.PAYLOAD_KEYS }, ['PAYLOAD_KEYS', 'TEMPORAL_NAMESPACE'])).toEqual({ PAYLOAD_KEYS: valid.PAYLOAD_KEYS, TEMPORAL_NAMESPACE: 'default' });
  expect(() => loadConfigFor({}, ['PAYLOAD_KEYS'])).toThrow('PAYLOAD_KEYS: is required but not set');
});
