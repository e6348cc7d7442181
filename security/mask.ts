// Aggressive card-number masking for logs, error messages and anything else that leaves the process as text.
// Any run of >= 12 decimal digits (any script: ASCII, fullwidth, Arabic-Indic, ...) with optional separators
// between them is masked, Luhn or not: over-masking is the safe side. Two exceptions keep logs searchable by id:
// UUIDs (Temporal run ids) anywhere, and fields known to hold ids (ID_FIELDS) when their value has an id's shape.

/** Digit runs shorter than this are left alone (shortest PANs have 12 digits). */
export const MIN_MASKED_DIGITS = 12;

const DIGIT = '\\p{Nd}';
// Whitespace (incl. NBSP, narrow/figure/ideographic spaces, line breaks, zero-width), dots and dashes of
// several scripts. Anything else (letters, ':', ',', '/', quotes) ends a run.
const SEP_CHAR =
  '[ \\t\\r\\n\\v\\f\\u00A0\\u00AD\\u1680\\u180E\\u2000-\\u200D\\u2028\\u2029\\u202F\\u205F\\u2060\\u3000\\uFEFF' +
  '.\\u00B7\\u2024\\u2027\\u3002\\uFE52\\uFF0E\\uFF61' +
  '\\-\\u2010-\\u2015\\u2212\\uFE58\\uFE63\\uFF0D]';
// Text that was JSON-encoded once or more (error messages quoting HTTP bodies, log lines) spells a line break
// or tab as `\n` (`\\n`, ...): any backslashes plus the letter count as a separator, as do escaped spaces.
const ESCAPED_SEP = '\\\\+(?:[nrtbf]|u(?:00[aA]0|00[aA][dD]|200[0-9a-dA-D]|202[89fF]|205[fF]|2060|3000|[fF][eE][fF][fF]))';
const RUN_SOURCE = `${DIGIT}(?:(?:${SEP_CHAR}|${ESCAPED_SEP})*${DIGIT})*`;
// A UUID (run ids, request ids) is an id, whatever digits it holds; it is matched first and kept.
const UUID_SOURCE = '(?<![0-9A-Za-z-])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9A-Za-z-])';
const UUID = new RegExp(`^${UUID_SOURCE}$`);
const RUN = new RegExp(`${UUID_SOURCE}|${RUN_SOURCE}`, 'gu');
const JSON_ESCAPE = '\\\\u[0-9a-fA-F]{4}|\\\\[\\s\\S]';
// A whole JSON string literal, or (outside strings) an escape to skip, or a digit run.
const JSON_LINE = new RegExp(`"(?:[^"\\\\]|\\\\[\\s\\S])*"|${JSON_ESCAPE}|${RUN_SOURCE}`, 'gu');
// Inside a string literal: escapes and UUIDs are skipped whole, so a run never starts inside `\uXXXX`.
const JSON_STRING_CONTENT = new RegExp(`${JSON_ESCAPE}|${UUID_SOURCE}|${RUN_SOURCE}`, 'gu');

/**
 * Fields that hold Zendesk, Slack or Temporal ids. Their values are kept when they have an id's shape: an integer,
 * digits with an optional word prefix (`comment:1234567890123`, `redaction-ticket-42`), a Slack ts
 * (`1733212345.123456`) or a UUID. Anything else in them (spaces, dashes between digit groups) is masked as usual.
 */
export const ID_FIELDS: ReadonlySet<string> = new Set([
  'id', 'ticketId', 'ticket_id', 'commentId', 'comment_id', 'attachmentId', 'attachment_id', 'childTicketId',
  'child_ticket_id', 'parentTicketId', 'parent_ticket_id', 'targetTicketId', 'mergeTarget', 'auditId', 'audit_id',
  'deliveryId', 'delivery_id', 'workflowId', 'workflow_id', 'runId', 'run_id', 'firstExecutionRunId',
  'originalRunId', 'requestedBy', 'requested_by', 'authorId', 'author_id', 'requesterId', 'requester_id',
  'assigneeId', 'assignee_id', 'userId', 'user_id', 'jobId', 'job_id', 'eventId', 'event_id', 'invocationId',
  'ts', 'thread_ts', 'threadTs', 'messageTs', 'message_ts',
]);
const ID_STRING = /^(?:[A-Za-z][A-Za-z0-9_]*[:_-])*\d{1,20}(?:\.\d{1,9})?$/;

/** Whether `value` of field `key` is an id to keep as it is. */
export function isIdField(key: string, value: unknown): boolean {
  if (!ID_FIELDS.has(key)) return false;
  if (typeof value === 'number') return Number.isSafeInteger(value) || Number.isInteger(value);
  if (typeof value === 'bigint') return true;
  return typeof value === 'string' && value.length <= 100 && (ID_STRING.test(value) || UUID.test(value));
}
// `"key":` right before a JSON value.
const KEY_BEFORE = /"([A-Za-z_][A-Za-z0-9_]*)"\s*:\s*$/;
const ONE_DIGIT = /\p{Nd}/gu;
// Escapes a run may contain; their hex digits are not card digits.
const RUN_ESCAPES = /\\+(?:u[0-9a-fA-F]{4}|[nrtbf])/g;

// No quotes or backslashes, so it is safe inside JSON strings; no long digit run, so masking is idempotent.
const maskOf = (digits: string[]): string => `[card ••••${digits.slice(-4).join('')}]`;

function maskRun(run: string, quote = false): string {
  const digits = run.replace(RUN_ESCAPES, '').match(ONE_DIGIT) ?? [];
  if (digits.length < MIN_MASKED_DIGITS) return run;
  return quote ? `"${maskOf(digits)}"` : maskOf(digits);
}

