/** npm start keeps the emulators' state in .data/: what a restart must find again. */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { persistStores } from '../../sandbox/persist';
import { startSlackSandbox, type SlackSandbox } from '../../sandbox/slack';
import { startZendeskSandbox, type ZendeskSandbox } from '../../sandbox/zendesk';

const file = join(mkdtempSync(join(tmpdir(), 'persist-')), 'emulators.v8');
const open: Array<ZendeskSandbox | SlackSandbox> = [];
afterAll(async () => {
  for (const s of open) await s.close();
});

async function start(): Promise<{ zendesk: ZendeskSandbox; slack: SlackSandbox }> {
  const zendesk = await startZendeskSandbox();
  const slack = await startSlackSandbox();
  open.push(zendesk, slack);
  return { zendesk, slack };
}

test('tickets, comments and Slack messages survive a restart; a comment stays one object', async () => {
  const first = await start();
  const seeded = await first.zendesk.control.seedTicket({ subject: 'billing', comments: [{ body: 'first comment' }, { body: 'second comment' }] });
  const posted = await new WebClient(first.slack.botToken, { slackApiUrl: first.slack.apiUrl }).chat.postMessage({ channel: 'C0REDACT', text: `request for #${seeded.ticket.id}` });
  const saved = persistStores(file, { zendesk: first.zendesk.store, slack: first.slack.store });
  expect(saved.restored).toBe(false);
  saved.close();

  const second = await start();
  const restored = persistStores(file, { zendesk: second.zendesk.store, slack: second.slack.store });
  restored.close();
  expect(restored.restored).toBe(true);
  const ticket = await second.zendesk.control.getTicket(seeded.ticket.id);
  expect(ticket.subject).toBe('billing');
  expect(ticket.comments.map((c) => c.plain_body)).toEqual(['first comment', 'second comment']);
  // The id index and the ticket hold the same comment, so a redaction changes what both serve.
  const id = seeded.comments[0]!.id;
  expect(second.zendesk.store.comments.get(id)).toBe(second.zendesk.store.tickets.get(seeded.ticket.id)!.comments[0]);
  // New ids continue after the restored ones.
  const next = await second.zendesk.control.seedTicket({ subject: 'next', comments: [{ body: 'x' }] });
  expect(next.ticket.id).toBeGreaterThan(seeded.ticket.id);
  const messages = await second.slack.control.messages('C0REDACT');
  expect(messages.map((m) => m.ts)).toContain(posted.ts);
});

test('a second save without changes does not rewrite the file, and an unreadable file starts empty', async () => {
  const { zendesk, slack } = await start();
  const errors: Error[] = [];
  const badFile = join(mkdtempSync(join(tmpdir(), 'persist-')), 'emulators.v8');
  writeFileSync(badFile, 'not v8 data');
  const p = persistStores(badFile, { zendesk: zendesk.store, slack: slack.store }, { onError: (e) => errors.push(e) });
  expect(p.restored).toBe(false);
  expect(errors).toHaveLength(1);
  expect(zendesk.store.tickets.size).toBe(0);
  p.save();
  const { mtimeMs } = statSync(badFile);
  await new Promise((r) => setTimeout(r, 20));
  p.save();
  expect(statSync(badFile).mtimeMs).toBe(mtimeMs);
  p.close();
});

test('the Zendesk store’s places (side conversations, fields, users) come back with their methods', async () => {
  const placesFile = join(mkdtempSync(join(tmpdir(), 'persist-')), 'emulators.v8');
  const first = await start();
  const seeded = await first.zendesk.control.seedTicket({ subject: 'billing', comments: [{ body: 'hello' }] });
  await first.zendesk.control.seedSideConversation(seeded.ticket.id, { subject: 'to finance', messages: [{ body: 'see the ticket' }] });
  persistStores(placesFile, { zendesk: first.zendesk.store }).close();

  const second = await start();
  persistStores(placesFile, { zendesk: second.zendesk.store }).close();
  const auth = `Basic ${Buffer.from(`${second.zendesk.email}/token:${second.zendesk.token}`).toString('base64')}`;
  const res = await fetch(`${second.zendesk.url}/api/v2/tickets/${seeded.ticket.id}/side_conversations`, { headers: { authorization: auth } });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { side_conversations: Array<{ subject: string }> };
  expect(body.side_conversations.map((c) => c.subject)).toEqual(['to finance']);
  // The places still serve the live store, not a copy of it.
  const next = await second.zendesk.control.seedTicket({ subject: 'next', comments: [{ body: 'x' }] });
  await second.zendesk.control.seedSideConversation(next.ticket.id, { messages: [{ body: 'another' }] });
  expect((await fetch(`${second.zendesk.url}/api/v2/tickets/${next.ticket.id}/side_conversations`, { headers: { authorization: auth } })).status).toBe(200);
});
