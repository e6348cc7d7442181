/** The emulator's webhooks, triggers and macros, through node-zendesk (setup/zendesk-admin.ts), as Zendesk documents them. */
import { createZendeskAdmin, type ZendeskAdmin } from '../../setup/zendesk-admin';
import { desiredDetectionTrigger, desiredMacro, desiredWebhook } from '../../setup/zendesk';
import { startZendeskSandbox, type ZendeskSandbox } from '../../sandbox/zendesk';

let sandbox: ZendeskSandbox;
let admin: ZendeskAdmin;
beforeAll(async () => {
  sandbox = await startZendeskSandbox();
  admin = createZendeskAdmin({ url: sandbox.url, email: sandbox.email, token: sandbox.token, timeoutMs: 5_000 });
});
afterAll(() => sandbox.close());

const raw = (method: string, path: string, body?: unknown) =>
  fetch(`${sandbox.url}/api/v2/${path}`, {
    method,
    headers: { Authorization: 'Basic ' + Buffer.from(`${sandbox.email}/token:${sandbox.token}`).toString('base64'), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

test('a webhook is created (201), listed with cursor meta, updated (204) and its signing secret read back', async () => {
  const hook = await admin.createWebhook(desiredWebhook('https://redactor.example'));
  expect(hook).toMatchObject({ endpoint: 'https://redactor.example/webhooks/zendesk', http_method: 'POST', status: 'active', subscriptions: ['conditional_ticket_events'] });
  expect(hook).not.toHaveProperty('signing_secret');
  const list = await (await raw('GET', 'webhooks')).json();
  expect(list).toMatchObject({ webhooks: [expect.objectContaining({ id: hook.id })], meta: { has_more: false }, links: { next: null } });
  const secret = await admin.signingSecret(hook.id);
  expect(secret.length).toBeGreaterThan(20);
  await admin.updateWebhook(hook.id, { ...desiredWebhook('https://other.example'), subscriptions: undefined });
  expect((await admin.listWebhooks())[0]!.endpoint).toBe('https://other.example/webhooks/zendesk');
  expect(await admin.signingSecret(hook.id)).toBe(secret); // an update keeps the secret
  const reset = await raw('POST', `webhooks/${hook.id}/signing_secret`);
  expect(reset.status).toBe(201);
  expect(await admin.signingSecret(hook.id)).not.toBe(secret);
});

test('webhook errors follow the documented shapes', async () => {
  const missing = await raw('POST', 'webhooks', { webhook: { name: 'x' } });
  expect(missing.status).toBe(400);
  expect(await missing.json()).toMatchObject({ errors: [expect.objectContaining({ code: 'InvalidInput' })] });
  expect((await raw('GET', 'webhooks/01NOPE/signing_secret')).status).toBe(404);
  const hook = await admin.createWebhook(desiredWebhook('https://redactor.example'));
  const secretOnUpdate = await raw('PUT', `webhooks/${hook.id}`, { webhook: { ...desiredWebhook('https://x.example'), signing_secret: { secret: 's', algorithm: 'sha256' } } });
  expect(secretOnUpdate.status).toBe(400);
});

test('triggers (201) and macros (200) are created, listed, shown and updated; bad ones get 422 RecordInvalid', async () => {
  const trigger = await admin.createRule('trigger', desiredDetectionTrigger('01HOOK'));
  expect(trigger.conditions?.all).toEqual([{ field: 'update_type', operator: 'is', value: 'Change' }]);
  const macro = await admin.createRule('macro', desiredMacro());
  expect(macro.actions).toEqual([{ field: 'current_tags', value: 'pan_redaction_requested' }]);
  expect((await admin.listRules('trigger')).map((t) => t.id)).toContain(trigger.id);
  expect((await admin.listRules('macro')).map((m) => m.id)).toContain(macro.id);
  const renamed = await admin.updateRule('trigger', trigger.id, { title: 'Renamed by an admin' });
  expect(renamed).toMatchObject({ title: 'Renamed by an admin', actions: trigger.actions });
  const created = await raw('POST', 'triggers', { trigger: { title: 't', actions: [{ field: 'status', value: 'open' }], conditions: { all: [] } } });
  expect(created.status).toBe(422);
  expect(await created.json()).toMatchObject({ error: 'RecordInvalid', details: { conditions: [expect.anything()] } });
  expect((await raw('POST', 'macros', { macro: { title: 'x', actions: [] } })).status).toBe(422);
  expect((await raw('GET', 'macros/42')).status).toBe(404);
});
