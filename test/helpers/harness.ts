// Real parts for integration tests: the suite's Temporal dev server, the Zendesk and Slack
// emulators over HTTP, the real node-zendesk and @slack/web-api clients, and our worker.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import { Client, Connection, type WorkflowHandleWithSignaledRunId } from '@temporalio/client';
import type { DataConverter, PayloadCodec } from '@temporalio/common';
import { bundleWorkflowCode, NativeConnection, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createSlackClient } from '../../activities/slack-api';
import { createZendeskApi, type ZendeskApi } from '../../activities/zendesk-api';
import { loadConfig, redactionSettings, type Config } from '../../config';
import { startSlackSandbox, type SlackSandbox } from '../../sandbox/slack';
import { startZendeskSandbox, type ZendeskSandbox } from '../../sandbox/zendesk';
import { createDataConverter, generatePayloadKey, parsePayloadKeys } from '../../security/codec';
import { maskCardNumbers } from '../../security/mask';
import { bundleOptions } from '../../workers/bundle';
import { activitySettings, createRedactionWorker } from '../../workers/worker';
import { redactionWorkflowId } from '../../workflows/ids';
import { requestSignal } from '../../workflows/messages';
import type { redactionWorkflow } from '../../workflows/redaction';
import type { RedactionRequest, RedactionSettings } from '../../workflows/types';

export const LEAD = 'U0LEAD1';
export const OTHER_LEAD = 'U0LEAD2';
export const CHANNEL = 'C0REDACT';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundles the workflows once per test file: webpack takes seconds. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ ...bundleOptions(), logger: quietLogger });
  return bundle;
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export interface Harness {
  zendesk: ZendeskSandbox;
  slack: SlackSandbox;
  zendeskApi: ZendeskApi;
  slackClient: WebClient;
  config: Config;
  codec: PayloadCodec;
  dataConverter: DataConverter;
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  taskQueue: string;
  worker?: Worker;
  settings(overrides?: Partial<RedactionSettings>): RedactionSettings;
  /** Starts (or joins) the ticket's workflow, as the webhook handler does. */
  request(ticketId: number, request: Partial<RedactionRequest>, settings?: Partial<RedactionSettings>): Promise<WorkflowHandleWithSignaledRunId<typeof redactionWorkflow>>;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export function testEnv(zendesk: ZendeskSandbox, slack: SlackSandbox, address: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ZENDESK_URL: zendesk.url,
    ZENDESK_EMAIL: zendesk.email,
    ZENDESK_API_TOKEN: zendesk.token,
    ZENDESK_WEBHOOK_SECRET: 'test-webhook-secret',
    ZENDESK_TIMEOUT_MS: '5000',
    SLACK_API_URL: slack.apiUrl,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_CHANNEL_ID: CHANNEL,
    SLACK_LEAD_USER_IDS: `${LEAD},${OTHER_LEAD}`,
    SLACK_TIMEOUT_MS: '5000',
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    PAYLOAD_KEYS: generatePayloadKey('test-key'),
    FINGERPRINT_KEY: randomBytes(32).toString('base64'),
    CODEC_AUTH_TOKEN: randomBytes(16).toString('hex'),
    MERGE_POLL_INTERVAL: '200ms',
    LOG_LEVEL: 'silent',
    ...extra,
  };
}

export async function startHarness(opts: { env?: NodeJS.ProcessEnv; worker?: boolean } = {}): Promise<Harness> {
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  if (!address) throw new Error('TEMPORAL_TEST_ADDRESS is not set: run through jest (global setup starts the server)');
  const zendesk = await startZendeskSandbox();
  // Test files share one Temporal server and workflow ids derive from ticket ids: start each
  // file's tickets in its own random range so parallel files never signal each other's workflows.
  zendesk.store.skipTicketIdsTo(1_000_000 + randomInt(0, 900_000) * 1_000);
  const slack = await startSlackSandbox();
  const config = loadConfig(testEnv(zendesk, slack, address, opts.env));
  const dataConverter = createDataConverter(parsePayloadKeys(config.PAYLOAD_KEYS));
  const codec = dataConverter.payloadCodecs![0]!;
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  const client = new Client({ connection, dataConverter });
  const zendeskApi = createZendeskApi({ url: config.ZENDESK_URL, email: config.ZENDESK_EMAIL, token: config.ZENDESK_API_TOKEN, timeoutMs: config.ZENDESK_TIMEOUT_MS });
  const slackClient = createSlackClient({ apiUrl: config.SLACK_API_URL, botToken: config.SLACK_BOT_TOKEN, timeoutMs: config.SLACK_TIMEOUT_MS });
  const taskQueue = config.TEMPORAL_TASK_QUEUE;
  let running: Promise<void> | undefined;

  const harness: Harness = {
    zendesk,
    slack,
    zendeskApi,
    slackClient,
    config,
    codec,
    dataConverter,
    client,
    connection,
    nativeConnection,
    taskQueue,
    settings: (overrides = {}) => ({ ...redactionSettings(config), ...overrides }),
    async request(ticketId, request, settings) {
      return client.workflow.signalWithStart<typeof redactionWorkflow, [RedactionRequest]>('redactionWorkflow', {
        workflowId: redactionWorkflowId(ticketId),
        taskQueue,
        args: [{ ticketId, settings: harness.settings(settings) }],
        signal: requestSignal,
        // Masked as the HTTP service masks them: names typed by agents can hold card digits.
        signalArgs: [{ deliveryId: randomUUID(), source: 'detection', ...request, attachmentNames: request.attachmentNames?.map(maskCardNumbers) }],
      });
    },
    async startWorker() {
      if (harness.worker) return;
      harness.worker = await createRedactionWorker({
        connection: nativeConnection,
        taskQueue,
        zendesk: zendeskApi,
        slack: slackClient,
        dataConverter,
        workflowBundle: await workflowBundle(),
        shutdownGraceTime: '5 seconds',
        settings: activitySettings(config),
      });
      running = harness.worker.run();
    },
    async stopWorker() {
      if (!harness.worker) return;
      harness.worker.shutdown();
      await running;
      harness.worker = undefined;
    },
    async close() {
      await harness.stopWorker();
      await connection.close();
      await nativeConnection.close();
      await zendesk.close();
      await slack.close();
    },
  };
  if (opts.worker !== false) await harness.startWorker();
  return harness;
}

/** Polls until `check` returns a value, or fails with the last state after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
