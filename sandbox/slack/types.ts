// Shapes shared by the sandbox server and the control client (JSON over /__control/).

export type Block = Record<string, unknown> & { type: string; block_id?: string };

export interface SandboxUser {
  id: string;
  name: string;
  real_name?: string;
}

export interface SandboxChannel {
  id: string;
  name: string;
}

export interface Reaction {
  name: string;
  users: string[];
  count: number;
}

export interface MessageRevision {
  text: string;
  blocks?: Block[];
  /** When this revision was replaced (ms since epoch). */
  replacedAt: number;
  /** Which path replaced it. */
  via: 'chat.update' | 'response_url';
}

/** A message as Slack would return it, plus sandbox-only bookkeeping (`edits`). */
export interface StoredMessage {
  type: 'message';
  channel: string;
  ts: string;
  text: string;
  blocks?: Block[];
  user: string;
  bot_id?: string;
  app_id?: string;
  team: string;
  thread_ts?: string;
  reply_count?: number;
  reply_users?: string[];
  latest_reply?: string;
  metadata?: unknown;
  edited?: { user: string; ts: string };
  reactions?: Reaction[];
  /** Earlier revisions, oldest first. Sandbox-only. */
  edits: MessageRevision[];
}

export interface MessageWithReplies extends StoredMessage {
  replies: StoredMessage[];
}

export interface EphemeralMessage {
  channel: string;
  user: string;
  message_ts: string;
  text: string;
  blocks?: Block[];
  thread_ts?: string;
  via: 'chat.postEphemeral' | 'response_url';
}

export interface RequestLogEntry {
  seq: number;
  at: number;
  /** Web API method (`chat.postMessage`), or `response_url` for posts to a response URL. */
  method: string;
  httpMethod: string;
  path: string;
  contentType: string;
  /** Exact body text as received: canary tests scan these for leaked card numbers. */
  rawBody: string;
  /** rawBody with form percent-encoding undone (`+` → space), for plain-text scans. */
  rawBodyDecoded: string;
  /** Query + body arguments after decoding (JSON fields such as `blocks` parsed). */
  body: Record<string, unknown>;
  /** How the caller authenticated; the token itself is never logged. */
  auth: 'bearer' | 'body_token' | 'none';
  status?: number;
  response?: unknown;
  faultId?: number;
}

export interface FaultResponse {
  status?: number;
  headers?: Record<string, string>;
  /** JSON body to send (default `{ok:false,error:okFalseError}` or `{ok:true}`). */
  body?: unknown;
  /** Shorthand for HTTP 200 `{ok:false, error}`. */
  okFalseError?: string;
  /** Wait this long first. With nothing else set, the call is then handled normally. */
  delayMs?: number;
}

export interface FaultSpec {
  /** `method` is a regular expression; `bodyIncludes` limits the fault to calls whose arguments contain this text. */
  match: { method: string; bodyIncludes?: string };
  /** How many matching calls to hit; default 1, -1 = every call until cleared. */
  times?: number;
  response: FaultResponse;
}

export interface Fault extends FaultSpec {
  id: number;
  /** Calls this fault has hit so far. */
  hits: number;
}

export interface ClickOptions {
  channel: string;
  ts: string;
  actionId: string;
  userId: string;
  /** Where to POST the signed block_actions payload (the service's interactivity URL). */
  url: string;
  /** Defaults to the sandbox's signing secret. */
  signingSecret?: string;
  /** Override `X-Slack-Request-Timestamp` (seconds), e.g. to test the replay window. */
  timestamp?: number;
  /** Send this signature instead of the computed one (negative tests). */
  signature?: string;
  /** Give up on the target after this long (default 10 s; Slack itself gives up after 3 s). */
  timeoutMs?: number;
}

export interface SlashCommandOptions {
  url: string;
  command: string;
  text: string;
  userId: string;
  channelId: string;
  signingSecret?: string;
  timestamp?: number;
  signature?: string;
  timeoutMs?: number;
}

export interface DeliveryResult {
  /** HTTP status of the target's answer. */
  status: number;
  /** Body text of the target's answer. */
  body: string;
  headers: Record<string, string>;
  elapsedMs: number;
  /** Whether the target answered within Slack's 3 s ack window. */
  ackedInTime: boolean;
  /** The response_url handed to the target (posts to it are recorded). */
  responseUrl: string;
  /** What was sent: the block_actions payload object, or the slash-command form fields. */
  payload: Record<string, unknown>;
  rawBody: string;
}

export interface ResponseUrlPost {
  id: string;
  at: number;
  contentType: string;
  rawBody: string;
  body: Record<string, unknown>;
  status: number;
  /** What the sandbox did with it. */
  effect: 'replaced' | 'deleted' | 'in_channel' | 'ephemeral' | 'rejected';
}

export interface ResponseUrlInfo {
  id: string;
  kind: 'block_actions' | 'slash_command';
  channel: string;
  userId: string;
  /** Source message for block_actions. */
  messageTs?: string;
  uses: number;
}

export interface SandboxSnapshot {
  channels: SandboxChannel[];
  users: SandboxUser[];
  usergroups: Record<string, string[]>;
  emoji: string[];
  messages: Record<string, MessageWithReplies[]>;
  ephemeral: EphemeralMessage[];
  responseUrls: ResponseUrlInfo[];
  responseUrlPosts: ResponseUrlPost[];
  faults: Fault[];
  requestCount: number;
}
