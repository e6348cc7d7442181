/**
 * `redactor <command> …`: one switch, one module per command. Commands are loaded lazily so `scan` does not pay
 * for loading the Temporal client that `backfill` needs. (`require`, not `import()`: tsx's CommonJS hook leaves a
 * dynamic import to Node's ESM loader, which cannot resolve extensionless .ts paths.)
 */
import type * as BackfillCommand from './backfill';
import { reportError, wantsHelp } from './errors';
import type * as ReportCommand from './report';
import type * as ScanCommand from './scan';
import type * as SetupCommand from './setup';

/* eslint-disable @typescript-eslint/no-require-imports */
const loadScan = (): typeof ScanCommand => require('./scan') as typeof ScanCommand;
const loadBackfill = (): typeof BackfillCommand => require('./backfill') as typeof BackfillCommand;
const loadSetup = (): typeof SetupCommand => require('./setup') as typeof SetupCommand;
const loadReport = (): typeof ReportCommand => require('./report') as typeof ReportCommand;
/* eslint-enable @typescript-eslint/no-require-imports */

const USAGE = `usage: redactor <command> [options]      (redactor <command> --help for its options)

commands:
  scan [--jsonl] [--html] [--unionpay-luhn-exempt] [file ...]   find card numbers (stdin when no file)
  backfill start|status|pause|resume|cancel|confirm [options]     historical backfill
  setup zendesk|slack [--url SERVICE_URL] [--dry-run]             create the webhook, triggers, macro, field; the Slack manifest
  report --since DATE [--until DATE] [--csv|--html]               evidence export: every request in the period

Beside a running \`npm start\` the commands need no variables: they read .data/local-run.json
(REDACTOR_LOCAL_RUN names another file). Set variables win; a missing one is named.
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'scan':
        if (wantsHelp(rest)) {
          process.stdout.write(loadScan().SCAN_USAGE);
          return 0;
        }
        return await loadScan().scanMain(rest);
      case 'backfill':
        return await loadBackfill().backfillMain(rest);
      case 'setup':
        return await loadSetup().setupMain(rest);
      case 'report':
        return await loadReport().reportMain(rest);
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
  } catch (err) {
    return reportError(err, process.stderr);
  }
}
