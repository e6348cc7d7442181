// activities/slack.ts remembers the posted card on the child ticket through the Tags API
// (PUT /tickets/{id}/tags), not the `additional_tags` ticket property Zendesk's document lacks.
import { createSlackClient } from '../../activities/slack-api';
import { createSlackActivities } from '../../activities/slack';
import { startSlackSandbox, type SlackSandbox } from '../../sandbox/slack';
import { type Env, startEnv } from './zendesk/helpers';

let env: Env;
let slackSb: SlackSandbox;
beforeAll(async () => {
  env = await startEnv();
  slackSb = await startSlackSandbox();
});
afterAll(async () => {
  await env.sb.close();
  await slackSb.close();
});

test('the card is posted once and its ts is tagged on the child ticket through the Tags API', async () => {
  const slack = createSlackClient({ apiUrl: slackSb.apiUrl, botToken: slackSb.botToken, timeoutMs: 2000 });
  const acts = createSlackActivities({ slack, zendesk: env.api, channelId: 'C0REDACT', zendeskUrl: env.sb.url });
  const child = await env.api.createTicket({ subject: 'child', comment: { body: 'note', public: false }, tags: ['pan_child'] });
  await env.sb.control.clearCalls();
  const input = { ticketId: 1, childTicketId: child.id, workflowId: 'redaction-ticket-1', last4: ['1111'], attachments: [] };

  const post = await acts.postClaimRequest(input);
  const tag = `pan_slack_ts_${post.ts.replace('.', '_')}`;
  expect((await env.api.getTicket(child.id)).tags).toEqual(['pan_child', tag]);
  const calls = await env.sb.control.calls();
  expect(calls.filter((c) => c.method === 'PUT').map((c) => [c.path, c.body])).toEqual([[`/api/v2/tickets/${child.id}/tags.json`, { tags: [tag] }]]);

  // A retried attempt finds the tag: no second card.
  expect(await acts.postClaimRequest(input)).toEqual(post);
  expect((await slackSb.control.messages('C0REDACT')).length).toBe(1);
});
