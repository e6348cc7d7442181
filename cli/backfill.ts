/**
 * `redactor backfill start|status|pause|resume|cancel|confirm`: drives the historical backfill
 * workflow. Configured from the environment, or from the running `npm start` (config/local-run.ts).
 */
import type { Writable } from 'node:stream';
import { type Client, WorkflowExecutionAlreadyStartedError, type WorkflowHandle, WorkflowNotFoundError } from '@temporalio/client';
import { connectTemporal } from '../service/temporal';
import { REDACTION_SETTINGS_KEYS, redactionSettings, type Config, type RedactionSettingsConfig } from '../config';
import { loadCliConfig } from '../config/local-run';
import { CliError, wantsHelp } from './errors';
import type { backfillWorkflow } from '../workflows/backfill';
import { backfillProgressQuery, cancelBackfillSignal, confirmClaimsSignal, pauseBackfillSignal, resumeBackfillSignal } from '../workflows/backfill-messages';
import { BACKFILL_WORKFLOW_PREFIX, type BackfillMode, type BackfillOptions, type BackfillProgress, type ReportFormat } from '../workflows/backfill-types';
import { BackfillStateKey } from '../workflows/search-attributes';

const USAGE = `usage: redactor backfill <command> [options]

commands:
  start --since YYYY-MM-DD [--mode report|claim|auto] [--attachments] [--csv] [--id NAME] [--yes]
        walk Zendesk's ticket events from --since, oldest first; report (default) changes nothing;
        --attachments also reads what files show (PDF text, OCR), within BACKFILL_ATTACHMENT_MB_PER_MINUTE
  status [--id ID] [--watch] [--json]   progress; --watch draws a live bar with tickets/s and time left
  pause [--id ID]                        stop after the page in flight (state: paused)
  resume [--id ID]                       go on from the cursor
  cancel [--id ID]                       stop for good; the report written so far is finalised
  confirm [--id ID]                      claim mode: allow Slack messages beyond BACKFILL_CLAIM_MESSAGE_LIMIT
Without --id the most recent backfill is used.
`;

/** What the backfill commands read from the configuration. */
export const BACKFILL_CONFIG_KEYS = [
  'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE', 'PAYLOAD_KEYS',
  'BACKFILL_REPORT_STORE', 'BACKFILL_S3_ENDPOINT', 'BACKFILL_S3_REGION', 'BACKFILL_S3_ACCESS_KEY_ID', 'BACKFILL_S3_SECRET_ACCESS_KEY', 'BACKFILL_S3_FORCE_PATH_STYLE', 'BACKFILL_REPORT_FORMAT', 'BACKFILL_PAGE_SIZE', 'BACKFILL_PAGES_PER_RUN', 'BACKFILL_INCREMENTAL_PER_MINUTE',
  'BACKFILL_REQUESTS_PER_MINUTE', 'BACKFILL_CONCURRENCY', 'BACKFILL_CLAIM_MESSAGE_LIMIT', 'BACKFILL_SUMMARY_BATCH', 'BACKFILL_ATTACHMENT_MB_PER_MINUTE',
  ...REDACTION_SETTINGS_KEYS,
] as const satisfies readonly (keyof Config)[];
export type BackfillConfig = Pick<Config, (typeof BACKFILL_CONFIG_KEYS)[number]> & RedactionSettingsConfig;

export interface BackfillIo {
  stdout: Writable;
  stderr: Writable;
  /** Tests pass their own client and config. */
  client?: Client;
  config?: BackfillConfig;
  env?: NodeJS.ProcessEnv;
  /** --watch refresh interval. */
  watchIntervalMs?: number;
}

/** The run's options from the configuration, with per-run choices on top. */
export function backfillOptions(config: BackfillConfig, run: { mode: BackfillMode; since: number; format?: ReportFormat } & Partial<BackfillOptions>): BackfillOptions {
  const { mode, since, format, ...rest } = run;
  const base = redactionSettings(config);
  return {
    mode,
    since,
    reportFormat: format ?? config.BACKFILL_REPORT_FORMAT,
    pageSize: config.BACKFILL_PAGE_SIZE,
    pagesPerRun: config.BACKFILL_PAGES_PER_RUN,
    incrementalPerMinute: config.BACKFILL_INCREMENTAL_PER_MINUTE,
    requestsPerMinute: config.BACKFILL_REQUESTS_PER_MINUTE,
    concurrency: config.BACKFILL_CONCURRENCY,
    claimMessageLimit: config.BACKFILL_CLAIM_MESSAGE_LIMIT,
    summaryBatchSize: config.BACKFILL_SUMMARY_BATCH,
    attachmentBytesPerMinute: Math.round(config.BACKFILL_ATTACHMENT_MB_PER_MINUTE * 1024 * 1024),
    // auto: redact and verify without a claim, documented on the run's one child ticket.
    redaction: mode === 'auto' ? { ...base, mode: 'auto', childTicketPerRequest: false } : { ...base, mode: 'claim' },
    ...rest,
  };
}

