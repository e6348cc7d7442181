// HTML helpers for comment bodies: plain → Zendesk-like html_body, html → plain text, and
// the Agent-Workspace redaction rewrite (`<redact>` tags and bare `redact` attributes).

export const REDACTION_GLYPH = '\u2587'; // ▇

const ENTITY_RE = /&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);/;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function decodeEntities(s: string): string {
  return s.replace(new RegExp(ENTITY_RE.source, 'g'), (m) => {
    const name = m.slice(1, -1);
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    return NAMED[name] ?? m;
  });
}

/** Plain text → `<div class="zd-comment" dir="auto"><p dir="auto">…<br>…</p>…</div>`. */
export function plainToHtml(body: string): string {
  const paragraphs = body
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .filter((p) => p.length > 0)
    .map((p) => `<p dir="auto">${escapeHtml(p).replace(/\n/g, '<br>')}</p>`);
  return `<div class="zd-comment" dir="auto">${paragraphs.join('')}</div>`;
}

/** HTML → plain text: `<br>` → newline, block ends → blank line, tags dropped, entities decoded. */
export function htmlToPlain(html: string): string {
  const text = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6]|blockquote|pre|tr)>/gi, '\n\n')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(text)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

type Token = { kind: 'text'; text: string } | { kind: 'tag'; raw: string; name: string; closing: boolean; selfClosing: boolean };

function tokenize(html: string): Token[] {
  const tokens: Token[] = [];
  const re = /<\/?([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*>/g;
  let last = 0;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    if (m.index > last) tokens.push({ kind: 'text', text: html.slice(last, m.index) });
    const raw = m[0];
    tokens.push({ kind: 'tag', raw, name: (m[1] ?? '').toLowerCase(), closing: raw.startsWith('</'), selfClosing: raw.endsWith('/>') });
    last = m.index + raw.length;
  }
  if (last < html.length) tokens.push({ kind: 'text', text: html.slice(last) });
  return tokens;
}

// A bare `redact` attribute (not `redact="…"`, not `data-redact`).
const BARE_REDACT_ATTR = /\s+redact(?=\s|\/?>)/i;

/** The html a redaction request claims the comment currently has: request minus redact markup. */
export function stripRedactMarkup(html: string): string {
  return tokenize(html)
    .map((t) => {
      if (t.kind === 'text') return t.text;
      if (t.name === 'redact') return '';
      return t.raw.replace(new RegExp(BARE_REDACT_ATTR.source, 'gi'), '');
    })
    .join('');
}

export class RedactMarkupError extends Error {}

/**
 * Applies redaction markup: text inside `<redact>` → one ▇ per character (an entity counts as one);
 * elements carrying a bare `redact` attribute lose their start/end tags (inner content stays).
 */
export function applyRedactMarkup(html: string): { html: string; redactedChars: number } {
  const out: string[] = [];
  const stack: { name: string; drop: boolean }[] = [];
  let depth = 0;
  let redactedChars = 0;
  for (const t of tokenize(html)) {
    if (t.kind === 'text') {
      if (depth === 0) {
        out.push(t.text);
      } else {
        const n = countChars(t.text);
        redactedChars += n;
        out.push(REDACTION_GLYPH.repeat(n));
      }
      continue;
    }
    if (t.name === 'redact') {
      if (t.closing) {
        if (depth === 0) throw new RedactMarkupError('unbalanced </redact>');
        depth--;
      } else if (!t.selfClosing) {
        depth++;
      }
      continue;
    }
    if (t.closing) {
      const idx = findLastIndex(stack, (e) => e.name === t.name);
      if (idx >= 0) {
        const entry = stack[idx];
        stack.length = idx;
        if (entry?.drop) continue;
      }
      out.push(t.raw);
      continue;
    }
    const drop = BARE_REDACT_ATTR.test(t.raw);
    if (!VOID.has(t.name) && !t.selfClosing) stack.push({ name: t.name, drop });
    if (!drop) out.push(t.raw);
  }
  if (depth !== 0) throw new RedactMarkupError('unbalanced <redact>');
  return { html: out.join(''), redactedChars };
}

function countChars(text: string): number {
  const withoutEntities = text.replace(new RegExp(ENTITY_RE.source, 'g'), '\u0000');
  return Array.from(withoutEntities).length;
}

function findLastIndex<T>(arr: T[], pred: (v: T) => boolean): number {
  for (let i = arr.length - 1; i >= 0; i--) if (pred(arr[i] as T)) return i;
  return -1;
}

/** Legacy redaction: every occurrence of `text` in the html's text nodes (matched as escaped html). */
export function redactTextInHtml(html: string, text: string): string {
  const needle = escapeHtml(text);
  return tokenize(html)
    .map((t) => (t.kind === 'text' ? t.text.split(needle).join(REDACTION_GLYPH.repeat(Array.from(text).length)) : t.raw))
    .join('');
}
