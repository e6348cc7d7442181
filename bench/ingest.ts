// Ingest benchmark, on its own Temporal dev server (in memory) with no worker. Alternating rounds of
// signed Zendesk webhook deliveries to the HTTP service and of bare `signalWithStart` calls of the same
// workflow, at the same concurrency: deliveries/s, p50/p99 (time to the 202 / to the RPC's answer) and
// the ratio. Then a mixed burst (retries, duplicate triggers) checks that none was dropped: every distinct
// delivery id reached its ticket's workflow as a `request` signal. `npm run bench:ingest`
// (INGEST_COUNT=800 per round, INGEST_CONCURRENCY=400, INGEST_ROUNDS=3, INGEST_CHECK_COUNT=200).
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, type PayloadCodec } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import pino from 'pino';
import { createSlackClient } from '../activities/slack-api';
import { buildServer } from '../service/server';
import { signZendeskWebhook } from '../service/webhook-signature';
import { loadConfig } from '../config';
import { startDevServer } from '../scripts/dev-server';
import { createDataConverter, generatePayloadKey, parsePayloadKeys } from '../security/codec';
import { createLogger } from '../security/logger';
import { redactionWorkflowId } from '../workflows/ids';
import { requestSignal } from '../workflows/messages';
import { TicketIdKey } from '../workflows/search-attributes';
import type { RedactionRequest, RedactionWorkflowInput } from '../workflows/types';
import { REDACTION_WORKFLOW_TYPE } from '../service/routes/zendesk-webhooks';

type RedactionWorkflowFn = (input: RedactionWorkflowInput) => Promise<unknown>;

export interface Delivery {
  ticketId: number;
  body: unknown;
  invocationId?: string;
}

export interface BurstResult {
  latenciesMs: number[];
  statuses: number[];
  /** Transport errors and non-202 answers. */
  errors: number;
  duplicates: number;
}

