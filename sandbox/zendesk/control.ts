// Typed client for the sandbox control API (/__control/*); usable from any process.
import type {
  CallLogEntry,
  FaultInfo,
  FaultSpec,
  SandboxConfig,
  SandboxState,
  SeedChatInput,
  SeedCommentInput,
  SeededChat,
  SeedSideConversationInput,
  SeedUserInput,
  ZdSideConversation,
  ZdSideConversationEvent,
  ZdUser,
  SeededTicket,
  SeedTicketInput,
  SeedTicketsOptions,
  SeedTicketsResult,
  ZdComment,
  ZdTicket,
} from './types';

export class ZendeskControl {
  private readonly base: string;

  constructor(url: string) {
    this.base = url.replace(/\/+$/, '').replace(/\/api\/v2$/, '');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.base}/__control/${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`zendesk sandbox control ${method} ${path} failed: HTTP ${res.status} ${await res.text()}`);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  seedTicket(input: SeedTicketInput): Promise<SeededTicket> {
    return this.call('POST', 'tickets', input);
  }

  /** Adds a comment as an end user would (author defaults to the requester; public by default). */
  addComment(ticketId: number, input: SeedCommentInput): Promise<{ ticket: ZdTicket; comment: ZdComment }> {
    return this.call('POST', `tickets/${ticketId}/comments`, input);
  }

  /** A Zendesk Chat transcript (a ChatStartedEvent comment); `active` defaults to true. */
  seedChat(ticketId: number, input: SeedChatInput): Promise<SeededChat> {
    return this.call('POST', `tickets/${ticketId}/chats`, input);
  }

  /** The visitor leaves: the chat ends (a ChatEndedEvent audit) and may now be redacted. */
  endChat(ticketId: number, chatId: string): Promise<void> {
    return this.call('POST', `tickets/${ticketId}/chats/${encodeURIComponent(chatId)}/end`);
  }

  seedSideConversation(ticketId: number, input: SeedSideConversationInput): Promise<{ side_conversation: ZdSideConversation; events: ZdSideConversationEvent[] }> {
    return this.call('POST', `tickets/${ticketId}/side_conversations`, input);
  }

  async addUser(input: SeedUserInput): Promise<ZdUser> {
    return (await this.call<{ user: ZdUser }>('POST', 'users', input)).user;
  }

  async getTicket(ticketId: number): Promise<ZdTicket & { comments: ZdComment[] }> {
    return (await this.call<{ ticket: ZdTicket & { comments: ZdComment[] } }>('GET', `tickets/${ticketId}`)).ticket;
  }

  /** Every ticket with its comments (large after a bulk seed). */
  state(): Promise<SandboxState> {
    return this.call('GET', 'state');
  }

  async calls(): Promise<CallLogEntry[]> {
    return (await this.call<{ calls: CallLogEntry[] }>('GET', 'calls')).calls;
  }

  clearCalls(): Promise<void> {
    return this.call('DELETE', 'calls');
  }

  /** Drops tickets, jobs, calls and faults; config returns to the start-up values. */
  reset(): Promise<void> {
    return this.call('POST', 'reset');
  }

  async addFault(fault: FaultSpec): Promise<FaultInfo> {
    return (await this.call<{ fault: FaultInfo }>('POST', 'faults', fault)).fault;
  }

  async faults(): Promise<FaultInfo[]> {
    return (await this.call<{ faults: FaultInfo[] }>('GET', 'faults')).faults;
  }

  clearFaults(): Promise<void> {
    return this.call('DELETE', 'faults');
  }

  async config(): Promise<SandboxConfig> {
    return (await this.call<{ config: SandboxConfig }>('GET', 'config')).config;
  }

  async configure(patch: Partial<SandboxConfig>): Promise<SandboxConfig> {
    return (await this.call<{ config: SandboxConfig }>('PUT', 'config', patch)).config;
  }

  seedTickets(count: number, options: SeedTicketsOptions = {}): Promise<SeedTicketsResult> {
    return this.call('POST', 'seed', { ...options, count });
  }
}
