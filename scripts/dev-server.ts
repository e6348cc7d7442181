// Starts `temporal server start-dev` as our own child process, because the SDK's launcher gives
// a server only 5 s to come up, which a cold start on a 2-core machine can exceed.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Connection } from '@temporalio/client';
import { searchAttributeFlags } from '../workflows/search-attributes';
import { resolveTemporalCli } from './temporal-cli';

export interface DevServerOptions {
  port?: number;
  /** Web UI port; omit for a headless server. */
  uiPort?: number;
  /** SQLite file; omit for an in-memory server. */
  dbFilename?: string;
  namespace?: string;
  uiCodecEndpoint?: string;
  startTimeoutMs?: number;
  log?: (msg: string) => void;
  /** Aborting it stops a server still starting (npm start's Ctrl-C during start-up). */
  signal?: AbortSignal;
}

export interface DevServer {
  address: string;
  port: number;
  uiPort?: number;
  pid: number;
  /** SIGTERM to its process group, SIGKILL after 5 s; resolves once it has exited. */
  stop(): Promise<void>;
  /** SIGKILL to its process group, synchronously: for a process 'exit' handler, so nothing outlives us. */
  killNow(): void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/**
 * Our child answers on its own HTTP API port, which nothing else uses: a server already on the gRPC port (the
 * CLI exits on it, but only after a moment) cannot pass for ours.
 */
async function ownHttpApiAnswers(httpPort: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${httpPort}/api/v1/system-info`, { signal: AbortSignal.timeout(1_000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

async function waitUntilServing(address: string, httpPort: number, child: ChildProcess, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`temporal server exited early with code ${child.exitCode}`);
    if (signal?.aborted) throw new Error('temporal server start cancelled');
    if (!(await ownHttpApiAnswers(httpPort))) {
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await conn.workflowService.getSystemInfo({});
        return;
      } finally {
        await conn.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`temporal server at ${address} did not start within ${timeoutMs} ms: ${String(lastError)}`);
}

export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const cli = await resolveTemporalCli(opts.log);
  const port = opts.port ?? (await freePort());
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error'];
  args.push('--namespace', opts.namespace ?? 'default');
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort), '--ui-disable-news-fetch');
  else args.push('--headless');
  if (opts.dbFilename) args.push('--db-filename', opts.dbFilename);
  if (opts.uiCodecEndpoint) args.push('--ui-codec-endpoint', opts.uiCodecEndpoint);
  const httpPort = await freePort();
  args.push('--http-port', String(httpPort), '--metrics-port', String(await freePort()));
  args.push(...searchAttributeFlags());
  // Its own process group, so stop() also reaches anything it spawns: no orphans.
  const child = spawn(cli, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const address = `127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 5_000);
    await exited;
    clearTimeout(timer);
  };
  const killNow = (): void => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  try {
    await waitUntilServing(address, httpPort, child, opts.startTimeoutMs ?? 60_000, opts.signal);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${stderr}`);
  }
  return { address, port, uiPort: opts.uiPort, pid: child.pid!, stop, killNow };
}
