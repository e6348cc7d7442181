// Ingest benchmark: N concurrent signed Zendesk webhook deliveries to the HTTP service, on its own
// Temporal dev server (in memory) with no worker. Prints p50/p99 acceptance latency (time to the
// 202), the count, errors, and checks that none was dropped: every distinct delivery id reached
// its ticket's workflow as a `request` signal. `npm run bench:ingest` (INGEST_COUNT=200 default).
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, type PayloadCodec } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { createSlackClient } from '../activities/slack-api';
import { buildServer } from '../service/server';
import { signZendeskWebhook } from '../service/webhook-signature';
import { loadConfig } from '../config';
import { startDevServer } from '../scripts/dev-server';
import { createDataConverter, generatePayloadKey, parsePayloadKeys } from '../security/codec';
import { createLogger } from '../security/logger';
import { redactionWorkflowId } from '../workflows/ids';

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

async function main(): Promise<void> {
  const count = Number(process.env.INGEST_COUNT ?? 200);
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
    LOG_LEVEL: 'silent',
  });
  const dataConverter = createDataConverter(parsePayloadKeys(config.PAYLOAD_KEYS));
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, dataConverter });
  const app = buildServer({
    config,
    temporal: client,
    slack: createSlackClient({ apiUrl: config.SLACK_API_URL, botToken: config.SLACK_BOT_TOKEN, timeoutMs: 1000 }),
    logger: createLogger({ level: 'silent' }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  try {
    // Warm-up: connections and the first workflow start are not what we measure.
    await ingestBurst(url, secret, mixedDeliveries(5, 1));
    const deliveries = mixedDeliveries(count, 1_000);
    const t0 = performance.now();
    const burst = await ingestBurst(url, secret, deliveries);
    const wallMs = performance.now() - t0;
    const tickets = [...new Set(deliveries.map((d) => d.ticketId))];
    const missing = dropped(deliveries, await signalledDeliveryIds(client, dataConverter.payloadCodecs![0]!, tickets));
    const fmt = (n: number) => n.toFixed(1);
    process.stdout.write(
      [
        `ingest: ${count} concurrent webhook deliveries (${tickets.length} tickets, ${new Set(deliveries.map((d) => d.invocationId)).size} distinct invocation ids)`,
        `  accepted (202): ${burst.statuses.filter((s) => s === 202).length}  answered as duplicate: ${burst.duplicates}  errors: ${burst.errors}`,
        `  acceptance latency ms: p50 ${fmt(percentile(burst.latenciesMs, 50))}  p99 ${fmt(percentile(burst.latenciesMs, 99))}  max ${fmt(Math.max(...burst.latenciesMs))}  (wall ${fmt(wallMs)})`,
        `  dropped (distinct delivery not signalled to its workflow): ${missing.length}`,
        '',
      ].join('\n'),
    );
    if (burst.errors > 0 || missing.length > 0) process.exitCode = 1;
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
