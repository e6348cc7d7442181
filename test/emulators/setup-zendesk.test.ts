/**
 * `redactor setup zendesk` end to end: the CLI process, node-zendesk, the emulator (webhooks, triggers,
 * macros and the Ticket Fields API).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startZendeskSandbox, type ZendeskSandbox } from '../../sandbox/zendesk';
import { createZendeskAdmin } from '../../setup/zendesk-admin';
import { runCli, STACK_LINE } from '../helpers/cli';

let sandbox: ZendeskSandbox;
const dir = mkdtempSync(join(tmpdir(), 'setup-zendesk-'));
const secretFile = join(dir, 'webhook-secret');

beforeAll(async () => {
  sandbox = await startZendeskSandbox();
});
afterAll(() => sandbox.close());

const env = () => ({ ZENDESK_URL: sandbox.url, ZENDESK_EMAIL: sandbox.email, ZENDESK_API_TOKEN: sandbox.token, REDACTOR_LOCAL_RUN: join(dir, 'none.json') });
const setup = (...args: string[]) => runCli(['setup', 'zendesk', '--url', 'https://redactor.example', '--secret-file', secretFile, ...args], env());
const writes = async () => (await sandbox.control.calls()).filter((c) => c.method !== 'GET');

test('setup --help and a missing URL are answered without a stack', async () => {
  const help = await runCli(['setup', 'zendesk', '--help'], {});
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('usage: redactor setup');
  const noUrl = await runCli(['setup', 'zendesk'], env());
  expect(noUrl.code).toBe(2);
  expect(noUrl.stderr).toContain('--url https://<service>');
  expect(noUrl.stderr).not.toMatch(STACK_LINE);
  const noZendesk = await runCli(['setup', 'zendesk', '--url', 'https://x.example'], { REDACTOR_LOCAL_RUN: join(dir, 'none.json') });
  expect(noZendesk.stderr).toContain('ZENDESK_URL: is required but not set');
  expect(noZendesk.stderr).not.toMatch(STACK_LINE);
});

test('dry run plans, the first run creates, the second changes nothing; objects are found by marker', async () => {
  await sandbox.control.clearCalls();
  const plan = await setup('--dry-run');
  expect(plan.code).toBe(0);
  expect(plan.stdout.match(/would create/g)).toHaveLength(5);
  expect(await writes()).toEqual([]);

  const first = await setup();
  expect(first.stderr).toBe('');
  expect(first.stdout.match(/created/g)).toHaveLength(5);
  const admin = createZendeskAdmin({ url: sandbox.url, email: sandbox.email, token: sandbox.token });
  const [hook] = await admin.listWebhooks();
  const secret = await admin.signingSecret(hook!.id);
  expect(readFileSync(secretFile, 'utf8').trim()).toBe(secret);
  expect(first.stdout).toContain(`signing secret: written to ${secretFile}`);
  expect(first.stdout + first.stderr).not.toContain(secret);
  const [field] = (await admin.listTicketFields()).filter((f) => (f.description ?? '').includes('[pan-redactor:files-field]'));
  const requestTrigger = (await admin.listRules('trigger')).find((t) => (t.description ?? '').includes('[pan-redactor:request-trigger]'))!;
  expect(JSON.stringify(requestTrigger.actions)).toContain(`ticket_field_${field!.id}`);
  expect(JSON.stringify(requestTrigger.actions)).toContain(hook!.id);

  await sandbox.control.clearCalls();
  const second = await setup();
  expect(second.stdout.match(/unchanged/g)!.length).toBeGreaterThanOrEqual(5);
  expect(second.stdout).toContain('Nothing to change.');
  expect(await writes()).toEqual([]);

  // Renamed by an admin: still found by its marker, restored, never duplicated.
  const macro = (await admin.listRules('macro'))[0]!;
  await admin.updateRule('macro', macro.id, { title: 'My macro' });
  const third = await setup();
  expect(third.stdout).toMatch(/updated\s+macro\s+"My macro" \(id \d+\): title/);
  expect(await admin.listRules('macro')).toHaveLength(1);
  expect((await admin.listRules('macro'))[0]!.title).toBe('Redaction request');
});
