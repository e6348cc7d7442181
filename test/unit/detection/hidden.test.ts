/** Issue 12: numbers a reader does not see, or sees differently. Test card numbers only. */
import { cardDigits, findCardNumbers } from '../../../detection';
import { AMEX, MASTERCARD, VISA, spaced } from '../../helpers/cards';

const html = { html: true } as const;
const pairs = (pan: string, sep = ' '): string => pan.replace(/(\d{2})(?=\d)/g, `$1${sep}`);

describe('attribute values', () => {
  test.each([
    ['alt', `<p><img src="x.png" alt="card ${spaced(VISA)}"></p>`, spaced(VISA), '<img'],
    ['title', `<p><span title='${VISA}'>hover</span> ok</p>`, VISA, '<span'],
    ['data-*', `<div data-pan="${AMEX}"><p>hi</p></div>`, AMEX, '<div'],
    ['value', `<p><input value="${spaced(VISA, '-')}"></p>`, spaced(VISA, '-'), '<input'],
    ['entity separators', `<a title="${spaced(MASTERCARD, '&nbsp;')}">x</a>`, spaced(MASTERCARD, '&nbsp;'), '<a'],
  ])('%s: the finding carries the element it sits in', (_n, text, digits, open) => {
    const [f, ...rest] = findCardNumbers(text, html);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ in: 'attribute' });
    expect(f!.redactable).toBeUndefined();
    expect(text.slice(f!.start, f!.end)).toBe(digits);
    const element = text.slice(f!.element!.start, f!.element!.end);
    expect(element.startsWith(open)).toBe(true);
    // A void element is its tag; others run to their matching end tag.
    expect(element.endsWith(['<img', '<input'].includes(open) ? '>' : `</${open.slice(1)}>`)).toBe(true);
    expect(cardDigits(text, f!)).toMatch(/^\d{15,16}$/);
  });

  test('nested elements of the same name: the element ends at its own end tag', () => {
    const text = `<div title="${VISA}"><div>a</div>b</div><div>c</div>`;
    const [f] = findCardNumbers(text, html);
    expect(text.slice(f!.element!.start, f!.element!.end)).toBe(`<div title="${VISA}"><div>a</div>b</div>`);
  });

  test('a URL in href stays an id (the verifier reports it as a residual instead)', () => {
    expect(findCardNumbers(`<a href="https://x.example/?c=${VISA}">x</a>`, html)).toEqual([]);
  });
});

describe('HTML comments, <style>, <script>: found, but not redactable through comment_redactions', () => {
  test.each([
    ['comment', `<p>hi</p><!-- card ${spaced(VISA)} -->`],
    ['style', `<style>.x::after{content:"${VISA}"}</style><p>hi</p>`],
    ['script', `<script>var c = "${spaced(VISA, '-')}";</script>`],
  ])('%s', (where, text) => {
    expect(findCardNumbers(text, html)).toMatchObject([{ in: where, redactable: false, last4: '1111' }]);
  });

  test('plain mode reads comments as text', () => {
    expect(findCardNumbers(`<!-- ${VISA} -->`)).toMatchObject([{ last4: '1111' }]);
    expect(findCardNumbers(`<!-- ${VISA} -->`)[0]!.in).toBeUndefined();
  });
});

describe('format characters between digits', () => {
  test.each([
    ['U+200B between groups', spaced(VISA, '\u200b')],
    ['U+200B between every digit', VISA.split('').join('\u200b')],
    ['word joiner U+2060', spaced(VISA, '\u2060')],
    ['soft hyphen', spaced(VISA, '\u00ad')],
    ['BOM and ZWJ with spaces', spaced(VISA, ' \ufeff\u200d')],
  ])('%s: offsets index the original text', (_n, number) => {
    const text = `card ${number} ok`;
    const [f] = findCardNumbers(text);
    expect(f).toMatchObject({ start: 5, end: 5 + number.length, last4: '1111', brand: 'visa' });
    expect(cardDigits(text, f!)).toBe(VISA);
  });

  test('a CVV after a number with format characters keeps its own span', () => {
    const text = `${spaced(VISA, '\u200b')} cvv 123`;
    const [f] = findCardNumbers(text);
    expect(text.slice(f!.cvv!.start, f!.cvv!.end)).toBe('123');
  });

  test('in HTML, as raw characters and as references', () => {
    expect(findCardNumbers(`<p>${spaced(VISA, '\u200b')}</p>`, html)).toHaveLength(1);
    expect(findCardNumbers(`<p>${spaced(VISA, '&#8203;')}</p>`, html)).toHaveLength(1);
    expect(findCardNumbers(`<p>${spaced(VISA, '&zwnj;')}</p>`, html)).toHaveLength(1);
  });
});

describe('2-digit groupings', () => {
  test.each([
    ['spaces', pairs(VISA)],
    ['dashes', pairs(MASTERCARD, '-')],
    ['dots', pairs(VISA, '.')],
    ['odd length (Amex 15)', pairs(AMEX)],
  ])('%s', (_n, number) => {
    const text = `pay ${number} now`;
    expect(findCardNumbers(text)).toMatchObject([{ start: 4, end: 4 + number.length }]);
  });

  test('in HTML text, not inside tags', () => {
    expect(findCardNumbers(`<p>pay ${pairs(VISA)}</p>`, html)).toHaveLength(1);
  });

  test.each([
    ['a French phone number', 'appelez le 06 12 34 56 78'],
    ['two phone numbers in a row', '06 12 34 56 78 06 12 34 56 78'],
    ['a date and time', '15 01 20 25 12 30 45'],
    ['pairs that fail Luhn', pairs('4111111111111112')],
    ['mixed separators', '41 11-11 11 11 11 11 11'],
    ['a longer pair run', pairs(VISA + '11')],
    ['a phone after +', `+${pairs(VISA)}`],
    ['glued to a word', `x${pairs(VISA)}`],
    ['part of a longer number', `1234 ${pairs(VISA)}`],
  ])('not %s', (_n, text) => {
    expect(findCardNumbers(text)).toEqual([]);
  });
});
