// In-memory workspace state and the Web API method handlers. Handlers return Slack envelopes
// (`{ok:true,...}` / `{ok:false,error}`); HTTP concerns live in server.ts.
import { z } from 'zod';
import { checkBlocks } from './blocks';
import type {
  Block,
  EphemeralMessage,
  MessageWithReplies,
  Reaction,
  ResponseUrlInfo,
  ResponseUrlPost,
  SandboxChannel,
  SandboxUser,
  StoredMessage,
} from './types';

export type Envelope = { ok: true; [k: string]: unknown } | { ok: false; error: string; [k: string]: unknown };
export type Args = Record<string, unknown>;

export interface StoreConfig {
  teamId: string;
  teamDomain: string;
  botUserId: string;
  botId: string;
  appId: string;
  channels: SandboxChannel[];
  users: SandboxUser[];
  usergroups: Record<string, string[]>;
  emoji: string[];
}

export const DEFAULT_EMOJI = [
  'white_check_mark',
  'heavy_check_mark',
  'ballot_box_with_check',
  'eyes',
  'x',
  'warning',
  'lock',
  'hourglass_flowing_sand',
  'raised_hand',
  'thumbsup',
  '+1',
  'tada',
  'no_entry',
];

const TS_RE = /^\d{10}\.\d{6}$/;
const MAX_TEXT = 40_000;

// Form fields are strings, JSON fields may be numbers/booleans: accept scalars, keep strings.
const scalar = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));
const opt = scalar.optional();

const schemas = {
  'chat.postMessage': z.object({ channel: opt, text: opt, blocks: z.unknown().optional(), thread_ts: opt, reply_broadcast: opt, metadata: z.unknown().optional() }).loose(),
  'chat.update': z.object({ channel: opt, ts: opt, text: opt, blocks: z.unknown().optional(), metadata: z.unknown().optional() }).loose(),
  'chat.postEphemeral': z.object({ channel: opt, user: opt, text: opt, blocks: z.unknown().optional(), thread_ts: opt }).loose(),
  'reactions.add': z.object({ channel: opt, timestamp: opt, name: opt }).loose(),
  'users.info': z.object({ user: opt }).loose(),
  'usergroups.users.list': z.object({ usergroup: opt, include_disabled: opt }).loose(),
  'conversations.open': z.object({ users: opt, channel: opt, return_im: opt }).loose(),
  'conversations.history': z.object({ channel: opt, oldest: opt, latest: opt, limit: opt, include_all_metadata: opt }).loose(),
  'conversations.replies': z.object({ channel: opt, ts: opt, oldest: opt, latest: opt, limit: opt, include_all_metadata: opt }).loose(),
} as const;

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Slack's view of a message: no sandbox bookkeeping. */
export function publicMessage(m: StoredMessage): Record<string, unknown> {
  const { edits: _edits, channel: _channel, ...rest } = m;
  return clone(rest);
}

export class SlackStore {
  channels = new Map<string, SandboxChannel>();
  users = new Map<string, SandboxUser>();
  usergroups = new Map<string, string[]>();
  emoji = new Set<string>();
  /** Every message (top level and replies) per channel, in post order. */
  messages = new Map<string, StoredMessage[]>();
  ephemeral: EphemeralMessage[] = [];
  responseUrls = new Map<string, ResponseUrlInfo>();
  responseUrlPosts: ResponseUrlPost[] = [];
  private lastMicros = 0;

  constructor(readonly config: StoreConfig) {
    this.reset();
  }

  reset(): void {
    this.channels = new Map(this.config.channels.map((c) => [c.id, { ...c }]));
    this.users = new Map(this.config.users.map((u) => [u.id, { ...u }]));
    this.usergroups = new Map(Object.entries(this.config.usergroups).map(([k, v]) => [k, [...v]]));
    this.emoji = new Set(this.config.emoji);
    this.messages = new Map();
    this.ephemeral = [];
    this.responseUrls = new Map();
    this.responseUrlPosts = [];
  }

