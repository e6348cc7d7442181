// Slack's side of interactivity: build block_actions / slash-command requests exactly as Slack
// sends them (form-encoded, signed over the raw body) and deliver them to the service.
import { randomBytes } from 'node:crypto';
import { signSlackRequest } from './signing';
import { publicMessage, type SlackStore } from './store';
import type { Block, ClickOptions, DeliveryResult, SlashCommandOptions, StoredMessage } from './types';

export class InteractivityError extends Error {
  constructor(
    readonly code: string,
    readonly httpStatus: number,
  ) {
    super(code);
    this.name = 'InteractivityError';
  }
}

interface FoundButton {
  element: Record<string, unknown>;
  blockId: string;
}

/** Buttons live in actions blocks or as a section accessory. */
export function findButton(blocks: Block[] | undefined, actionId: string): FoundButton | undefined {
  for (const [i, block] of (blocks ?? []).entries()) {
    const blockId = typeof block.block_id === 'string' ? block.block_id : `sandbox-block-${i}`;
    const candidates: unknown[] = [];
    if (block.type === 'actions' && Array.isArray(block.elements)) candidates.push(...(block.elements as unknown[]));
    if (block.type === 'section' && block.accessory) candidates.push(block.accessory);
    for (const el of candidates) {
      if (el && typeof el === 'object' && (el as { action_id?: unknown }).action_id === actionId) {
        return { element: el as Record<string, unknown>, blockId };
      }
    }
  }
  return undefined;
}

function triggerId(): string {
  return `${Date.now()}.${Math.floor(Math.random() * 1e12)}.${randomBytes(16).toString('hex')}`;
}

export function buildBlockActionsPayload(
  store: SlackStore,
  msg: StoredMessage,
  opts: Pick<ClickOptions, 'actionId' | 'userId'>,
  responseUrl: string,
): Record<string, unknown> {
  const found = findButton(msg.blocks, opts.actionId);
  if (!found) throw new InteractivityError('action_not_found', 404);
  const user = store.users.get(opts.userId);
  if (!user) throw new InteractivityError('user_not_found', 404);
  const channel = store.channels.get(msg.channel);
  const { teamId, teamDomain, appId } = store.config;
  const el = found.element;
  const action: Record<string, unknown> = {
    type: el.type ?? 'button',
    action_id: opts.actionId,
    block_id: found.blockId,
    text: el.text,
    ...(el.value !== undefined ? { value: el.value } : {}),
    ...(el.style !== undefined ? { style: el.style } : {}),
    action_ts: store.nextTs(),
  };
  return {
    type: 'block_actions',
    user: { id: user.id, username: user.name, name: user.name, team_id: teamId },
    api_app_id: appId,
    token: 'sandboxLegacyVerificationToken',
    container: { type: 'message', message_ts: msg.ts, channel_id: msg.channel, is_ephemeral: false },
    trigger_id: triggerId(),
    team: { id: teamId, domain: teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: msg.channel, name: channel?.name ?? msg.channel.toLowerCase() },
    message: publicMessage(msg),
    state: { values: {} },
    response_url: responseUrl,
    actions: [action],
  };
}

export function buildSlashCommandForm(store: SlackStore, opts: SlashCommandOptions, responseUrl: string): Record<string, string> {
  const user = store.users.get(opts.userId);
  const channel = store.channels.get(opts.channelId);
  const { teamId, teamDomain, appId } = store.config;
  return {
    token: 'sandboxLegacyVerificationToken',
    team_id: teamId,
    team_domain: teamDomain,
    channel_id: opts.channelId,
    channel_name: channel?.name ?? opts.channelId.toLowerCase(),
    user_id: opts.userId,
    user_name: user?.name ?? opts.userId.toLowerCase(),
    command: opts.command,
    text: opts.text,
    api_app_id: appId,
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: triggerId(),
  };
}

/** POSTs a signed form body to the service and reports how it answered. */
export async function deliverSigned(
  target: string,
  rawBody: string,
  signing: { secret: string; timestamp?: number; signature?: string; timeoutMs?: number },
  meta: { responseUrl: string; payload: Record<string, unknown> },
): Promise<DeliveryResult> {
  const timestamp = signing.timestamp ?? Math.floor(Date.now() / 1000);
  const started = Date.now();
  let res: Response;
  try {
    res = await fetch(target, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
        'X-Slack-Request-Timestamp': String(timestamp),
        'X-Slack-Signature': signing.signature ?? signSlackRequest(signing.secret, timestamp, rawBody),
      },
      body: rawBody,
      redirect: 'manual',
      signal: AbortSignal.timeout(signing.timeoutMs ?? 10_000),
    });
  } catch (err) {
    const reason = err instanceof Error && err.name === 'TimeoutError' ? 'target_timeout' : 'target_unreachable';
    throw new InteractivityError(reason, 502);
  }
  const body = await res.text();
  const elapsedMs = Date.now() - started;
  return {
    status: res.status,
    body,
    headers: Object.fromEntries(res.headers.entries()),
    elapsedMs,
    ackedInTime: elapsedMs <= 3000,
    responseUrl: meta.responseUrl,
    payload: meta.payload,
    rawBody,
  };
}