export async function startBackfill(client: Client, taskQueue: string, options: BackfillOptions, id?: string): Promise<WorkflowHandle<typeof backfillWorkflow>> {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  const workflowId = `${BACKFILL_WORKFLOW_PREFIX}${id ?? `${options.mode}-${stamp}`}`;
  return client.workflow.start<typeof backfillWorkflow>('backfillWorkflow', {
    workflowId,
    taskQueue,
    args: [{ options }],
    searchAttributes: { [BackfillStateKey.name]: ['running'] },
  });
}

/** The most recent backfill, when no id is given. */
export async function latestBackfillId(client: Client): Promise<string | undefined> {
  let best: { id: string; at: number } | undefined;
  for await (const wf of client.workflow.list({ query: `WorkflowType = 'backfillWorkflow'` })) {
    const at = wf.startTime.getTime();
    if (!best || at > best.at) best = { id: wf.workflowId, at };
  }
  return best?.id;
}

function parseSince(value: string | undefined): number | string {
  if (!value) return '--since is required (e.g. --since 2019-01-01)';
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  if (!Number.isFinite(ms)) return `--since: cannot read '${value}' as a date`;
  if (ms > Date.now() - 60_000) return '--since must be at least a minute in the past';
  return Math.floor(ms / 1000);
}

function duration(seconds: number | null): string {
  if (seconds === null) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function describeProgress(p: BackfillProgress): string {
  const lines = [
    `state: ${p.state}${p.done ? '' : ` (mode ${p.mode})`}`,
    `cursor reached: ${p.cursorTime}   elapsed: ${duration(p.elapsedSeconds)}   time left: ${p.done ? '0s' : duration(p.etaSeconds)}`,
    `tickets scanned: ${p.ticketsScanned}   comments scanned: ${p.commentsScanned}   (${p.ticketsPerSecond} tickets/s)`,
    `tickets with findings: ${p.ticketsWithFindings}   card numbers: ${p.findings}`,
  ];
  if (p.filesScanned !== undefined) lines.push(`files scanned: ${p.filesScanned}   not scanned: ${p.filesSkipped ?? 0}   showing a card: ${p.filesFound ?? 0}`);
  if (p.mode !== 'report') lines.push(`requested: ${p.requested}   joined: ${p.joined}   redacted: ${p.redacted}   denied: ${p.denied}   errors: ${p.errors}   in flight: ${p.inFlight ?? 0}`);
  if (p.childTicketId !== undefined) lines.push(`documented on child ticket #${p.childTicketId}`);
  if (p.reportPath) lines.push(`report: ${p.reportPath}`);
  if (p.warning) lines.push(`WARNING: ${p.warning}. Run: redactor backfill confirm`);
  return lines.join('\n') + '\n';
}

/** One line: [#####.....] 42% 1234 tickets 1,050 tickets/s, 3m12s left */
export function progressBar(p: BackfillProgress, rate: number, width = 30): string {
  const total = p.elapsedSeconds + (p.etaSeconds ?? 0);
  const frac = p.done ? 1 : p.etaSeconds === null || total <= 0 ? 0 : Math.min(1, p.elapsedSeconds / total);
  const filled = Math.round(frac * width);
  const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
  return `[${bar}] ${String(Math.round(frac * 100)).padStart(3)}% ${p.ticketsScanned} tickets, ${p.findings} findings, ${Math.round(rate)} tickets/s, ${p.done ? 'done' : `${duration(p.etaSeconds)} left`} (${p.state})`;
}

export async function backfillMain(argv: string[], io: BackfillIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '-h') {
      flags.set('--help', true);
      continue;
    }
    if (!a.startsWith('--')) {
      io.stderr.write(`redactor backfill: unexpected argument '${a}'\n${USAGE}`);
      return 2;
    }
    const next = rest[i + 1];
    if (['--since', '--mode', '--id', '--format'].includes(a) && next !== undefined) {
      flags.set(a, next);
      i++;
    } else flags.set(a, true);
  }
  if (!command || command === 'help' || wantsHelp(argv)) {
    io.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  if (!['start', 'status', 'pause', 'resume', 'cancel', 'confirm'].includes(command)) {
    io.stderr.write(`redactor backfill: unknown command '${command}'\n${USAGE}`);
    return 2;
  }
  const config = io.config ?? loadCliConfig(BACKFILL_CONFIG_KEYS, io.env ?? process.env).config;
  const connected = io.client ? undefined : await connectTemporal(config, { connectTimeoutMs: 5_000 });
  const client = io.client ?? connected!.client;
  try {
    if (command === 'start') {
      const since = parseSince(flags.get('--since') as string | undefined);
      if (typeof since === 'string') {
        io.stderr.write(`redactor backfill: ${since}\n`);
        return 2;
      }
      const mode = (flags.get('--mode') ?? 'report') as BackfillMode;
      if (!['report', 'claim', 'auto'].includes(mode)) {
        io.stderr.write(`redactor backfill: --mode must be report, claim or auto\n`);
        return 2;
      }
      const format: ReportFormat = flags.has('--csv') || flags.get('--format') === 'csv' ? 'csv' : config.BACKFILL_REPORT_FORMAT;
      const options = backfillOptions(config, { mode, since, format, ...(flags.has('--attachments') ? { attachments: true } : {}) });
      if (mode === 'claim') {
        io.stderr.write(
          `WARNING: claim mode posts one Slack "Take it" message per ticket with card numbers. ` +
            `The run stops for confirmation (redactor backfill confirm) before it posts more than ${options.claimMessageLimit}.\n`,
        );
        if (!flags.has('--yes')) {
          io.stderr.write('Add --yes to start it.\n');
          return 3;
        }
      }
      let handle;
      try {
        handle = await startBackfill(client, config.TEMPORAL_TASK_QUEUE, options, flags.get('--id') as string | undefined);
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) {
          io.stderr.write(`redactor backfill: a backfill with that id is already running\n`);
          return 1;
        }
        throw err;
      }
      const files = options.attachments ? `, reading files at up to ${config.BACKFILL_ATTACHMENT_MB_PER_MINUTE} MB a minute` : '';
      io.stdout.write(`started ${handle.workflowId} (mode ${mode}, since ${new Date(since * 1000).toISOString()}${files}); report to ${config.BACKFILL_REPORT_STORE}\n`);
      return 0;
    }

    const id = (flags.get('--id') as string | undefined) ?? (await latestBackfillId(client));
    if (!id) {
      io.stderr.write('redactor backfill: no backfill found\n');
      return 1;
    }
    const workflowId = id.startsWith(BACKFILL_WORKFLOW_PREFIX) ? id : `${BACKFILL_WORKFLOW_PREFIX}${id}`;
    const handle = client.workflow.getHandle<typeof backfillWorkflow>(workflowId);
    if (command !== 'status') await mustBeRunning(handle, command);
    switch (command) {
      case 'pause':
        await handle.signal(pauseBackfillSignal);
        break;
      case 'resume':
        await handle.signal(resumeBackfillSignal);
        break;
      case 'cancel':
        await handle.signal(cancelBackfillSignal);
        break;
      case 'confirm':
        await handle.signal(confirmClaimsSignal);
        break;
      case 'status':
        return await status(handle, flags, io);
    }
    io.stdout.write(`${command}: sent to ${workflowId}\n`);
    return 0;
  } finally {
    await connected?.connection.close();
  }
}

