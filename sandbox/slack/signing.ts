// Slack's v0 request signing (fact sheet §5). Used by the sandbox to sign the block_actions and
// slash-command posts it sends, and exported so tests can sign their own requests.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** `v0=` + hex(HMAC-SHA256(secret, `v0:${timestamp}:${rawBody}`)). */
export function signSlackRequest(signingSecret: string, timestamp: number | string, rawBody: string): string {
  return 'v0=' + createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex');
}

/** Headers Slack sends with a signed request. */
export function slackSignatureHeaders(
  signingSecret: string,
  rawBody: string,
  timestamp: number = Math.floor(Date.now() / 1000),
): { 'X-Slack-Request-Timestamp': string; 'X-Slack-Signature': string } {
  return {
    'X-Slack-Request-Timestamp': String(timestamp),
    'X-Slack-Signature': signSlackRequest(signingSecret, timestamp, rawBody),
  };
}

/** Constant-time check with a 300 s replay window (both directions). */
export function verifySlackSignature(
  signingSecret: string,
  rawBody: string,
  timestampHeader: string | undefined,
  signatureHeader: string | undefined,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): boolean {
  const ts = Number(timestampHeader);
  if (!signatureHeader || !Number.isInteger(ts) || Math.abs(nowSeconds - ts) > 300) return false;
  const mine = Buffer.from(signSlackRequest(signingSecret, ts, rawBody));
  const theirs = Buffer.from(signatureHeader);
  return mine.length === theirs.length && timingSafeEqual(mine, theirs);
}
