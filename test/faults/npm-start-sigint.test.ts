// Scenario 10: Ctrl-C on the real `npm start` while signed webhooks keep arriving, a request waits for its
// claim and an activity is in flight. The whole process tree must be gone within a bound (the embedded
// Temporal server included); every delivery is answered 202 or refused with a non-2xx (or a refused
// connection), so Zendesk redelivers it; after a restart on the same .data every 202 is a workflow, the
// activity that was in flight finished on its first attempt inside the grace time, and the waiting request
// can still be claimed. The restarted run is then stopped with SIGTERM to npm alone, as a process manager does.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { SlackControl } from '../../sandbox/slack';
import { ZendeskControl } from '../../sandbox/zendesk';
import { freePort } from '../../scripts/dev-server';
import { portFree } from '../../scripts/start-checks';
import { createDataConverter, parsePayloadKeys } from '../../security/codec';
import { redactionWorkflowId } from '../../workflows/ids';
import { statusQuery } from '../../workflows/messages';
import type { redactionWorkflow } from '../../workflows/redaction';
import { spaced, VISA } from '../helpers/cards';
import { eventually } from '../helpers/harness';
import { descendants, npmStart, processesMentioning, running, untilOutput, type NpmStart } from '../helpers/processes';
import { postZendeskWebhook } from '../integration/fixtures/http-helpers';
import { note, printSummary } from './fixtures';

jest.setTimeout(240_000);

const GRACE = '20 seconds';
/** Grace time, the worker's 10 s past it, the service's close and the server's stop: generous, not timed. */
const EXIT_BOUND_MS = 60_000;
const STREAMS = 3;

interface Attempt {
  ticketId: number;
  at: number;
  status?: number;
  error?: string;
}

let dataDir: string;
let env: NodeJS.ProcessEnv;
let run: NpmStart | undefined;
let temporalPid: number | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'npm-start-sigint-'));
  const port = async () => String(await freePort());
  env = {
    REDACTOR_DATA_DIR: dataDir,
    PORT: await port(),
    SANDBOX_ZENDESK_PORT: await port(),
    SANDBOX_SLACK_PORT: await port(),
    TEMPORAL_PORT: await port(),
    TEMPORAL_UI_PORT: await port(),
    WORKER_SHUTDOWN_GRACE_TIME: GRACE,
    LOG_LEVEL: 'warn',
  };
});

