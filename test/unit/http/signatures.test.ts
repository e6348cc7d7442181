import { createHmac } from 'node:crypto';
import { signZendeskWebhook, verifyZendeskSignature } from '../../../service/webhook-signature';
import { slackSignature, verifySlackRequest } from '../../../service/slack-signature';
import { signSlackRequest } from '../../../sandbox/slack/signing';

const NOW = Date.parse('2026-11-25T12:00:00Z');

describe('Zendesk webhook signature', () => {
  const secret = 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==';
  const body = '{"ticket_id":"123","type":"comment_added"}';
  const ts = '2026-11-25T12:00:00Z';
  const good = createHmac('sha256', secret).update(ts + body).digest('base64');

  test('matches the documented formula base64(HMAC(secret, timestamp + body))', () => {
    expect(signZendeskWebhook(secret, ts, body)).toBe(good);
    expect(signZendeskWebhook(secret, ts, Buffer.from(body))).toBe(good);
  });

  test('accepts a good signature, within 5 minutes either way', () => {
    expect(verifyZendeskSignature(secret, body, ts, good, NOW)).toEqual({ ok: true });
    expect(verifyZendeskSignature(secret, body, ts, good, NOW + 299_000).ok).toBe(true);
    expect(verifyZendeskSignature(secret, body, ts, good, NOW - 299_000).ok).toBe(true);
  });

  test('rejects stale and future timestamps', () => {
    expect(verifyZendeskSignature(secret, body, ts, good, NOW + 301_000)).toEqual({ ok: false, reason: expect.stringMatching(/5 minutes/) });
    expect(verifyZendeskSignature(secret, body, ts, good, NOW - 301_000).ok).toBe(false);
  });

  test('rejects a tampered body, a wrong secret, missing or garbage headers', () => {
    expect(verifyZendeskSignature(secret, body + ' ', ts, good, NOW).ok).toBe(false);
    expect(verifyZendeskSignature('other', body, ts, good, NOW).ok).toBe(false);
    expect(verifyZendeskSignature(secret, body, undefined, good, NOW)).toEqual({ ok: false, reason: expect.stringMatching(/timestamp/) });
    expect(verifyZendeskSignature(secret, body, ts, undefined, NOW)).toEqual({ ok: false, reason: expect.stringMatching(/missing/) });
    expect(verifyZendeskSignature(secret, body, 'yesterday', good, NOW).ok).toBe(false);
    expect(verifyZendeskSignature(secret, body, ts, good.slice(0, -2), NOW).ok).toBe(false);
  });

  test('accepts Unix-seconds timestamps too', () => {
    const secs = String(NOW / 1000);
    expect(verifyZendeskSignature(secret, body, secs, signZendeskWebhook(secret, secs, body), NOW).ok).toBe(true);
  });
});

describe('Slack v0 signature', () => {
  const secret = 'slack-signing-secret';
  const body = 'payload=%7B%22type%22%3A%22block_actions%22%7D';
  const ts = String(NOW / 1000);

  test('agrees with the sandbox signer', () => {
    expect(slackSignature(secret, ts, body)).toBe(signSlackRequest(secret, ts, body));
  });

  test('accepts a good signature within 300 s either way', () => {
    const sig = slackSignature(secret, ts, body);
    expect(verifySlackRequest(secret, body, ts, sig, NOW)).toEqual({ ok: true });
    expect(verifySlackRequest(secret, Buffer.from(body), ts, sig, NOW + 300_000).ok).toBe(true);
    expect(verifySlackRequest(secret, body, ts, sig, NOW - 300_000).ok).toBe(true);
  });

  test('rejects stale, future, tampered, wrong version and missing', () => {
    const sig = slackSignature(secret, ts, body);
    expect(verifySlackRequest(secret, body, ts, sig, NOW + 301_000).ok).toBe(false);
    expect(verifySlackRequest(secret, body, ts, sig, NOW - 301_000).ok).toBe(false);
    expect(verifySlackRequest(secret, body + 'x', ts, sig, NOW).ok).toBe(false);
    expect(verifySlackRequest(secret, body, ts, sig.replace('v0=', 'v1='), NOW).ok).toBe(false);
    expect(verifySlackRequest(secret, body, undefined, sig, NOW).ok).toBe(false);
    expect(verifySlackRequest(secret, body, ts, undefined, NOW).ok).toBe(false);
    expect(verifySlackRequest(secret, body, '12.5', sig, NOW).ok).toBe(false);
  });
});
