// The whole service is configured from the environment, validated once at start-up.
// A bad or missing value stops start-up with one message listing every problem.
import { z } from 'zod';
import { parseReportStore } from '../activities/report-location';
import { parsePayloadKeys } from '../security/codec';
import { ConfigError } from './errors';

export { ConfigError };

const duration = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(ms|milliseconds?|s|seconds?|m|mins?|minutes?|h|hours?|d|days?)$/i, {
    message: 'expected a duration such as "90s", "30 minutes" or "2h"',
  });

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const commaList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

const slackUserIds = commaList.pipe(
  z.array(z.string().regex(/^[UW][A-Z0-9]{2,}$/, { message: 'Slack user ids look like U0123ABCD' })),
);

const httpUrl = z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' });

export const configSchema = z.object({
  // Zendesk
  ZENDESK_URL: httpUrl.transform((u) => u.replace(/\/+$/, '').replace(/\/api\/v2$/, '')),
  ZENDESK_EMAIL: z.string().min(3).regex(/@/, { message: 'expected the API user email' }),
  ZENDESK_API_TOKEN: z.string().min(1),
  ZENDESK_WEBHOOK_SECRET: z.string().min(1),
  ZENDESK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  /** `agent_workspace` uses comment_redactions; `legacy` uses the per-string endpoint. */
  ZENDESK_REDACTION_API: z.enum(['agent_workspace', 'legacy']).default('agent_workspace'),
  /** Fall back to the legacy endpoint when Agent Workspace redaction is unavailable (403/404). */
  ZENDESK_LEGACY_FALLBACK: booleanFlag.default(true),

  // Slack
  SLACK_API_URL: httpUrl.default('https://slack.com/api/'),
  SLACK_BOT_TOKEN: z.string().min(1),
  SLACK_SIGNING_SECRET: z.string().min(1),
  SLACK_CHANNEL_ID: z.string().regex(/^[CG][A-Z0-9]{2,}$/, { message: 'Slack channel ids look like C0123ABCD' }),
  SLACK_LEAD_USER_IDS: slackUserIds.default([]),
  SLACK_LEAD_USERGROUP_ID: z.string().regex(/^S[A-Z0-9]{2,}$/, { message: 'Slack user group ids look like S0123ABCD' }).optional(),
  SLACK_DONE_EMOJI: z.string().regex(/^[a-z0-9_+'-]+$/, { message: 'an emoji name without colons, e.g. white_check_mark' }).default('white_check_mark'),
  SLACK_ESCALATION_MENTION: z.string().optional(),
  SLACK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),

  // Temporal
  TEMPORAL_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, { message: 'expected host:port' }).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('pan-redaction'),
  /** Worker Versioning (docs/versioning.md): the deployment all our workers belong to… */
  TEMPORAL_DEPLOYMENT_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/, { message: "letters, digits, '_' or '-' (a '.' would split the version string)" })
    .default('pan-redactor'),
  /** …and this worker's build id (e.g. the image tag). Unset: an unversioned worker (tests, ad-hoc runs). */
  TEMPORAL_BUILD_ID: z.string().regex(/^[A-Za-z0-9._+-]{1,255}$/, { message: "1-255 letters, digits, '.', '_', '+' or '-', e.g. 2026-12-03.1 or a git sha" }).optional(),
  /** A bundle from `npm run build:bundle` (the Docker image sets it); unset: workflows/ is bundled at start-up. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),

  // Policy and timing
  REDACTION_MODE: z.enum(['claim', 'auto']).default('claim'),
  CLAIM_REMINDER_AFTER: duration.default('30 minutes'),
  MAX_REDACTION_PASSES: z.coerce.number().int().min(1).max(5).default(2),
  MERGE_POLL_INTERVAL: duration.default('5 seconds'),
  /** Per-attempt activity limits; unset = the defaults in workflows/activity-options.ts. */
  ZENDESK_ACTIVITY_TIMEOUT: duration.optional(),
  ZENDESK_SCAN_TIMEOUT: duration.optional(),
  SLACK_ACTIVITY_TIMEOUT: duration.optional(),

  // Historical backfill (issue 9)
  /** `file:<dir>` (one host) or `s3://bucket[/prefix]` (any number of workers); see docs/backfill.md. */
  BACKFILL_REPORT_STORE: z
    .string()
    .default('file:.data/reports')
    .superRefine((v, ctx) => {
      const parsed = parseReportStore(v);
      if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
    }),
  /** S3-compatible endpoint (MinIO: http://minio:9000); unset: AWS S3. */
  BACKFILL_S3_ENDPOINT: httpUrl.optional(),
  BACKFILL_S3_REGION: z.string().min(1).default('us-east-1'),
  /** Unset: the AWS SDK's default credential chain (environment, instance or task role). */
  BACKFILL_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  BACKFILL_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Path-style URLs (bucket in the path), as MinIO wants; default: on when an endpoint is set. */
  BACKFILL_S3_FORCE_PATH_STYLE: booleanFlag.optional(),
  BACKFILL_REPORT_FORMAT: z.enum(['jsonl', 'csv']).default('jsonl'),
  /** Events per `incremental/ticket_events` page (Zendesk allows up to 1,000). */
  BACKFILL_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(1000),
  BACKFILL_PAGES_PER_RUN: z.coerce.number().int().min(1).max(10_000).default(100),
  /** Incremental export requests per minute: Zendesk allows 10 (30 with High Volume); 0 = unpaced (sandbox only). */
  BACKFILL_INCREMENTAL_PER_MINUTE: z.coerce.number().min(0).max(30).default(10),
  /** The backfill's share of the account's requests per minute (Team plan: 200 for everyone). */
  BACKFILL_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(2_500).default(50),
  BACKFILL_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Claim mode: Slack "Take it" messages a run may post before it asks for confirmation. */
  BACKFILL_CLAIM_MESSAGE_LIMIT: z.coerce.number().int().min(0).default(25),
  /** Auto mode: redacted tickets per Slack summary and per note on the run's child ticket. */
  BACKFILL_SUMMARY_BATCH: z.coerce.number().int().min(1).max(1_000).default(50),
  /** `backfill start --attachments`: megabytes of files read per minute across the run (0 = no limit). */
  BACKFILL_ATTACHMENT_MB_PER_MINUTE: z.coerce.number().min(0).max(10_000).default(100),

  // Reading attachments (issue 13)
  /** Bytes per attachment read; larger files are listed as not scanned (too large). */
  ATTACHMENT_MAX_BYTES: z.coerce.number().int().min(1_024).max(1_073_741_824).default(26_214_400),
  /** Wall time to download and read one file; past it the file is not scanned (time-out). */
  ATTACHMENT_READ_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(60_000),
  /** Files read at once, and OCR workers in the pool (each needs ~150 MB and one core). */
  ATTACHMENT_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  /** PDF pages read per file; the pages after it are listed as not scanned. */
  ATTACHMENT_MAX_PAGES: z.coerce.number().int().min(1).max(1_000).default(50),

  // Secrets for data protection
  // Parsed here too, so a malformed key is listed with every other problem (the message never holds key material).
  PAYLOAD_KEYS: z
    .string()
    .min(1, { message: 'set PAYLOAD_KEYS to keyId:base64key[,older...]' })
    .superRefine((value, ctx) => {
      try {
        parsePayloadKeys(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message.replace(/^PAYLOAD_KEYS:?\s*/, '') });
      }
    }),
  FINGERPRINT_KEY: z.string().min(32, { message: 'use at least 32 characters of random data' }),
  CODEC_AUTH_TOKEN: z.string().min(16, { message: 'use at least 16 characters' }).optional(),
  CODEC_CORS_ORIGINS: commaList.default(['http://localhost:8233', 'http://127.0.0.1:8233']),

  // HTTP service
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: httpUrl.optional(),
  WEBHOOK_MAX_BODY_BYTES: z.coerce.number().int().min(1_024).max(10_485_760).default(65_536),
  /**
   * Worker's workflow cache: waiting requests beyond it are evicted and replayed from history when a claim or
   * timer wakes them (CPU, not memory), so this bounds the worker's memory however many requests wait.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(500),
  /** How long a cached workflow's task waits on its sticky queue before any worker may take it. */
  WORKER_STICKY_QUEUE_TIMEOUT: duration.default('10 seconds'),
  /** Workflow tasks the worker runs at once. */
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).max(1_000).default(40),
  /**
   * On SIGTERM/SIGINT the worker stops polling and lets activities in flight finish for this long; then they are
   * cancelled (their attempt is retried by the next worker). 10 s later it stops waiting (workers/worker.ts).
   */
  WORKER_SHUTDOWN_GRACE_TIME: duration.default('30 seconds'),
  /** Serve the worker's activity metrics (Prometheus) on this port; unset: not served. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  /** Serve the Temporal SDK's own metrics (workflow-task latency, sticky cache, slots) on this port. */
  TEMPORAL_SDK_METRICS_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});

