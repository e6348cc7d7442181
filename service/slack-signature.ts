// Slack v0 request signing (fact sheet §5). Our own copy so the service does not depend on the sandbox,
// and unlike Bolt it rejects future-dated timestamps too.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SignatureCheck } from './webhook-signature';

export const SLACK_SIGNATURE_TOLERANCE_S = 300;

export function slackSignature(signingSecret: string, timestamp: string | number, rawBody: Buffer | string): string {
  return 'v0=' + createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(rawBody).digest('hex');
}

export function verifySlackRequest(
  signingSecret: string,
  rawBody: Buffer | string,
  timestampHeader: string | undefined,
  signatureHeader: string | undefined,
  nowMs: number = Date.now(),
): SignatureCheck {
  if (!signatureHeader) return { ok: false, reason: 'missing X-Slack-Signature header' };
  if (!timestampHeader) return { ok: false, reason: 'missing X-Slack-Request-Timestamp header' };
  if (!/^\d{1,12}$/.test(timestampHeader)) return { ok: false, reason: 'X-Slack-Request-Timestamp is not Unix seconds' };
  if (Math.abs(Math.floor(nowMs / 1000) - Number(timestampHeader)) > SLACK_SIGNATURE_TOLERANCE_S) {
    return { ok: false, reason: 'request timestamp is more than 5 minutes away from server time' };
  }
  if (!signatureHeader.startsWith('v0=')) return { ok: false, reason: 'unsupported signature version' };
  const expected = Buffer.from(slackSignature(signingSecret, timestampHeader, rawBody));
  const given = Buffer.from(signatureHeader);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'signature does not match' };
  }
  return { ok: true };
}
