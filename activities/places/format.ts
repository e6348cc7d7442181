// Residuals in plain words for the child ticket and the Slack card (ids and last 4 only).
import type { Residual } from './types';

const PLACE_NAMES: Record<Residual['place'], string> = {
  audit: 'audit trail',
  side_conversation: 'side conversation',
  email: 'email already sent',
  chat: 'chat transcript',
  field: 'ticket field',
};

/** One line per residual: where, which card, and the manual step that removes it. */
export function residualLines(residuals: Residual[]): string[] {
  return residuals.map((r) => `${PLACE_NAMES[r.place]} (${r.ref}), card ending ${r.last4}: ${r.manualStep}`);
}

/** Residual counts by place, e.g. for a metric or a summary. */
export function residualsByPlace(residuals: Residual[]): Partial<Record<Residual['place'], number>> {
  const out: Partial<Record<Residual['place'], number>> = {};
  for (const r of residuals) out[r.place] = (out[r.place] ?? 0) + 1;
  return out;
}
