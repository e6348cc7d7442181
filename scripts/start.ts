// `npm start`: the whole product on one machine. Whatever is not configured is provided:
// an embedded Temporal dev server with its Web UI (SQLite, so a restart loses nothing),
// the Zendesk and Slack emulators, and generated development secrets (kept in .data/).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runService } from '../client/main';
import { ConfigError, loadConfig } from '../config';
import { startSlackSandbox } from '../sandbox/slack';
import { startZendeskSandbox } from '../sandbox/zendesk';
import { generatePayloadKey } from '../security/codec';
import { runWorker } from '../workers/main';
import { startDevServer } from './dev-server';

const ROOT = resolve(__dirname, '..');
const DATA = join(ROOT, '.data');
export const LOCAL_RUN_FILE = join(DATA, 'local-run.json');

/** What `npm run demo` needs to drive a running `npm start`. */
export interface LocalRun {
  serviceUrl: string;
  uiUrl?: string;
  zendeskUrl?: string;
  slackUrl?: string;
  namespace: string;
  webhookSecret: string;
  slackSigningSecret: string;
  slackChannelId: string;
  leadUserId: string;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

/** Development secrets survive restarts, so running workflows stay readable. */
function devSecrets(): Record<string, string> {
  const file = join(DATA, 'dev-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  const secrets = {
    PAYLOAD_KEYS: generatePayloadKey('dev-1'),
    FINGERPRINT_KEY: randomBytes(32).toString('base64'),
    CODEC_AUTH_TOKEN: randomBytes(16).toString('hex'),
    ZENDESK_WEBHOOK_SECRET: randomBytes(24).toString('base64'),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env };
  const stop = new AbortController();
  const cleanups: Array<() => Promise<void>> = [];
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());

  try {
    for (const [key, value] of Object.entries(devSecrets())) {
      if (!env[key]) {
        env[key] = value;
      }
    }
    const port = Number(env.PORT ?? 3000);
    const serviceUrl = `http://127.0.0.1:${port}`;

    let zendeskUrl: string | undefined;
    if (!env.ZENDESK_URL) {
      const zendesk = await startZendeskSandbox({ port: Number(env.SANDBOX_ZENDESK_PORT ?? 4010) });
      cleanups.push(() => zendesk.close());
      Object.assign(env, { ZENDESK_URL: zendesk.url, ZENDESK_EMAIL: zendesk.email, ZENDESK_API_TOKEN: zendesk.token });
      zendeskUrl = zendesk.url;
      say(`! ZENDESK_URL is not set: using the Zendesk emulator at ${zendesk.url} (test data only)`);
    }
    let slackUrl: string | undefined;
    if (!env.SLACK_BOT_TOKEN) {
      const slack = await startSlackSandbox({ port: Number(env.SANDBOX_SLACK_PORT ?? 4020) });
      cleanups.push(() => slack.close());
      Object.assign(env, {
        SLACK_API_URL: slack.apiUrl,
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_SIGNING_SECRET: slack.signingSecret,
        SLACK_CHANNEL_ID: env.SLACK_CHANNEL_ID ?? 'C0REDACT',
        SLACK_LEAD_USER_IDS: env.SLACK_LEAD_USER_IDS ?? 'U0LEAD1,U0LEAD2',
      });
      slackUrl = slack.url;
      say(`! SLACK_BOT_TOKEN is not set: using the Slack emulator at ${slack.url} (leads U0LEAD1, U0LEAD2)`);
    }

    let uiUrl: string | undefined;
    const embeddedServer = !env.TEMPORAL_ADDRESS;
    if (embeddedServer) {
      const uiPort = Number(env.TEMPORAL_UI_PORT ?? 8233);
      say('… starting an embedded Temporal dev server (data in .data/temporal.db)');
      const server = await startDevServer({
        port: Number(env.TEMPORAL_PORT ?? 7233),
        uiPort,
        dbFilename: join(DATA, 'temporal.db'),
        namespace: env.TEMPORAL_NAMESPACE ?? 'default',
        uiCodecEndpoint: `${serviceUrl}/codec`,
        startTimeoutMs: 90_000,
        log: say,
      });
      cleanups.push(() => server.stop());
      env.TEMPORAL_ADDRESS = server.address;
      // Worker Versioning as in production, with one version: this worker's, made current below.
      env.TEMPORAL_BUILD_ID ??= 'local';
      env.CODEC_CORS_ORIGINS ??= `http://localhost:${uiPort},http://127.0.0.1:${uiPort}`;
      uiUrl = `http://localhost:${uiPort}`;
    }

    const config = loadConfig(env);
    const run: LocalRun = {
      serviceUrl,
      uiUrl,
      zendeskUrl,
      slackUrl,
      namespace: config.TEMPORAL_NAMESPACE,
      webhookSecret: config.ZENDESK_WEBHOOK_SECRET,
      slackSigningSecret: config.SLACK_SIGNING_SECRET,
      slackChannelId: config.SLACK_CHANNEL_ID,
      leadUserId: config.SLACK_LEAD_USER_IDS[0] ?? 'U0LEAD1',
    };
    writeFileSync(LOCAL_RUN_FILE, JSON.stringify(run, null, 2), { mode: 0o600 });

    // On our own embedded server, this worker's version becomes current so tasks are dispatched to it.
    const worker = runWorker(config, { signal: stop.signal, makeCurrent: embeddedServer });
    const service = runService(config, { signal: stop.signal });
    say('');
    say(`✔ HTTP service   ${serviceUrl}  (POST /webhooks/zendesk, /slack/interactions, /slack/commands; GET /healthz)`);
    say(`✔ Temporal       ${config.TEMPORAL_ADDRESS}  namespace ${config.TEMPORAL_NAMESPACE}, task queue ${config.TEMPORAL_TASK_QUEUE}`);
    if (config.TEMPORAL_BUILD_ID) say(`✔ Worker version ${config.TEMPORAL_DEPLOYMENT_NAME} build ${config.TEMPORAL_BUILD_ID}${embeddedServer ? ' (current)' : ''}`);
    if (uiUrl) {
      say(`✔ Web UI         ${uiUrl}`);
      say(`                 payloads are encrypted; to read them, open Data Encoder (glasses icon), override the`);
      say(`                 remote codec configuration and set ${serviceUrl}/codec/t/<CODEC_AUTH_TOKEN from .data/dev-secrets.json>`);
    }
    if (zendeskUrl) say(`✔ Zendesk sandbox ${zendeskUrl}/api/v2`);
    if (slackUrl) say(`✔ Slack sandbox   ${slackUrl}/api/`);
    say('Try it: npm run demo    Stop: Ctrl-C');
    // If either process fails, stop the other.
    await Promise.all([worker, service].map((p) => p.catch((err: unknown) => {
      stop.abort();
      throw err;
    })));
  } finally {
    stop.abort();
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
