// Shared set-up for the Zendesk emulator tests: a sandbox, the real node-zendesk client and our gateway.
import { createClient } from 'node-zendesk';
import { createZendeskApi, isZendeskApiError, type ZendeskApi, type ZendeskApiError } from '../../../activities/zendesk-api';
import { startZendeskSandbox, type ZendeskSandbox, type ZendeskSandboxOptions } from '../../../sandbox/zendesk';

export type NodeZendesk = ReturnType<typeof createClient>;

export interface Env {
  sb: ZendeskSandbox;
  zd: NodeZendesk;
  api: ZendeskApi;
}

export async function startEnv(opts: ZendeskSandboxOptions & { timeoutMs?: number } = {}): Promise<Env> {
  const sb = await startZendeskSandbox({ config: { exportExclusionSeconds: 0 }, ...opts });
  const zd = createClient({ username: sb.email, token: sb.token, endpointUri: `${sb.url}/api/v2` });
  const api = createZendeskApi({ url: sb.url, email: sb.email, token: sb.token, timeoutMs: opts.timeoutMs ?? 2000 });
  return { sb, zd, api };
}

/**
 * One emulator for the whole test file, reset before each test: registers jest's beforeAll, afterAll and
 * beforeEach. The Env is filled in by beforeAll, so read it in tests and hooks only. A file's own
 * beforeEach, registered after this call, runs after the reset.
 */
export function useEnv(opts: ZendeskSandboxOptions & { timeoutMs?: number } = {}): Env {
  const env = {} as Env;
  beforeAll(async () => {
    Object.assign(env, await startEnv(opts));
  });
  afterAll(async () => {
    await env.sb?.close();
  });
  beforeEach(async () => {
    await env.sb.control.reset();
  });
  return env;
}

/** The ZendeskApiError a gateway call throws; anything else (or no error) fails the test. */
export async function caught(p: Promise<unknown>): Promise<ZendeskApiError> {
  try {
    await p;
  } catch (e) {
    if (isZendeskApiError(e)) return e;
    throw e;
  }
  throw new Error('expected a ZendeskApiError');
}

/** node-zendesk's results are untyped; tests read them through this. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Any = any;

export function basicAuth(email: string, token: string): string {
  return 'Basic ' + Buffer.from(`${email}/token:${token}`).toString('base64');
}

/** Raw HTTP against the emulator (for status codes and headers node-zendesk hides). */
export async function raw(
  sb: ZendeskSandbox,
  method: string,
  path: string,
  body?: unknown,
  auth: string | null = basicAuth(sb.email, sb.token),
): Promise<{ status: number; headers: Headers; json: Any }> {
  const res = await fetch(`${sb.url}${path}`, {
    method,
    headers: { ...(auth ? { Authorization: auth } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

export const GLYPH = '\u2587';
export const count = (s: string, ch = GLYPH): number => s.split(ch).length - 1;
