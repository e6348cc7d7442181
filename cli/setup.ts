/**
 * `redactor setup zendesk|slack`: wires the service into Zendesk through its API (idempotent; --dry-run prints
 * the plan) and prints the Slack app manifest filled with the service's URL.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { DATA_DIR, loadCliConfig, type LocalRun } from '../config/local-run';
import { slackSetupText } from '../setup/slack';
import { describePlan, setupZendesk } from '../setup/zendesk';
import { createZendeskAdmin } from '../setup/zendesk-admin';
import { CliError, wantsHelp } from './errors';

const USAGE = `usage: redactor setup <zendesk|slack> [options]

  zendesk [--url SERVICE_URL] [--dry-run] [--secret-file PATH]
      creates or updates, through the Zendesk API: the webhook (to SERVICE_URL/webhooks/zendesk), the trigger
      for automatic detection, the "Redaction request" macro and its trigger, the "Files to redact" field.
      Objects are found again by the [pan-redactor:…] marker in their description; a second run changes
      nothing. --dry-run prints the plan only. The webhook's signing secret is read back through the API
      and written to a file (never printed): npm start's .data/dev-secrets.json when it runs beside one,
      else PATH (default .data/zendesk-webhook-secret), for ZENDESK_WEBHOOK_SECRET.
      Needs ZENDESK_URL, ZENDESK_EMAIL, ZENDESK_API_TOKEN (npm start's emulator when it runs).
  slack --url SERVICE_URL
      prints slack/manifest.yaml filled in with SERVICE_URL, and the steps to create the app from it.

SERVICE_URL defaults to PUBLIC_URL, then to the running npm start's service.
`;

export interface SetupIo {
  stdout: Writable;
  stderr: Writable;
  env?: NodeJS.ProcessEnv;
}

interface Flags {
  url?: string;
  dryRun: boolean;
  secretFile?: string;
}

function parseFlags(args: string[]): Flags {
  const flags: Flags = { dryRun: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--dry-run') flags.dryRun = true;
    else if ((a === '--url' || a === '--secret-file') && args[i + 1] !== undefined) {
      const v = args[++i]!;
      if (a === '--url') flags.url = v;
      else flags.secretFile = v;
    } else throw new CliError(`setup: unexpected argument '${a}'\n${USAGE}`, 2);
  }
  if (flags.url !== undefined && !/^https?:\/\/[^\s/]+/.test(flags.url)) throw new CliError(`setup: --url must be an http(s) URL, e.g. https://redactor.example.com`, 2);
  return flags;
}

function serviceUrl(flags: Flags, env: NodeJS.ProcessEnv, run: LocalRun | undefined): string {
  const url = flags.url ?? env.PUBLIC_URL ?? run?.serviceUrl;
  if (!url) throw new CliError('setup: give the service URL: --url https://<service> (or set PUBLIC_URL, or run it beside npm start)', 2);
  return url.replace(/\/+$/, '');
}

/** Writes the secret where the service will read it; returns the sentence saying where. Never the secret. */
function storeSecret(secret: string, flags: Flags, run: LocalRun | undefined): string {
  if (!flags.secretFile && run?.secretsFile && existsSync(run.secretsFile) && !run.fromEnvironment.includes('ZENDESK_WEBHOOK_SECRET')) {
    const secrets = JSON.parse(readFileSync(run.secretsFile, 'utf8')) as Record<string, string>;
    if (secrets.ZENDESK_WEBHOOK_SECRET === secret) return `signing secret: unchanged in ${run.secretsFile} (ZENDESK_WEBHOOK_SECRET)`;
    writeFileSync(run.secretsFile, JSON.stringify({ ...secrets, ZENDESK_WEBHOOK_SECRET: secret }, null, 2), { mode: 0o600 });
    return `signing secret: written to ${run.secretsFile} (ZENDESK_WEBHOOK_SECRET); restart npm start to use it`;
  }
  const file = flags.secretFile ?? join(DATA_DIR, 'zendesk-webhook-secret');
  if (existsSync(file) && readFileSync(file, 'utf8').trim() === secret) return `signing secret: unchanged in ${file}; set ZENDESK_WEBHOOK_SECRET to its content`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return `signing secret: written to ${file}; set ZENDESK_WEBHOOK_SECRET to its content (e.g. in your secret store), then delete the file`;
}

async function zendesk(args: string[], io: SetupIo): Promise<number> {
  const flags = parseFlags(args);
  const env = io.env ?? process.env;
  const { config, run } = loadCliConfig(['ZENDESK_URL', 'ZENDESK_EMAIL', 'ZENDESK_API_TOKEN', 'ZENDESK_TIMEOUT_MS'], env);
  const url = serviceUrl(flags, env, run);
  const admin = createZendeskAdmin({ url: config.ZENDESK_URL, email: config.ZENDESK_EMAIL, token: config.ZENDESK_API_TOKEN, timeoutMs: config.ZENDESK_TIMEOUT_MS });
  let result;
  try {
    result = await setupZendesk(admin, { serviceUrl: url, dryRun: flags.dryRun });
  } catch (err) {
    // ZendeskApiError messages name the operation and status, never a body.
    throw new CliError(`setup zendesk: ${config.ZENDESK_URL}: ${(err as Error).message}`);
  }
  io.stdout.write(`${flags.dryRun ? 'Plan' : 'Done'} for ${config.ZENDESK_URL} (webhook to ${url}/webhooks/zendesk):\n${describePlan(result.steps, flags.dryRun)}\n`);
  if (result.signingSecret) io.stdout.write(`${storeSecret(result.signingSecret, flags, run)}\n`);
  else if (flags.dryRun) io.stdout.write('signing secret: read back through the API once the webhook exists (not in a dry run)\n');
  if (!flags.dryRun && result.steps.every((s) => s.action === 'unchanged')) io.stdout.write('Nothing to change.\n');
  return 0;
}

export async function setupMain(argv: string[], io: SetupIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [target, ...rest] = argv;
  if (!target || target === 'help' || wantsHelp(argv)) {
    io.stdout.write(USAGE);
    return target || wantsHelp(argv) ? 0 : 2;
  }
  if (target === 'zendesk') return zendesk(rest, io);
  if (target === 'slack') {
    const flags = parseFlags(rest);
    const env = io.env ?? process.env;
    const url = serviceUrl(flags, env, undefined);
    if (!url.startsWith('https://')) throw new CliError('setup slack: Slack only calls https request URLs: --url https://<service>', 2);
    io.stdout.write(slackSetupText(url));
    return 0;
  }
  throw new CliError(`setup: unknown target '${target}' (zendesk or slack)\n${USAGE}`, 2);
}
