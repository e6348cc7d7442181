/**
 * Downloads an attachment through its `content_url`. Zendesk answers with a redirect to a signed URL on another
 * host (its storage or CDN): redirects are followed by hand so the credentials go to the Zendesk host only and
 * never to another origin (fetch's own handling differs between runtimes). Bounded in bytes and time.
 */
import { type NotScannedReason } from './types';

export interface DownloadOptions {
  /** The account, e.g. https://acme.zendesk.com: the only origin that gets `authorization`. */
  zendeskUrl: string;
  authorization: string;
  maxBytes: number;
  timeoutMs: number;
}

export type Download = { bytes: Buffer } | { notScanned: NotScannedReason; detail: string };

const MAX_REDIRECTS = 5;

export async function downloadAttachment(contentUrl: string, opts: DownloadOptions): Promise<Download> {
  const zendeskOrigin = new URL(opts.zendeskUrl).origin;
  const signal = AbortSignal.timeout(opts.timeoutMs);
  let url: URL;
  try {
    url = new URL(contentUrl);
  } catch {
    return { notScanned: 'download_failed', detail: 'the attachment has no valid content_url' };
  }
  try {
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      if (url.protocol !== 'https:' && url.protocol !== 'http:') return { notScanned: 'download_failed', detail: `unsupported URL scheme ${url.protocol}` };
      const headers: Record<string, string> = {};
      if (url.origin === zendeskOrigin) headers.authorization = opts.authorization;
      const res = await fetch(url, { headers, redirect: 'manual', signal });
      if (res.status >= 300 && res.status < 400) {
        const location = res.headers.get('location');
        await res.body?.cancel();
        if (!location) return { notScanned: 'download_failed', detail: `redirect ${res.status} without a Location` };
        url = new URL(location, url);
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel();
        return { notScanned: 'download_failed', detail: `HTTP ${res.status}` };
      }
      const declared = Number(res.headers.get('content-length') ?? NaN);
      if (declared > opts.maxBytes) {
        await res.body?.cancel();
        return { notScanned: 'too_large', detail: `${declared} bytes, over the ${opts.maxBytes}-byte limit` };
      }
      return await readBounded(res, opts.maxBytes);
    }
    return { notScanned: 'download_failed', detail: `more than ${MAX_REDIRECTS} redirects` };
  } catch (e) {
    if (signal.aborted) return { notScanned: 'read_timeout', detail: `download not done within ${opts.timeoutMs} ms` };
    // Network errors name the failure, never a URL (signed URLs carry a token).
    return { notScanned: 'download_failed', detail: e instanceof Error ? (e.cause instanceof Error ? e.cause.name : e.name) : 'error' };
  }
}

/** The body, stopping as soon as it passes maxBytes (a missing or false Content-Length changes nothing). */
async function readBounded(res: Response, maxBytes: number): Promise<Download> {
  const chunks: Buffer[] = [];
  let total = 0;
  if (!res.body) return { bytes: Buffer.alloc(0) };
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return { notScanned: 'too_large', detail: `over the ${maxBytes}-byte limit` };
    }
    chunks.push(Buffer.from(value));
  }
  return { bytes: Buffer.concat(chunks) };
}
