// `GET /api/v2/incremental/ticket_events?include=comment_events`: comment bodies in bulk, 1,000
// events a request. A small fetch client beside the gateway (which has no such method), with the
// gateway's error mapping (httpError), so activities/failures.ts maps 429s, 4xx and 5xx the same way.
// Error messages never carry bodies: they hold comment text.
import { httpError, transportError, ZendeskApiError } from './zendesk-api';

export interface ExportAuth {
  /** Account URL without /api/v2. */
  url: string;
  email: string;
  token: string;
  timeoutMs: number;
}

export interface CommentEvent {
  id: number;
  type: 'Comment';
  body?: string | null;
  html_body?: string | null;
  plain_body?: string | null;
  public?: boolean;
}

export interface TicketEvent {
  id: number;
  ticket_id: number;
  timestamp: number;
  child_events?: {
    id: number;
    type?: string;
    event_type?: string;
    field_name?: string;
    value?: unknown;
    body?: string | null;
    html_body?: string | null;
    plain_body?: string | null;
    attachments?: TicketEventAttachments;
  }[];
}

/** A comment event's files, as the Attachment object has them (content_url and size for --attachments). */
export type TicketEventAttachments = { id: number; file_name?: string | null; content_url?: string | null; size?: number | null; deleted?: boolean | null }[] | null;

export interface TicketEventsPage {
  ticket_events: TicketEvent[];
  end_time: number;
  end_of_stream: boolean;
}

const PATH = '/api/v2/incremental/ticket_events.json';

export async function fetchTicketEvents(auth: ExportAuth, startTime: number, perPage: number): Promise<TicketEventsPage> {
  const q = new URLSearchParams({ start_time: String(Math.floor(startTime)), per_page: String(perPage), include: 'comment_events' });
  const headers = { Authorization: `Basic ${Buffer.from(`${auth.email}/token:${auth.token}`).toString('base64')}`, Accept: 'application/json' };
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${auth.url}${PATH}?${q.toString()}`, { headers, signal: AbortSignal.timeout(Math.max(auth.timeoutMs, 30_000)) });
    text = await res.text();
  } catch (err) {
    throw transportError('GET', PATH, err).withOperation('exportTicketEvents');
  }
  if (!res.ok) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    throw httpError('GET', PATH, res.status, body, res.headers).withOperation('exportTicketEvents');
  }
  let data: Partial<TicketEventsPage>;
  try {
    data = JSON.parse(text) as Partial<TicketEventsPage>;
  } catch {
    throw new ZendeskApiError({ operation: 'exportTicketEvents', method: 'GET', path: PATH, status: res.status, code: 'InvalidResponse', retryable: false });
  }
  if (!Array.isArray(data.ticket_events) || typeof data.end_time !== 'number' || typeof data.end_of_stream !== 'boolean') {
    throw new ZendeskApiError({ operation: 'exportTicketEvents', method: 'GET', path: PATH, status: res.status, code: 'InvalidResponse', retryable: false });
  }
  return data as TicketEventsPage;
}
