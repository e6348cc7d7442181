// Typed client for the sandbox's /__control/ API; works from any process that can reach it.
import type { Reaction } from './types';
import type {
  ClickOptions,
  DeliveryResult,
  EphemeralMessage,
  Fault,
  FaultSpec,
  MessageWithReplies,
  RequestLogEntry,
  ResponseUrlPost,
  SandboxChannel,
  SandboxSnapshot,
  SandboxUser,
  SlashCommandOptions,
  StoredMessage,
} from './types';

export class SlackControlError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly route: string,
  ) {
    super(`slack sandbox control ${route}: HTTP ${status} ${error}`);
    this.name = 'SlackControlError';
  }
}

export class SlackControl {
  readonly url: string;

  /** `url` is the sandbox base URL (`http://127.0.0.1:PORT`), not the /api/ URL. */
  constructor(url: string) {
    this.url = url.replace(/\/+$/, '').replace(/\/api$/, '');
  }

  private async request<T>(verb: 'GET' | 'POST' | 'PUT' | 'DELETE', route: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/__control/${route}`, {
      method: verb,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = text;
    }
    if (!res.ok) {
      const error = parsed && typeof parsed === 'object' && 'error' in parsed ? String((parsed as { error: unknown }).error) : text;
      throw new SlackControlError(res.status, error, route);
    }
    return parsed as T;
  }

  private static qs(params: Record<string, string | number | undefined>): string {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) p.set(k, String(v));
    const s = p.toString();
    return s ? `?${s}` : '';
  }

  health(): Promise<{ ok: true }> {
    return this.request('GET', 'health');
  }

  snapshot(): Promise<SandboxSnapshot> {
    return this.request('GET', 'snapshot');
  }

  /** Top-level messages of a channel, oldest first, each with `replies` and `edits`. */
  messages(channel: string): Promise<MessageWithReplies[]> {
    return this.request('GET', `messages${SlackControl.qs({ channel })}`);
  }

  /** One message (top level or reply); rejects with SlackControlError 404 if absent. */
  message(channel: string, ts: string): Promise<MessageWithReplies> {
    return this.request('GET', `message${SlackControl.qs({ channel, ts })}`);
  }

  reactions(channel: string, ts: string): Promise<Reaction[]> {
    return this.request('GET', `reactions${SlackControl.qs({ channel, ts })}`);
  }

  ephemeral(channel?: string): Promise<EphemeralMessage[]> {
    return this.request('GET', `ephemeral${SlackControl.qs({ channel })}`);
  }

  /** Every request received (Web API calls and response_url posts); `method` is a regex. */
  requests(filter: { method?: string; since?: number } = {}): Promise<RequestLogEntry[]> {
    return this.request('GET', `requests${SlackControl.qs(filter)}`);
  }

  responseUrlPosts(): Promise<ResponseUrlPost[]> {
    return this.request('GET', 'response-url-posts');
  }

  /** Clears messages, reactions, ephemerals, logs and faults; restores users/channels/emoji. */
  async reset(): Promise<void> {
    await this.request('POST', 'reset');
  }

  addFault(spec: FaultSpec): Promise<Fault> {
    return this.request('POST', 'faults', spec);
  }

  faults(): Promise<Fault[]> {
    return this.request('GET', 'faults');
  }

  async clearFaults(): Promise<void> {
    await this.request('DELETE', 'faults');
  }

  /** HTTP 429 with `Retry-After: seconds` for the next `times` calls matching `method`. */
  rateLimit(method: string, retryAfterSeconds: number, times = 1): Promise<Fault> {
    return this.addFault({ match: { method }, times, response: { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) } } });
  }

  /** HTTP 200 `{ok:false, error}` for the next `times` calls matching `method`. */
  failWith(method: string, error: string, times = 1): Promise<Fault> {
    return this.addFault({ match: { method }, times, response: { okFalseError: error } });
  }

  /** Delay the next `times` matching calls, then answer normally. */
  slow(method: string, delayMs: number, times = 1): Promise<Fault> {
    return this.addFault({ match: { method }, times, response: { delayMs } });
  }

  /** Clicks the button `actionId` on a posted message: signed block_actions POST to `url`. */
  click(opts: ClickOptions): Promise<DeliveryResult> {
    return this.request('POST', 'click', opts);
  }

  /** Sends a signed slash-command form to `url`. */
  slashCommand(opts: SlashCommandOptions): Promise<DeliveryResult> {
    return this.request('POST', 'slash-command', opts);
  }

  /** A message written by a person (the bot cannot chat.update it). */
  postAsUser(msg: { channel: string; user: string; text: string; thread_ts?: string }): Promise<StoredMessage> {
    return this.request('POST', 'user-message', msg);
  }

  /** Adds emoji names reactions.add accepts (`replace` drops the current set first). */
  setEmoji(names: string[], opts: { replace?: boolean } = {}): Promise<string[]> {
    return this.request('POST', 'emoji', { names, ...opts });
  }

  addUser(user: SandboxUser): Promise<SandboxUser> {
    return this.request('POST', 'users', user);
  }

  addChannel(channel: { id: string; name?: string }): Promise<SandboxChannel> {
    return this.request('POST', 'channels', channel);
  }

  async setUsergroup(id: string, users: string[]): Promise<void> {
    await this.request('PUT', `usergroups/${encodeURIComponent(id)}`, { users });
  }
}
