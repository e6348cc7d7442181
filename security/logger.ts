// The one way to log in this service. Two layers, so a card number cannot reach a log line:
//  1. log-call arguments and child bindings are deep-masked (keeps messages readable, Errors stay Errors);
//  2. every serialized line is masked again as JSON text right before it is written, which catches whatever
//     layer 1 cannot see (serializers, mixins, pino internals, future code).
import { inspect } from 'node:util';
import pino from 'pino';
import { type LogLevel as TemporalLogLevel, type LogMetadata, type Logger as TemporalLogger } from '@temporalio/common';
import { LogLevel as SlackLogLevel, type Logger as SlackLogger } from '@slack/web-api';
import { maskDeep, maskJsonText } from './mask';

export interface CreateLoggerOptions {
  /** pino level; default `LOG_LEVEL` or `info`. */
  level?: string;
  /** Where lines go; default stdout. Always wrapped by {@link maskingDestination}. */
  destination?: pino.DestinationStream;
  name?: string;
}

type Flushable = pino.DestinationStream & { flush?: (cb?: (err?: Error) => void) => void; flushSync?: () => void; end?: () => void };

/** Wraps a destination so each serialized line is masked before it is written. */
export function maskingDestination(destination: pino.DestinationStream): pino.DestinationStream {
  const dest = destination as Flushable;
  const wrapper: Flushable = {
    write(line: string): void {
      dest.write(maskJsonText(line));
    },
  };
  if (typeof dest.flush === 'function') wrapper.flush = (cb) => dest.flush?.(cb);
  if (typeof dest.flushSync === 'function') wrapper.flushSync = () => dest.flushSync?.();
  if (typeof dest.end === 'function') wrapper.end = () => dest.end?.();
  return wrapper;
}

const KEEP_INSTANCES = { keepInstances: true } as const;

export function createLogger(opts: CreateLoggerOptions = {}): pino.Logger {
  const destination = maskingDestination(opts.destination ?? pino.destination({ dest: 1, sync: true }));
  return pino(
    {
      name: opts.name,
      level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
      // ISO time, not epoch ms: a 13-digit number would itself be masked by the line masker.
      timestamp: pino.stdTimeFunctions.isoTime,
      // Temporal and many libraries put errors under `error`; serialize both keys with message and stack.
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a: unknown) => maskDeep(a, KEEP_INSTANCES)) as Parameters<pino.LogFn>);
        },
      },
      formatters: {
        bindings: (bindings) => maskDeep(bindings, KEEP_INSTANCES),
      },
    },
    destination,
  );
}

const TEMPORAL_LEVELS: Record<TemporalLogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Temporal `Logger` for `Runtime.install({ logger: temporalLogger(log) })`, so SDK, worker, workflow and
 * activity logs are masked like ours. (Core/Rust logs only reach it with `telemetryOptions.logging.forward`.)
 */
export function temporalLogger(logger: pino.Logger): TemporalLogger {
  const log = (level: TemporalLogLevel, message: string, meta?: LogMetadata): void => {
    const method = TEMPORAL_LEVELS[level] ?? 'info';
    logger[method]({ ...(meta ?? {}) }, message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

const SLACK_LEVELS: readonly string[] = Object.values(SlackLogLevel);

function toSlackLevel(level: string): SlackLogLevel {
  if (SLACK_LEVELS.includes(level)) return level as SlackLogLevel;
  return level === 'trace' ? SlackLogLevel.DEBUG : SlackLogLevel.ERROR;
}

/** `@slack/logger` Logger for `new WebClient(token, { logger: slackLogger(log) })`. */
export function slackLogger(logger: pino.Logger): SlackLogger {
  let name: string | undefined;
  let child = logger.child({ component: 'slack' });
  const emit = (method: 'debug' | 'info' | 'warn' | 'error', msg: unknown[]): void => {
    const err = msg.find((m): m is Error => m instanceof Error);
    const text = msg
      .filter((m) => m !== err)
      .map((m) => (typeof m === 'string' ? m : inspect(m, { depth: 4, breakLength: Infinity })))
      .join(' ');
    child[method](err ? { err } : {}, text);
  };
  return {
    debug: (...msg: unknown[]) => emit('debug', msg),
    info: (...msg: unknown[]) => emit('info', msg),
    warn: (...msg: unknown[]) => emit('warn', msg),
    error: (...msg: unknown[]) => emit('error', msg),
    setLevel(level: SlackLogLevel): void {
      child.level = String(level).toLowerCase();
    },
    getLevel: () => toSlackLevel(child.level),
    setName(newName: string): void {
      if (newName === name) return;
      name = newName;
      const level = child.level;
      child = logger.child({ component: 'slack', logger: newName });
      child.level = level;
    },
  };
}
