// Builds the html_body for Zendesk's comment_redactions endpoint: every character to remove
// is wrapped in <redact>…</redact>. A span may cross tags (`<b>4111</b> 1111…`), so only the
// text between tags is wrapped; the tags themselves stay as they are. A number in an attribute
// value cannot be wrapped: Zendesk removes the whole element when it carries a bare `redact`
// attribute and its inner text is wrapped (zendesk-api.md §1b), so that is what we send.

export interface Span {
  start: number;
  end: number;
  /** The number is in an attribute of the element at [start, end) of the html: remove the element. */
  element?: { start: number; end: number };
}

const REDACT_ATTR = ' redact';

/** Merges overlapping spans and sorts them, so wrapping never nests. */
export function normaliseSpans(spans: Span[]): Span[] {
  const sorted = [...spans].filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ start: span.start, end: span.end });
  }
  return merged;
}

export function wrapRedactions(html: string, spans: Span[]): string {
  const textSpans: Span[] = [];
  const marks = new Set<number>();
  for (const span of spans) {
    if (!span.element) {
      textSpans.push(span);
      continue;
    }
    const { start, end } = span.element;
    const nameEnd = tagNameEnd(html, start);
    const tagEnd = startTagEnd(html, start);
    marks.add(nameEnd);
    // Inner content: from the start tag's end to the end tag's start (none for void elements).
    const closeLt = html.lastIndexOf('</', end - 1);
    if (end > tagEnd && closeLt >= tagEnd) textSpans.push({ start: tagEnd, end: closeLt });
  }
  if (marks.size === 0) return wrapText(html, textSpans);
  // Insert the attributes, then shift every span behind an insertion.
  const at = [...marks].sort((a, b) => a - b);
  let marked = '';
  let cursor = 0;
  for (const p of at) {
    marked += html.slice(cursor, p) + REDACT_ATTR;
    cursor = p;
  }
  marked += html.slice(cursor);
  const shift = (pos: number): number => pos + REDACT_ATTR.length * at.filter((p) => p < pos).length;
  return wrapText(marked, textSpans.map((s) => ({ start: shift(s.start), end: shift(s.end) })));
}

function tagNameEnd(html: string, lt: number): number {
  let p = lt + 1;
  while (p < html.length && /[A-Za-z0-9:-]/.test(html[p]!)) p++;
  return p;
}

/** Just after the '>' of the start tag at lt (quoted attribute values may hold '>'). */
function startTagEnd(html: string, lt: number): number {
  let quote = '';
  for (let p = lt + 1; p < html.length; p++) {
    const c = html[p]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return p + 1;
  }
  return html.length;
}

function wrapText(html: string, spans: Span[]): string {
  let out = '';
  let cursor = 0;
  for (const span of normaliseSpans(spans)) {
    out += html.slice(cursor, span.start);
    out += wrapTextSegments(html.slice(span.start, span.end));
    cursor = span.end;
  }
  return out + html.slice(cursor);
}

function wrapTextSegments(fragment: string): string {
  // Split into tags and text; wrap only non-empty text runs.
  return fragment.replace(/([^<]+)|(<[^>]*>)/g, (_m, text: string | undefined, tag: string | undefined) =>
    text !== undefined ? `<redact>${text}</redact>` : (tag ?? ''),
  );
}

/** Replaces a span of plain text with block glyphs, as Zendesk shows redacted text. */
export function blockOut(text: string, spans: Span[]): string {
  let out = text;
  for (const span of normaliseSpans(spans).reverse()) {
    out = out.slice(0, span.start) + '▇'.repeat(span.end - span.start) + out.slice(span.end);
  }
  return out;
}