  /** Unique, increasing Slack timestamps (`1700000000.000100`). */
  nextTs(): string {
    this.lastMicros = Math.max(Date.now() * 1000, this.lastMicros + 100);
    const sec = Math.floor(this.lastMicros / 1_000_000);
    const micro = this.lastMicros % 1_000_000;
    return `${sec}.${String(micro).padStart(6, '0')}`;
  }

  /** Accepts a channel ID, or a name with or without `#`, as Slack does. */
  resolveChannel(ref: string | undefined): SandboxChannel | undefined {
    if (!ref) return undefined;
    const direct = this.channels.get(ref);
    if (direct) return direct;
    const name = ref.replace(/^#/, '');
    for (const c of this.channels.values()) if (c.name === name) return c;
    return undefined;
  }

  findMessage(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.get(channel)?.find((m) => m.ts === ts);
  }

  channelMessages(channel: string): MessageWithReplies[] {
    const all = this.messages.get(channel) ?? [];
    return all
      .filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts)
      .map((m) => ({ ...clone(m), replies: all.filter((r) => r.thread_ts === m.ts && r.ts !== m.ts).map(clone) }));
  }

  messageWithReplies(channel: string, ts: string): MessageWithReplies | undefined {
    const m = this.findMessage(channel, ts);
    if (!m) return undefined;
    const all = this.messages.get(channel) ?? [];
    return { ...clone(m), replies: all.filter((r) => r.thread_ts === m.ts && r.ts !== m.ts).map(clone) };
  }

  /** Stores a message; used by chat.postMessage, response_url in_channel and the control API. */
  insertMessage(channel: string, fields: { text: string; blocks?: Block[]; user?: string; threadTs?: string; metadata?: unknown }): StoredMessage | { error: string } {
    const list = this.messages.get(channel) ?? [];
    const byBot = fields.user === undefined || fields.user === this.config.botUserId;
    const msg: StoredMessage = {
      type: 'message',
      channel,
      ts: this.nextTs(),
      text: fields.text,
      user: fields.user ?? this.config.botUserId,
      team: this.config.teamId,
      edits: [],
    };
    if (byBot) {
      msg.bot_id = this.config.botId;
      msg.app_id = this.config.appId;
    }
    if (fields.blocks) msg.blocks = fields.blocks;
    if (fields.metadata !== undefined) msg.metadata = fields.metadata;
    if (fields.threadTs !== undefined) {
      const parent = list.find((m) => m.ts === fields.threadTs);
      if (!parent) return { error: 'thread_not_found' };
      // Replying to a reply threads under the original parent, as in Slack.
      const root = parent.thread_ts !== undefined ? (list.find((m) => m.ts === parent.thread_ts) ?? parent) : parent;
      root.thread_ts = root.ts;
      root.reply_count = (root.reply_count ?? 0) + 1;
      root.reply_users = [...new Set([...(root.reply_users ?? []), msg.user])];
      root.latest_reply = msg.ts;
      msg.thread_ts = root.ts;
    }
    list.push(msg);
    this.messages.set(channel, list);
    return msg;
  }

  replaceMessage(msg: StoredMessage, next: { text?: string; blocks?: Block[] }, via: 'chat.update' | 'response_url'): void {
    msg.edits.push({ text: msg.text, ...(msg.blocks ? { blocks: msg.blocks } : {}), replacedAt: Date.now(), via });
    if (next.text !== undefined) msg.text = next.text;
    if (next.blocks !== undefined) msg.blocks = next.blocks;
    msg.edited = { user: this.config.botUserId, ts: this.nextTs() };
  }

  deleteMessage(msg: StoredMessage): void {
    const list = this.messages.get(msg.channel) ?? [];
    this.messages.set(msg.channel, list.filter((m) => m !== msg));
  }

  // ---- Web API methods ----------------------------------------------------------------------

