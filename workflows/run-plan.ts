// The three ways a request runs — claim, automatic, backfill — decided in one place.
import type { RedactionRequest, RedactionSettings, RequestSource } from './types';

export interface RunPlan {
  kind: 'claim' | 'auto' | 'backfill';
  /** Who asked first: an agent's request always goes to a lead. */
  source: RequestSource;
  /** A lead claims it from a Slack card. */
  claim: boolean;
  /** It is documented on a child ticket of its own (a backfill run documents on one for the run). */
  childTicket: boolean;
}

export function planRun(requests: RedactionRequest[], settings: RedactionSettings): RunPlan {
  const source: RequestSource = requests.some((r) => r.source === 'agent') ? 'agent' : requests[0]!.source;
  if (source === 'agent' || settings.mode !== 'auto') return { kind: 'claim', source, claim: true, childTicket: true };
  return { kind: source === 'backfill' ? 'backfill' : 'auto', source, claim: false, childTicket: settings.childTicketPerRequest !== false };
}

/** Automatic mode meets a card it may have misread (low OCR confidence): a lead takes a look, on a child ticket and a card. */
export function needsALook(plan: RunPlan): RunPlan {
  return { ...plan, kind: 'claim', claim: true, childTicket: true };
}
