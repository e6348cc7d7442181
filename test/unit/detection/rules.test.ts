/** Hand-written cases for each rule in detection/README.md. Test card numbers only. */
import { cardDigits, findCardNumbers, type DetectOptions } from '../../../detection';

const spans = (text: string, options?: DetectOptions): string[] =>
  findCardNumbers(text, options).map((f) => text.slice(f.start, f.end));

describe('separators and forms', () => {
  it.each([
    ['4111111111111111', '4111111111111111'],
    ['4111 1111 1111 1111', '4111 1111 1111 1111'],
    ['4111   1111   1111   1111', '4111   1111   1111   1111'],
    ['4111-1111-1111-1111', '4111-1111-1111-1111'],
    ['4111.1111.1111.1111', '4111.1111.1111.1111'],
    ['4111\u00a01111\u00a01111\u00a01111', '4111\u00a01111\u00a01111\u00a01111'],
    ['4111 - 1111 - 1111 - 1111', '4111 - 1111 - 1111 - 1111'],
    ['3782 822463 10005', '3782 822463 10005'],
    ['my card is 4111 1111\n1111 1111 ok', '4111 1111\n1111 1111'],
    ['5105105\r\n105105100', '5105105\r\n105105100'],
    ['cc:4111111111111111', '4111111111111111'],
    ['card#4111111111111111', '4111111111111111'],
    ['CREDIT CARD4111111111111111exp06/17', '4111111111111111'],
    ['カード番号は４１１１１１１１１１１１１１１１です', '４１１１１１１１１１１１１１１１'],
    ['\u0664\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661', '\u0664\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661'],
  ])('%j', (text, span) => {
    expect(spans(text)).toEqual([span]);
  });

  it('does not join two numbers wrapped over two line breaks', () => {
    expect(spans('4111 1111\n1111\n1111')).toEqual([]);
  });
});

describe('neighbours: expiry and CVV', () => {
  it.each([
    ['4111 1111 1111 1111 12/25', '4111 1111 1111 1111'],
    ['4111 1111 1111 1111 06/2027', '4111 1111 1111 1111'],
    ['4111-1111-1111-1111 12-25', '4111-1111-1111-1111'],
    ['4111111111111111 exp 12/25', '4111111111111111'],
  ])('expiry is not absorbed: %j', (text, span) => {
    const f = findCardNumbers(text);
    expect(f.map((x) => text.slice(x.start, x.end))).toEqual([span]);
    expect(f[0]!.cvv).toBeUndefined();
  });

  it.each([
    ['4111 1111 1111 1111 123', '123'],
    ['4111111111111111 cvv 123', '123'],
    ['4111111111111111 CVC: 123', '123'],
    ['4111111111111111, exp 12/25, cvv 123', '123'],
    ['4111 1111 1111 1111 12/25 123', '123'],
    ['3782 822463 10005 1234', '1234'],
    ['4111111111111111cvv123', '123'],
  ])('CVV is reported with the PAN: %j', (text, cvv) => {
    const [f] = findCardNumbers(text);
    expect(f).toBeDefined();
    expect(text.slice(f!.cvv!.start, f!.cvv!.end)).toBe(cvv);
    expect(f!.last4).toBe(text.includes('3782') ? '0005' : '1111');
  });

  it('prefers "16-digit PAN + CVV" over a 19-digit reading of 4-4-4-4-3 when both pass Luhn', () => {
    // 4111 1111 1111 1111 + 3 digits chosen so the 19 digits also pass Luhn.
    const body = '4111111111111111' + '12';
    let cvvText = '';
    for (let d = 0; d <= 9; d++) {
      const digits = body + String(d);
      let sum = 0;
      for (let i = digits.length - 1, dbl = false; i >= 0; i--, dbl = !dbl) {
        let v = digits.charCodeAt(i) - 48;
        if (dbl) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
        sum += v;
      }
      if (sum % 10 === 0) cvvText = '12' + String(d);
    }
    const text = `4111 1111 1111 1111 ${cvvText}`;
    const [f] = findCardNumbers(text);
    expect(f!.last4).toBe('1111');
    expect(text.slice(f!.cvv!.start, f!.cvv!.end)).toBe(cvvText);
  });
});

describe('not flagged', () => {
  it.each([
    'card ending in 1234',
    '**** 1234',
    '4111 **** **** 1111',
    'XXXX-XXXX-XXXX-1234',
    '411111******1111',
    '4111111111111112',
    '41111111111111111111',
    '490154203237518',
    '+44 4111 1111 1111 1111',
    '+4111111111111',
    'DE89 3704 0044 0532 0130 00',
    '9400 1000 0000 0000 0000 00',
    '1748503543012',
    '9780306406157',
    '12345678-1234-1234-1234-500000000009',
    'https://example.com/orders/4111111111111111',
    '/tickets/4111111111111111',
    '0.5309136012499991',
    'x4111111111111111',
    '4111111111111111_',
    'IMEI: 3569380356438091',
    '1234-5678-1234-5678',
    'BINs 500000-504174 and 506699–506778',
    'ratio 5123.456789012345',
  ])('%j', (text) => {
    expect(spans(text)).toEqual([]);
  });
});

