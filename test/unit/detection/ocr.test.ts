/** OCR-tolerant mode (detection/ocr.ts): one case per rule in detection/README.md, "OCR text". */
import { findCardNumbers } from '../../../detection';
import { CORRECTION_PENALTY, findCardNumbersOcr, normaliseOcrText, withLineFindings } from '../../../detection/ocr';
import { spaced, VISA } from '../../helpers/cards';

const last4s = (text: string): string[] => findCardNumbersOcr(text).map((f) => f.last4);

describe('confusable letters inside digit runs', () => {
  it.each([
    ['O for 0', 'card 4OOO O566 5566 5556', '5556', true],
    ['O and o for 0 (Amex)', 'card 3782 822463 1OOo5', '0005', true],
    ['l and I for 1', '4111 1l11 I111 11l1', '1111', true],
    ['| for 1', '4111 1|11 1111 1111', '1111', true],
    ['S for 5', '5S55 5555 5555 4444', '4444', true],
    ['typed text is left as it is', 'card 4111 1111 1111 1111', '1111', false],
    ['B for 8', 'card 3782 B22463 10005', '0005', true],
    ['letters next to a digit group', '4lll 1111 1111 1111', '1111', true],
  ])('%s', (_rule, text, last4, corrected) => {
    if (corrected) expect(findCardNumbers(text)).toHaveLength(0);
    const found = findCardNumbersOcr(text);
    expect(found.map((f) => f.last4)).toEqual([last4]);
    expect(found[0]!.corrected).toBe(corrected);
  });

  it('gives the PAN digits for the fingerprint, corrected', () => {
    const [f] = findCardNumbersOcr('4lll 1111 1111 1111');
    expect(f!.digits).toBe(VISA);
    expect(f!.last4).toBe('1111');
  });

  it('leaves words alone: a token with other letters or too few digits', () => {
    expect(normaliseOcrText('BOSS SOLD ISBN Boss1234 2FA').text).toBe('BOSS SOLD ISBN Boss1234 2FA');
    expect(last4s('Is 4111 1111 1111 111 lost?')).toEqual([]);
  });

  it('keeps the length of the text, so offsets still index the OCR text', () => {
    const text = 'pay 4lll, 1111 · 1111 1111 now';
    expect(normaliseOcrText(text).text).toHaveLength(text.length);
    const [f] = findCardNumbersOcr(text);
    expect(text.slice(f!.start, f!.end)).toBe('4lll, 1111 · 1111 1111');
  });
});

describe('separator noise between digit groups', () => {
  it.each([
    ['comma', '4111, 1111 1111 1111'],
    ['middle dot', '4111 · 1111 · 1111 · 1111'],
    ['bar', '4111 | 1111 | 1111 | 1111'],
    ['underscore', '4111_1111_1111_1111'],
    ['quote', "4111 1111' 1111 1111"],
    ['dot and space', '4111. 1111 1111 1111'],
  ])('%s', (_rule, text) => {
    expect(findCardNumbers(text)).toHaveLength(0);
    expect(last4s(text)).toEqual(['1111']);
  });

  it('keeps decimal and thousands marks', () => {
    expect(normaliseOcrText('Total 1,250.00').text).toBe('Total 1,250.00');
  });
});

describe('confidence', () => {
  it('is the lowest confidence of the words the number spans', () => {
    const text = 'card 4111 1111 1111 1111 ok';
    const words = [
      { start: 0, end: 4, confidence: 20 },
      { start: 5, end: 9, confidence: 95 },
      { start: 10, end: 14, confidence: 71 },
      { start: 15, end: 19, confidence: 90 },
      { start: 20, end: 24, confidence: 93 },
      { start: 25, end: 27, confidence: 10 },
    ];
    expect(findCardNumbersOcr(text, words)[0]!.confidence).toBe(71);
  });

  it('drops by the correction penalty when letters were read as digits', () => {
    const text = '4111 1111 1111 111l';
    const words = [0, 5, 10, 15].map((s) => ({ start: s, end: s + 4, confidence: 90 }));
    const [f] = findCardNumbersOcr(text, words);
    expect(f!.corrected).toBe(true);
    expect(f!.confidence).toBe(90 - CORRECTION_PENALTY);
  });

  it('is 100 for text without word confidences (a text layer)', () => {
    expect(findCardNumbersOcr(spaced(VISA))[0]!.confidence).toBe(100);
  });
});

describe('still rejects what the plain detector rejects', () => {
  it.each([
    ['Luhn failure', '4111 1111 1111 1112'],
    ['last 4 only', 'card ending 1111'],
    ['masked', '**** **** **** 1111'],
    ['IMEI', 'IMEI: 356938035643809'],
    ['phone', '+44 20 7946 0958'],
  ])('%s', (_rule, text) => {
    expect(last4s(text)).toEqual([]);
  });
});

describe('lines of a file', () => {
  it('finds a card on its own line under a line ending in digits that joins it into a rejected run', () => {
    const text = `IMEI: 512589887118455\n${spaced(VISA)}\nthanks`;
    expect(findCardNumbers(text)).toEqual([]);
    const found = withLineFindings(text, (t) => findCardNumbers(t));
    expect(found.map((f) => text.slice(f.start, f.end))).toEqual([spaced(VISA)]);
  });

  it('keeps a number wrapped over two lines once', () => {
    const text = `card ${VISA.slice(0, 8)}\n${VISA.slice(8)} ok`;
    expect(withLineFindings(text, (t) => findCardNumbers(t))).toHaveLength(1);
  });
});
