/**
 * `npm run bench:waiting`: worker memory with many requests waiting for a claim. One dev server, the Zendesk
 * and Slack emulators, and the real worker entrypoint (`workers/main.ts`) in its own process, sized by the
 * WORKER_* settings. Starts WAITING_COUNT requests on tickets that hold a card (each runs detect, child ticket
 * and Slack card, then waits for a claim) and samples the worker's RSS until all wait or WAITING_SECONDS
 * pass, whichever is first: the run always ends by itself.
 *
 *   npm run bench:waiting                       # WAITING_COUNT=10000 WAITING_SECONDS=240
 *   WORKER_MAX_CACHED_WORKFLOWS=2000 npm run bench:waiting
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startSlackSandbox } from '../sandbox/slack';
import { startZendeskSandbox } from '../sandbox/zendesk';
import { startDevServer } from '../scripts/dev-server';
import { createDataConverter, generatePayloadKey, parsePayloadKeys } from '../security/codec';
import { redactionWorkflowId } from '../workflows/ids';
import { requestSignal } from '../workflows/messages';
import { TicketIdKey } from '../workflows/search-attributes';
import type { RedactionRequest, RedactionWorkflowInput } from '../workflows/types';

const COUNT = Number(process.env.WAITING_COUNT ?? 10_000);
const SECONDS = Number(process.env.WAITING_SECONDS ?? 240);
const START_CONCURRENCY = Number(process.env.WAITING_START_CONCURRENCY ?? 50);
const ROOT = resolve(__dirname, '..');

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** A test card number built at run time (Luhn), never written in source. */
function testPan(seed: number): string {
  const body = `5${String(200000000000000 + seed * 104729).slice(0, 14)}`;
  let sum = 0;
  for (let i = body.length - 1, dbl = true; i >= 0; i--, dbl = !dbl) {
    let d = body.charCodeAt(i) - 48;
    if (dbl) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

async function main(): Promise<void> {
  const started = Date.now();
  const deadline = started + SECONDS * 1000;
  const server = await startDevServer({ startTimeoutMs: 90_000 });
  const zendesk = await startZendeskSandbox();
  const slack = await startSlackSandbox();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ZENDESK_URL: zendesk.url,
    ZENDESK_EMAIL: zendesk.email,
    ZENDESK_API_TOKEN: zendesk.token,
    ZENDESK_WEBHOOK_SECRET: 'bench-webhook-secret',
    SLACK_API_URL: slack.apiUrl,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_CHANNEL_ID: 'C0REDACT',
    SLACK_LEAD_USER_IDS: 'U0LEAD1',
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: `bench-waiting-${randomUUID()}`,
    PAYLOAD_KEYS: generatePayloadKey('bench-key'),
    FINGERPRINT_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
  };
  const worker = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, 'workers/main.ts')], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((r) => worker.once('exit', () => r()));
  const dataConverter = createDataConverter(parsePayloadKeys(env.PAYLOAD_KEYS!));
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, dataConverter });
  const waiting = async () => (await client.workflow.count('WorkflowType = "redactionWorkflow" AND RedactionStage = "awaiting_claim"')).count;
  let peak = 0;
  const samples: string[] = [];
  const sample = async () => {
    const rss = rssMb(worker.pid!);
    peak = Math.max(peak, rss || 0);
    const n = await waiting();
    samples.push(`${Math.round((Date.now() - started) / 1000)} s: ${n} waiting, worker RSS ${rss.toFixed(0)} MB`);
    return n;
  };
  try {
    const ids = Array.from({ length: COUNT }, (_, i) =>
      zendesk.store.seedTicket({ subject: `Payment ${i}`, comments: [{ body: `hello, my card is ${testPan(i)}` }] }).ticket.id,
    );
    let next = 0;
    let stop = false;
    const starting = Promise.all(
      Array.from({ length: START_CONCURRENCY }, async () => {
        for (let i = next++; i < ids.length && !stop; i = next++) {
          const ticketId = ids[i]!;
          await client.workflow.signalWithStart<(input: RedactionWorkflowInput) => Promise<unknown>, [RedactionRequest]>('redactionWorkflow', {
            workflowId: redactionWorkflowId(ticketId),
            taskQueue: env.TEMPORAL_TASK_QUEUE!,
            args: [{ ticketId }],
            signal: requestSignal,
            signalArgs: [{ deliveryId: `bench-${ticketId}`, source: 'detection' }],
            typedSearchAttributes: [{ key: TicketIdKey, value: ticketId }],
          });
        }
      }),
    );
    let n = 0;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10_000));
      n = await sample();
      process.stdout.write(`  ${samples[samples.length - 1]}\n`);
      if (n >= COUNT) break;
    }
    stop = true;
    await starting;
    n = await sample();
    const rss = rssMb(worker.pid!);
    process.stdout.write(
      `waiting: ${n} of ${COUNT} requests waiting for a claim after ${Math.round((Date.now() - started) / 1000)} s` +
        `${n < COUNT ? ` (time bound WAITING_SECONDS=${SECONDS} reached)` : ''}\n` +
        `  worker RSS now ${rss.toFixed(0)} MB, peak ${peak.toFixed(0)} MB (target < 1024 MB); ` +
        `WORKER_MAX_CACHED_WORKFLOWS=${process.env.WORKER_MAX_CACHED_WORKFLOWS ?? '500 (default)'}\n`,
    );
    if (peak >= 1024) process.exitCode = 1;
  } finally {
    worker.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (worker.exitCode === null) worker.kill('SIGKILL');
    await connection.close();
    await zendesk.close();
    await slack.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:waiting failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
