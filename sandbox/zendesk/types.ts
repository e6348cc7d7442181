// Wire shapes of the emulated Zendesk API and of the sandbox control API.

export type TicketStatus = 'new' | 'open' | 'pending' | 'hold' | 'solved' | 'closed';
export const TICKET_STATUSES: readonly TicketStatus[] = ['new', 'open', 'pending', 'hold', 'solved', 'closed'];

export interface ZdVia {
  channel: string;
  source: { from: Record<string, unknown>; to: Record<string, unknown>; rel: string | null };
}

export interface ZdAttachment {
  id: number;
  file_name: string;
  content_url: string;
  mapped_content_url: string;
  content_type: string;
  size: number;
  inline: boolean;
  deleted: boolean;
  url: string;
  width: number | null;
  height: number | null;
  thumbnails: unknown[];
  malware_access_override: boolean;
  malware_scan_result: 'malware_found' | 'malware_not_found' | 'failed_to_scan' | 'not_scanned';
}

export interface ZdComment {
  id: number;
  type: 'Comment' | 'ChatStartedEvent';
  author_id: number;
  body: string;
  html_body: string;
  plain_body: string;
  public: boolean;
  attachments: ZdAttachment[];
  audit_id: number;
  via: ZdVia;
  metadata: Record<string, unknown>;
  created_at: string;
  /** ChatStartedEvent only: the chat and its messages. */
  data?: { chat_id: string; visitor_id: string; history: ZdChatEntry[] };
}

export interface ZdTicket {
  id: number;
  url: string;
  external_id: string | null;
  via: ZdVia;
  created_at: string;
  updated_at: string;
  generated_timestamp: number;
  type: string | null;
  subject: string;
  raw_subject: string;
  description: string;
  priority: string | null;
  status: TicketStatus | 'deleted';
  recipient: string | null;
  requester_id: number;
  submitter_id: number;
  assignee_id: number | null;
  organization_id: number | null;
  group_id: number | null;
  collaborator_ids: number[];
  follower_ids: number[];
  email_cc_ids: number[];
  has_incidents: boolean;
  is_public: boolean;
  due_at: string | null;
  tags: string[];
  custom_fields: { id: number; value: unknown }[];
  fields: { id: number; value: unknown }[];
  satisfaction_rating: null;
  sharing_agreement_ids: number[];
  followup_ids: number[];
  ticket_form_id: number | null;
  brand_id: number | null;
  allow_channelback: boolean;
  allow_attachments: boolean;
  from_messaging_channel: boolean;
}

export interface ZdJobStatus {
  id: string;
  job_type: string;
  url: string;
  status: 'queued' | 'working' | 'completed' | 'failed' | 'killed';
  progress: number | null;
  total: number | null;
  results: unknown[] | null;
  message: string | null;
}

// ---- control API ----

export interface SeedAttachmentInput {
  file_name: string;
  content_type?: string;
  size?: number;
  inline?: boolean;
  /** The file's bytes, served at its content_url (through the storage redirect). */
  content_base64?: string;
}

export interface SeedCommentInput {
  body?: string;
  html_body?: string;
  public?: boolean;
  author_id?: number;
  attachments?: SeedAttachmentInput[];
  /** ISO time or epoch ms; default now. */
  created_at?: string | number;
}

export interface SeedTicketInput {
  subject?: string;
  status?: TicketStatus;
  requester_id?: number;
  tags?: string[];
  external_id?: string;
  custom_fields?: { id: number; value: unknown }[];
  /** ISO time or epoch ms for the ticket and (by default) its comments; default now. */
  created_at?: string | number;
  comments: SeedCommentInput[];
}

export interface SeededTicket {
  ticket: ZdTicket;
  comments: ZdComment[];
}

export interface SeedTicketsOptions {
  /** PRNG seed; same seed and count → same content. Default 1. */
  seed?: number;
  /** Share of tickets that get a card number in one comment (0..1). Default 0.01. */
  cardRate?: number;
  /** Average comments per ticket: each gets avg-1..avg+1 (exactly 1 when avg is 1). Default 3. */
  commentsPerTicket?: number;
  /** Timestamps spread over [endTime - spanDays, endTime]; endTime defaults to now - 2 h. */
  spanDays?: number;
  endTime?: number;
}

export interface SeededCard {
  ticketId: number;
  commentId: number;
  last4: string;
}

export interface SeedTicketsResult {
  firstTicketId: number;
  lastTicketId: number;
  ticketCount: number;
  commentCount: number;
  cards: SeededCard[];
}

