import { WebClient, type LogLevel as SlackLogLevel } from '@slack/web-api';
import { type RuntimeOptions } from '@temporalio/worker';
import Fastify from 'fastify';
import { createLogger, slackLogger, temporalLogger } from '../../../security/logger';
import { CARDS, findCardLike } from './helpers';

function capture(level = 'trace') {
  const lines: string[] = [];
  const logger = createLogger({ level, name: 'test', destination: { write: (line: string) => void lines.push(line) } });
  const parsed = (): Array<Record<string, unknown>> => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines, parsed };
}

const parsed = (lines: string[]): unknown[] => lines.map((l) => JSON.parse(l) as unknown);

function expectNoCard(lines: string[]): void {
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    expect(findCardLike(line)).toBeUndefined();
    // Also after JSON decoding (escaped line breaks become real ones).
    expect(findCardLike(JSON.stringify(JSON.parse(line), null, 1).replace(/\\n/g, '\n'))).toBeUndefined();
  }
}

function cardError(): Error {
  const err = new Error(`Zendesk rejected comment containing ${CARDS.visa}`, { cause: new Error(`root 5555 5555 5555 4444`) });
  return Object.assign(err, {
    body: { comment: { body: 'my card: 4111-1111-1111-1111\nexp 12/29' } },
    url: `https://x.zendesk.com/api/v2/search?query=${CARDS.amex}`,
    config: { headers: { 'x-debug': CARDS.discover } },
  });
}

describe('createLogger', () => {
  it('masks the message, format arguments, fields and nested objects', () => {
    const { logger, lines, parsed } = capture();
    logger.info(`customer sent 4111 1111 1111 1111`);
    logger.info('card %s in ticket %d', '5555-5555-5555-4444', 42);
    logger.info({ pan: CARDS.visa, n: 4111111111111111 }, 'field');
    logger.warn({ ticket: { comments: [{ body: `wrapped 4111 1111\n1111 1111` }, { body: '３７８２ ８２２４６３ １０００５' }] } }, 'nested');
    logger.child({ bound: CARDS.mastercard }).info('child binding');
    expectNoCard(lines);
    const [first, second, third, fourth, fifth] = parsed();
    expect(first?.msg).toBe('customer sent [card ••••1111]');
    expect(second?.msg).toBe('card [card ••••4444] in ticket 42');
    expect(third).toMatchObject({ pan: '[card ••••1111]', n: '[card ••••1111]', msg: 'field' });
    expect(fourth).toMatchObject({ ticket: { comments: [{ body: 'wrapped [card ••••1111]' }, { body: '[card ••••０００５]' }] } });
    expect(fifth).toMatchObject({ bound: '[card ••••4444]' });
    expect(typeof third?.time).toBe('string');
  });

  it('masks an Error logged directly: message, stack, cause and props like body/url/config', () => {
    const { logger, lines, parsed } = capture();
    const err = cardError();
    logger.error(err);
    logger.error({ err }, 'with err key');
    logger.error({ error: err }, 'with error key');
    logger.error(err, `and message ${CARDS.visa}`);
    expectNoCard(lines);
    const [first, , third] = parsed();
    const e = first?.err as Record<string, unknown>;
    expect(e.type).toBe('Error');
    expect(e.message).toContain('Zendesk rejected comment containing [card ••••1111]');
    expect(e.stack).toContain('[card ••••1111]');
    expect(e.stack).toContain('caused by: Error: root [card ••••4444]');
    expect(e.body).toEqual({ comment: { body: 'my card: [card ••••1111]\nexp 12/29' } });
    expect(e.url).toContain('query=[card ••••0005]');
    expect((third?.error as Record<string, unknown>).stack).toContain('[card ••••1111]');
    // The caller's error object is untouched.
    expect(err.message).toContain(CARDS.visa);
  });

  it('masks even what bypasses the hooks (the line itself is masked)', () => {
    const { logger, lines } = capture();
    const leaky = createLogger({ destination: { write: (l: string) => void lines.push(l) } });
    // A mixin output is not a log argument: only the line masker sees it.
    const withMixin = leaky.child({}, { msgPrefix: `${CARDS.visa} ` });
    withMixin.info('prefixed');
    logger.info({ toJSONer: { toJSON: () => ({ pan: CARDS.amex }) } }, 'custom toJSON');
    expectNoCard(lines);
  });

  it('respects the level', () => {
    const { logger, lines } = capture('warn');
    logger.info('hidden');
    logger.warn('shown');
    expect(lines).toHaveLength(1);
  });
});

