// Agents ask for a merge in an internal note: "merge into #123", "merge to 123",
// "please merge this ticket into ticket #123". The latest such note wins.

const MERGE_PATTERN = /\bmerge(?:\s+(?:it|this|this\s+ticket|ticket))?\s+(?:in)?to\s+(?:ticket\s+)?#?\s?(\d{1,12})\b/i;

export function mergeTargetOf(notes: string[]): number | undefined {
  for (let i = notes.length - 1; i >= 0; i--) {
    const match = MERGE_PATTERN.exec(notes[i]!);
    if (match) return Number(match[1]);
  }
  return undefined;
}

// "ending 1234", "last 4: 1234", "**** 1234", "XXXX-1234": a card named by its last digits only.
const LAST4_PATTERN = /(?:\b(?:ending|ends)(?:\s+(?:in|with))?|\blast\s*(?:4|four)(?:\s+digits)?(?:\s+(?:are|is))?|[*•xX]{4}[\s-]*)[\s:#-]*\d{4}\b/i;

export function mentionsLast4Only(text: string): boolean {
  return LAST4_PATTERN.test(text);
}
