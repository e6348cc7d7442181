import { createHmac } from 'node:crypto';

/**
 * Keyed fingerprint of a card number, for de-duplication and correlation without storing the PAN.
 *
 * Never a plain hash: the card-number space is tiny. A 16-digit PAN with a known 6-digit BIN and the last 4
 * (which we store next to the fingerprint) has 6 unknown digits, 10^5 candidates after the Luhn check, so
 * SHA-256(pan) is reversed in milliseconds. HMAC-SHA256 with a secret key (FINGERPRINT_KEY, 32 random bytes)
 * cannot be brute-forced without the key.
 *
 * `digits` must already be normalised to ASCII digits 0-9 (no spaces, dashes, fullwidth digits): the same
 * card must always give the same fingerprint, so normalisation belongs to one place, the caller's detector.
 * Returns lowercase hex (64 chars).
 */
export function fingerprintCard(key: string | Buffer, digits: string): string {
  if (typeof key === 'string' ? key.length === 0 : !Buffer.isBuffer(key) || key.length === 0) {
    throw new TypeError('fingerprintCard: key must be a non-empty string or Buffer');
  }
  // The message must not echo the input: it is probably a card number.
  if (typeof digits !== 'string' || !/^[0-9]+$/.test(digits)) {
    throw new TypeError('fingerprintCard: digits must be ASCII 0-9 only; normalise the card number first');
  }
  return createHmac('sha256', key).update(digits, 'ascii').digest('hex');
}
