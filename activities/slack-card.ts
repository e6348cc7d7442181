// The Slack card of a redaction request, in each of its states. Only ids, last 4 digits and
// masked file names appear: the card is stored by Slack and seen by the whole channel.
import type { Outcome } from '../workflows/types';

export const CLAIM_ACTION_ID = 'claim_redaction';
/** The lead's answer to an unclear merge instruction: values are `<workflow id>` (skip) or `<workflow id>:<target>` (merge). */
export const MERGE_ACTION_ID = 'merge_decision_merge';
export const SKIP_MERGE_ACTION_ID = 'merge_decision_skip';

export interface CardView {
  state: 'open' | 'claimed' | 'done' | 'failed';
  ticketId: number;
  childTicketId: number;
  workflowId: string;
  last4: string[];
  attachments: string[];
  /** What files show, e.g. "receipt.png (page 1): card ending 1111 (visa)" (references only). */
  files?: string[];
  /** Files that could not be read, with the reason. */
  notScanned?: string[];
  claimedBy?: string;
  outcome?: Outcome;
  mergeTarget?: number;
  /** Failed state: what is left and where (references only). */
  failure?: string;
}

const HEADLINE: Record<CardView['state'], string> = {
  open: 'needs a lead',
  claimed: 'in progress',
  done: 'done',
  failed: 'FAILED: needs a lead by hand',
};

export function renderCard(view: CardView, zendeskUrl: string) {
  const link = (id: number) => `<${zendeskUrl}/agent/tickets/${id}|#${id}>`;
  const what = [
    ...view.last4.map((l) => `card ending ${l}`),
    ...view.attachments.map((f) => `file ${f}`),
  ].join(', ');
  const fileLines = [...(view.files ?? []).map((f) => `• ${f}`), ...(view.notScanned ?? []).map((n) => `• :grey_question: ${n}`)];
  const text = `Card data redaction for ticket #${view.ticketId}: ${HEADLINE[view.state]}`;
  const lines = [
    `*Card data redaction* for ticket ${link(view.ticketId)} (request ${link(view.childTicketId)})`,
    `To redact: ${what || 'nothing listed'}`,
    ...fileLines,
  ];
  if (view.claimedBy) lines.push(`Claimed by ${view.claimedBy === 'automatic' ? 'automatic mode' : `<@${view.claimedBy}>`}`);
  if (view.mergeTarget !== undefined) lines.push(`Merge into ${link(view.mergeTarget)} after redaction`);
  if (view.state === 'done') lines.push(`:white_check_mark: Done (${view.outcome ?? 'finished'})`);
  if (view.state === 'failed') lines.push(`:warning: ${view.failure ?? 'Redaction failed: card data may still be on the ticket.'} Nothing was merged.`);

  const blocks: object[] = [
    { type: 'section', block_id: `req-${view.state}`, text: { type: 'mrkdwn', text: lines.join('\n') } },
  ];
  if (view.state === 'open') {
    blocks.push({
      type: 'actions',
      block_id: 'claim',
      elements: [
        {
          type: 'button',
          action_id: CLAIM_ACTION_ID,
          value: view.workflowId,
          style: 'primary',
          text: { type: 'plain_text', text: 'Take it' },
        },
      ],
    });
  }
  return { text, blocks };
}

/** "Merge into #N?" in the card's thread, with the lead's two answers. */
export function mergeQuestion(view: { workflowId: string; ticketId: number; target: number; reason: string }, zendeskUrl: string) {
  const text = `A note on ticket #${view.ticketId} mentions a merge into #${view.target}, but ${view.reason}. Merge after the redaction?`;
  const blocks = [
    { type: 'section', block_id: 'merge-question', text: { type: 'mrkdwn', text: `${text} (<${zendeskUrl}/agent/tickets/${view.ticketId}|#${view.ticketId}>)` } },
    {
      type: 'actions',
      block_id: 'merge-decision',
      elements: [
        { type: 'button', action_id: MERGE_ACTION_ID, value: `${view.workflowId}:${view.target}`, style: 'danger', text: { type: 'plain_text', text: `Merge into #${view.target}` } },
        { type: 'button', action_id: SKIP_MERGE_ACTION_ID, value: view.workflowId, text: { type: 'plain_text', text: "Don't merge" } },
      ],
    },
  ];
  return { text, blocks };
}
