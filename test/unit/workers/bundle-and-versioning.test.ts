// The production workflow bundle (`npm run build:bundle`), how workers pick it, and the versioning settings it carries.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWorkflowBundle } from '../../../scripts/build-workflow-bundle';
import { loadConfig } from '../../../config';
import { MissingBundleError, WORKFLOWS_PATH, workflowSource } from '../../../workers/bundle';
import type { VersioningOptions } from '../../../workflows/versioning';

const dir = mkdtempSync(join(tmpdir(), 'bundle-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('build:bundle writes one file with both workflow types and our failure converter', async () => {
  const out = join(dir, 'nested', 'workflow-bundle.js');
  const bytes = await buildWorkflowBundle(out);
  const code = readFileSync(out, 'utf8');
  expect(bytes).toBe(Buffer.byteLength(code));
  expect(code).toContain('redactionWorkflow');
  expect(code).toContain('backfillWorkflow');
  // A prebuilt bundle ignores the data converter's failureConverterPath: without ours inside,
  // failure messages raised in workflow code would reach history in plaintext.
  expect(code).toContain('__temporal_custom_failure_converter');
  expect(code).toMatch(/security[\\/]failure-converter/);
  expect(code).toContain('encodeCommonAttributes');
});

test('workers use the prebuilt bundle when WORKFLOW_BUNDLE_PATH is set, and bundle workflows/ at start-up otherwise', () => {
  const path = join(dir, 'nested', 'workflow-bundle.js');
  expect(workflowSource(path)).toEqual({ workflowBundle: { codePath: path } });
  expect(workflowSource(undefined)).toEqual({ workflowsPath: WORKFLOWS_PATH });
});

test('a configured bundle that is missing stops the worker with what to do', () => {
  const missing = join(dir, 'nope.js');
  expect(() => workflowSource(missing)).toThrow(MissingBundleError);
  expect(() => workflowSource(missing)).toThrow(`WORKFLOW_BUNDLE_PATH=${missing} does not exist: build it with \`npm run build:bundle\``);
});

test('the deployment name and build id are validated with the rest of the configuration', () => {
  const base = {
    ZENDESK_URL: 'https://acme.zendesk.com',
    ZENDESK_EMAIL: 'api@acme.test',
    ZENDESK_API_TOKEN: 't',
    ZENDESK_WEBHOOK_SECRET: 's',
    SLACK_BOT_TOKEN: 'xoxb',
    SLACK_SIGNING_SECRET: 's',
    SLACK_CHANNEL_ID: 'C0REDACT',
    SLACK_LEAD_USER_IDS: 'U0LEAD1',
    PAYLOAD_KEYS: 'k:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    FINGERPRINT_KEY: 'f'.repeat(32),
  };
  const config = loadConfig(base);
  expect(config.TEMPORAL_DEPLOYMENT_NAME).toBe('pan-redactor');
  expect(config.TEMPORAL_BUILD_ID).toBeUndefined();
  expect(loadConfig({ ...base, TEMPORAL_BUILD_ID: '2026-12-03.1' }).TEMPORAL_BUILD_ID).toBe('2026-12-03.1');
  expect(() => loadConfig({ ...base, TEMPORAL_DEPLOYMENT_NAME: 'pan.redactor', TEMPORAL_BUILD_ID: 'v 2' })).toThrow(
    /TEMPORAL_DEPLOYMENT_NAME: letters, digits[\s\S]*TEMPORAL_BUILD_ID: 1-255 letters/,
  );
});

test('a redaction request is PINNED to the build it started on; a backfill moves to each new current build', async () => {
  // setWorkflowOptions only tags the function, so the workflow modules load outside the sandbox.
  // The tag is a getter (workflows/versioning.ts: declared on versioned workers only) that says its behaviour.
  const { redactionWorkflow } = await import('../../../workflows/redaction');
  const { backfillWorkflow } = await import('../../../workflows/backfill');
  type Tagged = { workflowDefinitionOptions?: VersioningOptions };
  expect((redactionWorkflow as Tagged).workflowDefinitionOptions?.behavior).toBe('PINNED');
  expect((backfillWorkflow as Tagged).workflowDefinitionOptions?.behavior).toBe('AUTO_UPGRADE');
});

test('npm run worker with a missing bundle says what to do, with no stack trace, before connecting anywhere', () => {
  const missing = join(dir, 'missing-bundle.js');
  const env = {
    ...process.env,
    ZENDESK_URL: 'http://127.0.0.1:9',
    ZENDESK_EMAIL: 'api@acme.test',
    ZENDESK_API_TOKEN: 't',
    ZENDESK_WEBHOOK_SECRET: 's',
    SLACK_BOT_TOKEN: 'xoxb',
    SLACK_SIGNING_SECRET: 's',
    SLACK_CHANNEL_ID: 'C0REDACT',
    SLACK_LEAD_USER_IDS: 'U0LEAD1',
    PAYLOAD_KEYS: 'k:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    FINGERPRINT_KEY: 'f'.repeat(32),
    TEMPORAL_ADDRESS: '127.0.0.1:9', // nothing listens: a connection attempt would fail differently
    WORKFLOW_BUNDLE_PATH: missing,
  };
  const root = join(__dirname, '..', '..', '..');
  const run = spawnSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'workers', 'main.ts')], { env, encoding: 'utf8', timeout: 60_000 });
  const out = run.stdout + run.stderr;
  expect(run.status).toBe(1);
  expect(out).toContain(`WORKFLOW_BUNDLE_PATH=${missing} does not exist: build it with \`npm run build:bundle\``);
  expect(out).not.toMatch(/"stack"|\n\s+at /);
});
