/** The edge scan's verdict on trigger bodies that carry the comment's text. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMENT_TRIGGER_TEMPLATE } from '../../../sandbox/zendesk/trigger';
import { edgeVerdict } from '../../../service/edge-scan';
import { DETECTION_WEBHOOK_BODY } from '../../../setup/zendesk';
import { parseWebhookBody, toRedactionRequest, type TriggerBody } from '../../../service/webhook-schemas';
import { maskCardNumbers } from '../../../security/mask';
import { spaced, VISA } from '../../helpers/cards';

function body(extra: Record<string, unknown>): TriggerBody {
  const parsed = parseWebhookBody({ ticket_id: '12', comment_id: '34', type: 'comment_added', ...extra });
  if (parsed.kind !== 'trigger') throw new Error(`not a trigger body: ${JSON.stringify(parsed)}`);
  return parsed.body;
}
const chars = (s: string) => String([...s].length);

describe('edgeVerdict', () => {
  it('clean when the whole text is there and holds no full card number (last 4 do not count)', () => {
    const text = 'Thanks! Card ending 1111, order 123-4567, call +1 555 010 9999 😀';
    expect(edgeVerdict(body({ comment_text: text, comment_chars: chars(text), subject: 'Order' }))).toBe('clean');
  });

  it('card when the text or the subject holds one', () => {
    const text = `my card ${spaced(VISA)}`;
    expect(edgeVerdict(body({ comment_text: text, comment_chars: chars(text) }))).toBe('card');
    expect(edgeVerdict(body({ comment_text: 'hi', comment_chars: '2', subject: `card ${VISA}` }))).toBe('card');
  });

  it('unscanned when the text is missing, cut or its length cannot be checked', () => {
    expect(edgeVerdict(body({}))).toBe('unscanned');
    expect(edgeVerdict(body({ comment_text: 'long story...', comment_chars: '9000' }))).toBe('unscanned');
    expect(edgeVerdict(body({ comment_text: 'no count' }))).toBe('unscanned');
  });

  it('unscanned when files are attached: only the worker reads what a file shows', () => {
    const text = 'photo of my card attached';
    expect(edgeVerdict(body({ comment_text: text, comment_chars: chars(text), comment_attachments: '1' }))).toBe('unscanned');
    expect(edgeVerdict(body({ comment_text: text, comment_chars: chars(text), comment_attachments: '0' }))).toBe('clean');
    expect(() => body({ comment_attachments: 'two' })).toThrow();
  });

  it('the setup command, the README and the emulator send the same detection body', () => {
    const setupBody = JSON.stringify(DETECTION_WEBHOOK_BODY);
    expect(JSON.parse(COMMENT_TRIGGER_TEMPLATE)).toEqual(DETECTION_WEBHOOK_BODY);
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    const shown = /```json\n(\s*\{"ticket_id": "\{\{ticket\.id\}\}", "comment_id"[\s\S]*?)```/.exec(readme)?.[1];
    expect(JSON.parse(shown ?? 'null')).toEqual(JSON.parse(setupBody));
  });

  it('agent requests are never decided here', () => {
    const parsed = parseWebhookBody({ ticket_id: 12, type: 'redaction_request', comment_text: 'x', comment_chars: '1' });
    expect(parsed.kind === 'trigger' && edgeVerdict(parsed.body)).toBe('unscanned');
  });
});

it('a fallback delivery id never hashes the comment text', () => {
  const id = (text: string) => {
    const parsed = parseWebhookBody({ ticket_id: 12, type: 'comment_added', comment_text: text });
    if (parsed.kind !== 'trigger') throw new Error('not a trigger body');
    return toRedactionRequest(parsed, { rawBody: JSON.stringify(parsed.body), mask: maskCardNumbers }).request.deliveryId;
  };
  expect(id(`card ${VISA}`)).toMatch(/^body:/);
  expect(id(`card ${VISA}`)).toBe(id('other text'));
});