/** Sends every delivery at once (signed as Zendesk signs) and times each answer. */
export async function ingestBurst(url: string, secret: string, deliveries: Delivery[]): Promise<BurstResult> {
  const results = await Promise.all(
    deliveries.map(async (d) => {
      const raw = JSON.stringify(d.body);
      const timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'x-zendesk-webhook-signature-timestamp': timestamp,
        'x-zendesk-webhook-signature': signZendeskWebhook(secret, timestamp, raw),
      };
      if (d.invocationId) headers['x-zendesk-webhook-invocation-id'] = d.invocationId;
      const started = performance.now();
      try {
        const res = await fetch(`${url}/webhooks/zendesk`, { method: 'POST', headers, body: raw });
        const json = (await res.json()) as { duplicate?: boolean };
        return { ms: performance.now() - started, status: res.status, duplicate: json.duplicate === true };
      } catch {
        return { ms: performance.now() - started, status: 0, duplicate: false };
      }
    }),
  );
  return {
    latenciesMs: results.map((r) => r.ms),
    statuses: results.map((r) => r.status),
    errors: results.filter((r) => r.status !== 202).length,
    duplicates: results.filter((r) => r.duplicate).length,
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * `count` deliveries: about 70 % distinct tickets, 15 % repeats of an earlier invocation id, 15 %
 * the same comment under a new invocation id (Zendesk retries and duplicate triggers).
 */
export function mixedDeliveries(count: number, firstTicketId: number): Delivery[] {
  const out: Delivery[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i < 3 ? 0 : i % 7 === 3 ? 1 : i % 7 === 5 ? 2 : 0;
    if (kind === 0 || out.length === 0) {
      const ticketId = firstTicketId + i;
      out.push({ ticketId, body: { ticket_id: ticketId, comment_id: ticketId * 10, type: 'comment_added' }, invocationId: `inv-${randomUUID()}` });
    } else {
      const earlier = out[(i * 31) % out.length]!;
      out.push({ ...earlier, invocationId: kind === 1 ? earlier.invocationId : `inv-${randomUUID()}` });
    }
  }
  return out;
}

/** Delivery ids of the `request` signals in each ticket's workflow history. */
export async function signalledDeliveryIds(client: Client, codec: PayloadCodec, ticketIds: number[]): Promise<Map<number, Set<string>>> {
  const out = new Map<number, Set<string>>();
  for (const ticketId of ticketIds) {
    const ids = new Set<string>();
    const history = await client.workflow.getHandle(redactionWorkflowId(ticketId)).fetchHistory();
    for (const event of history.events ?? []) {
      const attrs = event.workflowExecutionSignaledEventAttributes;
      if (!attrs || attrs.signalName !== 'request') continue;
      const decoded = await codec.decode((attrs.input?.payloads ?? []) as temporal.api.common.v1.IPayload[]);
      const request = defaultPayloadConverter.fromPayload(decoded[0]!) as { deliveryId: string };
      ids.add(request.deliveryId);
    }
    out.set(ticketId, ids);
  }
  return out;
}

/** Which distinct deliveries did not reach their workflow. */
export function dropped(deliveries: Delivery[], signalled: Map<number, Set<string>>): Delivery[] {
  const seen = new Set<string>();
  return deliveries.filter((d) => {
    const key = `${d.ticketId}:${d.invocationId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return !signalled.get(d.ticketId)?.has(d.invocationId!);
  });
}

/** Runs `count` jobs with at most `concurrency` in flight; returns each job's latency and the wall time. */
async function pool(count: number, concurrency: number, job: (i: number) => Promise<boolean>): Promise<{ latenciesMs: number[]; wallMs: number; failures: number }> {
  const latenciesMs: number[] = [];
  let next = 0;
  let failures = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      for (let i = next++; i < count; i = next++) {
        const started = performance.now();
        const ok = await job(i).catch(() => false);
        latenciesMs.push(performance.now() - started);
        if (!ok) failures++;
      }
    }),
  );
  return { latenciesMs, wallMs: performance.now() - t0, failures };
}

interface PathFigures {
  name: string;
  perSecond: number;
  p50: number;
  p99: number;
  failures: number;
}

async function main(): Promise<void> {
  const count = Number(process.env.INGEST_COUNT ?? 800);
  const concurrency = Number(process.env.INGEST_CONCURRENCY ?? 400);
  const rounds = Number(process.env.INGEST_ROUNDS ?? 3);
  const checkCount = Number(process.env.INGEST_CHECK_COUNT ?? 200);
  const server = await startDevServer({ startTimeoutMs: 90_000 });
  const secret = 'bench-webhook-secret';
  const config = loadConfig({
    ZENDESK_URL: 'http://127.0.0.1:9',
    ZENDESK_EMAIL: 'bot@example.com',
    ZENDESK_API_TOKEN: 'unused',
    ZENDESK_WEBHOOK_SECRET: secret,
    SLACK_API_URL: 'http://127.0.0.1:9/api/',
    SLACK_BOT_TOKEN: 'xoxb-unused',
    SLACK_SIGNING_SECRET: 'unused',
    SLACK_CHANNEL_ID: 'C0REDACT',
    SLACK_LEAD_USER_IDS: 'U0LEAD1',
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: `bench-ingest-${randomUUID()}`,
    PAYLOAD_KEYS: generatePayloadKey('bench-key'),
    FINGERPRINT_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: process.env.INGEST_LOG_LEVEL ?? 'info',
  });
  const dataConverter = createDataConverter(parsePayloadKeys(config.PAYLOAD_KEYS));
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, dataConverter });
  // The service logs as in production (info, masked), to /dev/null so the terminal is not the bottleneck.
  const logger = createLogger({ level: config.LOG_LEVEL, destination: pino.destination({ dest: '/dev/null', sync: false }) });
  const app = buildServer({
    config,
    temporal: client,
    slack: createSlackClient({ apiUrl: config.SLACK_API_URL, botToken: config.SLACK_BOT_TOKEN, timeoutMs: 1000 }),
    logger,
    // The route's 5 s deadline answers 503 (Zendesk retries) when the server is saturated; here we measure
    // throughput at saturation, so both paths wait as long as the bare RPC does.
    timeouts: { signalMs: 120_000 },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  let ticketSeq = 10_000;
  // Each path gets fresh tickets: every delivery is one signal-with-start that creates a workflow.
  const product = async (n: number) => {
    const base = ticketSeq;
    ticketSeq += n;
    return pool(n, concurrency, async (i) => {
      const ticketId = base + i;
      const raw = JSON.stringify({ ticket_id: ticketId, comment_id: ticketId * 10, type: 'comment_added' });
      const timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      const res = await fetch(`${url}/webhooks/zendesk`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-zendesk-webhook-signature-timestamp': timestamp,
          'x-zendesk-webhook-signature': signZendeskWebhook(secret, timestamp, raw),
          'x-zendesk-webhook-invocation-id': `inv-${randomUUID()}`,
        },
        body: raw,
      });
      await res.arrayBuffer();
      return res.status === 202;
    });
  };
  const bare = async (n: number) => {
    const base = ticketSeq;
    ticketSeq += n;
    return pool(n, concurrency, async (i) => {
      const ticketId = base + i;
      // Exactly what the route asks of Temporal (same type, id scheme, input, signal, search attribute).
      await client.workflow.signalWithStart<RedactionWorkflowFn, [RedactionRequest]>(REDACTION_WORKFLOW_TYPE, {
        workflowId: redactionWorkflowId(ticketId),
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        args: [{ ticketId }],
        signal: requestSignal,
        signalArgs: [{ deliveryId: `inv-${randomUUID()}`, source: 'detection', commentId: ticketId * 10 }],
        typedSearchAttributes: [{ key: TicketIdKey, value: ticketId }],
      });
      return true;
    });
  };
  const fmt = (n: number) => n.toFixed(1);
  const figures = (name: string, r: Awaited<ReturnType<typeof product>>): PathFigures => ({
    name,
    perSecond: (r.latenciesMs.length / r.wallMs) * 1000,
    p50: percentile(r.latenciesMs, 50),
    p99: percentile(r.latenciesMs, 99),
    failures: r.failures,
  });
  try {
    // Warm-up: connections, JIT and the first workflow starts are not what we measure.
    await product(Math.min(200, count));
    await bare(Math.min(200, count));
    const all: { product: PathFigures; bare: PathFigures }[] = [];
    process.stdout.write(`ingest: ${rounds} rounds of ${count} deliveries per path, ${concurrency} in flight, one dev server (${server.address})\n`);
    for (let round = 1; round <= rounds; round++) {
      // Alternate which path goes first, so a slower minute of the shared machine hits both.
      const order = round % 2 === 1 ? ['product', 'bare'] : ['bare', 'product'];
      const r: Partial<{ product: PathFigures; bare: PathFigures }> = {};
      for (const which of order) {
        r[which as 'product' | 'bare'] = which === 'product' ? figures('webhook (signed HTTP)', await product(count)) : figures('bare signalWithStart', await bare(count));
      }
      all.push(r as { product: PathFigures; bare: PathFigures });
      for (const f of [r.product!, r.bare!]) {
        process.stdout.write(`  round ${round}  ${f.name.padEnd(22)} ${fmt(f.perSecond).padStart(7)} deliveries/s  p50 ${fmt(f.p50).padStart(7)} ms  p99 ${fmt(f.p99).padStart(7)} ms  failures ${f.failures}\n`);
      }
      process.stdout.write(`  round ${round}  ratio webhook/bare ${(r.product!.perSecond / r.bare!.perSecond).toFixed(2)}x\n`);
    }
    const sum = (k: 'product' | 'bare') => all.reduce((a, r) => a + r[k].perSecond, 0) / all.length;
    const ratio = sum('product') / sum('bare');
    process.stdout.write(
      `  mean: webhook ${fmt(sum('product'))}/s, bare ${fmt(sum('bare'))}/s, ratio ${ratio.toFixed(2)}x (target >= 0.90x)\n`,
    );

    // Correctness under the Zendesk mix: retries, duplicate triggers, none dropped.
    const deliveries = mixedDeliveries(checkCount, ticketSeq);
    ticketSeq += checkCount;
    const burst = await ingestBurst(url, secret, deliveries);
    const tickets = [...new Set(deliveries.map((d) => d.ticketId))];
    const missing = dropped(deliveries, await signalledDeliveryIds(client, dataConverter.payloadCodecs![0]!, tickets));
    process.stdout.write(
      [
        `check: ${checkCount} concurrent deliveries (${tickets.length} tickets, ${new Set(deliveries.map((d) => d.invocationId)).size} distinct invocation ids)`,
        `  accepted (202): ${burst.statuses.filter((s) => s === 202).length}  answered as duplicate: ${burst.duplicates}  errors: ${burst.errors}`,
        `  acceptance latency ms: p50 ${fmt(percentile(burst.latenciesMs, 50))}  p99 ${fmt(percentile(burst.latenciesMs, 99))}`,
        `  dropped (distinct delivery not signalled to its workflow): ${missing.length}`,
        '',
      ].join('\n'),
    );
    const failed = all.some((r) => r.product.failures + r.bare.failures > 0);
    if (burst.errors > 0 || missing.length > 0 || failed) process.exitCode = 1;
  } finally {
    await app.close();
    await connection.close();
    await server.stop();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench:ingest failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  });
}
