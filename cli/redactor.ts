/** `redactor <command> …`: one switch, one module per command. */
import { backfillMain } from './backfill';
import { scanMain } from './scan';

const USAGE = `usage: redactor <command> [options]

commands:
  scan [--jsonl] [--html] [--unionpay-luhn-exempt] [file ...]   find card numbers (stdin when no file)
  backfill start|status|pause|resume|cancel|confirm [options]     historical backfill (backfill help)
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'scan':
      return scanMain(rest);
    case 'backfill':
      return backfillMain(rest);
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
