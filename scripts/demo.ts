// `npm run demo`, against a running `npm start` with the emulators: a customer pastes a card
// number, Zendesk calls the webhook, a lead clicks "Take it" in Slack, and the number is gone.
import { createHmac } from 'node:crypto';
import { SlackControl } from '../sandbox/slack';
import { ZendeskControl } from '../sandbox/zendesk';
import { findLocalRun, type LocalRun } from '../config/local-run';

const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

function readRun(): LocalRun {
  const found = findLocalRun();
  if (!found.run) throw new Error(`${found.missing}: start the service first with \`npm start\` (in another terminal)`);
  return found.run;
}

async function main(): Promise<void> {
  const run = readRun();
  if (!run.zendeskUrl || !run.slackUrl) throw new Error('the demo needs `npm start` running with the Zendesk and Slack emulators');
  const zendesk = new ZendeskControl(run.zendeskUrl);
  const slack = new SlackControl(run.slackUrl);

  // A public Visa test number, built here so no card number sits in the source.
  const testCard = ['4111', '1111', '1111', '1111'].join(' ');
  const { ticket, comments } = await zendesk.seedTicket({
    subject: 'Update my billing details',
    comments: [{ body: `Hi! Please charge my new card ${testCard}, expiry 09/28. Thanks, Sam` }],
  });
  say(`1. Seeded ticket #${ticket.id}: a customer pasted a card number (ending ${testCard.slice(-4)}).`);

  const body = JSON.stringify({ ticket_id: String(ticket.id), comment_id: String(comments[0]!.id), type: 'comment_added' });
  const timestamp = new Date().toISOString();
  const signature = createHmac('sha256', run.webhookSecret).update(timestamp + body).digest('base64');
  const res = await fetch(`${run.serviceUrl}/webhooks/zendesk`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-zendesk-webhook-signature': signature,
      'x-zendesk-webhook-signature-timestamp': timestamp,
      'x-zendesk-webhook-invocation-id': `demo-${ticket.id}`,
    },
    body,
  });
  const accepted = (await res.json()) as { workflowId?: string };
  if (res.status !== 202) throw new Error(`webhook refused: HTTP ${res.status} ${JSON.stringify(accepted)}`);
  say(`2. Signed Zendesk webhook accepted (HTTP ${res.status}): workflow ${accepted.workflowId}.`);

  const card = await waitFor('the Slack card', async () =>
    (await slack.messages(run.slackChannelId)).find((m) => m.text?.includes(`#${ticket.id}`)),
  );
  say(`3. Slack card posted in ${run.slackChannelId}: "${card.text}"`);

  const click = await slack.click({
    channel: run.slackChannelId,
    ts: card.ts,
    actionId: 'claim_redaction',
    userId: run.leadUserId,
    url: `${run.serviceUrl}/slack/interactions`,
    signingSecret: run.slackSigningSecret,
  });
  say(`4. Lead <@${run.leadUserId}> clicked "Take it" (HTTP ${click.status}).`);

  const reactions = await waitFor('the done reaction', async () => {
    const r = await slack.reactions(run.slackChannelId, card.ts);
    return r.length > 0 ? r : undefined;
  });
  const after = await zendesk.getTicket(ticket.id);
  const state = await zendesk.state();
  const child = state.tickets.find((t) => t.subject?.includes(`ticket #${ticket.id}`) && t.id !== ticket.id);
  say(`5. Redacted comment: "${after.comments[0]!.plain_body}"`);
  say(`6. Child ticket #${child?.id}: ${child?.status}.`);
  say(`7. Slack reaction: :${reactions.map((r) => r.name).join(': :')}:`);
  if (run.uiUrl && accepted.workflowId) {
    say(`8. Workflow in the Web UI: ${run.uiUrl}/namespaces/${run.namespace}/workflows/${encodeURIComponent(accepted.workflowId)}`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
