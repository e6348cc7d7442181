// How the CLI reports a failure: a message saying what to do, never a stack trace for a user's mistake or an
// unreachable dependency (REDACTOR_DEBUG=1 adds the stack, for a bug report).
import type { Writable } from 'node:stream';
import { ConfigError } from '../config/errors';
import { TemporalUnreachableError } from '../config/temporal';

/** A problem the user can fix; `exitCode` 2 for usage. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function reportError(err: unknown, stderr: Writable, env: NodeJS.ProcessEnv = process.env): number {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ConfigError) {
    stderr.write(`redactor: ${message}\n`);
    return 2;
  }
  if (err instanceof CliError) {
    stderr.write(`redactor: ${message}\n`);
    return err.exitCode;
  }
  if (err instanceof TemporalUnreachableError) {
    stderr.write(`redactor: ${message}\n`);
    return 1;
  }
  stderr.write(`redactor: ${message.split('\n')[0]}\n`);
  if (env.REDACTOR_DEBUG && err instanceof Error && err.stack) stderr.write(`${err.stack}\n`);
  else stderr.write('(REDACTOR_DEBUG=1 shows the details)\n');
  return 1;
}

/** `--help` or `-h` before a `--`. */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}
