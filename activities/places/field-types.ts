// Which custom ticket fields hold free text (types `text` and `textarea`), learnt from the Ticket
// Fields API and cached: fields change rarely, tickets are many.
import type { ZendeskApi } from '../zendesk-api';

export const TEXT_FIELD_TYPES: ReadonlySet<string> = new Set(['text', 'textarea']);

export function createTextFieldCache(zendesk: ZendeskApi, ttlMs: number, now: () => number = Date.now) {
  let cached: { at: number; ids: ReadonlySet<number> } | undefined;
  let inFlight: Promise<ReadonlySet<number>> | undefined;
  return {
    async textFieldIds(): Promise<ReadonlySet<number>> {
      if (cached && now() - cached.at < ttlMs) return cached.ids;
      inFlight ??= zendesk
        .listTicketFields()
        .then((fields) => {
          const ids = new Set(fields.filter((f) => TEXT_FIELD_TYPES.has(f.type)).map((f) => f.id));
          cached = { at: now(), ids };
          return ids;
        })
        .finally(() => {
          inFlight = undefined;
        });
      return inFlight;
    },
  };
}