  call(method: string, args: Args): Envelope {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: `https://${this.config.teamDomain}.slack.com/`,
          team: 'Sandbox',
          user: 'redactor',
          team_id: this.config.teamId,
          user_id: this.config.botUserId,
          bot_id: this.config.botId,
          is_enterprise_install: false,
        };
      case 'chat.postMessage':
        return this.withArgs(method, args, (a) => this.postMessage(a));
      case 'chat.update':
        return this.withArgs(method, args, (a) => this.update(a));
      case 'chat.postEphemeral':
        return this.withArgs(method, args, (a) => this.postEphemeral(a));
      case 'reactions.add':
        return this.withArgs(method, args, (a) => this.reactionsAdd(a));
      case 'users.info':
        return this.withArgs(method, args, (a) => this.usersInfo(a));
      case 'usergroups.users.list':
        return this.withArgs(method, args, (a) => this.usergroupUsers(a));
      case 'conversations.history':
        return this.withArgs(method, args, (a) => this.conversationsHistory(a));
      case 'conversations.replies':
        return this.withArgs(method, args, (a) => this.conversationsReplies(a));
      case 'conversations.open':
        return this.withArgs(method, args, (a) => this.conversationsOpen(a));
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private withArgs<M extends keyof typeof schemas>(method: M, args: Args, fn: (a: z.output<(typeof schemas)[M]>) => Envelope): Envelope {
    const parsed = schemas[method].safeParse(args);
    if (!parsed.success) {
      return {
        ok: false,
        error: 'invalid_arguments',
        response_metadata: { messages: parsed.error.issues.map((i) => `[ERROR] ${i.message} [json-pointer:/${i.path.join('/')}]`) },
      };
    }
    return fn(parsed.data as z.output<(typeof schemas)[M]>);
  }

  /** Shared text/blocks handling for the posting methods. */
  private content(a: { text?: string; blocks?: unknown }): { text: string; blocks?: Block[] } | Envelope {
    let blocks: Block[] | undefined;
    if (a.blocks !== undefined && a.blocks !== '') {
      const checked = checkBlocks(a.blocks);
      if (!checked.ok) return { ok: false, error: checked.error, response_metadata: { messages: checked.messages } };
      blocks = checked.blocks;
    }
    const text = a.text ?? '';
    if (text === '' && (!blocks || blocks.length === 0)) return { ok: false, error: 'no_text' };
    if (text.length > MAX_TEXT) return { ok: false, error: 'msg_too_long' };
    return blocks ? { text, blocks } : { text };
  }

  private postMessage(a: z.output<(typeof schemas)['chat.postMessage']>): Envelope {
    const channel = this.resolveChannel(a.channel);
    if (!channel) return { ok: false, error: 'channel_not_found' };
    const content = this.content(a);
    if ('ok' in content) return content;
    let metadata: unknown;
    if (a.metadata !== undefined) {
      metadata = a.metadata;
      if (typeof metadata === 'string') {
        try {
          metadata = JSON.parse(metadata);
        } catch {
          return { ok: false, error: 'invalid_metadata_format' };
        }
      }
    }
    const threadTs = a.thread_ts === undefined || a.thread_ts === '' ? undefined : a.thread_ts;
    const stored = this.insertMessage(channel.id, { ...content, threadTs, metadata });
    if ('error' in stored) return { ok: false, error: stored.error };
    return { ok: true, channel: channel.id, ts: stored.ts, message: publicMessage(stored) };
  }

  private update(a: z.output<(typeof schemas)['chat.update']>): Envelope {
    const channel = this.resolveChannel(a.channel);
    if (!channel) return { ok: false, error: 'channel_not_found' };
    if (!a.ts || !TS_RE.test(a.ts)) return { ok: false, error: 'message_not_found' };
    const msg = this.findMessage(channel.id, a.ts);
    if (!msg) return { ok: false, error: 'message_not_found' };
    if (msg.user !== this.config.botUserId) return { ok: false, error: 'cant_update_message' };
    const content = this.content(a);
    if ('ok' in content) return content;
    // Omitted text/blocks keep their previous value (an empty blocks array removes them).
    this.replaceMessage(msg, { text: a.text, blocks: content.blocks }, 'chat.update');
    return { ok: true, channel: channel.id, ts: msg.ts, text: msg.text, message: publicMessage(msg) };
  }

