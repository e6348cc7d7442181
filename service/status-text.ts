// The `/redaction status` answer: only ids, last 4 digits and enums, never ticket text.
import { maskCardNumbers } from '../security/mask';
import type { RedactionStatus } from '../workflows/types';

const STAGE_LABELS: Record<RedactionStatus['stage'], string> = {
  waiting_for_request: 'waiting for a request',
  detecting: 'looking for card numbers',
  opening_child_ticket: 'opening the child ticket',
  awaiting_claim: 'waiting for a lead to take it',
  redacting: 'redacting',
  verifying: 'verifying the redaction',
  awaiting_merge_decision: 'waiting for a lead to decide on the merge',
  merging: 'merging tickets',
  documenting: 'documenting',
  done: 'done',
};

function claimedByLabel(claimedBy: string | undefined): string {
  if (!claimedBy) return 'nobody yet';
  return /^[UW][A-Z0-9]{2,}$/.test(claimedBy) ? `<@${claimedBy}>` : claimedBy;
}

/** One ephemeral message; only ids, last 4 digits and enums, never ticket text. */
export function formatStatus(status: RedactionStatus): string {
  const lines = [
    `*Redaction request for ticket #${status.ticketId}*`,
    `• Stage: ${STAGE_LABELS[status.stage] ?? status.stage}`,
    `• Outcome: ${status.outcome ? status.outcome.replace(/_/g, ' ') : 'not decided yet'}`,
    `• Card ending: ${status.last4.length ? status.last4.join(', ') : 'none found yet'}`,
    `• Claimed by: ${claimedByLabel(status.claimedBy)}`,
    `• Child ticket: ${status.childTicketId ? `#${status.childTicketId}` : 'none'}`,
  ];
  if (status.attachments.length) lines.push(`• Attachments: ${status.attachments.length}`);
  if (status.detail) lines.push(`• Detail: ${status.detail}`);
  return maskCardNumbers(lines.join('\n'));
}