/** A signal to a closed run would fail deep in gRPC: say what happened instead. */
async function mustBeRunning(handle: WorkflowHandle<typeof backfillWorkflow>, command: string): Promise<void> {
  let status: string;
  try {
    status = (await handle.describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new CliError(`no backfill ${handle.workflowId} in this namespace`);
    throw err;
  }
  if (status !== 'RUNNING') {
    throw new CliError(`${handle.workflowId} has already finished (${status.toLowerCase()}): nothing to ${command}. See: redactor backfill status --id ${handle.workflowId}`);
  }
}

async function progressOf(handle: WorkflowHandle<typeof backfillWorkflow>): Promise<BackfillProgress> {
  try {
    return await handle.query(backfillProgressQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new CliError(`no backfill ${handle.workflowId} in this namespace`);
    // A closed run still answers queries from its history on most servers; fall back to its result.
    const desc = await handle.describe();
    if (desc.status.name === 'COMPLETED') return handle.result();
    throw err;
  }
}

async function status(handle: WorkflowHandle<typeof backfillWorkflow>, flags: Map<string, string | true>, io: BackfillIo): Promise<number> {
  if (!flags.has('--watch')) {
    const p = await progressOf(handle);
    io.stdout.write(flags.has('--json') ? `${JSON.stringify(p)}\n` : `${handle.workflowId}\n${describeProgress(p)}`);
    return 0;
  }
  const interval = io.watchIntervalMs ?? 1000;
  let last: { at: number; tickets: number } | undefined;
  let rate = 0;
  for (;;) {
    const p = await progressOf(handle);
    const now = Date.now();
    if (last && now > last.at) rate = ((p.ticketsScanned - last.tickets) * 1000) / (now - last.at);
    else rate = p.ticketsPerSecond;
    last = { at: now, tickets: p.ticketsScanned };
    const tty = (io.stdout as { isTTY?: boolean }).isTTY;
    io.stdout.write(tty ? `\r\x1b[2K${progressBar(p, rate)}` : `${progressBar(p, rate)}\n`);
    if (p.warning) io.stdout.write(`${tty ? '\n' : ''}WARNING: ${p.warning}. Run: redactor backfill confirm\n`);
    if (p.done) {
      io.stdout.write(tty ? '\n' : '');
      io.stdout.write(describeProgress(p));
      return 0;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}