  private postEphemeral(a: z.output<(typeof schemas)['chat.postEphemeral']>): Envelope {
    const channel = this.resolveChannel(a.channel);
    if (!channel) return { ok: false, error: 'channel_not_found' };
    if (!a.user || !this.users.has(a.user)) return { ok: false, error: 'user_not_found' };
    const content = this.content(a);
    if ('ok' in content) return content;
    const messageTs = this.nextTs();
    this.ephemeral.push({
      channel: channel.id,
      user: a.user,
      message_ts: messageTs,
      text: content.text,
      ...(content.blocks ? { blocks: content.blocks } : {}),
      ...(a.thread_ts ? { thread_ts: a.thread_ts } : {}),
      via: 'chat.postEphemeral',
    });
    return { ok: true, message_ts: messageTs };
  }

  private reactionsAdd(a: z.output<(typeof schemas)['reactions.add']>): Envelope {
    if (!a.channel || !a.timestamp) return { ok: false, error: 'no_item_specified' };
    const channel = this.resolveChannel(a.channel);
    if (!channel) return { ok: false, error: 'channel_not_found' };
    if (!TS_RE.test(a.timestamp)) return { ok: false, error: 'bad_timestamp' };
    const msg = this.findMessage(channel.id, a.timestamp);
    if (!msg) return { ok: false, error: 'message_not_found' };
    // Names go without colons; a skin-tone suffix is allowed on top of a known base emoji.
    const name = a.name ?? '';
    const base = name.replace(/::skin-tone-[2-6]$/, '');
    if (!base || !this.emoji.has(base)) return { ok: false, error: 'invalid_name' };
    const reactions: Reaction[] = msg.reactions ?? [];
    const existing = reactions.find((r) => r.name === name);
    if (existing?.users.includes(this.config.botUserId)) return { ok: false, error: 'already_reacted' };
    if (existing) {
      existing.users.push(this.config.botUserId);
      existing.count += 1;
    } else {
      if (reactions.length >= 50) return { ok: false, error: 'too_many_emoji' };
      reactions.push({ name, users: [this.config.botUserId], count: 1 });
    }
    msg.reactions = reactions;
    return { ok: true };
  }

  private usersInfo(a: z.output<(typeof schemas)['users.info']>): Envelope {
    if (a.user === this.config.botUserId) {
      const bot = { id: this.config.botUserId, team_id: this.config.teamId, name: 'redactor', real_name: 'Redactor', deleted: false, is_bot: true };
      return { ok: true, user: { ...bot, profile: { real_name: 'Redactor', display_name: 'redactor', bot_id: this.config.botId } } };
    }
    const u = a.user ? this.users.get(a.user) : undefined;
    if (!u) return { ok: false, error: 'user_not_found' };
    const realName = u.real_name ?? u.name;
    return {
      ok: true,
      user: {
        id: u.id,
        team_id: this.config.teamId,
        name: u.name,
        real_name: realName,
        deleted: false,
        is_bot: false,
        is_admin: false,
        tz: 'Etc/UTC',
        profile: { real_name: realName, display_name: u.name, real_name_normalized: realName, display_name_normalized: u.name },
      },
    };
  }

