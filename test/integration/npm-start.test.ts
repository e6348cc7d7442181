/** `npm start` prints ✔ only for what is up, after it is up; the CLI finds it; the emulators keep their state;
 * it refuses a Temporal server it did not start on its port, unless TEMPORAL_ADDRESS names it. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { ZendeskControl } from '../../sandbox/zendesk';
import { EncryptionCodec, parsePayloadKeys } from '../../security/codec';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { freePort, startDevServer, type DevServer } from '../../scripts/dev-server';
import { runCli, STACK_LINE } from '../helpers/cli';
import { eventually } from '../helpers/harness';
import { commandLine, descendants, npmStart, processesMentioning, running, untilOutput, type NpmStart } from '../helpers/processes';

type Started = NpmStart;
const start = npmStart;
const until = (what: string, check: () => boolean, s: Started, timeoutMs?: number) => untilOutput(s, what, check, timeoutMs);

async function ports() {
  return { PORT: String(await freePort()), SANDBOX_ZENDESK_PORT: String(await freePort()), SANDBOX_SLACK_PORT: String(await freePort()) };
}

const base = () => ({
  REDACTOR_DATA_DIR: mkdtempSync(join(tmpdir(), 'npm-start-')),
  TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS!,
  TEMPORAL_TASK_QUEUE: `npm-start-${randomUUID()}`,
});

test('a malformed PAYLOAD_KEYS stops start-up before anything is announced', async () => {
  const s = start({ ...base(), ...(await ports()), PAYLOAD_KEYS: 'dev-1:tooshort' });
  expect(await s.exited).toBe(1);
  expect(s.err()).toContain('PAYLOAD_KEYS: entry 1 (key id "dev-1"): key must be exactly 32 bytes after base64 decoding');
  expect(s.out()).not.toContain('✔');
  expect(s.err()).not.toMatch(STACK_LINE);
});

test('a port in use is named and nothing is announced', async () => {
  const busy: Server = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
  const port = (busy.address() as { port: number }).port;
  try {
    const s = start({ ...base(), ...(await ports()), PORT: String(port) });
    expect(await s.exited).toBe(1);
    expect(s.err()).toContain(`port ${port} (PORT) is in use`);
    expect(s.out()).not.toContain('✔');
  } finally {
    busy.close();
  }
});

test('✔ lines come once each part answers; the CLI finds the run; a restart keeps the emulators’ tickets', async () => {
  const env = { ...base(), ...(await ports()) };
  const first = start(env);
  let ticketId: number;
  try {
    await until('the HTTP service', () => first.out().includes('✔ HTTP service'), first);
    // Announced means answering.
    expect((await fetch(`http://127.0.0.1:${env.PORT}/healthz`)).status).toBeLessThan(500);
    await until('the worker and the hint', () => first.out().includes('Try it: npm run demo'), first);
    expect(first.out()).toContain('✔ worker');
    expect(first.out()).toContain(`✔ Zendesk emulator http://127.0.0.1:${env.SANDBOX_ZENDESK_PORT}/api/v2`);
    const runFile = join(env.REDACTOR_DATA_DIR, 'local-run.json');
    const run = JSON.parse(readFileSync(runFile, 'utf8')) as Record<string, unknown>;
    expect(run).toMatchObject({ temporalAddress: env.TEMPORAL_ADDRESS, taskQueue: env.TEMPORAL_TASK_QUEUE, namespace: 'default' });

    // The CLI, with no variable but the data directory, reaches this run's Temporal with its keys.
    const r = await runCli(['backfill', 'status', '--id', 'nothing-here'], { REDACTOR_DATA_DIR: env.REDACTOR_DATA_DIR });
    expect(r.stderr).toContain('no backfill backfill-nothing-here in this namespace');
    expect(r.stderr).not.toMatch(STACK_LINE);

    const seeded = await new ZendeskControl(`http://127.0.0.1:${env.SANDBOX_ZENDESK_PORT}`).seedTicket({ subject: 'kept across restarts', comments: [{ body: 'hello' }] });
    ticketId = seeded.ticket.id;
    await new Promise((r) => setTimeout(r, 1_500)); // the emulators save every second
  } finally {
    first.child.kill('SIGINT');
    await first.exited;
  }
  expect(existsSync(join(env.REDACTOR_DATA_DIR, 'local-run.json'))).toBe(false);

  const second = start(env);
  try {
    await until('the restart', () => second.out().includes('✔ Zendesk emulator'), second);
    expect(second.out()).toContain('state restored from');
    const ticket = await new ZendeskControl(`http://127.0.0.1:${env.SANDBOX_ZENDESK_PORT}`).getTicket(ticketId);
    expect(ticket.subject).toBe('kept across restarts');
  } finally {
    second.child.kill('SIGINT');
    await second.exited;
  }
});

test('the embedded Web UI decodes from its first page load: its settings name a codec endpoint that answers the UI as the UI calls it', async () => {
  const env = { REDACTOR_DATA_DIR: base().REDACTOR_DATA_DIR, TEMPORAL_TASK_QUEUE: `npm-start-${randomUUID()}`, ...(await ports()), TEMPORAL_PORT: String(await freePort()), TEMPORAL_UI_PORT: String(await freePort()) };
  const s = start(env);
  try {
    await until('the hint', () => s.out().includes('Try it: npm run demo'), s, 240_000);
    // What the UI reads on every page load (no browser setting involved).
    const settings = (await (await fetch(`http://127.0.0.1:${env.TEMPORAL_UI_PORT}/api/v1/settings`)).json()) as { Codec: { Endpoint: string } };
    const endpoint = settings.Codec.Endpoint;
    expect(endpoint).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${env.PORT}/codec`));

    // The request temporalio/ui makes (src/lib/services/data-encoder.ts), from the origin npm start prints.
    const origin = `http://localhost:${env.TEMPORAL_UI_PORT}`;
    const url = `${endpoint}/decode?preserveStorageRefs=true`;
    const preflight = await fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);

    const secrets = JSON.parse(readFileSync(join(env.REDACTOR_DATA_DIR, 'dev-secrets.json'), 'utf8')) as { PAYLOAD_KEYS: string; CODEC_AUTH_TOKEN: string };
    const codec = new EncryptionCodec(parsePayloadKeys(secrets.PAYLOAD_KEYS));
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload({ ticketId: 7, last4: '4242' })]);
    const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
    const wire = { metadata: Object.fromEntries(Object.entries(encrypted!.metadata!).map(([k, v]) => [k, b64(v)])), data: b64(encrypted!.data!) };
    const res = await fetch(url, { method: 'POST', headers: { origin, 'Content-Type': 'application/json', 'X-Namespace': 'default' }, body: JSON.stringify({ payloads: [wire] }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    const [decoded] = ((await res.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> }).payloads;
    expect(defaultPayloadConverter.fromPayload({ metadata: { encoding: Buffer.from(decoded!.metadata.encoding!, 'base64') }, data: Buffer.from(decoded!.data, 'base64') })).toEqual({ ticketId: 7, last4: '4242' });

    // The token never shows in what npm start prints.
    expect(s.out()).not.toContain(secrets.CODEC_AUTH_TOKEN);
  } finally {
    s.child.kill('SIGINT');
    await s.exited;
  }
});

describe('a Temporal server npm start did not start', () => {
  let foreign: DevServer;
  beforeAll(async () => {
    foreign = await startDevServer({ startTimeoutMs: 90_000 }); // as `temporal server start-dev` by hand, or a leftover
  }, 120_000);
  afterAll(async () => foreign?.stop());

  /** Without TEMPORAL_ADDRESS: npm start would embed its own server on TEMPORAL_PORT. */
  const embedding = async (temporalPort: number) => {
    const dir = mkdtempSync(join(tmpdir(), 'npm-start-'));
    return { REDACTOR_DATA_DIR: dir, TEMPORAL_TASK_QUEUE: `npm-start-${randomUUID()}`, ...(await ports()), TEMPORAL_PORT: String(temporalPort), TEMPORAL_UI_PORT: String(await freePort()) };
  };

  test('on TEMPORAL_PORT, left by an earlier run: refused in one line that names it and TEMPORAL_ADDRESS; nothing left', async () => {
    const env = await embedding(foreign.port);
    // What an earlier npm start that died without its cleanup leaves behind: its server's record.
    writeFileSync(join(env.REDACTOR_DATA_DIR, 'temporal.pid'), JSON.stringify({ pid: foreign.pid, port: foreign.port, startedBy: 1 }));
    const s = start(env);
    expect(await s.exited).toBe(1);
    const lines = s.err().trim().split('\n');
    expect(lines).toEqual([
      `Cannot start: a Temporal server that this npm start did not start answers on 127.0.0.1:${foreign.port} (TEMPORAL_PORT); ` +
        `an earlier npm start left it running (pid ${foreign.pid}): stop it with \`kill ${foreign.pid}\`, ` +
        `or set TEMPORAL_ADDRESS=127.0.0.1:${foreign.port} to use it, or TEMPORAL_PORT to a free port.`,
    ]);
    expect(s.err()).not.toMatch(STACK_LINE);
    expect(s.out()).not.toContain('✔');
    expect(processesMentioning(env.REDACTOR_DATA_DIR)).toEqual([]);
    expect(running(foreign.pid)).toBe(true); // refused, not killed: it is not ours
  });

  test('on TEMPORAL_PORT, a program that is not Temporal: refused in one line naming TEMPORAL_PORT and TEMPORAL_ADDRESS', async () => {
    const plain: Server = createServer((socket) => socket.end());
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', () => r()));
    const port = (plain.address() as { port: number }).port;
    try {
      const env = await embedding(port);
      const s = start(env);
      expect(await s.exited).toBe(1);
      const lines = s.err().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`Cannot start: port ${port} (TEMPORAL_PORT) is in use by a program that is not a Temporal server`);
      expect(lines[0]).toContain('TEMPORAL_ADDRESS=host:port');
      expect(s.out()).not.toContain('✔');
      expect(processesMentioning(env.REDACTOR_DATA_DIR)).toEqual([]);
    } finally {
      plain.close();
    }
  });

  test('named by TEMPORAL_ADDRESS: npm start attaches to it and starts no server of its own', async () => {
    const env = { ...(await embedding(foreign.port)), TEMPORAL_ADDRESS: foreign.address };
    const s = start(env);
    try {
      await until('the worker and the hint', () => s.out().includes('Try it: npm run demo'), s);
      expect(s.out()).toContain(`✔ Temporal        ${foreign.address}  (TEMPORAL_ADDRESS: a server you run; no embedded server started)`);
      expect(s.out()).not.toContain('starting an embedded Temporal dev server');
      expect(s.out()).toContain(`✔ worker          task queue ${env.TEMPORAL_TASK_QUEUE} on ${foreign.address}`);
      expect(descendants(s.pid).map(commandLine).filter((c) => c.includes('temporal'))).toEqual([]);
      // Its worker polls the server named.
      const connection = await Connection.connect({ address: foreign.address });
      try {
        const pollers = async () =>
          (
            await connection.workflowService.describeTaskQueue({
              namespace: 'default',
              taskQueue: { name: env.TEMPORAL_TASK_QUEUE },
              taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
            })
          ).pollers?.length ?? 0;
        await eventually(async () => (await pollers()) > 0, 30_000, 'a poller on the named server');
      } finally {
        await connection.close();
      }
    } finally {
      s.child.kill('SIGINT');
    }
    expect(await s.exited).toBe(0);
    expect(processesMentioning(env.REDACTOR_DATA_DIR)).toEqual([]);
    expect(running(foreign.pid)).toBe(true);
  });
});
