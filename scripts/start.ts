// `npm start`: the whole product on one machine. Whatever is not configured is provided:
// an embedded Temporal dev server with its Web UI (SQLite, so a restart loses nothing),
// the Zendesk and Slack emulators (state kept in .data/ too), and generated development secrets.
// Each ✔ line is printed once that part is up; the configuration is checked before anything starts.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runService } from '../service/main';
import { loadConfig } from '../config';
import { DATA_DIR, DEFAULT_LOCAL_RUN_FILE, type LocalRun } from '../config/local-run';
import { persistStores, type Persisted } from '../sandbox/persist';
import { startSlackSandbox } from '../sandbox/slack';
import { startZendeskSandbox } from '../sandbox/zendesk';
import { generatePayloadKey } from '../security/codec';
import { runWorker } from '../workers/main';
import { startDevServer, type DevServer } from './dev-server';
import { cannotStart, portFree, removeServerRecord, temporalPortProblem, writeServerRecord } from './start-checks';
import { onStopSignals } from './stop-signals';

const DATA = DATA_DIR;
export const LOCAL_RUN_FILE = DEFAULT_LOCAL_RUN_FILE;
export type { LocalRun };
const SECRETS_FILE = join(DATA, 'dev-secrets.json');
const EMULATOR_STATE_FILE = join(DATA, 'emulators.v8');
/** The embedded Temporal server's pid while it runs (start-checks.ts names a leftover with it). */
const SERVER_RECORD_FILE = join(DATA, 'temporal.pid');

const say = (line: string) => process.stdout.write(`${line}\n`);

