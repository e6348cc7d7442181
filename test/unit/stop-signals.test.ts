/** npm start's stop signals: one Ctrl-C is one graceful stop, even when npm delivers it twice. */
import { onStopSignals, STOP_SIGNALS } from '../../scripts/stop-signals';
import { loadConfig } from '../../config';
import { shutdownTimes } from '../../workers/worker';

let clock = 0;
const calls: string[] = [];
let remove: () => void;
let before: number[];
beforeEach(() => {
  before = STOP_SIGNALS.map((signal) => process.listenerCount(signal));
  clock = 0;
  calls.length = 0;
  remove = onStopSignals({ stop: (s) => calls.push(`stop ${s}`), force: (s) => calls.push(`force ${s}`) }, { repeatWindowMs: 1_000, now: () => clock });
});
afterEach(() => remove());

test('a repeat within the window (npm forwarding the same Ctrl-C) is the same stop; a later one forces', () => {
  process.emit('SIGINT', 'SIGINT');
  process.emit('SIGINT', 'SIGINT');
  expect(calls).toEqual(['stop SIGINT']);
  clock = 1_500;
  process.emit('SIGTERM', 'SIGTERM');
  process.emit('SIGINT', 'SIGINT');
  expect(calls).toEqual(['stop SIGINT', 'force SIGTERM']);
});

test('the listeners stay installed until removed, so no repeat falls through to node’s default (exit at once)', () => {
  process.emit('SIGTERM', 'SIGTERM');
  expect(STOP_SIGNALS.map((signal) => process.listenerCount(signal))).toEqual(before.map((n) => n + 1));
  remove();
  expect(STOP_SIGNALS.map((signal) => process.listenerCount(signal))).toEqual(before);
  remove = () => undefined;
});

test('WORKER_SHUTDOWN_GRACE_TIME: 30 s by default; the worker stops waiting 10 s past it', () => {
  expect(shutdownTimes({ WORKER_SHUTDOWN_GRACE_TIME: '20 seconds' })).toEqual({ shutdownGraceTime: 20_000, shutdownForceTime: 30_000 });
  const base = { ZENDESK_URL: 'https://acme.zendesk.com', ZENDESK_EMAIL: 'a@b.c', ZENDESK_API_TOKEN: 't', ZENDESK_WEBHOOK_SECRET: 's', SLACK_BOT_TOKEN: 'x', SLACK_SIGNING_SECRET: 'y', SLACK_CHANNEL_ID: 'C0123', SLACK_LEAD_USER_IDS: 'U0123', PAYLOAD_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`, FINGERPRINT_KEY: 'f'.repeat(32) };
  expect(loadConfig(base).WORKER_SHUTDOWN_GRACE_TIME).toBe('30 seconds');
  expect(() => loadConfig({ ...base, WORKER_SHUTDOWN_GRACE_TIME: 'soon' })).toThrow('WORKER_SHUTDOWN_GRACE_TIME: expected a duration');
});
