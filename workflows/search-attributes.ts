// Search attributes are NOT encrypted by the payload codec: they hold ids and enums, never ticket text.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const TicketIdKey = defineSearchAttributeKey('RedactionTicketId', SearchAttributeType.INT);
export const StageKey = defineSearchAttributeKey('RedactionStage', SearchAttributeType.KEYWORD);
export const OutcomeKey = defineSearchAttributeKey('RedactionOutcome', SearchAttributeType.KEYWORD);
export const BackfillStateKey = defineSearchAttributeKey('BackfillState', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [TicketIdKey, StageKey, OutcomeKey, BackfillStateKey];

/** `Name=Type` flags for `temporal server start-dev --search-attribute`. */
export function searchAttributeFlags(): string[] {
  const cliType: Record<string, string> = { INT: 'Int', KEYWORD: 'Keyword', TEXT: 'Text', BOOL: 'Bool' };
  return ALL_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${cliType[key.type] ?? key.type}`]);
}