/** Development secrets survive restarts, so running workflows stay readable. */
function devSecrets(): Record<string, string> {
  if (existsSync(SECRETS_FILE)) return JSON.parse(readFileSync(SECRETS_FILE, 'utf8')) as Record<string, string>;
  const secrets = {
    PAYLOAD_KEYS: generatePayloadKey('dev-1'),
    FINGERPRINT_KEY: randomBytes(32).toString('base64'),
    CODEC_AUTH_TOKEN: randomBytes(16).toString('hex'),
    ZENDESK_WEBHOOK_SECRET: randomBytes(24).toString('base64'),
  };
  writeFileSync(SECRETS_FILE, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** Thrown for a start-up problem the user can fix: printed without a stack. */
class StartError extends Error {}

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Stopping goes in order: the HTTP service first (no new requests; answers and claims in flight finish,
  // and claims need the worker), then the worker (activities in flight get the grace time), then the
  // emulators and the embedded Temporal server (finally, below).
  const stop = new AbortController();
  const stopWorker = new AbortController();
  const cleanups: Array<() => Promise<void> | void> = [];
  const stopping = (): boolean => stop.signal.aborted;
  let server: DevServer | undefined;
  const known: { graceTime?: string } = {}; // for the stop message, once the configuration is read
  // Whatever ends this process (an uncaught error included), the embedded server does not outlive it.
  process.on('exit', () => server?.killNow());
  const removeSignalListeners = onStopSignals({
    stop: (signal) => {
      if (stopping()) return;
      const grace = known.graceTime ? `; activities in flight get up to ${known.graceTime} to finish` : '';
      say(`… stopping (${signal}): no new requests${grace} (Ctrl-C again to force)`);
      stop.abort();
    },
    force: () => {
      say('✘ forced stop: activities in flight are abandoned (they are retried after the next start)');
      void Promise.resolve(server?.stop()).finally(() => process.exit(130));
    },
  });

  const fromEnvironment: string[] = [];
  for (const [key, value] of Object.entries(devSecrets())) {
    if (env[key]) fromEnvironment.push(key);
    else env[key] = value;
  }
  const port = Number(env.PORT ?? 3000);
  const serviceUrl = `http://127.0.0.1:${port}`;
  const useZendesk = !env.ZENDESK_URL;
  const useSlack = !env.SLACK_BOT_TOKEN;
  const useTemporal = !env.TEMPORAL_ADDRESS;
  const zendeskPort = Number(env.SANDBOX_ZENDESK_PORT ?? 4010);
  const slackPort = Number(env.SANDBOX_SLACK_PORT ?? 4020);
  const temporalPort = Number(env.TEMPORAL_PORT ?? 7233);
  const uiPort = Number(env.TEMPORAL_UI_PORT ?? 8233);

  // Check everything before anything starts: the configuration (with what npm start will provide filled
  // in) and the ports, so one message lists every problem and nothing is left half started.
  const planned: NodeJS.ProcessEnv = {
    ...env,
    ...(useZendesk ? { ZENDESK_URL: `http://127.0.0.1:${zendeskPort}`, ZENDESK_EMAIL: 'bot@example.com', ZENDESK_API_TOKEN: 'sandbox' } : {}),
    ...(useSlack ? { SLACK_BOT_TOKEN: 'sandbox', SLACK_SIGNING_SECRET: 'sandbox', SLACK_CHANNEL_ID: env.SLACK_CHANNEL_ID ?? 'C0REDACT', SLACK_LEAD_USER_IDS: env.SLACK_LEAD_USER_IDS ?? 'U0LEAD1' } : {}),
    ...(useTemporal ? { TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}` } : {}),
  };
  known.graceTime = loadConfig(planned).WORKER_SHUTDOWN_GRACE_TIME;
  const ports: [number, string][] = [[port, 'PORT']];
  if (useZendesk) ports.push([zendeskPort, 'SANDBOX_ZENDESK_PORT']);
  if (useSlack) ports.push([slackPort, 'SANDBOX_SLACK_PORT']);
  if (useTemporal) ports.push([temporalPort, 'TEMPORAL_PORT'], [uiPort, 'TEMPORAL_UI_PORT']);
  const busy: string[] = [];
  for (const [p, name] of ports) {
    if (await portFree(p)) continue;
    busy.push(name === 'TEMPORAL_PORT' ? await temporalPortProblem(p, SERVER_RECORD_FILE) : `port ${p} (${name}) is in use: set ${name} to a free port (is another npm start running?)`);
  }
  if (busy.length) throw new StartError(cannotStart(busy));

  try {
    let zendeskUrl: string | undefined;
    let slackUrl: string | undefined;
    let zendeskAuth: { email: string; token: string } | undefined;
    const stores: Record<string, object> = {};
    if (useZendesk) {
      const zendesk = await startZendeskSandbox({ port: zendeskPort });
      cleanups.push(() => zendesk.close());
      Object.assign(env, { ZENDESK_URL: zendesk.url, ZENDESK_EMAIL: zendesk.email, ZENDESK_API_TOKEN: zendesk.token });
      zendeskUrl = zendesk.url;
      zendeskAuth = { email: zendesk.email, token: zendesk.token };
      stores.zendesk = zendesk.store;
      stores.zendeskAdmin = zendesk.admin;
    }
    if (useSlack) {
      const slack = await startSlackSandbox({ port: slackPort });
      cleanups.push(() => slack.close());
      Object.assign(env, {
        SLACK_API_URL: slack.apiUrl,
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_SIGNING_SECRET: slack.signingSecret,
        SLACK_CHANNEL_ID: env.SLACK_CHANNEL_ID ?? 'C0REDACT',
        SLACK_LEAD_USER_IDS: env.SLACK_LEAD_USER_IDS ?? 'U0LEAD1,U0LEAD2',
      });
      slackUrl = slack.url;
      stores.slack = slack.store;
    }
    if (stopping()) return;
    let persisted: Persisted | undefined;
    if (useZendesk || useSlack) {
      const p = persistStores(EMULATOR_STATE_FILE, stores, { onError: (err) => say(`! emulator state in ${EMULATOR_STATE_FILE}: ${err.message}`) });
      persisted = p;
      cleanups.push(() => p.close());
      const kept = p.restored ? `state restored from ${EMULATOR_STATE_FILE}` : `state kept in ${EMULATOR_STATE_FILE}`;
      if (zendeskUrl) say(`✔ Zendesk emulator ${zendeskUrl}/api/v2  (ZENDESK_URL not set; test data only; ${kept})`);
      if (slackUrl) say(`✔ Slack emulator   ${slackUrl}/api/  (SLACK_BOT_TOKEN not set; leads U0LEAD1, U0LEAD2; ${kept})`);
    }

    let uiUrl: string | undefined;
    if (useTemporal) {
      say('… starting an embedded Temporal dev server (data in .data/temporal.db)');
      const embedded = await startDevServer({
        port: temporalPort,
        uiPort,
        dbFilename: join(DATA, 'temporal.db'),
        namespace: env.TEMPORAL_NAMESPACE ?? 'default',
        // The UI decodes from its first page load, with no browser setting (the UI applies one set in its Data
        // Encoder dialog only to pages loaded afterwards). The token rides in the path because the UI sends no
        // Authorization header to an http endpoint; UI and service listen on loopback only.
        uiCodecEndpoint: env.CODEC_AUTH_TOKEN ? `${serviceUrl}/codec/t/${encodeURIComponent(env.CODEC_AUTH_TOKEN)}` : `${serviceUrl}/codec`,
        startTimeoutMs: 90_000,
        log: say,
        signal: stop.signal,
      }).catch((err: unknown) => {
        if (stopping()) return undefined; // stopped while it was starting: nothing to report
        throw err;
      });
      if (!embedded) return;
      server = embedded;
      writeServerRecord(SERVER_RECORD_FILE, { pid: embedded.pid, port: embedded.port, startedBy: process.pid });
      cleanups.push(async () => {
        await embedded.stop();
        removeServerRecord(SERVER_RECORD_FILE);
      });
      env.TEMPORAL_ADDRESS = embedded.address;
      // Worker Versioning as in production, with one version: this worker's, made current below.
      env.TEMPORAL_BUILD_ID ??= 'local';
      env.CODEC_CORS_ORIGINS ??= `http://localhost:${uiPort},http://127.0.0.1:${uiPort}`;
      uiUrl = `http://localhost:${uiPort}`;
      say(`✔ Temporal        ${embedded.address}  (embedded dev server)`);
      say(`✔ Web UI          ${uiUrl}`);
    } else {
      say(`✔ Temporal        ${env.TEMPORAL_ADDRESS}  (TEMPORAL_ADDRESS: a server you run; no embedded server started)`);
    }
    if (stopping()) return;

    const config = loadConfig(env);
    const ready = { worker: false, service: false };
    let announced = false;
    const announce = (): void => {
      if (announced || stopping() || !ready.worker || !ready.service) return;
      announced = true;
      const run: LocalRun = {
        pid: process.pid,
        startedAt: new Date().toISOString(),
        serviceUrl,
        uiUrl,
        zendeskUrl,
        slackUrl,
        temporalAddress: config.TEMPORAL_ADDRESS,
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        secretsFile: SECRETS_FILE,
        fromEnvironment,
        zendeskEmail: zendeskAuth?.email,
        zendeskToken: zendeskAuth?.token,
        webhookSecret: config.ZENDESK_WEBHOOK_SECRET,
        slackSigningSecret: config.SLACK_SIGNING_SECRET,
        slackChannelId: config.SLACK_CHANNEL_ID,
        leadUserId: config.SLACK_LEAD_USER_IDS[0] ?? 'U0LEAD1',
      };
      writeFileSync(LOCAL_RUN_FILE, JSON.stringify(run, null, 2), { mode: 0o600 });
      cleanups.push(() => rmSync(LOCAL_RUN_FILE, { force: true }));
      if (uiUrl) say(`                  the Web UI decodes payloads through ${serviceUrl}/codec (no browser setting needed)`);
      say(`The CLI (npx redactor …) finds this run through ${LOCAL_RUN_FILE}.`);
      say('Try it: npm run demo    Stop: Ctrl-C');
    };
    // On our own embedded server, this worker's version becomes current so tasks are dispatched to it.
    const worker = runWorker(config, {
      signal: stopWorker.signal,
      makeCurrent: useTemporal,
      onReady: () => {
        ready.worker = true;
        const version = config.TEMPORAL_BUILD_ID ? `, version ${config.TEMPORAL_DEPLOYMENT_NAME} build ${config.TEMPORAL_BUILD_ID}${useTemporal ? ' (current)' : ''}` : '';
        say(`✔ worker          task queue ${config.TEMPORAL_TASK_QUEUE} on ${config.TEMPORAL_ADDRESS} (namespace ${config.TEMPORAL_NAMESPACE}${version})`);
        announce();
      },
    });
    const service = runService(config, {
      signal: stop.signal,
      onReady: () => {
        ready.service = true;
        if (!stopping()) say(`✔ HTTP service    ${serviceUrl}  (POST /webhooks/zendesk, /slack/interactions, /slack/commands; GET /healthz, /metrics)`);
        announce();
      },
    });
    // The worker stops once the service has stopped taking and finishing requests.
    const serviceStopped = service.finally(() => stopWorker.abort());
    // If either part fails, stop the other; say which one failed.
    const watch = (p: Promise<void>, name: string) =>
      p.catch((err: unknown) => {
        stop.abort();
        stopWorker.abort();
        throw new StartError(`✘ ${name}: ${err instanceof Error ? err.message : String(err)}`);
      });
    const results = await Promise.allSettled([watch(worker, 'worker'), watch(serviceStopped, 'HTTP service')]);
    persisted?.save();
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  } finally {
    stop.abort();
    stopWorker.abort();
    for (const cleanup of cleanups.reverse()) await Promise.resolve().then(cleanup).catch(() => undefined);
    removeSignalListeners();
    if (stopping()) say('✔ stopped');
  }
}

if (require.main === module) {
  main()
    // Every part is closed by now; a handle some library left open must not keep the process alive.
    .then(() => setTimeout(() => process.exit(0), 5_000).unref())
    .catch((err: unknown) => {
      // Configuration and start-up problems are the user's to fix: the message says what, no stack.
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
