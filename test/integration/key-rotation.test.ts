// Issue 6, item 1: a payload-key rotation while a workflow waits for its claim. The request starts with
// PAYLOAD_KEYS=A; the worker stops; a new worker and client start with PAYLOAD_KEYS=B,A (B encrypts, A still
// decrypts); the lead claims and the request completes. Payloads written before the rotation carry key id
// A, every payload written after it carries B, and a process that only knows A can no longer read them.
import { Client, type WorkflowHandle } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { Worker } from '@temporalio/worker';
import { createDataConverter, ENCRYPTED_ENCODING, generatePayloadKey, METADATA_ENCRYPTION_KEY_ID, parsePayloadKeys } from '../../security/codec';
import { activitySettings, createRedactionWorker } from '../../workers/worker';
import { redactionWorkflowId } from '../../workflows/ids';
import { claimUpdate, statusQuery } from '../../workflows/messages';
import type { redactionWorkflow } from '../../workflows/redaction';
import { assertNoLeak, spaced, VISA } from '../helpers/cards';
import { eventually, LEAD, startHarness, workflowBundle, type Harness } from '../helpers/harness';

jest.setTimeout(180_000);

const KEY_A = generatePayloadKey('rotation-a');
const KEY_B = generatePayloadKey('rotation-b');

let h: Harness;
let rotatedWorker: Worker | undefined;
let rotatedRun: Promise<void> | undefined;

beforeAll(async () => {
  h = await startHarness({ env: { PAYLOAD_KEYS: KEY_A } });
  // Workflow ids are per ticket and all test files share one namespace: use a ticket-id range of our own.
  await h.zendesk.control.seedTickets(200_000 + Math.floor(Math.random() * 100_000), { cardRate: 0, commentsPerTicket: 1 });
});

afterAll(async () => {
  if (rotatedWorker) {
    rotatedWorker.shutdown();
    await rotatedRun;
  }
  await h?.close();
});

const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

/** Every payload in the raw history (no codec), with the event it belongs to. */
async function historyPayloads(workflowId: string): Promise<Array<{ eventId: number; eventType: string; payload: Payload }>> {
  const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
  const out: Array<{ eventId: number; eventType: string; payload: Payload }> = [];
  for (const event of history.events ?? []) {
    const eventId = Number(event.eventId);
    const eventType = temporal.api.enums.v1.EventType[event.eventType ?? 0] ?? String(event.eventType);
    // A patch marker (workflows/redaction.ts `patched()`) is written by the SDK's core, not through the codec:
    // its one payload is the patch id, a constant of our code. Checked to be only that, then left out.
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName === 'core_patch') {
      const details = Object.values(marker.details ?? {}).flatMap((p) => p.payloads ?? []);
      for (const p of details) expect(JSON.parse(Buffer.from(p.data!).toString('utf8'))).toEqual({ id: expect.stringMatching(/^read-file-contents(-on-join)?$/), deprecated: false });
      continue;
    }
    const walk = (node: unknown, underSearchAttributes: boolean): void => {
      if (Array.isArray(node)) return node.forEach((n) => walk(n, underSearchAttributes));
      if (!node || typeof node !== 'object' || node instanceof Uint8Array) return;
      const o = node as Record<string, unknown>;
      if (o.metadata && o.data instanceof Uint8Array) {
        // Search attributes are indexed by the server and cannot be encrypted; they hold ids and enums only.
        if (!underSearchAttributes) out.push({ eventId, eventType, payload: o as Payload });
        return;
      }
      for (const [k, v] of Object.entries(o)) walk(v, underSearchAttributes || k === 'searchAttributes');
    };
    walk(event, false);
  }
  return out;
}

test('rotating to PAYLOAD_KEYS=B,A while a workflow waits for its claim', async () => {
  const { ticket } = await h.zendesk.control.seedTicket({ subject: 'Billing', status: 'open', comments: [{ body: `my card is ${spaced(VISA)} exp 12/27` }] });
  const workflowId = redactionWorkflowId(ticket.id);
  const started = await h.request(ticket.id, { source: 'agent', requestedBy: 9001 });
  await eventually(async () => (await started.query(statusQuery)).stage === 'awaiting_claim', 30_000, 'awaiting_claim');

  // Before the rotation: everything is encrypted with A.
  const before = await historyPayloads(workflowId);
  expect(before.length).toBeGreaterThan(3);
  for (const { payload } of before) {
    expect(text(payload.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(payload.metadata?.[METADATA_ENCRYPTION_KEY_ID])).toBe('rotation-a');
  }
  const lastEventBefore = Math.max(...(await h.client.workflow.getHandle(workflowId).fetchHistory()).events!.map((e) => Number(e.eventId)));

  // Rotate: stop the A-only worker; start a worker and a client with B first and A kept for old payloads.
  await h.stopWorker();
  const rotated = createDataConverter(parsePayloadKeys(`${KEY_B},${KEY_A}`));
  rotatedWorker = await createRedactionWorker({
    connection: h.nativeConnection,
    taskQueue: h.taskQueue,
    zendesk: h.zendeskApi,
    slack: h.slackClient,
    dataConverter: rotated,
    workflowBundle: await workflowBundle(),
    shutdownGraceTime: '5 seconds',
    settings: activitySettings(h.config),
  });
  rotatedRun = rotatedWorker.run();
  const rotatedClient = new Client({ connection: h.connection, namespace: h.config.TEMPORAL_NAMESPACE, dataConverter: rotated });
  const handle: WorkflowHandle<typeof redactionWorkflow> = rotatedClient.workflow.getHandle(workflowId);

  // The new worker replays the A-encrypted history, answers the query and takes the claim.
  expect((await handle.query(statusQuery)).stage).toBe('awaiting_claim');
  const claimed = await handle.executeUpdate(claimUpdate, { args: [{ slackUserId: LEAD, source: 'test' }] });
  expect(claimed.claimedBy).toBe(LEAD);
  const result = await handle.result();
  expect(result.outcome).toBe('redacted');
  expect(result.last4).toEqual([VISA.slice(-4)]);
  const comment = (await h.zendesk.control.getTicket(ticket.id)).comments[0]!;
  assertNoLeak(JSON.stringify(comment), [VISA], 'the redacted comment');

  // After the rotation: every new payload (update, activity inputs/results, workflow result) carries B.
  const all = await historyPayloads(workflowId);
  const after = all.filter((p) => p.eventId > lastEventBefore);
  expect(after.length).toBeGreaterThan(5);
  expect(after.some((p) => p.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED')).toBe(true);
  for (const { payload } of all) expect(text(payload.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
  const keyIds = (ps: typeof all) => new Set(ps.map((p) => text(p.payload.metadata?.[METADATA_ENCRYPTION_KEY_ID])));
  expect(keyIds(all.filter((p) => p.eventId <= lastEventBefore))).toEqual(new Set(['rotation-a']));
  expect(keyIds(after)).toEqual(new Set(['rotation-b']));

  // A process still on PAYLOAD_KEYS=A alone cannot read what was written after the rotation.
  await expect(h.client.workflow.getHandle(workflowId).result()).rejects.toThrow(/unknown encryption key id "rotation-b"/);
});