  /** DM pattern (fact sheet §2): one user → a `D…` channel that chat.postMessage accepts. */
  private conversationsOpen(a: z.output<(typeof schemas)['conversations.open']>): Envelope {
    if (a.channel) {
      const existing = this.channels.get(a.channel);
      return existing ? { ok: true, no_op: true, already_open: true, channel: { id: existing.id } } : { ok: false, error: 'channel_not_found' };
    }
    const ids = (a.users ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (ids.length === 0) return { ok: false, error: 'users_list_not_supplied' };
    if (ids.length > 8) return { ok: false, error: 'too_many_users' };
    // Group DMs are not emulated; say so rather than pretend.
    if (ids.length > 1) return { ok: false, error: 'not_implemented_in_sandbox' };
    const userId = ids[0] ?? '';
    if (!this.users.has(userId)) return { ok: false, error: 'user_not_found' };
    const id = `D${userId.replace(/^[UW]/, '')}`;
    const already = this.channels.has(id);
    if (!already) this.channels.set(id, { id, name: id.toLowerCase() });
    return { ok: true, ...(already ? { no_op: true, already_open: true } : {}), channel: { id } };
  }

  /** Top-level messages, newest first; metadata only with include_all_metadata, as in Slack. */
  private conversationsHistory(a: z.output<(typeof schemas)['conversations.history']>): Envelope {
    const channel = a.channel ? this.channels.get(a.channel) : undefined;
    if (!channel) return { ok: false, error: 'channel_not_found' };
    const oldest = Number(a.oldest ?? 0);
    const latest = a.latest !== undefined ? Number(a.latest) : Infinity;
    const limit = Math.min(Math.max(Number(a.limit ?? 100) || 100, 1), 999);
    const withMetadata = a.include_all_metadata === 'true' || a.include_all_metadata === '1';
    const top = (this.messages.get(channel.id) ?? [])
      .filter((m) => (m.thread_ts === undefined || m.thread_ts === m.ts) && Number(m.ts) > oldest && Number(m.ts) <= latest)
      .reverse();
    const page = top.slice(0, limit).map((m) => {
      const { metadata, ...rest } = publicMessage(m);
      return withMetadata && metadata !== undefined ? { ...rest, metadata } : rest;
    });
    // channel_actions_*: required by Slack's document; a channel without channel actions has null/0.
    return { ok: true, messages: page, has_more: top.length > limit, pin_count: 0, channel_actions_ts: null, channel_actions_count: 0, response_metadata: { next_cursor: '' } };
  }

  /** A thread: its parent first, then the replies oldest first; metadata only with include_all_metadata. */
  private conversationsReplies(a: z.output<(typeof schemas)['conversations.replies']>): Envelope {
    const channel = a.channel ? this.channels.get(a.channel) : undefined;
    if (!channel) return { ok: false, error: 'channel_not_found' };
    const parent = a.ts && TS_RE.test(a.ts) ? this.findMessage(channel.id, a.ts) : undefined;
    if (!parent) return { ok: false, error: 'thread_not_found' };
    const oldest = Number(a.oldest ?? 0);
    const latest = a.latest !== undefined ? Number(a.latest) : Infinity;
    const limit = Math.min(Math.max(Number(a.limit ?? 1000) || 1000, 1), 1000);
    const withMetadata = a.include_all_metadata === 'true' || a.include_all_metadata === '1';
    const root = parent.thread_ts ?? parent.ts;
    const thread = (this.messages.get(channel.id) ?? []).filter(
      (m) => (m.ts === root || m.thread_ts === root) && (m.ts === root || (Number(m.ts) > oldest && Number(m.ts) <= latest)),
    );
    const page = thread.slice(0, limit).map((m) => {
      const { metadata, ...rest } = publicMessage(m);
      return withMetadata && metadata !== undefined ? { ...rest, metadata } : rest;
    });
    return { ok: true, messages: page, has_more: thread.length > limit, response_metadata: { next_cursor: '' } };
  }

  private usergroupUsers(a: z.output<(typeof schemas)['usergroups.users.list']>): Envelope {
    const members = a.usergroup ? this.usergroups.get(a.usergroup) : undefined;
    if (!members) return { ok: false, error: 'no_such_subteam' };
    return { ok: true, users: [...members] };
  }
}
