// Label values of the product's metrics: enums, activity names and failure types only, never text.

export const OUTCOMES = ['redacted', 'redacted_and_merged', 'redacted_merge_skipped', 'denied_last4_only', 'denied_not_card_data', 'no_card_data', 'ticket_not_found', 'verification_failed', 'redaction_failed', 'redacted_with_residuals'];
export const STAGES = ['waiting_for_request', 'detecting', 'opening_child_ticket', 'awaiting_claim', 'redacting', 'verifying', 'awaiting_merge_decision', 'merging', 'documenting'];
export const BACKFILL_STATES = ['running', 'paused', 'awaiting_confirmation', 'cancelled', 'completed'];

/** Which stage of the per-ticket workflow each activity belongs to. */
export const STAGE_OF: Record<string, string> = {
  detectCardData: 'detecting',
  openChildTicket: 'opening_child_ticket',
  postClaimRequest: 'awaiting_claim',
  updateSlackCard: 'notifying',
  postThreadReply: 'notifying',
  addDoneReaction: 'notifying',
  redactFindings: 'redacting',
  verifyRedaction: 'verifying',
  detectPlaces: 'detecting',
  redactPlaces: 'redacting',
  verifyPlaces: 'verifying',
  startMerge: 'merging',
  checkMergeJob: 'merging',
  addInternalNote: 'documenting',
  closeChildTicket: 'documenting',
};
const SAFE_LABEL = /^[A-Za-z][A-Za-z0-9_.:-]{0,80}$/;
export const safe = (v: string | undefined, fallback = 'other') => (v && SAFE_LABEL.test(v) ? v : fallback);
