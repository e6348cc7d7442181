/**
 * Public cases from other projects (../shared/external/, copied to fixtures/ so a clean clone can run them).
 * Where the project deliberately differs from a case, the difference and the reason are written down here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { findCardNumbers } from '../../../detection';

interface ExternalCase {
  id: string;
  text: string;
  expect: { start: number; end: number }[];
  note: string;
}

const SHARED = resolve(__dirname, '../../../../shared/external/presidio-credit-card.jsonl');
const FIXTURE = resolve(__dirname, 'fixtures/presidio-credit-card.jsonl');
const source = existsSync(SHARED) ? SHARED : FIXTURE;
const cases: ExternalCase[] = readFileSync(source, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as ExternalCase);

/**
 * Cases where we deliberately report something else: id → what we report instead, and why.
 * Empty: every Presidio case agrees. In particular UATP (prefix 1, 15 digits: presidio-3/4) IS reported, as
 * brand 'uatp' — it is a payment card, redacting it costs nothing, and the prefix-1/length-15 rule does not
 * catch millisecond timestamps (13 digits, presidio-2) or microsecond ones (16 digits).
 */
const DIFFERENCES: Record<string, { expect: { start: number; end: number }[]; why: string }> = {};

describe('Presidio credit-card recognizer cases', () => {
  it('loads all cases', () => {
    expect(cases.length).toBe(18);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const expected = DIFFERENCES[c.id]?.expect ?? c.expect;
    const got = findCardNumbers(c.text).map((f) => ({ start: f.start, end: f.end }));
    expect(got).toEqual(expected);
  });

  it('reports UATP test numbers with brand uatp', () => {
    expect(findCardNumbers('122000000000003')[0]?.brand).toBe('uatp');
  });
});

/**
 * Presidio's known gaps (research notes §1.5), where this detector deliberately behaves differently.
 * `presidio` records what Presidio's regex+Luhn recognizer returns; `ours` what we return, and `why`.
 */
const PROBES: { text: string; presidio: [number, number][]; ours: [number, number][]; why: string }[] = [
  { text: '2221000000000009', presidio: [], ours: [[0, 16]], why: 'Mastercard 2-series (2221–2720) is a live range' },
  { text: '4000000000000000006', presidio: [], ours: [[0, 19]], why: '19-digit Visa exists' },
  { text: '490154203237518', presidio: [[0, 15]], ours: [], why: 'IMEI: Luhn-valid, but Visa is never 15 digits' },
  { text: '356938035643809', presidio: [[0, 15]], ours: [], why: 'IMEI: JCB 35xx is 16–19 digits' },
  { text: '1748503543012007', presidio: [[0, 16]], ours: [], why: 'µs timestamp: 17… is no card prefix' },
  { text: 'https://shop.example/o/4111111111111111', presidio: [[23, 39]], ours: [], why: 'numbers inside URLs are ids, as in Zendesk' },
  { text: '４１１１１１１１１１１１１１１１', presidio: [], ours: [[0, 16]], why: 'fullwidth digits are typed by IME users' },
  { text: '4111.1111.1111.1111', presidio: [], ours: [[0, 19]], why: 'dots are a common separator in tickets' },
  { text: '4111  1111  1111  1111', presidio: [], ours: [[0, 22]], why: 'several spaces' },
  { text: '4111\n1111 1111 1111', presidio: [], ours: [[0, 19]], why: 'a number wrapped over a line break' },
];

describe('deliberate differences from Presidio (its known gaps)', () => {
  it.each(PROBES.map((p) => [p.text, p] as const))('%j', (_t, p) => {
    expect(findCardNumbers(p.text).map((f) => [f.start, f.end])).toEqual(p.ours);
    expect(p.ours).not.toEqual(p.presidio);
  });
});
