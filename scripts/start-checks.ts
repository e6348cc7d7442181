// What `npm start` checks before it starts anything: every port it would listen on is free, and the Temporal
// port is not held by a server it did not start. A dev server left running by an earlier run (or anyone's)
// would otherwise be used silently, with its own data and search attributes.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { Connection } from '@temporalio/client';
import { z } from 'zod';

export function portFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/** The embedded server's pid, kept in the data directory while it runs, so the next run can name a leftover. */
const serverRecordSchema = z.object({ pid: z.number().int(), port: z.number().int(), startedBy: z.number().int() });
export type ServerRecord = z.infer<typeof serverRecordSchema>;

export function writeServerRecord(file: string, record: ServerRecord): void {
  writeFileSync(file, JSON.stringify(record), { mode: 0o600 });
}

export function removeServerRecord(file: string): void {
  rmSync(file, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // Where /proc exists, make sure the pid was not reused by another program.
  const cmdline = `/proc/${pid}/cmdline`;
  return !existsSync('/proc') || (existsSync(cmdline) && readFileSync(cmdline, 'utf8').includes('temporal'));
}

/** The pid of a server an earlier npm start left running on `port`, if the record says so and it still runs. */
export function leftoverServer(file: string, port: number): number | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const record = serverRecordSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    return record.port === port && alive(record.pid) ? record.pid : undefined;
  } catch {
    return undefined;
  }
}

async function answersAsTemporal(address: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 2_000 });
    await connection.withDeadline(Date.now() + 2_000, () => connection!.workflowService.getSystemInfo({}));
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** One sentence: who holds the Temporal port, and what to do about it. */
export async function temporalPortProblem(port: number, serverRecordFile: string): Promise<string> {
  const address = `127.0.0.1:${port}`;
  if (!(await answersAsTemporal(address))) {
    return `port ${port} (TEMPORAL_PORT) is in use by a program that is not a Temporal server: stop it or set TEMPORAL_PORT to a free port (TEMPORAL_ADDRESS=host:port uses a Temporal server you run instead of the embedded one)`;
  }
  const pid = leftoverServer(serverRecordFile, port);
  const stopIt = pid === undefined ? 'stop it' : `an earlier npm start left it running (pid ${pid}): stop it with \`kill ${pid}\``;
  return `a Temporal server that this npm start did not start answers on ${address} (TEMPORAL_PORT); ${stopIt}, or set TEMPORAL_ADDRESS=${address} to use it, or TEMPORAL_PORT to a free port`;
}

/** The start-up refusal: one line for one problem, a list for several. */
export function cannotStart(problems: string[]): string {
  return problems.length === 1 ? `Cannot start: ${problems[0]}.` : `Cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`;
}
