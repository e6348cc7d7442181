// Which custom ticket fields hold free text (types `text` and `textarea`), learnt from the Ticket
// Fields API and cached: fields change rarely, tickets are many.
import { maskCardNumbers } from '../../security/mask';
import type { ZendeskApi } from '../zendesk-api';

export const TEXT_FIELD_TYPES: ReadonlySet<string> = new Set(['text', 'textarea']);

export function createTextFieldCache(zendesk: ZendeskApi, ttlMs: number, now: () => number = Date.now) {
  let cached: { at: number; ids: ReadonlySet<number>; known: ReadonlySet<number>; titles: ReadonlyMap<number, string> } | undefined;
  let inFlight: Promise<ReadonlySet<number>> | undefined;
  return {
    /** `seen`: field ids on the ticket at hand; one the cache has never heard of (a new field) refreshes it. */
    async textFieldIds(seen: Iterable<number> = []): Promise<ReadonlySet<number>> {
      const fresh = cached && now() - cached.at < ttlMs && [...seen].every((id) => cached!.known.has(id));
      if (fresh) return cached!.ids;
      inFlight ??= zendesk
        .listTicketFields()
        .then((fields) => {
          const ids = new Set(fields.filter((f) => TEXT_FIELD_TYPES.has(f.type)).map((f) => f.id));
          // Titles name a field in the evidence report; an admin's words, masked anyway.
          const titles = new Map(fields.filter((f) => ids.has(f.id)).map((f) => [f.id, maskCardNumbers(f.title)]));
          cached = { at: now(), ids, known: new Set(fields.map((f) => f.id)), titles };
          return ids;
        })
        .finally(() => {
          inFlight = undefined;
        });
      return inFlight;
    },
    /** The titles of the text fields, as of the last textFieldIds(). */
    fieldTitles(): ReadonlyMap<number, string> {
      return cached?.titles ?? new Map();
    },
  };
}
