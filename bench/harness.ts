/**
 * What the Temporal benches share: one dev server, the Zendesk and Slack emulators, the configuration a worker
 * and the service would read, a client, and a worker (in this process, or the real entrypoint in its own).
 * Everything started is stopped by `stop()`, last started first, whatever failed in between.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { WebClient } from '@slack/web-api';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createSlackClient } from '../activities/slack-api';
import { createZendeskApi } from '../activities/zendesk-api';
import { loadConfig, type Config } from '../config';
import { startSlackSandbox, type SlackSandbox } from '../sandbox/slack';
import { startZendeskSandbox, type ZendeskSandbox } from '../sandbox/zendesk';
import { buildWorkflowBundle } from '../scripts/build-workflow-bundle';
import { startDevServer, type DevServer } from '../scripts/dev-server';
import { createDataConverter, generatePayloadKey, parsePayloadKeys } from '../security/codec';
import { activitySettings, createRedactionWorker } from '../workers/worker';

const ROOT = resolve(__dirname, '..');
export const CHANNEL = 'C0REDACT';

export interface BenchStack {
  server: DevServer;
  zendesk: ZendeskSandbox;
  slack: SlackSandbox;
  /** The variables a worker or the service is started with. */
  env: NodeJS.ProcessEnv;
  config: Config;
  client: Client;
  slackClient: WebClient;
  /** Runs `fn` at stop(), before what was started earlier. */
  defer(fn: () => Promise<unknown> | void): void;
  stop(): Promise<void>;
}

export async function startBenchStack(name: string, overrides: NodeJS.ProcessEnv = {}): Promise<BenchStack> {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  const stop = async (): Promise<void> => {
    for (const fn of cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        process.stderr.write(`bench: cleanup failed: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    }
  };
  try {
    const server = await startDevServer({ startTimeoutMs: 90_000 });
    cleanups.push(() => server.stop());
    const zendesk = await startZendeskSandbox();
    cleanups.push(() => zendesk.close());
    const slack = await startSlackSandbox();
    cleanups.push(() => slack.close());
    const env: NodeJS.ProcessEnv = {
      ZENDESK_URL: zendesk.url,
      ZENDESK_EMAIL: zendesk.email,
      ZENDESK_API_TOKEN: zendesk.token,
      ZENDESK_WEBHOOK_SECRET: 'bench-webhook-secret',
      SLACK_API_URL: slack.apiUrl,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: slack.signingSecret,
      SLACK_CHANNEL_ID: CHANNEL,
      SLACK_LEAD_USER_IDS: 'U0LEAD1',
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: `bench-${name}-${randomUUID()}`,
      PAYLOAD_KEYS: generatePayloadKey('bench-key'),
      FINGERPRINT_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'silent',
      ...overrides,
    };
    const config = loadConfig(env);
    const connection = await Connection.connect({ address: server.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, dataConverter: createDataConverter(parsePayloadKeys(config.PAYLOAD_KEYS)) });
    const slackClient = createSlackClient({ apiUrl: config.SLACK_API_URL, botToken: config.SLACK_BOT_TOKEN, timeoutMs: 5000 });
    return { server, zendesk, slack, env, config, client, slackClient, defer: (fn) => cleanups.push(fn), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The redaction worker in this process (its activities' calls are what the emulators count). */
export async function runWorkerInProcess(stack: BenchStack): Promise<void> {
  const { config } = stack;
  const nativeConnection = await NativeConnection.connect({ address: stack.server.address });
  stack.defer(() => nativeConnection.close());
  const worker = await createRedactionWorker({
    connection: nativeConnection,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    zendesk: createZendeskApi({ url: config.ZENDESK_URL, email: config.ZENDESK_EMAIL, token: config.ZENDESK_API_TOKEN, timeoutMs: 5000 }),
    slack: stack.slackClient,
    dataConverter: createDataConverter(parsePayloadKeys(config.PAYLOAD_KEYS)),
    settings: activitySettings(config),
    shutdownGraceTime: '2 seconds',
  });
  const running = worker.run();
  stack.defer(async () => {
    worker.shutdown();
    await running;
  });
}

/**
 * The real worker entrypoint (workers/main.ts) in its own process, on a workflow bundle built first, as
 * production runs it (Dockerfile: `npm run build:bundle`, WORKFLOW_BUNDLE_PATH): no webpack in its memory.
 */
export async function spawnWorkerProcess(stack: BenchStack, env: NodeJS.ProcessEnv = {}): Promise<{ pid: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-bundle-'));
  stack.defer(() => rmSync(dir, { recursive: true, force: true }));
  const bundle = join(dir, 'workflow-bundle.js');
  await buildWorkflowBundle(bundle);
  // BENCH_WORKER_NODE_FLAGS: e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where the worker's time goes.
  const flags = (process.env.BENCH_WORKER_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const worker = spawn(process.execPath, [...flags, '--import', 'tsx', resolve(ROOT, 'workers/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...stack.env, WORKFLOW_BUNDLE_PATH: bundle, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((r) => worker.once('exit', () => r()));
  stack.defer(async () => {
    worker.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
  });
  return { pid: worker.pid! };
}

/** Resident memory of a process, in MB (NaN once it is gone). */
export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** A test card number built at run time (Luhn), never written in source: `prefix` then digits from `seed`. */
export function testPan(seed: number, prefix: '4' | '5', step: number): string {
  const body = `${prefix}${String(100000000000000 * Number(prefix === '4' ? 1 : 2) + seed * step).slice(0, 14)}`;
  let sum = 0;
  for (let i = body.length - 1, dbl = true; i >= 0; i--, dbl = !dbl) {
    let d = body.charCodeAt(i) - 48;
    if (dbl) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

/** Runs `job` over `items`, `concurrency` at a time. */
export async function pool<T>(items: T[], concurrency: number, job: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await job(items[i]!);
    }),
  );
}

/** Event counts of a workflow's history, by kind, read from the server. */
export async function historyCounts(client: Client, workflowId: string): Promise<Map<string, number>> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const counts = new Map<string, number>();
  for (const e of history.events ?? []) {
    const type = Object.entries(e).find(([k, v]) => k.endsWith('EventAttributes') && v)?.[0].replace(/EventAttributes$/, '') ?? 'other';
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  counts.set('total', history.events?.length ?? 0);
  return counts;
}
