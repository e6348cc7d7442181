import { cardDigits, findCardNumbers, type CardFinding } from '../../../detection';
import { negatives, positives, type CorpusCase } from './corpus';

const POSITIVES = positives();
const NEGATIVES = negatives();

function describeMismatch(c: CorpusCase, got: CardFinding[]): string {
  const show = (xs: { start: number; end: number }[]): string =>
    JSON.stringify(xs.map((x) => ({ ...x, s: c.text.slice(x.start, x.end) })));
  return `${c.id} [${c.category}] ${JSON.stringify(c.text)}\n  expected ${show(c.expect)}\n  got      ${show(got)}`;
}

describe('generated corpus', () => {
  it('has positives for every brand and form, and hard negatives for every category', () => {
    expect(POSITIVES.length).toBeGreaterThan(900);
    expect(NEGATIVES.length).toBeGreaterThan(2000);
  });

  it('finds every positive with exact span, last4, brand and CVV (100% recall)', () => {
    const failures: string[] = [];
    for (const c of POSITIVES) {
      const got = findCardNumbers(c.text, { html: c.html });
      const ok =
        got.length === c.expect.length &&
        got.every((f, i) => {
          const e = c.expect[i]!;
          return (
            f.kind === 'pan' &&
            f.start === e.start &&
            f.end === e.end &&
            f.last4 === e.last4 &&
            f.brand === e.brand &&
            JSON.stringify(f.cvv) === JSON.stringify(e.cvv)
          );
        });
      if (!ok) failures.push(describeMismatch(c, got));
    }
    expect(failures.slice(0, 15)).toEqual([]);
  });

  it('cardDigits returns the ASCII digits of each positive', () => {
    for (const c of POSITIVES) {
      const got = findCardNumbers(c.text, { html: c.html });
      for (const f of got) {
        const digits = cardDigits(c.text, f);
        expect(digits).toMatch(/^[0-9]{12,19}$/);
        expect(digits.slice(-4)).toBe(f.last4);
      }
    }
  });

  it('flags none of the hard negatives (no false positives)', () => {
    const failures: string[] = [];
    for (const c of NEGATIVES) {
      const got = findCardNumbers(c.text, { html: c.html });
      if (got.length > 0) failures.push(describeMismatch(c, got));
    }
    expect(failures.slice(0, 15)).toEqual([]);
  });

  it('is deterministic for a seed', () => {
    expect(positives().map((c) => c.text)).toEqual(POSITIVES.map((c) => c.text));
    expect(negatives().map((c) => c.text)).toEqual(NEGATIVES.map((c) => c.text));
  });
});
