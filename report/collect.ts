// The evidence export's rows (PCI DSS 12.5.2: where account data was found; 12.10.7: what was done), read
// from Temporal visibility and each workflow's `status` query, never from ticket text. Closed workflows
// answer the query too: the worker replays them.
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { REDACTION_WORKFLOW_PREFIX } from '../workflows/ids';
import { statusQuery } from '../workflows/messages';
import { OutcomeKey, StageKey, TicketIdKey } from '../workflows/search-attributes';
import type { RedactionStatus } from '../workflows/types';
import { readPlaces, type ReportPlace } from './where-found';

/** The status with the evidence fields the workflow may carry (each optional: "—" when absent). */
export type EvidenceStatus = Omit<RedactionStatus, 'places'> & {
  places?: ReportPlace[];
  requestedAt?: string;
  claimedAt?: string;
  redactedAt?: string;
  verification?: 'clean' | 'residual' | 'failed';
  residuals?: { place: string; manualStep: string }[];
  merged?: boolean;
};

export interface ReportRow {
  workflowId: string;
  ticketId?: number;
  execution: string;
  startedAt: string;
  closedAt?: string;
  stage?: string;
  outcome?: string;
  /** Absent when the status query could not be answered (e.g. no worker running). */
  status?: EvidenceStatus;
  statusError?: string;
}

export interface ReportPeriod {
  since: Date;
  until: Date;
  taskQueue?: string;
}

const first = <T>(v: unknown): T | undefined => (Array.isArray(v) ? (v[0] as T) : (v as T | undefined));

export function visibilityQuery(period: ReportPeriod): string {
  const q = [`WorkflowType = 'redactionWorkflow'`, `StartTime >= '${period.since.toISOString()}'`, `StartTime < '${period.until.toISOString()}'`];
  if (period.taskQueue) q.push(`TaskQueue = '${period.taskQueue.replace(/'/g, '')}'`);
  return q.join(' AND ');
}

async function statusOf(client: Client, wf: WorkflowExecutionInfo, timeoutMs: number): Promise<Pick<ReportRow, 'status' | 'statusError'>> {
  try {
    const answer = await client.connection.withDeadline(Date.now() + timeoutMs, () => client.workflow.getHandle(wf.workflowId, wf.runId).query(statusQuery));
    // Places are read through their schema: older workflows give fewer ids, newer ones may give more.
    const places = (answer as { places?: unknown }).places;
    return { status: { ...answer, places: places === undefined ? undefined : readPlaces(places) } };
  } catch (err) {
    const name = err instanceof Error ? err.name : 'Error';
    return { statusError: name === 'ServiceError' || /deadline/i.test(String(err)) ? 'status query not answered (is a worker running?)' : `status query failed (${name})` };
  }
}

export async function collectReport(client: Client, period: ReportPeriod, opts: { queryTimeoutMs?: number; limit?: number } = {}): Promise<ReportRow[]> {
  const rows: ReportRow[] = [];
  const infos: WorkflowExecutionInfo[] = [];
  for await (const wf of client.workflow.list({ query: visibilityQuery(period) })) {
    if (!wf.workflowId.startsWith(REDACTION_WORKFLOW_PREFIX)) continue;
    infos.push(wf);
    if (infos.length >= (opts.limit ?? 100_000)) break;
  }
  // A few queries at a time: each closed workflow is replayed by a worker.
  const CONCURRENCY = 4;
  for (let i = 0; i < infos.length; i += CONCURRENCY) {
    const batch = infos.slice(i, i + CONCURRENCY);
    const statuses = await Promise.all(batch.map((wf) => statusOf(client, wf, opts.queryTimeoutMs ?? 10_000)));
    batch.forEach((wf, j) => {
      const sa = wf.searchAttributes ?? {};
      rows.push({
        workflowId: wf.workflowId,
        ticketId: first<number>(sa[TicketIdKey.name]) ?? statuses[j]!.status?.ticketId,
        execution: wf.status.name,
        startedAt: wf.startTime.toISOString(),
        closedAt: wf.closeTime?.toISOString(),
        stage: first<string>(sa[StageKey.name]),
        outcome: first<string>(sa[OutcomeKey.name]),
        ...statuses[j],
      });
    });
  }
  return rows.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}
