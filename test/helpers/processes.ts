// Process-tree checks for tests that stop `npm start`: what it spawned, and whether anything outlived it.
// Linux /proc: the CI and the dev machines this project runs on.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

function stat(pid: number): { ppid: number; state: string } | undefined {
  try {
    // pid (comm) state ppid …; comm may hold spaces or parentheses, so split after its last ')'.
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: state!, ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}

function pids(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

/** Alive: exists and is not a zombie (a zombie has exited; only its exit status waits to be read). */
export function running(pid: number): boolean {
  const s = stat(pid);
  return s !== undefined && s.state !== 'Z';
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/** Every descendant of `root` (children, their children, …), wherever they moved their process group. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of pids()) {
    const s = stat(pid);
    if (s) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** Running processes whose command line or environment holds `marker` (e.g. a run's unique data directory). */
export function processesMentioning(marker: string): Array<{ pid: number; cmd: string }> {
  const out: Array<{ pid: number; cmd: string }> = [];
  for (const pid of pids()) {
    if (pid === process.pid || !running(pid)) continue;
    let text = commandLine(pid);
    try {
      text += readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      /* another user's process, or gone */
    }
    if (text.includes(marker)) out.push({ pid, cmd: commandLine(pid).slice(0, 200) });
  }
  return out;
}

export const hasProc = (): boolean => existsSync('/proc/self/stat');

export interface NpmStart {
  child: ChildProcess;
  pid: number;
  out: () => string;
  err: () => string;
  /** Exit code (null when ended by a signal). */
  exited: Promise<number | null>;
}

/**
 * The real `npm start`, in its own process group as a terminal runs a foreground job, so a signal to the
 * group (`process.kill(-pid, 'SIGINT')`) is what Ctrl-C sends.
 */
export function npmStart(env: NodeJS.ProcessEnv): NpmStart {
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    detached: true,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', ...(process.env.TEMPORAL_CLI_PATH ? { TEMPORAL_CLI_PATH: process.env.TEMPORAL_CLI_PATH } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-200_000)));
  child.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-200_000)));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, pid: child.pid!, out: () => out, err: () => err, exited };
}

/** Waits until `check` holds; fails early, with the output, when npm start exits first. */
export async function untilOutput(s: NpmStart, what: string, check: () => boolean, timeoutMs = 150_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (s.child.exitCode !== null) throw new Error(`npm start exited (${s.child.exitCode}) before ${what}:\n${s.out()}\n${s.err()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${s.out()}\n${s.err()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