describe('temporalLogger', () => {
  it('maps levels and masks message and meta', () => {
    const { logger, lines, parsed } = capture();
    const tlog = temporalLogger(logger);
    tlog.log('INFO', `Activity failed for ${CARDS.visa}`, { sdkComponent: 'activity', error: cardError() });
    tlog.trace('trace', { x: CARDS.amex });
    tlog.debug('debug');
    tlog.warn('warn 4111-1111-1111-1111');
    tlog.error('error', { failure: { message: `5555 5555 5555 4444` } });
    expectNoCard(lines);
    expect(parsed().map((l) => l.level)).toEqual([30, 10, 20, 40, 50]);
    expect(parsed()[0]).toMatchObject({ msg: 'Activity failed for [card ••••1111]', sdkComponent: 'activity' });
  });
});

describe('adapters plug into the SDKs', () => {
  it('temporalLogger fits Runtime.install and slackLogger fits WebClient', () => {
    const { logger, lines } = capture('debug');
    const runtimeOptions: RuntimeOptions = { logger: temporalLogger(logger) };
    expect(runtimeOptions.logger).toBeDefined();
    const client = new WebClient(undefined, { logger: slackLogger(logger) });
    expect(client).toBeInstanceOf(WebClient);
    expect(parsed(lines)).toContainEqual(expect.objectContaining({ component: 'slack', msg: 'initialized' }));
  });
});

describe('slackLogger', () => {
  it('implements @slack/logger and masks everything', () => {
    const { logger, lines, parsed } = capture('debug');
    const slog = slackLogger(logger);
    slog.setName('web-api:WebClient:0');
    slog.debug('http request result:', JSON.stringify({ text: `card ${CARDS.visa}` }));
    slog.info({ nested: '5555-5555-5555-4444' });
    slog.error('failed', cardError());
    expectNoCard(lines);
    expect(parsed()[0]).toMatchObject({ component: 'slack', logger: 'web-api:WebClient:0', level: 20 });
    slog.setLevel('warn' as SlackLogLevel);
    expect(slog.getLevel()).toBe('warn');
    const before = lines.length;
    slog.info('dropped');
    slog.warn('kept');
    expect(lines.length).toBe(before + 1);
  });
});

describe('createLogger as Fastify loggerInstance', () => {
  it('keeps Fastify request serialization working and masks card numbers in URLs', async () => {
    const { logger, lines, parsed } = capture('info');
    const app = Fastify({ loggerInstance: logger });
    app.get('/echo', async () => ({ ok: true }));
    // Real HTTP: app.inject (light-my-request) needs an ESM-only dependency that jest cannot load.
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const res = await fetch(`${base}/echo?pan=${CARDS.visa}`);
    expect(res.status).toBe(200);
    await app.close();
    expectNoCard(lines);
    const incoming = parsed().find((l) => l.msg === 'incoming request') as { req: { method: string; url: string } };
    expect(incoming.req.method).toBe('GET');
    expect(incoming.req.url).toBe('/echo?pan=[card ••••1111]');
  });
});

describe('searchable ids (issue 12)', () => {
  it('a 13-digit comment id and a run id survive while a card number in the message is masked', () => {
    const { logger, lines, parsed } = capture();
    const runId = '0199e7c1-6724-7dfe-8123-456789012345';
    logger.info({ commentId: 1234567890123, deliveryId: 'comment:1234567890123', runId, workflowId: 'redaction-ticket-77' }, `customer wrote ${CARDS.visa}`);
    logger.child({ runId, ticketId: 1234567890123 }).warn('child');
    // The ids are 13+ digits themselves, so check for the card, not for any card-like run.
    for (const line of lines) expect(line.replace(/[^0-9]/g, '')).not.toContain(CARDS.visa);
    const [first, second] = parsed();
    expect(first).toMatchObject({
      commentId: 1234567890123,
      deliveryId: 'comment:1234567890123',
      runId,
      workflowId: 'redaction-ticket-77',
      msg: 'customer wrote [card ••••1111]',
    });
    expect(second).toMatchObject({ runId, ticketId: 1234567890123 });
    expect(lines[0]).toContain('"runId":"0199e7c1-6724-7dfe-8123-456789012345"');
  });
});
