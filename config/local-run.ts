// What a running `npm start` tells the CLI and the demo (.data/local-run.json): where Temporal, the service
// and the emulators are, and where its generated secrets are kept. Every CLI command reads it, so a command
// run beside `npm start` needs no variables; a variable that is set always wins.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, loadConfigFor, type Config } from './index';

/** npm start's state: REDACTOR_DATA_DIR, else .data/ in the checkout. */
export const DATA_DIR = process.env.REDACTOR_DATA_DIR || resolve(__dirname, '..', '.data');
export const DEFAULT_LOCAL_RUN_FILE = join(DATA_DIR, 'local-run.json');
/** The file the CLI reads: REDACTOR_LOCAL_RUN, else .data/local-run.json. */
export const localRunFile = (env: NodeJS.ProcessEnv = process.env): string => env.REDACTOR_LOCAL_RUN || DEFAULT_LOCAL_RUN_FILE;

export const localRunSchema = z.object({
  pid: z.number().int().optional(),
  startedAt: z.string().optional(),
  serviceUrl: z.string(),
  uiUrl: z.string().optional(),
  zendeskUrl: z.string().optional(),
  slackUrl: z.string().optional(),
  temporalAddress: z.string().optional(),
  namespace: z.string(),
  taskQueue: z.string().optional(),
  /** The generated development secrets (PAYLOAD_KEYS, FINGERPRINT_KEY, …), when npm start used them. */
  secretsFile: z.string().optional(),
  /** Variables npm start was given in its own environment: the CLI needs the same values. */
  fromEnvironment: z.array(z.string()).default([]),
  /** The Zendesk emulator's API user and token (test data only). */
  zendeskEmail: z.string().optional(),
  zendeskToken: z.string().optional(),
  webhookSecret: z.string(),
  slackSigningSecret: z.string(),
  slackChannelId: z.string(),
  leadUserId: z.string(),
});
export type LocalRun = z.infer<typeof localRunSchema>;

export interface FoundRun {
  file: string;
  run?: LocalRun;
  /** Why no run is used, when none is. */
  missing?: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The local run, if its `npm start` is still running. */
export function findLocalRun(env: NodeJS.ProcessEnv = process.env): FoundRun {
  const file = localRunFile(env);
  if (!existsSync(file)) return { file, missing: `no running npm start found (${file} does not exist)` };
  let parsed;
  try {
    parsed = localRunSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return { file, missing: `${file} is not readable JSON` };
  }
  if (!parsed.success) return { file, missing: `${file} is not a local-run file of this version` };
  if (parsed.data.pid !== undefined && !alive(parsed.data.pid)) {
    return { file, missing: `the npm start that wrote ${file} (pid ${parsed.data.pid}) is no longer running` };
  }
  return { file, run: parsed.data };
}

/** The environment with the local run's values under it (set variables win). */
export function environmentWithLocalRun(env: NodeJS.ProcessEnv, found: FoundRun): NodeJS.ProcessEnv {
  const run = found.run;
  if (!run) return env;
  const fromRun: Record<string, string | undefined> = {
    TEMPORAL_ADDRESS: run.temporalAddress,
    TEMPORAL_NAMESPACE: run.namespace,
    TEMPORAL_TASK_QUEUE: run.taskQueue,
    ZENDESK_URL: run.zendeskUrl,
    ZENDESK_EMAIL: run.zendeskEmail,
    ZENDESK_API_TOKEN: run.zendeskToken,
  };
  if (run.secretsFile && existsSync(run.secretsFile)) {
    try {
      const secrets = JSON.parse(readFileSync(run.secretsFile, 'utf8')) as Record<string, unknown>;
      for (const key of ['PAYLOAD_KEYS', 'FINGERPRINT_KEY', 'CODEC_AUTH_TOKEN']) {
        if (typeof secrets[key] === 'string' && !run.fromEnvironment.includes(key)) fromRun[key] = secrets[key];
      }
    } catch {
      /* unreadable secrets: the missing variables are reported below */
    }
  }
  const merged: NodeJS.ProcessEnv = { ...env };
  for (const [key, value] of Object.entries(fromRun)) if (value !== undefined && !merged[key]) merged[key] = value;
  return merged;
}

/**
 * The configuration a CLI command needs: its variables, else the running npm start's. Problems are listed
 * together, each missing variable by name, with where the local run was looked for.
 */
export function loadCliConfig<K extends keyof Config>(keys: readonly K[], env: NodeJS.ProcessEnv = process.env): { config: Pick<Config, K>; run?: LocalRun; env: NodeJS.ProcessEnv } {
  const found = findLocalRun(env);
  const merged = environmentWithLocalRun(env, found);
  try {
    return { config: loadConfigFor(merged, keys), run: found.run, env: merged };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const inherited = found.run?.fromEnvironment.filter((k) => err.problems.some((p) => p.startsWith(`${k}:`))) ?? [];
    const note = found.run
      ? `Using the running npm start (${found.file})${inherited.length ? `; it was given ${inherited.join(', ')} in its environment: set the same values here` : ''}.`
      : `${found.missing}: start it (npm start), or set the variables above.`;
    throw new ConfigError(err.problems, note);
  }
}
