// The workflow's settings, read by the worker from its own validated configuration (a local activity),
// so a webhook start carries only the ticket id instead of the whole settings object every time.
import type { RedactionSettings } from '../workflows/types';

export function createSettingsActivities(deps: { workflowSettings: RedactionSettings }) {
  return {
    async redactionSettings(): Promise<RedactionSettings> {
      return deps.workflowSettings;
    },
  };
}
