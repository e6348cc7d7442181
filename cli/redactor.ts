/**
 * `redactor <command> …`: one switch, one module per command. Commands are loaded lazily so `scan` does not pay
 * for loading the Temporal client that `backfill` needs. (`require`, not `import()`: tsx's CommonJS hook leaves a
 * dynamic import to Node's ESM loader, which cannot resolve extensionless .ts paths.)
 */
import type * as BackfillCommand from './backfill';
import type * as ScanCommand from './scan';

/* eslint-disable @typescript-eslint/no-require-imports */
const loadScan = (): typeof ScanCommand => require('./scan') as typeof ScanCommand;
const loadBackfill = (): typeof BackfillCommand => require('./backfill') as typeof BackfillCommand;
/* eslint-enable @typescript-eslint/no-require-imports */

const USAGE = `usage: redactor <command> [options]

commands:
  scan [--jsonl] [--html] [--unionpay-luhn-exempt] [file ...]   find card numbers (stdin when no file)
  backfill start|status|pause|resume|cancel|confirm [options]     historical backfill (backfill help)
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'scan':
      return loadScan().scanMain(rest);
    case 'backfill':
      return loadBackfill().backfillMain(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`redactor: unknown command '${command}'\n${USAGE}`);
      return 2;
  }
}