/** Replaces every run of 12+ digits (with optional separators) by `[card ••••NNNN]` (last 4 kept). */
export function maskCardNumbers(text: string): string {
  if (typeof text !== 'string') return text;
  return text.replace(RUN, (run) => (UUID.test(run) ? run : maskRun(run)));
}

/**
 * Masks serialized JSON text (e.g. a pino line) without breaking it: inside string literals escaped line
 * breaks (`\n`) count as separators and `\uXXXX` escapes are never split; a long number outside strings
 * becomes a quoted mask string. Also safe on text that is not JSON (it is masked, maybe with extra quotes).
 */
export function maskJsonText(json: string): string {
  if (typeof json !== 'string') return json;
  return json.replace(JSON_LINE, (token: string, offset: number) => {
    if (!token.startsWith('\\')) {
      const key = KEY_BEFORE.exec(json.slice(Math.max(0, offset - 64), offset))?.[1];
      if (key !== undefined && isIdField(key, token.startsWith('"') ? token.slice(1, -1) : Number(token))) return token;
    }
    if (token.startsWith('"')) {
      return token.length < MIN_MASKED_DIGITS + 2
        ? token
        : token.replace(JSON_STRING_CONTENT, (t) => (t.startsWith('\\') || UUID.test(t) ? t : maskRun(t)));
    }
    if (token.startsWith('\\')) return token;
    return maskRun(token, true);
  });
}

const MAX_DEPTH = 32;

function maskNumber(n: number | bigint): number | bigint | string {
  if (typeof n === 'number' && !(Number.isFinite(n) && Math.abs(n) >= 1e11)) return n;
  const digits = (typeof n === 'bigint' ? n : BigInt(Math.trunc(n))).toString().replace(/^-/, '');
  return digits.length >= MIN_MASKED_DIGITS ? maskOf(digits.split('')) : n;
}

function copyProps(from: object, to: object, own: 'all' | 'enumerable', walk: (v: unknown) => unknown): void {
  const names = own === 'all' ? Object.getOwnPropertyNames(from) : Object.keys(from);
  for (const name of names) {
    let value: unknown;
    let enumerable = true;
    try {
      const desc = Object.getOwnPropertyDescriptor(from, name);
      enumerable = desc?.enumerable ?? true;
      value = desc && 'value' in desc ? desc.value : (from as Record<string, unknown>)[name];
    } catch {
      value = '[unreadable]';
    }
    const kept = isIdField(name, value) ? value : walk(value);
    Object.defineProperty(to, maskCardNumbers(name), { value: kept, enumerable, writable: true, configurable: true });
  }
}

export interface MaskDeepOptions {
  /**
   * Return class instances other than Errors, Maps, Sets and buffers untouched instead of copying them as
   * plain objects. For the logger hook: serializers (e.g. Fastify's `req`) need the real object, and the
   * line masker masks whatever they produce.
   */
  keepInstances?: boolean;
}

/**
 * Returns a masked deep copy: every string (and object key) goes through {@link maskCardNumbers}; numbers with
 * 12+ integer digits become mask strings; binary buffers become `[binary N bytes]` (their bytes could spell a
 * card number). Errors stay Errors (same prototype) with message, stack, cause chain and own props masked.
 * Cycle-safe (shared references stay shared); objects deeper than 32 levels become `[depth limit]`.
 */
export function maskDeep<T>(value: T, options: MaskDeepOptions = {}): T {
  const seen = new WeakMap<object, unknown>();

  const walk = (v: unknown, depth: number): unknown => {
    switch (typeof v) {
      case 'string':
        return maskCardNumbers(v);
      case 'number':
      case 'bigint':
        return maskNumber(v);
      case 'object':
        break;
      default:
        return v;
    }
    if (v === null) return v;
    const done = seen.get(v);
    if (done !== undefined) return done;
    if (depth >= MAX_DEPTH) return '[depth limit]';
    const next = (x: unknown): unknown => walk(x, depth + 1);

    if (v instanceof Error) {
      const copy = Object.create(Object.getPrototypeOf(v) as object | null) as Error;
      seen.set(v, copy);
      copyProps(v, copy, 'all', next);
      // Inherited or accessor-only message/stack: pin masked own copies.
      for (const key of ['message', 'stack'] as const) {
        if (!Object.prototype.hasOwnProperty.call(copy, key) && typeof v[key] === 'string') {
          Object.defineProperty(copy, key, { value: maskCardNumbers(v[key]), enumerable: false, writable: true, configurable: true });
        }
      }
      return copy;
    }
    if (Array.isArray(v)) {
      const copy: unknown[] = [];
      seen.set(v, copy);
      for (const item of v) copy.push(next(item));
      return copy;
    }
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) {
      return `[binary ${v.byteLength} bytes]`;
    }
    if (v instanceof Date || v instanceof RegExp) return v;
    if (v instanceof Map) {
      const copy = new Map<unknown, unknown>();
      seen.set(v, copy);
      for (const [k, val] of v) copy.set(next(k), next(val));
      return copy;
    }
    if (v instanceof Set) {
      const copy = new Set<unknown>();
      seen.set(v, copy);
      for (const item of v) copy.add(next(item));
      return copy;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (options.keepInstances && proto !== Object.prototype && proto !== null) return v;
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    if (proto !== Object.prototype && proto !== null && typeof toJSON === 'function') {
      // URL, SDK classes, ...: what a JSON serializer would print.
      seen.set(v, '[Circular]');
      let json: unknown;
      try {
        json = (toJSON as () => unknown).call(v);
      } catch {
        json = '[unserializable]';
      }
      const copy = next(json);
      seen.set(v, copy);
      return copy;
    }
    const copy: Record<string, unknown> = {};
    seen.set(v, copy);
    copyProps(v, copy, 'enumerable', next);
    return copy;
  };

  return walk(value, 0) as T;
}
