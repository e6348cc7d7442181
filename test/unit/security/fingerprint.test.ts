import { createHash } from 'node:crypto';
import { fingerprintCard } from '../../../security/fingerprint';

const PAN = '4111111111111111';

describe('fingerprintCard', () => {
  it('is deterministic for the same key and digits', () => {
    expect(fingerprintCard('key-one-0123456789abcdef', PAN)).toBe(fingerprintCard(Buffer.from('key-one-0123456789abcdef'), PAN));
    expect(fingerprintCard('key-one-0123456789abcdef', PAN)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is keyed: another key gives another fingerprint, and it is not a plain SHA-256', () => {
    const a = fingerprintCard('key-one-0123456789abcdef', PAN);
    const b = fingerprintCard('key-two-0123456789abcdef', PAN);
    expect(a).not.toBe(b);
    const plain = createHash('sha256').update(PAN).digest('hex');
    expect([a, b]).not.toContain(plain);
  });

  it('differs for different cards', () => {
    expect(fingerprintCard('k', PAN)).not.toBe(fingerprintCard('k', '5555555555554444'));
  });

  it('rejects non-normalised input without echoing it', () => {
    for (const bad of ['4111 1111 1111 1111', '4111-1111-1111-1111', '４１１１１１１１１１１１１１１１', '', ' 4111111111111111']) {
      expect(() => fingerprintCard('k', bad)).toThrow(/ASCII 0-9 only/);
      try {
        fingerprintCard('k', bad);
      } catch (e) {
        expect((e as Error).message).not.toContain('1111');
      }
    }
  });

  it('rejects an empty key', () => {
    expect(() => fingerprintCard('', PAN)).toThrow(/key must be a non-empty/);
    expect(() => fingerprintCard(Buffer.alloc(0), PAN)).toThrow(/key must be a non-empty/);
  });
});
