/**
 * `npm run bench:backfill`: seeds 100,000 tickets of about three comments each in the Zendesk
 * sandbox and runs a `report` backfill against it with no rate limit, on a local Temporal dev
 * server, with the worker in its own process (so its RSS is the worker's alone).
 *
 *   npm run bench:backfill                     # 100,000 tickets
 *   BENCH_TICKETS=20000 npm run bench:backfill # smaller
 *
 * Prints, each on its own line: throughput, the worker's peak RSS (and RSS along the run), and the
 * Temporal history events per 1,000 tickets (all runs of the continue-as-new chain).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { backfillOptions, startBackfill } from '../cli/backfill';
import { loadConfig } from '../config';
import { startSlackSandbox } from '../sandbox/slack';
import { seedTickets, startZendeskSandbox } from '../sandbox/zendesk';
import { startDevServer } from '../scripts/dev-server';
import { createDataConverter, generatePayloadKey, parsePayloadKeys } from '../security/codec';
import { backfillProgressQuery } from '../workflows/backfill-messages';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000);
const ROOT = resolve(__dirname, '..');

async function runWorkerMode(): Promise<void> {
  const { runWorker } = await import('../workers/main');
  const stop = new AbortController();
  process.once('SIGTERM', () => stop.abort());
  await runWorker(loadConfig(process.env), { signal: stop.signal });
}

function rssKb(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const get = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rss: get('VmRSS'), hwm: get('VmHWM') };
}

async function main(): Promise<void> {
  const temporal = await startDevServer({ startTimeoutMs: 120_000 });
  const zendesk = await startZendeskSandbox();
  const slack = await startSlackSandbox();
  let worker: ChildProcess | undefined;
  try {
    const end = Date.now() - 2 * 3600_000;
    const t0 = performance.now();
    const seeded = seedTickets(zendesk.store, TICKETS, { seed: 42, cardRate: 0.01, commentsPerTicket: 3, endTime: end });
    const seedSeconds = (performance.now() - t0) / 1000;
    console.log(`seed: ${TICKETS} tickets, ${seeded.commentCount} comments, ${seeded.cards.length} cards in ${seedSeconds.toFixed(2)} s`);

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ZENDESK_URL: zendesk.url,
      ZENDESK_EMAIL: zendesk.email,
      ZENDESK_API_TOKEN: zendesk.token,
      ZENDESK_WEBHOOK_SECRET: 'bench',
      SLACK_API_URL: slack.apiUrl,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: slack.signingSecret,
      SLACK_CHANNEL_ID: 'C0BENCH',
      SLACK_LEAD_USER_IDS: 'U0BENCH',
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: `bench-backfill-${Date.now()}`,
      PAYLOAD_KEYS: generatePayloadKey('bench'),
      FINGERPRINT_KEY: randomBytes(32).toString('base64'),
      BACKFILL_REPORT_STORE: `file:${mkdtempSync(join(tmpdir(), 'bench-backfill-'))}`,
      LOG_LEVEL: 'info',
    };
    const config = loadConfig(env);
    worker = spawn(process.execPath, ['--import', 'tsx', __filename, '--worker'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((ready, fail) => {
      let out = '';
      worker!.stdout!.on('data', (b: Buffer) => {
        out = (out + b.toString()).slice(-10_000);
        if (out.includes('"msg":"worker started"')) ready();
      });
      worker!.once('exit', (code) => fail(new Error(`worker exited (${code})`)));
    });
    const pid = worker.pid!;

    const connection = await Connection.connect({ address: temporal.address });
    const client = new Client({ connection, dataConverter: createDataConverter(parsePayloadKeys(config.PAYLOAD_KEYS)) });
    const options = backfillOptions(config, { mode: 'report', since: Math.floor((end - 91 * 86400_000) / 1000), incrementalPerMinute: 0 });
    const startedAt = performance.now();
    const handle = await startBackfill(client, config.TEMPORAL_TASK_QUEUE, options, `bench-${Date.now()}`);
    const samples: { tickets: number; rss: number }[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        try {
          const p = await handle.query(backfillProgressQuery);
          samples.push({ tickets: p.ticketsScanned, rss: rssKb(pid).rss });
        } catch {
          // between runs of the chain
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    const result = await handle.result();
    const seconds = (performance.now() - startedAt) / 1000;
    sampling = false;
    await sampler;
    const { hwm } = rssKb(pid);

    let events = 0;
    let runs = 0;
    for await (const wf of client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` })) {
      runs++;
      events += wf.historyLength;
    }
    const along = [0.25, 0.5, 0.75, 1].map((q) => {
      const s = samples.find((x) => x.tickets >= q * TICKETS) ?? samples[samples.length - 1];
      return `${Math.round(q * 100)}%: ${s ? Math.round(s.rss / 1024) : '?'} MB`;
    });
    console.log(`run: ${result.ticketsScanned} tickets, ${result.commentsScanned} comments, ${result.pages} pages, ${result.findings} findings (${seeded.cards.length} seeded), ${seconds.toFixed(1)} s`);
    console.log(`backfill: ${Math.round(result.ticketsScanned / seconds)} tickets/s, ${Math.round(result.commentsScanned / seconds)} comments/s`);
    console.log(`worker peak RSS: ${Math.round(hwm / 1024)} MB (RSS along the run: ${along.join(', ')})`);
    console.log(`history: ${Math.round((events * 1000) / Math.max(1, result.ticketsScanned))} events per 1,000 tickets (${events} events over ${runs} runs)`);
    await connection.close();
  } finally {
    worker?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
    await zendesk.close();
    await slack.close();
    await temporal.stop();
  }
}

if (process.argv.includes('--worker')) {
  runWorkerMode().catch((err: unknown) => {
    process.stderr.write(`bench worker failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
} else {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
