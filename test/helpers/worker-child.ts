// Spawns test/helpers/worker-process.ts as a child process, waits until it polls, and kills or
// restarts it. Used by fault tests that SIGKILL the worker in the middle of an activity.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const SCRIPT = resolve(__dirname, 'worker-process.ts');
const ROOT = resolve(__dirname, '..', '..');

export interface WorkerChild {
  readonly pid: number | undefined;
  /** Everything the process wrote (stdout and stderr), most recent 200 kB. */
  output(): string;
  /** Starts a process (if none runs) and resolves once it polls. */
  start(): Promise<void>;
  /** SIGKILL: no shutdown, activities in flight are abandoned. */
  kill(): Promise<void>;
  /** SIGTERM: graceful shutdown; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  restart(): Promise<void>;
  /** How many processes this helper has started. */
  readonly starts: number;
}

export function workerChild(env: NodeJS.ProcessEnv, opts: { readyTimeoutMs?: number } = {}): WorkerChild {
  let child: ChildProcess | undefined;
  let out = '';
  let starts = 0;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 90_000;

  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  async function signalAndWait(signal: NodeJS.Signals, graceMs = 10_000): Promise<void> {
    const c = child;
    if (!c || !running()) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill(signal);
    const timer = setTimeout(() => {
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    }, graceMs);
    await exited;
    clearTimeout(timer);
    child = undefined;
  }

  const helper: WorkerChild = {
    get pid() {
      return child?.pid;
    },
    get starts() {
      return starts;
    },
    output: () => out,
    async start() {
      if (running()) return;
      starts += 1;
      const c = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
        cwd: ROOT,
        // At least info: readiness is the "worker started" log line (pino JSON on stdout).
        env: { ...process.env, ...env, LOG_LEVEL: env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace' ? env.LOG_LEVEL : 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = c;
      const append = (chunk: Buffer) => {
        out = (out + chunk.toString()).slice(-200_000);
      };
      c.stdout!.on('data', append);
      c.stderr!.on('data', append);
      const startedAt = out.length;
      await new Promise<void>((resolveReady, reject) => {
        const timer = setTimeout(() => done(new Error(`worker process not ready within ${readyTimeoutMs} ms:\n${out.slice(-2_000)}`)), readyTimeoutMs);
        const onData = () => {
          if (out.slice(startedAt).includes('"msg":"worker started"')) done();
        };
        const onExit = (code: number | null, signal: string | null) =>
          done(new Error(`worker process exited before it was ready (code ${code}, signal ${signal}):\n${out.slice(-2_000)}`));
        function done(err?: Error) {
          clearTimeout(timer);
          c.stdout!.off('data', onData);
          c.off('exit', onExit);
          if (err) reject(err);
          else resolveReady();
        }
        c.stdout!.on('data', onData);
        c.once('exit', onExit);
      });
    },
    kill: () => signalAndWait('SIGKILL'),
    stop: (graceMs?: number) => signalAndWait('SIGTERM', graceMs),
    async restart() {
      await helper.kill();
      await helper.start();
    },
  };
  return helper;
}
