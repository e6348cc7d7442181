import { findCardNumbers } from '../../../detection';
import { fingerprintCard } from '../../../security/fingerprint';
import { cardRunsIn, verifyComment, verifySubject, verifyTicket } from '../../../verification';
import { AMEX, MASTERCARD, VISA, spaced } from '../../helpers/cards';

const KEY = 'k'.repeat(32);
const opts = { fingerprintKey: KEY };
const twos = (pan: string, sep = ' '): string => pan.replace(/(\d{2})(?=\d)/g, `$1${sep}`);

/** The verifier's hits in html_body, as the original substrings. */
function htmlHits(html: string): string[] {
  return verifyComment({ html_body: html }, opts).map((r) => html.slice(r.start, r.end));
}

describe('html_body is read raw', () => {
  test.each([
    ['href', `<p><a href="https://pay.example/?card=${VISA}">pay</a></p>`, VISA],
    ['alt', `<p><img src="x.png" alt="card ${spaced(VISA)}"></p>`, spaced(VISA)],
    ['title', `<p><span title='${spaced(MASTERCARD, '-')}'>hover me</span></p>`, spaced(MASTERCARD, '-')],
    ['data attribute', `<div data-pan="${AMEX}">x</div>`, AMEX],
    ['HTML comment', `<p>hi</p><!-- card ${spaced(VISA)} -->`, spaced(VISA)],
    ['<style> text', `<style>.x::after { content: "${VISA}" }</style><p>hi</p>`, VISA],
    ['<script> text', `<script>var c = "${spaced(VISA, '.')}";</script>`, spaced(VISA, '.')],
  ])('%s', (_name, html, expected) => {
    expect(htmlHits(html)).toEqual([expected]);
  });

  test('entity separators and digits written as character references', () => {
    const nbsp = spaced(VISA, '&nbsp;');
    expect(htmlHits(`<p>${nbsp}</p>`)).toEqual([nbsp]);
    const sp = spaced(VISA, '&#32;');
    expect(htmlHits(`<p>${sp}</p>`)).toEqual([sp]);
    const hex = spaced(VISA, '&#x2013;');
    expect(htmlHits(`<p>${hex}</p>`)).toEqual([hex]);
    // "&#52;" is a 4: the offsets cover the whole reference.
    const encoded = '&#52;' + VISA.slice(1);
    expect(htmlHits(`<p>${encoded}</p>`)).toEqual([encoded]);
  });

  test('tags between digit groups: the text a reader sees', () => {
    const html = `<p>card <b>${VISA.slice(0, 4)}</b> ${VISA.slice(4, 8)}<span>${VISA.slice(8)}</span></p>`;
    const [hit] = verifyComment({ html_body: html }, opts);
    expect(hit).toMatchObject({ field: 'html_body', start: html.indexOf('<b>') + 3, end: html.indexOf('</span>'), last4: '1111' });
  });
});

describe('format characters and groupings', () => {
  test('U+200B and other Cf characters between groups are dropped, offsets still index the original', () => {
    for (const zw of ['\u200b', '\u2060', '\u00ad', '\ufeff', '\u200d\u200b']) {
      const text = `card ${spaced(VISA, zw)} ok`;
      const [hit] = verifyComment({ plain_body: text }, opts);
      expect(hit).toMatchObject({ field: 'plain_body', start: 5, end: text.length - 3, last4: '1111' });
    }
    const mixed = `card ${spaced(VISA, ' \u200b')}`;
    expect(verifyComment({ body: mixed }, opts)).toHaveLength(1);
  });

  test('2-digit and odd groupings', () => {
    expect(cardRunsIn(`pay ${twos(VISA)} now`, false)).toHaveLength(1);
    expect(cardRunsIn(`pay ${twos(MASTERCARD, '-')} now`, false)).toHaveLength(1);
    expect(cardRunsIn(`pay ${VISA.slice(0, 3)} ${VISA.slice(3, 9)} ${VISA.slice(9)}`, false)).toHaveLength(1);
  });

  test('separators: space, dash, dot, NBSP, up to three in a row', () => {
    for (const sep of [' ', '-', '.', '\u00a0', ' - ', '\u2009', '\n']) expect(cardRunsIn(spaced(VISA, sep), false)).toHaveLength(1);
    expect(cardRunsIn(spaced(VISA, '    '), false)).toHaveLength(0);
  });

  test('any brand: a Luhn-valid 16-digit number with no card prefix', () => {
    const noBrand = '9000000000000001'; // Luhn-valid, 9000… is no issuer's range
    expect(findCardNumbers(noBrand)).toEqual([]);
    expect(verifySubject(`ref ${noBrand}`, opts)).toMatchObject([{ field: 'subject', last4: '0001', targetable: false }]);
  });
});