afterAll(async () => {
  printSummary('npm-start-sigint');
  // Never leave anything behind, whatever failed above.
  if (run && running(run.pid)) process.kill(-run.pid, 'SIGKILL');
  if (temporalPid && running(temporalPid)) process.kill(-temporalPid, 'SIGKILL');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const ready = (s: NpmStart) => untilOutput(s, 'npm start to be ready', () => s.out().includes('Try it: npm run demo'));
const localRun = () => JSON.parse(readFileSync(join(dataDir, 'local-run.json'), 'utf8')) as { serviceUrl: string; webhookSecret: string; slackChannelId: string; leadUserId: string };
const cardComment = () => ({ subject: 'Billing', status: 'open' as const, comments: [{ body: `my card is ${spaced(VISA)} exp 12/27` }] });
const zendeskControl = () => new ZendeskControl(`http://127.0.0.1:${env.SANDBOX_ZENDESK_PORT}`);
const slackControl = () => new SlackControl(`http://127.0.0.1:${env.SANDBOX_SLACK_PORT}`);

/** Where deliveries go: read once from the first run's local-run.json (the restart keeps port and secret). */
let target: { serviceUrl: string; webhookSecret: string };

async function deliver(ticketId: number, commentId: number): Promise<Attempt> {
  const at = Date.now();
  try {
    const res = await postZendeskWebhook(target.serviceUrl, { ticket_id: ticketId, comment_id: commentId, type: 'comment_added' }, { secret: target.webhookSecret, invocationId: `sigint-${ticketId}` });
    return { ticketId, at, status: res.status };
  } catch (err) {
    return { ticketId, at, error: String((err as { cause?: { code?: string } }).cause?.code ?? err) };
  }
}

async function nothingLeft(tree: number[]): Promise<void> {
  const left = () => ({ tree: tree.filter(running), mentioning: processesMentioning(dataDir) });
  await eventually(async () => left().tree.length === 0 && left().mentioning.length === 0, 5_000, 'the process tree to be gone').catch(() => undefined);
  expect(left()).toEqual({ tree: [], mentioning: [] });
}

async function slackCardTs(channel: string, ticketId: number): Promise<string> {
  return eventually(async () => (await slackControl().messages(channel)).find((m) => m.text?.startsWith(`Card data redaction for ticket #${ticketId}:`))?.ts, 90_000, `Slack card for #${ticketId}`);
}

test('SIGINT under load: nothing left running, nothing answered 202 lost, the waiting request still claimable', async () => {
  run = npmStart(env);
  await ready(run);
  const { webhookSecret, slackChannelId, leadUserId, serviceUrl } = localRun();
  target = { serviceUrl, webhookSecret };
  temporalPid = (JSON.parse(readFileSync(join(dataDir, 'temporal.pid'), 'utf8')) as { pid: number }).pid;
  const zendesk = zendeskControl();

  // A request that waits for its claim across the stop.
  const waiting = await zendesk.seedTicket(cardComment());
  const waitingId = waiting.ticket.id;
  expect((await deliver(waitingId, waiting.comments[0]!.id)).status).toBe(202);
  await slackCardTs(slackChannelId, waitingId); // claims open once the card is posted

  // Tickets for the stream, and one whose detection read Zendesk holds for 6 s: in flight at the stop.
  const pool: Array<{ ticketId: number; commentId: number }> = [];
  for (let i = 0; i < 10; i++) {
    const seeded = await Promise.all(Array.from({ length: 20 }, () => zendesk.seedTicket(cardComment())));
    pool.push(...seeded.map((t) => ({ ticketId: t.ticket.id, commentId: t.comments[0]!.id })));
  }
  const slow = await zendesk.seedTicket(cardComment());
  const slowId = slow.ticket.id;

  // The stream: each delivery refused is delivered again, as Zendesk retries, until answered 202.
  const attempts: Attempt[] = [];
  let streaming = true;
  const held: Array<{ ticketId: number; commentId: number }> = [];
  const streams = Array.from({ length: STREAMS }, async () => {
    let current: { ticketId: number; commentId: number } | undefined;
    while (streaming) {
      current ??= pool.shift();
      if (!current) break;
      const attempt = await deliver(current.ticketId, current.commentId);
      attempts.push(attempt);
      if (attempt.status === 202) current = undefined;
      await new Promise((r) => setTimeout(r, 100));
    }
    if (current) held.push(current);
  });

  await new Promise((r) => setTimeout(r, 1_000));
  const fault = await zendesk.addFault({ match: { method: 'GET', path: `^/api/v2/tickets/${slowId}/comments` }, times: 1, response: { delayMs: 6_000 } });
  expect((await deliver(slowId, slow.comments[0]!.id)).status).toBe(202);
  await eventually(async () => (await zendesk.faults()).some((f) => f.id === fault.id && f.remaining === 0), 90_000, 'the slow read to be in flight');
  await new Promise((r) => setTimeout(r, 500));

  const tree = [run.pid, ...descendants(run.pid)];
  expect(tree).toContain(temporalPid);
  const sigintAt = Date.now();
  process.kill(-run.pid, 'SIGINT'); // Ctrl-C: the terminal signals the foreground process group
  const code = await Promise.race([run.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), EXIT_BOUND_MS))]);
  const stoppedMs = Date.now() - sigintAt;
  await new Promise((r) => setTimeout(r, 500)); // deliveries keep coming a moment after the exit
  streaming = false;
  await Promise.all(streams);
  expect({ code, out: code === 0 ? '' : `${run.out()}\n${run.err()}` }).toEqual({ code: 0, out: '' });
  expect(run.out()).toContain('… stopping (SIGINT)');
  expect(run.out()).toContain('✔ stopped');

  // Nothing outlived it: not the embedded server, not the process serving the emulators, not a helper
  // (a helper such as esbuild's service ends when its pipe closes: a moment is allowed, not an orphan).
  await nothingLeft(tree);
  for (const name of ['PORT', 'SANDBOX_ZENDESK_PORT', 'SANDBOX_SLACK_PORT', 'TEMPORAL_PORT']) expect([name, await portFree(Number(env[name]))]).toEqual([name, true]);
  expect(existsSync(join(dataDir, 'temporal.pid'))).toBe(false);

  // Every answer was a 202 or a refusal Zendesk retries; the stream ran into the stop.
  const accepted = new Set(attempts.filter((a) => a.status === 202).map((a) => a.ticketId));
  const otherSuccess = attempts.filter((a) => a.status !== undefined && a.status !== 202 && a.status < 300);
  expect(otherSuccess).toEqual([]);
  const refusedAfter = attempts.filter((a) => a.at >= sigintAt && (a.error !== undefined || (a.status ?? 0) >= 300));
  expect(refusedAfter.length).toBeGreaterThan(0);
  const statuses = [...new Set(attempts.map((a) => a.status ?? a.error))].join(', ');
  note(`10 SIGINT under load: stopped in ${stoppedMs} ms; ${attempts.length} deliveries (${accepted.size} answered 202; ${refusedAfter.length} refused after SIGINT; answers: ${statuses}); no process left`);

  // Restart on the same .data.
  run = npmStart(env);
  await ready(run);
  temporalPid = (JSON.parse(readFileSync(join(dataDir, 'temporal.pid'), 'utf8')) as { pid: number }).pid;
  const secrets = JSON.parse(readFileSync(join(dataDir, 'dev-secrets.json'), 'utf8')) as { PAYLOAD_KEYS: string };
  const connection = await Connection.connect({ address: `127.0.0.1:${env.TEMPORAL_PORT}` });
  try {
    const client = new Client({ connection, dataConverter: createDataConverter(parsePayloadKeys(secrets.PAYLOAD_KEYS)) });

    // Zendesk redelivers what was refused; now it is accepted.
    for (const t of held) {
      await eventually(async () => (await deliver(t.ticketId, t.commentId)).status === 202, 60_000, `redelivery of #${t.ticketId}`);
      accepted.add(t.ticketId);
    }

    // Every delivery answered 202 is a workflow.
    const missing: number[] = [];
    for (const ticketId of [...accepted, waitingId, slowId]) {
      try {
        await client.workflow.getHandle(redactionWorkflowId(ticketId)).describe();
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) missing.push(ticketId);
        else throw err;
      }
    }
    expect(missing).toEqual([]);

    // The read in flight at the stop finished inside the grace time, on its first attempt.
    const history = await client.workflow.getHandle(redactionWorkflowId(slowId)).fetchHistory();
    const events = history.events ?? [];
    const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'detectCardData');
    expect(scheduled).toBeDefined();
    const started = events.find((e) => String(e.activityTaskStartedEventAttributes?.scheduledEventId) === String(scheduled!.eventId));
    const completed = events.find((e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === String(scheduled!.eventId));
    expect(started?.activityTaskStartedEventAttributes?.attempt).toBe(1);
    expect(completed).toBeDefined();
    expect(tsToMs(completed!.eventTime)).toBeGreaterThan(sigintAt);

    // The waiting request is still waiting, and a lead can still claim it.
    const handle = client.workflow.getHandle<typeof redactionWorkflow>(redactionWorkflowId(waitingId));
    await eventually(async () => (await handle.query(statusQuery)).stage === 'awaiting_claim', 90_000, 'the waiting request to answer its status');
    const ts = await slackCardTs(slackChannelId, waitingId);
    const click = await slackControl().click({ channel: slackChannelId, ts, actionId: 'claim_redaction', userId: leadUserId, url: `${serviceUrl}/slack/interactions` });
    expect(click.status).toBe(200);
    let last: unknown;
    const result = await eventually(async () => {
      const status = await handle.query(statusQuery);
      last = status;
      return status.outcome ? status : undefined;
    }, 120_000, 'the claimed request to end').catch((err: Error) => {
      throw new Error(`${err.message}: last status ${JSON.stringify(last)}\n${run?.out().slice(-5_000)}`);
    });
    expect(result.outcome).toBe('redacted');
    const after = await zendeskControl().getTicket(waitingId);
    expect(after.comments[0]!.plain_body.replace(/\D/g, '')).not.toContain(VISA);
  } finally {
    await connection.close();
  }

  // SIGTERM to npm alone (a process manager's stop): npm forwards it, and the tree goes as before.
  const second = [run.pid, ...descendants(run.pid)];
  const termAt = Date.now();
  process.kill(run.pid, 'SIGTERM');
  const termCode = await Promise.race([run.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), EXIT_BOUND_MS))]);
  expect(termCode).toBe(0);
  expect(run.out()).toContain('… stopping (SIGTERM)');
  await nothingLeft(second);
  note(`10 SIGTERM to npm alone: stopped in ${Date.now() - termAt} ms; no process left`);
});
