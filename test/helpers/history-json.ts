// Lossless JSON for recorded histories. The SDK's historyToJSON/historyFromJSON fail under jest
// (protobufjs `instanceof` checks across jest's module registry), so bytes and 64-bit integers
// are tagged here and restored on read.
import type { Payload } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import Long from 'long';

export function historyToFixture(history: History): string {
  // Walk the message by hand: JSON.stringify would call protobufjs' toJSON (proto3 JSON form).
  const plain = (value: unknown): unknown => {
    if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
    if (Long.isLong(value)) return { $long: value.toString(), unsigned: value.unsigned };
    if (Array.isArray(value)) return value.map(plain);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.keys(value).map((k) => [k, plain((value as Record<string, unknown>)[k])]));
    }
    return value;
  };
  return JSON.stringify(plain(history), null, 1);
}

export function historyFromFixture(text: string): History {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value && typeof value === 'object') {
      const v = value as { $bytes?: string; $long?: string; unsigned?: boolean };
      if (typeof v.$bytes === 'string') return new Uint8Array(Buffer.from(v.$bytes, 'base64'));
      if (typeof v.$long === 'string') return Long.fromString(v.$long, v.unsigned ?? false);
    }
    return value;
  }) as History;
}

/** Every payload in a fetched history (inputs, results, signals, failures), for leak checks. */
export function collectPayloads(node: unknown, out: Payload[] = []): Payload[] {
  if (Array.isArray(node)) node.forEach((n) => collectPayloads(n, out));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.metadata && o.data instanceof Uint8Array) out.push(o as Payload);
    else Object.values(o).forEach((v) => collectPayloads(v, out));
  }
  return out;
}