export type Config = z.infer<typeof configSchema>;


/** Validates the environment; throws a ConfigError listing every problem. Never echoes secret values. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parseWith(configSchema, env, true);
}

/**
 * Validates only the variables a command needs (the CLI's commands need Temporal and the payload keys, not
 * Slack's token), with the same messages as loadConfig.
 */
export function loadConfigFor<K extends keyof Config>(env: NodeJS.ProcessEnv, keys: readonly K[]): Pick<Config, K> {
  const mask = Object.fromEntries(keys.map((k) => [k, true])) as { [P in keyof Config]?: true };
  return parseWith(configSchema.pick(mask) as unknown as z.ZodType<Pick<Config, K>>, env, false);
}

function parseWith<T>(schema: z.ZodType<T>, env: NodeJS.ProcessEnv, needsLeads: boolean): T {
  // Empty strings count as unset, as in most deployment tools.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const key = issue.path.join('.');
        const missing = issue.code === 'invalid_type' && cleaned[key] === undefined;
        return `${key}: ${missing ? 'is required but not set' : issue.message}`;
      });
  if (needsLeads && cleaned.SLACK_LEAD_USER_IDS === undefined && cleaned.SLACK_LEAD_USERGROUP_ID === undefined) {
    problems.push('SLACK_LEAD_USER_IDS or SLACK_LEAD_USERGROUP_ID: name at least one lead who may claim requests');
  }
  if (needsLeads && !cleaned.BACKFILL_S3_ACCESS_KEY_ID !== !cleaned.BACKFILL_S3_SECRET_ACCESS_KEY) {
    problems.push('BACKFILL_S3_ACCESS_KEY_ID and BACKFILL_S3_SECRET_ACCESS_KEY: set both or neither');
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return parsed.data;
}

