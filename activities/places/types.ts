// What the place activities hand to the workflow: references only (ids, last 4, brand, keyed
// fingerprint), never text. Zod schemas so every boundary is checked.
import { z } from 'zod';

const card = { last4: z.string().regex(/^\d{4}$/), brand: z.string(), fingerprint: z.string().min(1) };

export const PlaceFindingSchema = z.discriminatedUnion('place', [
  /** A chat message (`kind: 'message'`) or a chat file's name (`kind: 'file'`); the entry by chat_index or message_id. */
  z.object({ place: z.literal('chat'), kind: z.enum(['message', 'file']), chatId: z.string(), chatIndex: z.number().int().optional(), messageId: z.string().optional(), ...card }),
  /** A text or multi-line custom ticket field. */
  z.object({ place: z.literal('field'), fieldId: z.number().int(), fieldTitle: z.string().optional(), ...card }),
  /** A message of a side conversation (an event of type create/reply); `channel`: where its copies went. */
  z.object({ place: z.literal('side_conversation'), sideConversationId: z.string(), eventId: z.string(), channel: z.enum(['email', 'slack', 'msteams', 'child_ticket']), ...card }),
  /** An audit event's value or previous value (an old subject, an old field value). */
  z.object({ place: z.literal('audit'), auditId: z.number().int(), fieldName: z.string(), ...card }),
  /** A public comment: Zendesk emailed it to the requester and CCs before anyone redacted it. */
  z.object({ place: z.literal('email'), commentId: z.number().int(), ...card }),
]);
export type PlaceFinding = z.infer<typeof PlaceFindingSchema>;
export type Place = PlaceFinding['place'];

/** What the API cannot erase, named with the manual step that removes it (plain words, no text). */
export const ResidualSchema = z.object({
  place: z.enum(['audit', 'side_conversation', 'email', 'chat', 'field']),
  /** Ids only, e.g. "audit 123, field subject". */
  ref: z.string(),
  last4: z.string().regex(/^\d{4}$/),
  manualStep: z.string(),
});
export type Residual = z.infer<typeof ResidualSchema>;

export const PlaceDetectionSchema = z.object({ findings: z.array(PlaceFindingSchema), residuals: z.array(ResidualSchema) });
export type PlaceDetection = z.infer<typeof PlaceDetectionSchema>;

export const PlaceRedactionSchema = z.object({
  /** `chat_active`: some chat is still going on; wait (a durable timer) and call again with `waiting`. */
  outcome: z.enum(['done', 'chat_active']),
  redacted: z.array(PlaceFindingSchema),
  alreadyGone: z.array(PlaceFindingSchema),
  waiting: z.array(PlaceFindingSchema),
  residuals: z.array(ResidualSchema),
});
export type PlaceRedaction = z.infer<typeof PlaceRedactionSchema>;

export const PlaceVerificationSchema = z.object({ remaining: z.array(PlaceFindingSchema), residuals: z.array(ResidualSchema) });
export type PlaceVerification = z.infer<typeof PlaceVerificationSchema>;

/** The places the API can redact; the others are residuals from the start. */
export const REDACTABLE_PLACES: ReadonlySet<Place> = new Set(['chat', 'field']);
