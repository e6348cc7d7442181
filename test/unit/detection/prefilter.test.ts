/** The CLI's byte pre-filter may over-select lines, never miss one the detector would report. */
import { candidateLines, decodeJsonText, readJsonlLine } from '../../../cli/prefilter';
import { findCardNumbers } from '../../../detection';
import { AMEX, MASTERCARD, spaced, VISA } from '../../helpers/cards';

const bytes = (s: string) => Buffer.from(s, 'utf8');
/** The selected lines as text. */
function selected(text: string): string[] {
  const buf = bytes(text);
  const spans = candidateLines(buf);
  const out: string[] = [];
  for (let i = 0; i < spans.length; i += 2) out.push(buf.toString('utf8', spans[i], spans[i + 1]));
  return out;
}
const fullwidth = (pan: string) => [...pan].map((d) => String.fromCharCode(0xff10 + Number(d))).join('');

describe('candidateLines', () => {
  it('selects exactly the lines with a 12+ digit run, whatever its separators', () => {
    const text = [
      'hello there, nothing here',
      `card ${spaced(VISA)} please`,
      'order 123-4567 at 10:30 on 2025-01-02',
      `amex ${spaced(AMEX, '-')}`,
      `nbsp ${spaced(MASTERCARD, '\u00a0')}`,
      `wide ${fullwidth(VISA)}`,
      'short 12345678901 only eleven',
      '',
    ].join('\n');
    expect(selected(text)).toEqual([
      `card ${spaced(VISA)} please\n`,
      `amex ${spaced(AMEX, '-')}\nnbsp ${spaced(MASTERCARD, '\u00a0')}\nwide ${fullwidth(VISA)}\n`,
    ]);
  });

  it('keeps a number wrapped onto the next line in one span', () => {
    const text = `x\ncard ${VISA.slice(0, 8)}\n${VISA.slice(8)} thanks\ny\n`;
    const [span] = selected(text);
    expect(span).toBe(`card ${VISA.slice(0, 8)}\n${VISA.slice(8)} thanks\n`);
    expect(findCardNumbers(span!)).toHaveLength(1);
  });

  it('finds every number the detector finds in a mixed text, at any buffer alignment', () => {
    const lines = [`a ${VISA}`, 'b words and 42', `c ${spaced(AMEX)}`, 'd 9400 1111 2222 3333 4444 55', `e ${MASTERCARD}.`];
    for (let shift = 0; shift < 4; shift++) {
      const text = 'z'.repeat(shift) + '\n' + lines.join('\nfiller text without digits here\n') + '\n';
      const buf = Buffer.concat([Buffer.alloc(shift), bytes(text)]).subarray(shift); // unaligned view
      const spans = candidateLines(buf);
      const fromSpans: string[] = [];
      for (let i = 0; i < spans.length; i += 2) {
        const t = buf.toString('utf8', spans[i], spans[i + 1]);
        fromSpans.push(...findCardNumbers(t).map((f) => f.last4));
      }
      expect(fromSpans).toEqual(findCardNumbers(text).map((f) => f.last4));
    }
  });
});

describe('readJsonlLine', () => {
  const check = (line: string) => {
    const buf = bytes(line);
    const r = readJsonlLine(buf, 0, buf.length);
    return r && { id: buf.toString('latin1', r.id[0], r.id[1]), check: r.check };
  };

  it('reads the id and calls a clean text cold, a card-shaped one hot', () => {
    expect(check(JSON.stringify({ id: 7, text: 'no card, order 1234' }))).toEqual({ id: '7', check: 'cold' });
    expect(check(JSON.stringify({ id: 'a-1', text: `card ${spaced(VISA)}` }))).toEqual({ id: '"a-1"', check: 'hot' });
    expect(check(JSON.stringify({ id: null, text: 'x' }))).toEqual({ id: 'null', check: 'cold' });
  });

  it('treats escaped line breaks as separators and \\u escapes as unsure', () => {
    expect(check(JSON.stringify({ id: 1, text: `${VISA.slice(0, 8)}\n${VISA.slice(8)}` }))?.check).toBe('hot');
    expect(check('{"id":1,"text":"\\u0034111"}')?.check).toBe('unsure');
  });

  it('leaves any other shape or invalid JSON to the real parser', () => {
    for (const line of [
      '{"text":"x","id":1}',
      '{"id":1, "text":"x"}',
      '{"id":1.5,"text":"x"}',
      '{"id":1,"text":"a"b"}',
      '{"id":1,"text":"bad \\x escape"}',
      '{"id":1,"text":"tab\there"}',
      '{"id":1,"text":"x"',
      'not json',
    ]) {
      expect(check(line)).toBeUndefined();
    }
  });
});

describe('decodeJsonText', () => {
  it('gives what JSON.parse gives for every text readJsonlLine accepts', () => {
    const texts = [
      'plain ascii',
      `two\nlines ${VISA.slice(0, 8)}\r\n${VISA.slice(8)}\tend`,
      'quote " backslash \\ slash / bell-ish \b \f',
      `café ${fullwidth(VISA)} 🙂 done`,
      '\\n is not a line break here',
      '',
    ];
    for (const text of texts) {
      const line = bytes(JSON.stringify({ id: 3, text }));
      const r = readJsonlLine(line, 0, line.length);
      expect(r).toBeDefined();
      expect(decodeJsonText(line, r!.text[0], r!.text[1])).toBe(text);
    }
  });

  it('decodes broken UTF-8 the way decoding the whole line does', () => {
    const line = Buffer.concat([bytes('{"id":1,"text":"a'), Buffer.from([0xe2, 0x82]), bytes('\\nb'), Buffer.from([0xff]), bytes('"}')]);
    const r = readJsonlLine(line, 0, line.length);
    expect(decodeJsonText(line, r!.text[0], r!.text[1])).toBe((JSON.parse(line.toString('utf8')) as { text: string }).text);
  });
});
