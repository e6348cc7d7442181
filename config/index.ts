// The whole service is configured from the environment, validated once at start-up.
// A bad or missing value stops start-up with one message listing every problem.
import { z } from 'zod';

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
  BACKFILL_REPORT_DIR: z.string().min(1).default('.data/reports'),
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

  // Secrets for data protection
  PAYLOAD_KEYS: z.string().min(1, { message: 'set PAYLOAD_KEYS to keyId:base64key[,older...]' }),
  FINGERPRINT_KEY: z.string().min(32, { message: 'use at least 32 characters of random data' }),
  CODEC_AUTH_TOKEN: z.string().min(16, { message: 'use at least 16 characters' }).optional(),
  CODEC_CORS_ORIGINS: commaList.default(['http://localhost:8233', 'http://127.0.0.1:8233']),

  // HTTP service
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: httpUrl.optional(),
  WEBHOOK_MAX_BODY_BYTES: z.coerce.number().int().min(1_024).max(10_485_760).default(65_536),
  /** Serve the worker's activity metrics (Prometheus) on this port; unset: not served. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment; throws a ConfigError listing every problem. Never echoes secret values. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset, as in most deployment tools.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (parsed.success) {
    const config = parsed.data;
    if (config.SLACK_LEAD_USER_IDS.length === 0 && !config.SLACK_LEAD_USERGROUP_ID) {
      throw new ConfigError(['SLACK_LEAD_USER_IDS or SLACK_LEAD_USERGROUP_ID: name at least one lead who may claim requests']);
    }
    return config;
  }
  const problems = parsed.error.issues.map((issue) => {
    const key = issue.path.join('.');
    const missing = issue.code === 'invalid_type' && cleaned[key] === undefined;
    return `${key}: ${missing ? 'is required but not set' : issue.message}`;
  });
  throw new ConfigError(problems);
}

/** Workflow settings derived from the configuration (workflows cannot read the environment). */
export function redactionSettings(config: Config) {
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