describe('what it does not report', () => {
  test.each([
    ['a Luhn failure', '4111 1111 1111 1112'],
    ['12 digits', '4111 1111 1111'],
    ['more than 19 digits in one group', '41111111111111111111111'],
    ['redacted text', 'card ▇▇▇▇ ▇▇▇▇ ▇▇▇▇ 1111'],
    ['last 4 only', 'card ending 1111'],
    ['groups too far apart', '4111     1111     1111     1111'],
  ])('%s', (_name, text) => expect(verifyComment({ plain_body: text, body: text, html_body: `<p>${text}</p>` }, opts)).toEqual([]));
});

describe('references only', () => {
  test('each field reports its own offsets; the fingerprint is keyed over the digits', () => {
    const comment = { html_body: `<p>card ${spaced(VISA)}</p>`, body: `card ${spaced(VISA)}`, plain_body: `card ${spaced(VISA)}` };
    const refs = verifyComment(comment, opts);
    expect(refs.map((r) => r.field)).toEqual(['html_body', 'body', 'plain_body']);
    expect(refs[0]).toEqual({
      field: 'html_body',
      start: 8,
      end: 27,
      last4: '1111',
      fingerprint: fingerprintCard(KEY, VISA),
      targetable: true,
    });
    for (const r of refs) expect(JSON.stringify(r)).not.toContain(VISA.slice(0, 8));
  });

  test('targetable when the detector finds the same number in the text a redaction pass works on', () => {
    const [visible] = verifyComment({ html_body: `<p>${VISA}</p>`, plain_body: VISA }, opts);
    expect(visible!.targetable).toBe(true);
    // Left only in plain_body while html_body is clean: the pass on html_body cannot target it.
    const [plainOnly] = verifyComment({ html_body: '<p>clean</p>', plain_body: VISA }, opts);
    expect(plainOnly).toMatchObject({ field: 'plain_body', targetable: false });
  });
});

describe('catches what the detector misses', () => {
  test('a number the detector finds but comment_redactions cannot remove is not targetable', () => {
    for (const html of [`<script>x="${VISA}"</script>`, `<p>hi</p><!-- ${VISA} -->`, `<style>a::after{content:"${VISA}"}</style>`]) {
      expect(findCardNumbers(html, { html: true })).toMatchObject([{ redactable: false }]);
      expect(verifyComment({ html_body: html }, opts)).toMatchObject([{ field: 'html_body', last4: '1111', targetable: false }]);
    }
    const attr = `<p><img src="x.png" alt="${VISA}"></p>`;
    expect(verifyComment({ html_body: attr }, opts)).toMatchObject([{ targetable: true }]);
  });

  // Each of these: findCardNumbers reports nothing; the verifier reports a residual.
  test.each([
    ['a comment splitting the number', `<p>${VISA.slice(0, 8)}<!-- x -->${VISA.slice(8)}</p>`],
    ['3-6-7 grouping', `<p>${VISA.slice(0, 3)} ${VISA.slice(3, 9)} ${VISA.slice(9)}</p>`],
    ['a digit written as a character reference', `<p>&#52;${VISA.slice(1)}</p>`],
    ['a number in a URL', `<p>https://pay.example/${VISA}</p>`],
  ])('%s', (_name, html) => {
    expect(findCardNumbers(html, { html: true })).toEqual([]);
    expect(verifyComment({ html_body: html }, opts)).toMatchObject([{ field: 'html_body', last4: '1111', targetable: false }]);
  });
});

test('verifyTicket: subject and every comment, each reference naming its comment', () => {
  const refs = verifyTicket(
    { subject: `card ${VISA}` },
    [
      { id: 7, html_body: '<p>clean</p>', plain_body: 'clean' },
      { id: 8, html_body: `<p title="${MASTERCARD}">x</p>`, plain_body: 'x' },
    ],
    opts,
  );
  expect(refs.map((r) => [r.commentId, r.field, r.last4, r.targetable])).toEqual([
    [null, 'subject', '1111', true],
    [8, 'html_body', '4444', true],
  ]);
});
