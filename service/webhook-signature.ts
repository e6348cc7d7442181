// Zendesk webhook signing (fact sheet §6a): base64(HMAC-SHA256(secret, timestamp + raw body)).
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far the signed timestamp may be from our clock, either direction (replay window). */
export const ZENDESK_SIGNATURE_TOLERANCE_MS = 5 * 60 * 1000;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export function signZendeskWebhook(secret: string, timestamp: string, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(timestamp).update(rawBody).digest('base64');
}

/** Zendesk sends ISO-8601 (`2021-03-25T05:09:27Z`); plain Unix seconds are accepted too. */
export function parseZendeskTimestamp(header: string): number | undefined {
  const ms = /^\d{9,11}$/.test(header) ? Number(header) * 1000 : Date.parse(header);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Constant-time check of `x-zendesk-webhook-signature` against `x-zendesk-webhook-signature-timestamp`. */
export function verifyZendeskSignature(
  secret: string,
  rawBody: Buffer | string,
  timestampHeader: string | undefined,
  signatureHeader: string | undefined,
  nowMs: number = Date.now(),
): SignatureCheck {
  if (!signatureHeader) return { ok: false, reason: 'missing x-zendesk-webhook-signature header' };
  if (!timestampHeader) return { ok: false, reason: 'missing x-zendesk-webhook-signature-timestamp header' };
  const signedAt = parseZendeskTimestamp(timestampHeader);
  if (signedAt === undefined) return { ok: false, reason: 'x-zendesk-webhook-signature-timestamp is not a valid timestamp' };
  if (Math.abs(nowMs - signedAt) > ZENDESK_SIGNATURE_TOLERANCE_MS) {
    return { ok: false, reason: 'signature timestamp is more than 5 minutes away from server time' };
  }
  const expected = Buffer.from(signZendeskWebhook(secret, timestampHeader, rawBody));
  const given = Buffer.from(signatureHeader.trim());
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'signature does not match' };
  }
  return { ok: true };
}