/** The variables redactionSettings reads. */
export type RedactionSettingsConfig = Pick<
  Config,
  'REDACTION_MODE' | 'CLAIM_REMINDER_AFTER' | 'SLACK_ESCALATION_MENTION' | 'SLACK_DONE_EMOJI' | 'MAX_REDACTION_PASSES' | 'MERGE_POLL_INTERVAL' | 'ZENDESK_ACTIVITY_TIMEOUT' | 'ZENDESK_SCAN_TIMEOUT' | 'SLACK_ACTIVITY_TIMEOUT'
>;
export const REDACTION_SETTINGS_KEYS: readonly (keyof RedactionSettingsConfig)[] = [
  'REDACTION_MODE', 'CLAIM_REMINDER_AFTER', 'SLACK_ESCALATION_MENTION', 'SLACK_DONE_EMOJI', 'MAX_REDACTION_PASSES', 'MERGE_POLL_INTERVAL', 'ZENDESK_ACTIVITY_TIMEOUT', 'ZENDESK_SCAN_TIMEOUT', 'SLACK_ACTIVITY_TIMEOUT',
];

/** Workflow settings derived from the configuration (workflows cannot read the environment). */
export function redactionSettings(config: RedactionSettingsConfig) {
  return {
    mode: config.REDACTION_MODE,
    claimReminderAfter: config.CLAIM_REMINDER_AFTER,
    escalationMention: config.SLACK_ESCALATION_MENTION,
    doneEmoji: config.SLACK_DONE_EMOJI,
    maxRedactionPasses: config.MAX_REDACTION_PASSES,
    mergePollInterval: config.MERGE_POLL_INTERVAL,
    mergePollLimit: 60,
    ...(config.ZENDESK_ACTIVITY_TIMEOUT || config.ZENDESK_SCAN_TIMEOUT || config.SLACK_ACTIVITY_TIMEOUT
      ? {
          activityTimeouts: {
            zendesk: config.ZENDESK_ACTIVITY_TIMEOUT,
            scan: config.ZENDESK_SCAN_TIMEOUT,
            slack: config.SLACK_ACTIVITY_TIMEOUT,
          },
        }
      : {}),
  };
}

/** The backfill's report store from the configuration (validated above). */
export function reportStoreSettings(config: Config) {
  const location = parseReportStore(config.BACKFILL_REPORT_STORE);
  if (typeof location === 'string') throw new ConfigError([`BACKFILL_REPORT_STORE: ${location}`]);
  return {
    location,
    s3: {
      endpoint: config.BACKFILL_S3_ENDPOINT,
      region: config.BACKFILL_S3_REGION,
      accessKeyId: config.BACKFILL_S3_ACCESS_KEY_ID,
      secretAccessKey: config.BACKFILL_S3_SECRET_ACCESS_KEY,
      forcePathStyle: config.BACKFILL_S3_FORCE_PATH_STYLE ?? config.BACKFILL_S3_ENDPOINT !== undefined,
    },
  };
}

/** Bounds of the attachment reader (files/types.ts ReadLimits). */
export function attachmentLimits(config: Config): { maxBytes: number; timeoutMs: number; concurrency: number; maxPages: number } {
  return {
    maxBytes: config.ATTACHMENT_MAX_BYTES,
    timeoutMs: config.ATTACHMENT_READ_TIMEOUT_MS,
    concurrency: config.ATTACHMENT_CONCURRENCY,
    maxPages: config.ATTACHMENT_MAX_PAGES,
  };
}