describe('brands', () => {
  it.each([
    ['4111111111111111', 'visa'],
    ['4222222222222', 'visa'],
    ['5555555555554444', 'mastercard'],
    ['2223003122003222', 'mastercard'],
    ['378282246310005', 'amex'],
    ['6011111111111117', 'discover'],
    ['3566002020360505', 'jcb'],
    ['36227206271667', 'diners'],
    ['6200000000000005', 'unionpay'],
    ['6205500000000000004', 'unionpay'],
    ['6304000000000000', 'maestro'],
    ['6759649826438453', 'maestro'],
    ['5019717010103742', 'dankort'],
    ['5066991111111118', 'elo'],
    ['6062828888666688', 'hipercard'],
    ['135410014004955', 'uatp'],
  ])('%s is %s', (text, brand) => {
    expect(findCardNumbers(text).map((f) => f.brand)).toEqual([brand]);
  });

  it('UnionPay Luhn exception is opt-in', () => {
    const nonLuhn = '6221261111111111'; // widely copied "UnionPay" sample that fails Luhn
    expect(findCardNumbers(nonLuhn)).toEqual([]);
    expect(findCardNumbers(nonLuhn, { unionPayLuhnExempt: true }).map((f) => f.brand)).toEqual(['unionpay']);
    // The exception is for UnionPay only.
    expect(findCardNumbers('4111111111111112', { unionPayLuhnExempt: true })).toEqual([]);
  });
});

describe('HTML mode', () => {
  const html = { html: true };

  it('finds the Zendesk html_body example with raw-HTML offsets', () => {
    const text = '<div class="zd-comment" dir="auto"><p>my card 4111&nbsp;1111 1111 1111</p></div>';
    const [f] = findCardNumbers(text, html);
    expect(text.slice(f!.start, f!.end)).toBe('4111&nbsp;1111 1111 1111');
    expect(cardDigits(text, f!)).toBe('4111111111111111');
  });

  it('treats <br> as a line break and numeric entities as separators', () => {
    const text = '<p>4111<br>1111&#160;1111&#xA0;1111</p>';
    const [f] = findCardNumbers(text, html);
    expect(text.slice(f!.start, f!.end)).toBe('4111<br>1111&#160;1111&#xA0;1111');
    expect(cardDigits(text, f!)).toBe('4111111111111111');
  });

  it('treats adjacent block tags (a new paragraph) as one line break', () => {
    const text = '<div class="zd-comment"><p>card 4111 1111</p>\n<p>1111 1111</p></div>';
    const [f] = findCardNumbers(text, html);
    expect(text.slice(f!.start, f!.end)).toBe('4111 1111</p>\n<p>1111 1111');
    expect(findCardNumbers('<p>4111 1111</p><p>1111</p><p>1111</p>', html)).toEqual([]);
  });

  it('ignores ids in tags, URLs and styles (URL, path and glue rules hold inside markup too)', () => {
    const text =
      '<a href="https://x.example/p/4111111111111111" data-n="n-5555555555554444">link</a>' +
      '<img src="/i/4111111111111111.png"><!-- order 4111111111111111 --><style>p{width:4111111111111111px}</style>' +
      '<p>https://x.example/4111111111111111</p>';
    expect(findCardNumbers(text, html)).toEqual([]);
  });

  it('does not flag an entity-encoded + phone number', () => {
    expect(findCardNumbers('<p>&#43;4111111111111</p>', html)).toEqual([]);
  });

  it('spans begin and end on text, never inside a tag', () => {
    const text = '<p><b>4111</b> <i>1111</i> <span>1111</span> <u>1111</u></p>';
    const [f] = findCardNumbers(text, html);
    expect(text.slice(f!.start, f!.end)).toBe('4111</b> <i>1111</i> <span>1111</span> <u>1111');
  });

  it('plain mode does not interpret markup', () => {
    expect(findCardNumbers('4111&nbsp;1111&nbsp;1111&nbsp;1111')).toEqual([]);
  });
});

describe('cardDigits', () => {
  it('normalises Unicode digits and drops separators', () => {
    const text = 'card ４１１１-１１１１ 1111.1111 thanks';
    const [f] = findCardNumbers(text);
    expect(cardDigits(text, f!)).toBe('4111111111111111');
  });
});
