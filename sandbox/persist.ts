// Keeps an emulator's in-memory state in a file across `npm start` restarts, so a request waiting before a
// restart finds its ticket and its Slack card afterwards. The store's own data fields are written with
// v8.serialize (structured clone: Maps, Sets, Buffers and shared references survive, so a comment held by
// its ticket and by the id index stays one object); functions and timers are not state and are skipped.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';

const FORMAT = 1;
/** Fields that are wiring, caches or timers, not data. */
const SKIP = new Set(['timers', 'baseUrl', 'initialConfig', 'exportIndex']);

type Store = object;

/**
 * A class instance inside a store (the Zendesk store's `places`, `files`): v8 would bring it back as a plain
 * object without its methods, so its data fields are saved and restored into the live instance instead.
 */
function isInstance(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto === Object.prototype || proto === null) return false;
  return !(value instanceof Map || value instanceof Set || Array.isArray(value) || value instanceof Date || value instanceof RegExp || value instanceof ArrayBuffer || ArrayBuffer.isView(value));
}

/** `roots`: the stores themselves; a reference back to one (places → its store) is wiring, not data. */
function dataFields(store: Store, roots: Set<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(store)) {
    if (SKIP.has(key) || typeof value === 'function' || roots.has(value as object)) continue;
    if (isInstance(value)) {
      out[key] = dataFields(value, roots);
      continue;
    }
    try {
      serialize(value);
      out[key] = value;
    } catch {
      /* not plain data (e.g. a handle): not state */
    }
  }
  return out;
}

/** Writes saved fields into the live store; class instances get their fields, never a plain copy. */
function restoreInto(target: Record<string, unknown>, fields: Record<string, unknown>, roots: Set<object>): void {
  for (const [key, value] of Object.entries(fields)) {
    if (!(key in target)) continue;
    const current = target[key];
    if (roots.has(current as object)) continue;
    if (isInstance(current)) {
      if (value !== null && typeof value === 'object') restoreInto(current as Record<string, unknown>, value as Record<string, unknown>, roots);
      continue;
    }
    target[key] = value;
  }
}

export interface Persisted {
  /** Writes the state when it changed since the last write. */
  save(): void;
  /** Stops the periodic save and writes once more. */
  close(): void;
}

/**
 * Restores `stores` from `file` (when it exists and matches), then writes them back every `intervalMs` when
 * they changed. Returns what was restored, for start-up's message.
 */
export function persistStores(file: string, stores: Record<string, Store>, opts: { intervalMs?: number; onError?: (err: Error) => void } = {}): Persisted & { restored: boolean } {
  let restored = false;
  const roots = new Set<object>(Object.values(stores));
  if (existsSync(file)) {
    try {
      const saved = deserialize(readFileSync(file)) as { format: number; stores: Record<string, Record<string, unknown>> };
      if (saved.format === FORMAT) {
        for (const [name, fields] of Object.entries(saved.stores)) {
          const store = stores[name];
          if (store) restoreInto(store as Record<string, unknown>, fields, roots);
        }
        restored = true;
      }
    } catch (err) {
      opts.onError?.(err as Error);
    }
  }
  let last: Buffer | undefined;
  const save = (): void => {
    try {
      const bytes = serialize({ format: FORMAT, stores: Object.fromEntries(Object.entries(stores).map(([n, s]) => [n, dataFields(s, roots)])) });
      if (last && bytes.equals(last)) return;
      writeFileSync(`${file}.tmp`, bytes, { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
      last = bytes;
    } catch (err) {
      opts.onError?.(err as Error);
    }
  };
  const timer = setInterval(save, opts.intervalMs ?? 1_000);
  timer.unref();
  return {
    restored,
    save,
    close() {
      clearInterval(timer);
      save();
    },
  };
}
