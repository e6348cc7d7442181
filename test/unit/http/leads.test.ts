import type { WebClient } from '@slack/web-api';
import { LeadDirectory } from '../../../service/slack-leads';

function fakeSlack(lists: Array<string[] | Error>) {
  const calls: string[] = [];
  const slack = {
    usergroups: {
      users: {
        list: async ({ usergroup }: { usergroup: string }) => {
          calls.push(usergroup);
          const next = lists.shift();
          if (next instanceof Error) throw next;
          return { ok: true, users: next ?? [] };
        },
      },
    },
  } as unknown as WebClient;
  return { slack, calls };
}

test('static leads need no Slack call; group members are cached for the TTL', async () => {
  let t = 0;
  const { slack, calls } = fakeSlack([['U2'], ['U3']]);
  const leads = new LeadDirectory({ slack, leadUserIds: ['U1'], usergroupId: 'S1', ttlMs: 1000, now: () => t });
  expect(await leads.isLead('U1')).toBe(true);
  expect(calls).toHaveLength(0);
  const answers = await Promise.all([leads.isLead('U2'), leads.isLead('U2'), leads.isLead('U9')]);
  expect(answers).toEqual([true, true, false]);
  expect(calls).toEqual(['S1']);
  t = 1500;
  expect(await leads.isLead('U2')).toBe(false);
  expect(await leads.isLead('U3')).toBe(true);
  expect(calls).toHaveLength(2);
});

test('a failed refresh falls back to the stale list; with nothing cached it throws', async () => {
  let t = 0;
  const { slack } = fakeSlack([['U2'], new Error('ratelimited')]);
  const leads = new LeadDirectory({ slack, leadUserIds: [], usergroupId: 'S1', ttlMs: 10, now: () => t });
  expect(await leads.isLead('U2')).toBe(true);
  t = 100;
  expect(await leads.isLead('U2')).toBe(true);

  const empty = new LeadDirectory({ slack: fakeSlack([new Error('boom')]).slack, leadUserIds: [], usergroupId: 'S1' });
  await expect(empty.isLead('U2')).rejects.toThrow('boom');
});

test('without a group only the listed users are leads', async () => {
  const { slack, calls } = fakeSlack([]);
  const leads = new LeadDirectory({ slack, leadUserIds: ['U1'] });
  expect(await leads.isLead('U7')).toBe(false);
  expect(calls).toHaveLength(0);
});
