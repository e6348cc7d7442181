import { findCardNumbers } from '../../../detection';
import { applyRedactMarkup, stripRedactMarkup } from '../../../sandbox/zendesk/html';
import { blockOut, normaliseSpans, wrapRedactions } from '../../../activities/html-redact';
import { mentionsLast4Only } from '../../../activities/merge-instruction';
import { renderCard } from '../../../activities/slack-card';
import { durationMs } from '../../../workflows/redaction';

describe('wrapRedactions', () => {
  test('wraps a plain span', () => {
    expect(wrapRedactions('<p>card 4111 1111 1111 1111 ok</p>', [{ start: 8, end: 27 }])).toBe('<p>card <redact>4111 1111 1111 1111</redact> ok</p>');
  });
  test('wraps only the text of a span that crosses tags', () => {
    const html = '<p>card <b>4111</b> 1111</p>';
    expect(wrapRedactions(html, [{ start: 8, end: 24 }])).toBe('<p>card <b><redact>4111</redact></b><redact> 1111</redact></p>');
  });
  test('merges overlapping spans and keeps entities inside the wrap', () => {
    expect(normaliseSpans([{ start: 5, end: 9 }, { start: 0, end: 6 }, { start: 12, end: 12 }])).toEqual([{ start: 0, end: 9 }]);
    expect(wrapRedactions('a&nbsp;b c', [{ start: 0, end: 8 }])).toBe('<redact>a&nbsp;b</redact> c');
  });
  test('blockOut replaces each character with a block glyph', () => {
    expect(blockOut('pay 1234 now', [{ start: 4, end: 8 }])).toBe('pay ▇▇▇▇ now');
  });
});

describe('last-4-only mentions', () => {
  test.each(['my card ending 4242', 'ends in 1234', 'last 4 digits: 9876', '**** 1111', 'XXXX-XXXX-XXXX-4444'])('%s', (text) =>
    expect(mentionsLast4Only(text)).toBe(true),
  );
  test.each(['order 12345', 'call me at 555 0100', 'see ticket #4242'])('%s is not', (text) => expect(mentionsLast4Only(text)).toBe(false));
});

test('the open card has the Take it button carrying the workflow id; the done card has none', () => {
  const view = { ticketId: 5, childTicketId: 6, workflowId: 'redaction-ticket-5', last4: ['1111'], attachments: ['a.png'] };
  const open = JSON.stringify(renderCard({ ...view, state: 'open' }, 'https://acme.zendesk.com'));
  expect(open).toContain('"action_id":"claim_redaction"');
  expect(open).toContain('"value":"redaction-ticket-5"');
  expect(open).toContain('https://acme.zendesk.com/agent/tickets/6');
  const done = JSON.stringify(renderCard({ ...view, state: 'done', claimedBy: 'U1', outcome: 'redacted' }, 'https://acme.zendesk.com'));
  expect(done).not.toContain('claim_redaction');
  expect(done).toContain('<@U1>');
});

test('durations from configuration', () => {
  expect(durationMs('90s')).toBe(90_000);
  expect(durationMs('30 minutes')).toBe(1_800_000);
  expect(durationMs('2h')).toBe(7_200_000);
  expect(durationMs('200ms')).toBe(200);
  expect(() => durationMs('soon')).toThrow('bad duration');
});

describe('wrapRedactions: numbers in attribute values', () => {
  const visa = '4111111111111111';
  test('the element gets a bare redact attribute and its inner text is wrapped', () => {
    const html = `<p>see <a href="#" title="${visa}">the <b>link</b></a> ok</p>`;
    const [f] = findCardNumbers(html, { html: true });
    const out = wrapRedactions(html, [{ start: f!.start, end: f!.end, element: f!.element }]);
    expect(out).toBe(`<p>see <a redact href="#" title="${visa}"><redact>the </redact><b><redact>link</redact></b></a> ok</p>`);
    // The emulator follows Zendesk: the request minus redact markup is the stored html, and the element goes.
    expect(stripRedactMarkup(out)).toBe(html);
    const applied = applyRedactMarkup(out).html;
    expect(applied).not.toContain(visa);
    expect(applied).toBe('<p>see ▇▇▇▇<b>▇▇▇▇</b> ok</p>');
  });

  test('a void element only gets the attribute; text spans elsewhere are still wrapped', () => {
    const html = `<p>card ${visa} <img src="x.png" alt="${visa}"></p>`;
    const found = findCardNumbers(html, { html: true });
    expect(found).toHaveLength(2);
    const out = wrapRedactions(html, found.map((f) => ({ start: f.start, end: f.end, element: f.element })));
    expect(out).toBe(`<p>card <redact>${visa}</redact> <img redact src="x.png" alt="${visa}"></p>`);
    expect(applyRedactMarkup(out).html).not.toContain(visa);
  });
});
