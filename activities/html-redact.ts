// Builds the html_body for Zendesk's comment_redactions endpoint: every character to remove
// is wrapped in <redact>…</redact>. A span may cross tags (`<b>4111</b> 1111…`), so only the
// text between tags is wrapped; the tags themselves stay as they are.

export interface Span {
  start: number;
  end: number;
}

/** Merges overlapping spans and sorts them, so wrapping never nests. */
export function normaliseSpans(spans: Span[]): Span[] {
  const sorted = [...spans].filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

export function wrapRedactions(html: string, spans: Span[]): string {
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
