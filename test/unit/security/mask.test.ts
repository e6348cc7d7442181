import { maskCardNumbers, maskDeep, maskJsonText } from '../../../security/mask';
import { CARDS, findCardLike } from './helpers';

const fullwidth = (s: string): string => s.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));
const arabicIndic = (s: string): string => s.replace(/[0-9]/g, (d) => String.fromCharCode(0x0660 + Number(d)));

describe('maskCardNumbers', () => {
  const forms: Array<[string, string, string]> = [
    ['plain', `card ${CARDS.visa} thanks`, 'card [card ••••1111] thanks'],
    ['spaced', 'card 4111 1111 1111 1111.', 'card [card ••••1111].'],
    ['multiple spaces', '4111  1111   1111    1111', '[card ••••1111]'],
    ['dashed', '5555-5555-5555-4444', '[card ••••4444]'],
    ['dotted', '5555.5555.5555.4444', '[card ••••4444]'],
    ['space-dash-space', '5555 - 5555 - 5555 - 4444', '[card ••••4444]'],
    ['NBSP', '4111\u00a01111\u00a01111\u00a01111', '[card ••••1111]'],
    ['narrow NBSP and thin space', '4111\u202f1111\u20091111\u202f1111', '[card ••••1111]'],
    ['zero-width space', '4111\u200b1111\u200b1111\u200b1111', '[card ••••1111]'],
    ['unicode dashes', '4111\u20131111\u20141111\u22121111', '[card ••••1111]'],
    ['amex 4-6-5', 'Amex 3782 822463 10005', 'Amex [card ••••0005]'],
    ['19 digits', `x ${CARDS.visa19} y`, 'x [card ••••1003] y'],
    ['newline-wrapped', 'my card is 4111 1111\n1111 1111 ok', 'my card is [card ••••1111] ok'],
    ['CRLF-wrapped', '4111 1111 1111\r\n1111', '[card ••••1111]'],
    ['escaped newline in text', 'body: {"c":"4111 1111\\n1111 1111"}', 'body: {"c":"[card ••••1111]"}'],
    ['fullwidth digits', `カード${fullwidth(CARDS.visa)}です`, `カード[card ••••${fullwidth('1111')}]です`],
    ['fullwidth with ideographic space', fullwidth('4111 1111 1111 1111').replace(/ /g, '\u3000'), `[card ••••${fullwidth('1111')}]`],
    ['arabic-indic digits', arabicIndic(CARDS.visa), `[card ••••${arabicIndic('1111')}]`],
    ['in a URL', `https://x.zendesk.com/api?pan=${CARDS.visa}&q=1`, 'https://x.zendesk.com/api?pan=[card ••••1111]&q=1'],
    ['URL-path', `/tickets/42/cards/${CARDS.mastercard}/x`, '/tickets/42/cards/[card ••••4444]/x'],
    ['glued to letters', `abc${CARDS.visa}xyz`, 'abc[card ••••1111]xyz'],
    ['non-Luhn 16 digits', '1234567812345678', '[card ••••5678]'],
    ['12 digits', '123456789012', '[card ••••9012]'],
    ['two cards', `${CARDS.visa} and ${CARDS.amex}`, '[card ••••1111] and [card ••••0005]'],
  ];
  it.each(forms)('masks %s', (_name, input, expected) => {
    const out = maskCardNumbers(input);
    expect(out).toBe(expected);
    expect(findCardLike(out)).toBeUndefined();
  });

  it('leaves short numbers, dates, times, ids and IPs alone', () => {
    const text = 'ticket 12345 comment 9876543210 at 2026-11-25T12:04:08.123Z from 10.0.0.1 (+1 415-555-0100), v1.24.0';
    expect(maskCardNumbers(text)).toBe(text);
  });

  it('is idempotent', () => {
    const once = maskCardNumbers(`a ${CARDS.visa} b`);
    expect(maskCardNumbers(once)).toBe(once);
  });

  it('is fast on large input', () => {
    const big = `${'lorem 1234 ipsum 5678 '.repeat(20_000)}${CARDS.visa}${' '.repeat(50_000)}x`;
    const started = Date.now();
    const out = maskCardNumbers(big);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(findCardLike(out)).toBeUndefined();
  });
});

describe('maskJsonText', () => {
  const valid = (s: string): unknown => JSON.parse(s);

  it('masks inside JSON strings, with escaped line breaks, without breaking JSON', () => {
    const line = JSON.stringify({ a: '4111 1111\n1111 1111', b: `"${CARDS.amex}"`, c: 'x\\y', d: 'tab\t5555\t5555\t5555\t4444' });
    const out = maskJsonText(line);
    expect(findCardLike(out)).toBeUndefined();
    expect(valid(out)).toEqual({ a: '[card ••••1111]', b: '"[card ••••0005]"', c: 'x\\y', d: 'tab\t[card ••••4444]' });
  });

  it('masks JSON numbers outside strings as quoted strings', () => {
    const out = maskJsonText(`{"n":${CARDS.visa},"m":[1,${CARDS.amex}],"small":42}`);
    expect(valid(out)).toEqual({ n: '[card ••••1111]', m: [1, '[card ••••0005]'], small: 42 });
  });

  it('masks doubly encoded JSON (a JSON body inside a log field)', () => {
    const inner = JSON.stringify({ comment: '4111 1111\n1111 1111' });
    const out = maskJsonText(JSON.stringify({ body: inner }));
    expect(findCardLike(out)).toBeUndefined();
    expect(JSON.parse((valid(out) as { body: string }).body)).toEqual({ comment: '[card ••••1111]' });
  });

  it('never splits a \\u escape', () => {
    const out = maskJsonText('{"a":"\\u12345678901234567"}');
    expect(valid(out)).toEqual({ a: '\u1234[card ••••4567]' });
  });
});

