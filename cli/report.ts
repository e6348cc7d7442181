/**
 * `redactor report --since … [--until …] [--csv|--html] [--task-queue Q]`: every redaction request started in
 * the period, from Temporal (visibility and the `status` query), as a table, CSV, or one HTML page.
 */
import type { Writable } from 'node:stream';
import type { Client } from '@temporalio/client';
import { loadCliConfig } from '../config/local-run';
import { collectReport } from '../report/collect';
import { renderCsv, renderHtml, renderText } from '../report/render';
import { connectTemporal } from '../service/temporal';
import { CliError, wantsHelp } from './errors';

const USAGE = `usage: redactor report --since DATE [--until DATE] [--csv|--html] [--task-queue NAME]

Every redaction request started in [since, until) (until defaults to now): ticket, where each card was
found, last 4 and brand, who claimed it and when, when it was redacted, the verification result, residuals,
merge and child ticket. Read from Temporal visibility and each workflow's status query (a worker must run
to answer for closed workflows), never from ticket text. DATE: YYYY-MM-DD or an ISO time.
  --csv    CSV on stdout        --html   one HTML page on stdout (with a chart of findings per day)
`;

export interface ReportIo {
  stdout: Writable;
  stderr: Writable;
  env?: NodeJS.ProcessEnv;
  client?: Client;
}

function date(flag: string, value: string | undefined): Date {
  if (!value) throw new CliError(`report: ${flag} needs a date, e.g. ${flag} 2026-01-01`, 2);
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(d.getTime())) throw new CliError(`report: ${flag}: cannot read '${value}' as a date`, 2);
  return d;
}

export async function reportMain(argv: string[], io: ReportIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  if (wantsHelp(argv)) {
    io.stdout.write(USAGE);
    return 0;
  }
  const values = new Map<string, string | undefined>();
  let format: 'text' | 'csv' | 'html' = 'text';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--csv' || a === '--html') {
      if (format !== 'text') throw new CliError('report: choose one of --csv and --html', 2);
      format = a === '--csv' ? 'csv' : 'html';
    } else if (['--since', '--until', '--task-queue'].includes(a)) values.set(a, argv[++i]);
    else throw new CliError(`report: unexpected argument '${a}'\n${USAGE}`, 2);
  }
  if (!values.has('--since')) throw new CliError(`report: --since is required\n${USAGE}`, 2);
  const since = date('--since', values.get('--since'));
  const until = values.has('--until') ? date('--until', values.get('--until')) : new Date();
  if (until <= since) throw new CliError('report: --until must be after --since', 2);
  const period = { since, until, taskQueue: values.get('--task-queue') };

  let connected;
  let client = io.client;
  if (!client) {
    const { config } = loadCliConfig(['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'PAYLOAD_KEYS'], io.env ?? process.env);
    connected = await connectTemporal(config, { connectTimeoutMs: 5_000 });
    client = connected.client;
  }
  try {
    const rows = await collectReport(client, period);
    io.stdout.write(format === 'csv' ? renderCsv(rows) : format === 'html' ? renderHtml(rows, period) : renderText(rows, period));
    const unanswered = rows.filter((r) => r.statusError).length;
    if (unanswered) io.stderr.write(`redactor report: ${unanswered} of ${rows.length} requests did not answer their status query (is a worker running?); their rows show visibility only\n`);
    return 0;
  } finally {
    await connected?.connection.close();
  }
}