export interface FaultSpec {
  /** `bodyIncludes`: only requests whose JSON body contains this text (e.g. one note among several updates). */
  match: { method?: string; path: string; bodyIncludes?: string };
  /** How many matching requests this fault applies to; default 1. */
  times?: number;
  response: {
    status?: number;
    headers?: Record<string, string>;
    body?: unknown;
    /** Delay before answering (without `status`: then the request is handled normally). */
    delayMs?: number;
    /** Send headers and part of a body, then reset the TCP connection. */
    resetConnection?: boolean;
  };
}

export interface FaultInfo extends FaultSpec {
  id: number;
  remaining: number;
}

export interface CallLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  time: string;
  durationMs: number;
  fault?: number;
}

export interface SandboxConfig {
  /** Incremental exports exclude items changed within this many seconds (Zendesk: 60). */
  exportExclusionSeconds: number;
  /** Enforce the 10 requests/minute limit on incremental endpoints. */
  incrementalRateLimit: boolean;
  incrementalRequestsPerMinute: number;
  /** Value reported in X-Rate-Limit (plan rpm). Headers only; not enforced. */
  accountRateLimit: number;
  /** Job-status polls needed to finish a job (queued → working → completed). */
  jobPollsToComplete: number;
  /** A job also finishes on its own after this long. */
  jobCompleteAfterMs: number;
}

export interface SandboxState {
  tickets: (ZdTicket & { comments: ZdComment[] })[];
}

// ---- other places on a ticket (places.ts) ----

/** One entry of a ChatStartedEvent's `history` (Zendesk Chat in Agent Workspace). */
export interface ZdChatEntry {
  type: 'ChatMessage' | 'ChatFileAttachment';
  /** Legacy chats number their entries; messaging-backed ones carry `message_id` instead. */
  chat_index?: number;
  message_id?: string;
  actor_id: number;
  actor_name: string;
  actor_type: 'end-user' | 'agent';
  timestamp: number;
  message?: string;
  filename?: string;
  mime_type?: string;
  size?: number;
  url?: string;
}

export interface ZdTicketField {
  id: number;
  url: string;
  type: string;
  title: string;
  raw_title: string;
  description: string;
  raw_description: string;
  position: number;
  active: boolean;
  required: boolean;
  collapsed_for_agents: boolean;
  regexp_for_validation: string | null;
  title_in_portal: string;
  raw_title_in_portal: string;
  visible_in_portal: boolean;
  editable_in_portal: boolean;
  required_in_portal: boolean;
  tag: string | null;
  created_at: string;
  updated_at: string;
  removable: boolean;
  agent_description: string | null;
}

export interface ZdUser {
  id: number;
  url: string;
  name: string;
  email: string;
  role: 'end-user' | 'agent' | 'admin';
  role_type: number | null;
  active: boolean;
  verified: boolean;
  suspended: boolean;
  created_at: string;
  updated_at: string;
  time_zone: string;
  iana_time_zone: string;
  locale: string;
  locale_id: number;
  organization_id: number | null;
  tags: string[];
  user_fields: Record<string, unknown>;
}

export interface ZdParticipant {
  user_id?: number;
  name: string;
  email?: string;
  /** Slack / Microsoft Teams side conversations, and child tickets (support_group_id / support_agent_id). */
  slack_workspace_id?: string;
  slack_channel_id?: string;
  msteams_channel_id?: string;
  support_group_id?: number;
  support_agent_id?: number;
}

export interface ZdSideConversation {
  id: string;
  url: string;
  ticket_id: number;
  subject: string;
  preview_text: string;
  state: 'open' | 'closed';
  participants: ZdParticipant[];
  external_ids: Record<string, string>;
  created_at: string;
  updated_at: string;
  message_added_at: string;
  state_updated_at: string;
}

export interface ZdSideConversationEvent {
  id: string;
  side_conversation_id: string;
  ticket_id: number;
  type: 'create' | 'reply' | 'update';
  actor: ZdParticipant;
  via: string;
  created_at: string;
  message: {
    subject: string;
    preview_text: string;
    body: string;
    html_body: string;
    from: ZdParticipant;
    to: ZdParticipant[];
    attachments: unknown[];
  } | null;
  updates: Record<string, unknown>;
  url: string;
}

export interface SeedUserInput {
  id?: number;
  name: string;
  email?: string;
  role?: 'end-user' | 'agent' | 'admin';
}

export interface SeedChatInput {
  chat_id?: string;
  /** Default true: the chat is still going on (redaction refused until it ends). */
  active?: boolean;
  messages: { message?: string; file?: { filename: string; mime_type?: string; size?: number }; actor_type?: 'end-user' | 'agent'; message_id?: string }[];
}

export interface SeededChat {
  comment_id: number;
  chat_id: string;
  history: ZdChatEntry[];
}

export interface SeedSideConversationInput {
  subject?: string;
  state?: 'open' | 'closed';
  messages: { body: string; from?: ZdParticipant; to?: ZdParticipant[] }[];
}
