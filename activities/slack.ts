// Slack effects: the claim card, thread replies and the done reaction.
import type { WebClient } from '@slack/web-api';
import { log } from '@temporalio/activity';
import { z } from 'zod';
import { slackCall, slackFailure, zendeskCall } from './failures';
import { classifySlackError } from './slack-api';
import { mergeQuestion, renderCard, type CardView } from './slack-card';
import { markerFor } from './write-marker';
import type { ZendeskApi } from './zendesk-api';

export interface SlackPost {
  channel: string;
  ts: string;
}

export interface SlackDeps {
  slack: WebClient;
  zendesk: ZendeskApi;
  channelId: string;
  zendeskUrl: string;
}

/** Message metadata that marks our cards in the channel. */
export const CARD_EVENT_TYPE = 'pan_redaction_request';

const cardMetadata = z.object({
  event_type: z.literal(CARD_EVENT_TYPE),
  event_payload: z.object({ child_ticket_id: z.number() }),
});

/** Tag on the child ticket that remembers the Slack message, so a retried post finds it. */
const tsTag = (ts: string) => `pan_slack_ts_${ts.replace('.', '_')}`;
const tsFromTags = (tags: string[]) => tags.find((t) => t.startsWith('pan_slack_ts_'))?.slice('pan_slack_ts_'.length).replace('_', '.');

/** Message metadata that marks our thread replies (and channel notices), for read-back on retries. */
export const REPLY_EVENT_TYPE = 'pan_redaction_reply';
const replyMetadata = z.object({ event_type: z.literal(REPLY_EVENT_TYPE), event_payload: z.object({ marker: z.string() }) });

export function createSlackActivities({ slack, zendesk, channelId, zendeskUrl }: SlackDeps) {
  /** Whether a message with this marker is already in the thread (or among the channel's recent messages). */
  async function replyPosted(channel: string, threadTs: string | undefined, marker: string): Promise<boolean> {
    try {
      const page = threadTs
        ? await slack.conversations.replies({ channel, ts: threadTs, limit: 200, include_all_metadata: true })
        : await slack.conversations.history({ channel, limit: 200, include_all_metadata: true });
      return (page.messages ?? []).some((m) => replyMetadata.safeParse(m.metadata).data?.event_payload.marker === marker);
    } catch (err) {
      const kind = classifySlackError(err);
      // Without the history scope we cannot look; posting is still right (a duplicate only after a crash).
      if (kind.kind === 'platform') {
        log.warn('cannot read the thread to look for an earlier reply', { error: kind.error });
        return false;
      }
      throw slackFailure(err, 'look for an earlier reply');
    }
  }

  /**
   * A card an earlier attempt posted but could not remember (the worker died between the post and
   * the tag): found in the channel by its message metadata, so a retry never posts a second card.
   */
  async function findPostedCard(childTicketId: number, childCreatedAt: string): Promise<string | undefined> {
    const oldest = String(Math.floor(Date.parse(childCreatedAt) / 1000) - 300);
    try {
      const history = await slack.conversations.history({ channel: channelId, oldest, limit: 200, include_all_metadata: true });
      const card = history.messages?.find((m) => cardMetadata.safeParse(m.metadata).data?.event_payload.child_ticket_id === childTicketId);
      return card?.ts;
    } catch (err) {
      const kind = classifySlackError(err);
      // Without channels:history we cannot look; posting is still right, a duplicate only possible after a crash.
      if (kind.kind === 'platform') {
        log.warn('cannot read the channel to look for an earlier card', { error: kind.error });
        return undefined;
      }
      throw slackFailure(err, 'look for an earlier card');
    }
  }

  /**
   * A reply in the card's thread (or, without a card, a message in the channel), once per `writeId`:
   * the post carries its marker as message metadata, and a retry reads the thread back first.
   */
  async function postThreadReply(input: { post?: SlackPost; text: string; writeId: string; blocks?: object[] }): Promise<void> {
    const marker = markerFor(input.writeId);
    const channel = input.post?.channel ?? channelId;
    if (await replyPosted(channel, input.post?.ts, marker)) return;
    const metadata = { event_type: REPLY_EVENT_TYPE, event_payload: { marker } };
    await slackCall('post thread reply', () =>
      slack.chat.postMessage({ channel, ...(input.post ? { thread_ts: input.post.ts } : {}), text: input.text, ...(input.blocks ? { blocks: input.blocks } : {}), metadata }),
    );
  }

  return {
    /** Step 4: posts the card with its "Take it" button, once per child ticket. */
    async postClaimRequest(input: {
      ticketId: number;
      childTicketId: number;
      workflowId: string;
      last4: string[];
      attachments: string[];
      files?: string[];
      notScanned?: string[];
    }): Promise<SlackPost> {
      const child = await zendeskCall('read child ticket', () => zendesk.getTicket(input.childTicketId));
      const known = tsFromTags(child.tags ?? []) ?? (await findPostedCard(input.childTicketId, child.created_at));
      let post: SlackPost;
      if (known) {
        post = { channel: channelId, ts: known };
      } else {
        const card = renderCard({ ...input, state: 'open' }, zendeskUrl);
        const metadata = { event_type: CARD_EVENT_TYPE, event_payload: { workflow_id: input.workflowId, child_ticket_id: input.childTicketId } };
        const posted = await slackCall('post claim request', () => slack.chat.postMessage({ channel: channelId, ...card, metadata }));
        post = { channel: posted.channel ?? channelId, ts: posted.ts! };
      }
      await zendeskCall('remember Slack message', () => zendesk.addTags(input.childTicketId, [tsTag(post.ts)]));
      return post;
    },

    async updateSlackCard(input: { post: SlackPost; card: CardView }): Promise<void> {
      const card = renderCard(input.card, zendeskUrl);
      await slackCall('update Slack card', () => slack.chat.update({ channel: input.post.channel, ts: input.post.ts, ...card }));
    },

    postThreadReply,

    /** An unclear merge instruction: the lead answers with "Merge into #N" or "Don't merge" in the thread. */
    async askMergeDecision(input: { post: SlackPost; ticketId: number; workflowId: string; target: number; reason: string; writeId: string }): Promise<void> {
      const question = mergeQuestion(input, zendeskUrl);
      await postThreadReply({ post: input.post, text: question.text, blocks: question.blocks, writeId: input.writeId });
    },

    /** Step 11. An existing reaction is success; an unknown emoji falls back to the default one. */
    async addDoneReaction(input: { post: SlackPost; emoji: string }): Promise<void> {
      const add = (name: string) => slack.reactions.add({ channel: input.post.channel, timestamp: input.post.ts, name });
      try {
        await add(input.emoji);
      } catch (err) {
        const kind = classifySlackError(err);
        if (kind.kind === 'platform' && kind.error === 'already_reacted') return;
        if (kind.kind === 'platform' && kind.error === 'invalid_name' && input.emoji !== 'white_check_mark') {
          log.warn('done emoji unknown to Slack; using white_check_mark', { emoji: input.emoji });
          await slackCall('add done reaction', async () => {
            try {
              await add('white_check_mark');
            } catch (again) {
              const k = classifySlackError(again);
              if (!(k.kind === 'platform' && k.error === 'already_reacted')) throw again;
            }
          });
          return;
        }
        throw slackFailure(err, 'add done reaction');
      }
    },
  };
}
