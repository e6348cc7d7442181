/** One configuration story for every CLI command: help, a found `npm start`, missing variables named, no stacks. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../../scripts/dev-server';
import { createDataConverter, generatePayloadKey, parsePayloadKeys } from '../../security/codec';
import { BACKFILL_WORKFLOW_PREFIX } from '../../workflows/backfill-types';
import { runCli, STACK_LINE } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'redactor-cli-'));
const nowhere = join(dir, 'absent.json');

describe('--help on every command and subcommand', () => {
  const cases: [string[], RegExp][] = [
    [['--help'], /usage: redactor <command>/],
    [['scan', '--help'], /usage: redactor scan/],
    [['scan', '-h'], /usage: redactor scan/],
    [['backfill', '--help'], /usage: redactor backfill/],
    [['backfill', 'start', '--help'], /usage: redactor backfill/],
    [['backfill', 'pause', '-h'], /usage: redactor backfill/],
  ];
  test.each(cases)('redactor %j', async (args, usage) => {
    const r = await runCli(args, { REDACTOR_LOCAL_RUN: nowhere });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(usage);
    expect(r.code).toBe(0);
  });
});

test('without npm start or variables, every missing variable is named together and no stack is printed', async () => {
  const r = await runCli(['backfill', 'status'], { REDACTOR_LOCAL_RUN: nowhere, PAYLOAD_KEYS: 'broken', BACKFILL_PAGE_SIZE: 'many' });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('PAYLOAD_KEYS: entry 1 is not in keyId:base64key form');
  expect(r.stderr).toContain('BACKFILL_PAGE_SIZE:');
  expect(r.stderr).toContain(`no running npm start found (${nowhere} does not exist)`);
  expect(r.stderr).not.toMatch(STACK_LINE);
});

test('an unreachable Temporal is reported with its address', async () => {
  const address = `127.0.0.1:${await freePort()}`;
  const r = await runCli(['backfill', 'status'], { REDACTOR_LOCAL_RUN: nowhere, PAYLOAD_KEYS: generatePayloadKey('k1'), TEMPORAL_ADDRESS: address });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`cannot reach Temporal at ${address}`);
  expect(r.stderr).not.toMatch(STACK_LINE);
});

describe('beside a running npm start', () => {
  const address = process.env.TEMPORAL_TEST_ADDRESS!;
  const keys = generatePayloadKey('cli-test');
  const runFile = join(dir, 'local-run.json');
  const secretsFile = join(dir, 'dev-secrets.json');
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    writeFileSync(secretsFile, JSON.stringify({ PAYLOAD_KEYS: keys }));
    writeFileSync(
      runFile,
      JSON.stringify({
        pid: process.pid,
        serviceUrl: 'http://127.0.0.1:1',
        temporalAddress: address,
        namespace: 'default',
        taskQueue: 'cli-test-no-worker',
        secretsFile,
        fromEnvironment: [],
        webhookSecret: 'x',
        slackSigningSecret: 'x',
        slackChannelId: 'C0REDACT',
        leadUserId: 'U0LEAD1',
      }),
    );
    connection = await Connection.connect({ address });
    client = new Client({ connection, dataConverter: createDataConverter(parsePayloadKeys(keys)) });
  });
  afterAll(() => connection?.close());

  test('finds Temporal and the payload keys through local-run.json, with no variable set', async () => {
    const id = `cli-finished-${Date.now()}`;
    const handle = await client.workflow.start('backfillWorkflow', { workflowId: `${BACKFILL_WORKFLOW_PREFIX}${id}`, taskQueue: 'cli-test-no-worker', args: [{}] });
    await handle.terminate('test: a finished run');
    // A signal to a finished run: a sentence, not gRPC's stack.
    const r = await runCli(['backfill', 'pause', '--id', id], { REDACTOR_LOCAL_RUN: runFile });
    expect(r.stderr).toContain(`${BACKFILL_WORKFLOW_PREFIX}${id} has already finished (terminated): nothing to pause`);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.code).toBe(1);
  });

  test('a local-run file of an npm start that has ended is not used, and the CLI says so', async () => {
    const stale = join(dir, 'stale.json');
    writeFileSync(stale, JSON.stringify({ pid: 2 ** 22 + 12345, serviceUrl: 'x', namespace: 'default', webhookSecret: 'x', slackSigningSecret: 'x', slackChannelId: 'C0REDACT', leadUserId: 'U0LEAD1' }));
    const r = await runCli(['backfill', 'status'], { REDACTOR_LOCAL_RUN: stale });
    expect(r.stderr).toContain('PAYLOAD_KEYS: is required but not set');
    expect(r.stderr).toContain('is no longer running');
    expect(r.code).toBe(2);
  });
});
