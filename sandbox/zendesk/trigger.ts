// What a Zendesk trigger does with a webhook action: renders the JSON body template's placeholders (a small
// Liquid subset: `{{path}}`, `| truncate: N`, `| size` (of a string or the comment's attachments); values JSON-escaped, as in a JSON webhook body), signs
// it (timestamp + body, HMAC-SHA256) and POSTs it, retrying as the fact sheet (§6b) says Zendesk does:
// timeouts and connection failures up to 5 times, 409 up to 3 times, 429/503 when Retry-After < 60 s.
import { createHmac, randomUUID } from 'node:crypto';
import type { ZdComment, ZdTicket } from './types';

/** The automatic-detection trigger body the README documents (scan at the edge). */
export const COMMENT_TRIGGER_TEMPLATE =
  '{"ticket_id": "{{ticket.id}}", "comment_id": "{{ticket.latest_comment.id}}", "type": "comment_added", ' +
  '"comment_text": "{{ticket.latest_comment.value | truncate: 8000}}", "comment_chars": "{{ticket.latest_comment.value | size}}", ' +
  '"comment_attachments": "{{ticket.latest_comment.attachments | size}}", "subject": "{{ticket.title}}"}';

/** Liquid's truncate: at most `n` characters including the "..." it appends. */
function truncate(text: string, n: number): string {
  const chars = [...text];
  return chars.length <= n ? text : chars.slice(0, Math.max(0, n - 3)).join('') + '...';
}

function lookup(path: string, ticket: ZdTicket, comment: ZdComment): string | readonly unknown[] {
  switch (path) {
    case 'ticket.id':
      return String(ticket.id);
    case 'ticket.title':
      return ticket.subject ?? '';
    case 'ticket.latest_comment.id':
      return String(comment.id);
    case 'ticket.latest_comment.value':
      return comment.plain_body;
    case 'ticket.latest_comment.attachments':
      return comment.attachments;
    default:
      throw new Error(`trigger emulator: unsupported placeholder ${path}`);
  }
}

export function renderTriggerBody(template: string, ticket: ZdTicket, comment: ZdComment): string {
  return template.replace(/\{\{\s*([a-z_.]+)\s*(?:\|\s*(truncate|size)\s*(?::\s*(\d+))?\s*)?\}\}/g, (_m, path: string, filter?: string, arg?: string) => {
    const found = lookup(path, ticket, comment);
    // Liquid's size counts an array's items and a string's characters.
    if (filter === 'size') return String(typeof found === 'string' ? [...found].length : found.length);
    let v = typeof found === 'string' ? found : found.map(String).join('');
    if (filter === 'truncate') v = truncate(v, Number(arg));
    return JSON.stringify(v).slice(1, -1);
  });
}

export interface DeliveryOutcome {
  status: number;
  attempts: number;
}

export interface DeliverOptions {
  secret: string;
  /** Zendesk's per-request timeout (about 10–12 s). */
  timeoutMs?: number;
  /** Wait between attempts; Zendesk's own backoff is not documented, tests keep it short. */
  retryDelayMs?: number;
  invocationId?: string;
}

/** Delivers a rendered body the way a trigger's webhook does, with Zendesk's documented retries. */
export async function deliverWebhook(url: string, body: string, opts: DeliverOptions): Promise<DeliveryOutcome> {
  const invocationId = opts.invocationId ?? randomUUID();
  let timeouts = 0;
  let conflicts = 0;
  for (let attempts = 1; ; attempts++) {
    const timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const signature = createHmac('sha256', opts.secret).update(timestamp).update(body).digest('base64');
    let status = 0;
    let retryAfter: number | undefined;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-zendesk-webhook-signature-timestamp': timestamp,
          'x-zendesk-webhook-signature': signature,
          'x-zendesk-webhook-invocation-id': invocationId,
        },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
      await res.arrayBuffer();
      status = res.status;
      const ra = res.headers.get('retry-after');
      retryAfter = ra !== null && /^\d+$/.test(ra) ? Number(ra) : undefined;
    } catch {
      status = 0; // timeout or connection failure
    }
    if (status >= 200 && status < 300) return { status, attempts };
    const retry =
      (status === 0 && ++timeouts <= 5) ||
      (status === 409 && ++conflicts <= 3) ||
      ((status === 429 || status === 503) && retryAfter !== undefined && retryAfter < 60);
    if (!retry || attempts >= 12) return { status, attempts };
    await new Promise((r) => setTimeout(r, opts.retryDelayMs ?? (retryAfter ?? 1) * 1_000));
  }
}