describe('maskDeep', () => {
  it('masks strings, keys and long numbers in nested objects and arrays, returning a copy', () => {
    const input = { a: [`x ${CARDS.visa}`, { b: '5555-5555-5555-4444' }], [CARDS.amex]: 1, n: 4111111111111111, small: 7, ok: true };
    const out = maskDeep(input);
    expect(out).not.toBe(input);
    expect(input.a[0]).toBe(`x ${CARDS.visa}`);
    expect(out).toEqual({ a: ['x [card ••••1111]', { b: '[card ••••4444]' }], '[card ••••0005]': 1, n: '[card ••••1111]', small: 7, ok: true });
  });

  it('masks Errors: message, stack, cause chain and enumerable props such as body, url, config', () => {
    const cause = new TypeError(`inner ${CARDS.amex}`);
    const err = Object.assign(new Error(`outer ${CARDS.visa}`, { cause }), {
      body: { comment: '4111 1111 1111 1111' },
      url: `https://x.test/?pan=${CARDS.visa}`,
      config: { data: JSON.stringify({ pan: CARDS.mastercard }) },
      status: 422,
    });
    const out = maskDeep(err);
    expect(out).toBeInstanceOf(Error);
    expect(out).not.toBe(err);
    expect(out.message).toBe('outer [card ••••1111]');
    expect(out.stack).toContain('outer [card ••••1111]');
    expect(out.cause).toBeInstanceOf(TypeError);
    expect((out.cause as Error).message).toBe('inner [card ••••0005]');
    expect(out.status).toBe(422);
    const all = `${out.message} ${out.stack} ${(out.cause as Error).stack} ${JSON.stringify(out)}`;
    expect(findCardLike(all)).toBeUndefined();
    expect(err.message).toContain(CARDS.visa);
  });

  it('is cycle-safe', () => {
    const a: Record<string, unknown> = { pan: CARDS.visa };
    a.self = a;
    const err = new Error(CARDS.visa) as Error & { me?: unknown };
    err.me = err;
    const out = maskDeep({ a, err });
    expect(out.a.self).toBe(out.a);
    expect(out.a.pan).toBe('[card ••••1111]');
    expect(out.err.me).toBe(out.err);
  });

  it('handles Maps, Sets, buffers, URLs, Dates and primitives', () => {
    const date = new Date(0);
    const out = maskDeep({
      m: new Map([[CARDS.visa, CARDS.amex]]),
      s: new Set([CARDS.visa]),
      buf: Buffer.from(CARDS.visa),
      url: new URL(`https://x.test/${CARDS.visa}`),
      date,
      big: 4111111111111111n,
      u: undefined,
    });
    expect([...out.m.entries()]).toEqual([['[card ••••1111]', '[card ••••0005]']]);
    expect([...out.s]).toEqual(['[card ••••1111]']);
    expect(out.buf).toBe(`[binary 16 bytes]`);
    expect(out.url).toBe('https://x.test/[card ••••1111]');
    expect(out.date).toBe(date);
    expect(out.big).toBe('[card ••••1111]');
    expect(maskDeep(CARDS.visa)).toBe('[card ••••1111]');
    expect(maskDeep(null)).toBeNull();
  });
});

describe('ids stay searchable', () => {
  const runId = '0199e7c1-6724-7dfe-8123-456789012345';
  const allDigitUuid = '01234567-8901-2345-6789-012345678901';

  it('never masks a UUID, in text or in JSON', () => {
    expect(maskCardNumbers(`run ${runId} and ${allDigitUuid} failed`)).toBe(`run ${runId} and ${allDigitUuid} failed`);
    const line = JSON.stringify({ msg: `retrying run ${runId}`, other: allDigitUuid });
    expect(maskJsonText(line)).toBe(line);
    // …but a card next to it is still masked.
    expect(maskCardNumbers(`run ${runId} card ${CARDS.visa}`)).toBe(`run ${runId} card [card ••••1111]`);
  });

  it('keeps id-shaped values of id fields; masks cards in messages and in other fields', () => {
    const value = {
      ticketId: 1234567890123,
      commentId: 1234567890123,
      attachmentId: '9876543210987',
      deliveryId: 'comment:1234567890123',
      workflowId: 'redaction-ticket-1234567890123',
      runId,
      ts: '1733212345.123456',
      msg: `comment 1234567890123 has ${CARDS.visa}`,
      body: '1234567890123',
    };
    const line = JSON.stringify(value);
    for (const out of [JSON.parse(maskJsonText(line)) as Record<string, unknown>, maskDeep(value)]) {
      expect(out).toMatchObject({
        ticketId: 1234567890123,
        commentId: 1234567890123,
        attachmentId: '9876543210987',
        deliveryId: 'comment:1234567890123',
        workflowId: 'redaction-ticket-1234567890123',
        runId,
        ts: '1733212345.123456',
        msg: 'comment [card ••••0123] has [card ••••1111]',
        body: '[card ••••0123]',
      });
    }
  });

  it('an id field holding something that is not an id shape is masked', () => {
    const value = { ticketId: spacedVisa(), commentId: `x ${CARDS.visa}`, id: '4111-1111-1111-1111' };
    const out = maskDeep(value);
    expect(out).toEqual({ ticketId: '[card ••••1111]', commentId: 'x [card ••••1111]', id: '[card ••••1111]' });
    expect(findCardLike(maskJsonText(JSON.stringify(value)))).toBeUndefined();
  });
});

function spacedVisa(): string {
  return CARDS.visa.replace(/(\d{4})(?=\d)/g, '$1 ');
}
