import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { temporal } from '@temporalio/proto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import {
  EncryptionCodec,
  FAILURE_CONVERTER_PATH,
  createDataConverter,
  generatePayloadKey,
  parsePayloadKeys,
  type PayloadKey,
} from '../../../security/codec';
import { failureConverter } from '../../../security/failure-converter';

const key = (id: string): PayloadKey => ({ id, key: randomBytes(32) });
const text = (b: Uint8Array | null | undefined): string => Buffer.from(b ?? new Uint8Array()).toString('utf8');
const value = { ticketId: 12345, commentId: 678, last4: '1111', brand: 'visa' };

describe('EncryptionCodec', () => {
  it('round-trips a payload and hides its content', async () => {
    const codec = new EncryptionCodec([key('k1')]);
    const original = defaultPayloadConverter.toPayload(value);
    const [encrypted] = await codec.encode([original]);
    expect(text(encrypted?.metadata?.encoding)).toBe('binary/encrypted');
    expect(text(encrypted?.metadata?.['encryption-key-id'])).toBe('k1');
    expect(text(encrypted?.data)).not.toContain('ticketId');
    // IV + whole Payload proto (metadata included) + GCM tag.
    expect(encrypted?.data?.length).toBe(12 + temporal.api.common.v1.Payload.encode(original).finish().length + 16);
    const [decoded] = await codec.decode([encrypted as Payload]);
    expect(text(decoded?.metadata?.encoding)).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(decoded as Payload)).toEqual(value);
  });

  it('uses a fresh IV for every payload', async () => {
    const codec = new EncryptionCodec([key('k1')]);
    const p = defaultPayloadConverter.toPayload(value);
    const [a, b] = await codec.encode([p, p]);
    expect(Buffer.from(a?.data ?? []).equals(Buffer.from(b?.data ?? []))).toBe(false);
  });

  it('passes through payloads that are not encrypted', async () => {
    const codec = new EncryptionCodec([key('k1')]);
    const plain = defaultPayloadConverter.toPayload('hello');
    await expect(codec.decode([plain])).resolves.toEqual([plain]);
  });

  it('fails clearly on an unknown key id', async () => {
    const [encrypted] = await new EncryptionCodec([key('old')]).encode([defaultPayloadConverter.toPayload(value)]);
    await expect(new EncryptionCodec([key('other')]).decode([encrypted as Payload])).rejects.toThrow(/unknown encryption key id "old"/);
  });

  it('fails on tampered ciphertext, IV or tag', async () => {
    const codec = new EncryptionCodec([key('k1')]);
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
    const data = Buffer.from(encrypted?.data ?? []);
    for (const index of [0, 12, 20, data.length - 1]) {
      const tampered = Buffer.from(data);
      tampered[index] = (tampered[index] ?? 0) ^ 0x01;
      await expect(codec.decode([{ ...encrypted, data: tampered }])).rejects.toThrow(/authentication failed/);
    }
    await expect(codec.decode([{ ...encrypted, data: data.subarray(0, 20) }])).rejects.toThrow(/too short/);
  });

  it('fails when the key id is swapped to another configured key', async () => {
    const a = key('a');
    const b = key('b');
    const [encrypted] = await new EncryptionCodec([a, b]).encode([defaultPayloadConverter.toPayload(value)]);
    const swapped = { ...encrypted, metadata: { ...encrypted?.metadata, 'encryption-key-id': Buffer.from('b') } };
    await expect(new EncryptionCodec([a, b]).decode([swapped])).rejects.toThrow(/key id "b".*authentication failed/);
  });

  it('supports rotation: old payloads decode after a new key is put first, new payloads use the new key', async () => {
    const oldKey = key('2026-01');
    const newKey = key('2026-06');
    const [old] = await new EncryptionCodec([oldKey]).encode([defaultPayloadConverter.toPayload(value)]);
    const rotated = new EncryptionCodec([newKey, oldKey]);
    expect(rotated.encryptKeyId).toBe('2026-06');
    const [decodedOld] = await rotated.decode([old as Payload]);
    expect(defaultPayloadConverter.fromPayload(decodedOld as Payload)).toEqual(value);
    const [fresh] = await rotated.encode([defaultPayloadConverter.toPayload(value)]);
    expect(text(fresh?.metadata?.['encryption-key-id'])).toBe('2026-06');
    // Old key alone cannot read new payloads.
    await expect(new EncryptionCodec([oldKey]).decode([fresh as Payload])).rejects.toThrow(/unknown encryption key id "2026-06"/);
  });

  it('does not expose key material when inspected or serialized', () => {
    const k = key('k1');
    const codec = new EncryptionCodec([k]);
    const shown = `${inspect(codec, { showHidden: true, depth: 5 })} ${JSON.stringify(codec)}`;
    expect(shown).not.toContain(k.key.toString('base64'));
    expect(shown).not.toContain(k.key.toString('hex'));
  });

  it('createDataConverter wires one codec', async () => {
    const converter = createDataConverter(parsePayloadKeys(generatePayloadKey('dev')));
    expect(converter.payloadCodecs).toHaveLength(1);
    const codec = converter.payloadCodecs?.[0];
    const [enc] = (await codec?.encode([defaultPayloadConverter.toPayload(value)])) ?? [];
    expect(text(enc?.metadata?.['encryption-key-id'])).toBe('dev');
  });
});

describe('parsePayloadKeys', () => {
  const b64 = (n: number): string => randomBytes(n).toString('base64');

  it('parses several keys in order, first one encrypts', () => {
    const k1 = b64(32);
    const keys = parsePayloadKeys(` new:${k1} , old:${b64(32)},`);
    expect(keys.map((k) => k.id)).toEqual(['new', 'old']);
    expect(keys[0]?.key.toString('base64')).toBe(k1);
  });

  it('does not print key material when the parsed keys are logged or serialized', () => {
    const k1 = b64(32);
    const keys = parsePayloadKeys(`k1:${k1}`);
    expect(`${inspect(keys)} ${JSON.stringify(keys)}`).not.toContain(k1);
    expect(keys[0]?.key.length).toBe(32);
  });

  it('generatePayloadKey produces a valid entry', () => {
    const entry = generatePayloadKey();
    expect(entry).toMatch(/^dev-\d{8}:[A-Za-z0-9+/]{43}=$/);
    expect(parsePayloadKeys(entry)).toHaveLength(1);
    expect(generatePayloadKey('k9').startsWith('k9:')).toBe(true);
    expect(() => generatePayloadKey('bad id')).toThrow(/key id/);
  });

  const cases: Array<[string, string, RegExp]> = [
    ['empty', '', /PAYLOAD_KEYS is empty/],
    ['only commas', ' , ,', /no keys/],
    ['missing colon', b64(32), /entry 1 is not in keyId:base64key form/],
    ['bad key id', `bad id:${b64(32)}`, /entry 1: key id must be/],
    ['empty key', 'k1:', /entry 1 \(key id "k1"\): key is empty/],
    ['not base64', 'k1:not*base64!', /key is not valid standard base64/],
    ['short key', `k1:${b64(32)},k2:${b64(16)}`, /entry 2 \(key id "k2"\): key must be exactly 32 bytes after base64 decoding, got 16/],
    ['long key', `k1:${b64(48)}`, /exactly 32 bytes.*got 48/],
    ['duplicate id', `k1:${b64(32)},k1:${b64(32)}`, /entry 2: duplicate key id "k1"/],
  ];
  it.each(cases)('rejects %s with a clear error that never echoes key material', (_name, input, message) => {
    let error: unknown;
    try {
      parsePayloadKeys(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    const msg = (error as Error).message;
    expect(msg).toMatch(message);
    for (const part of input.split(/[,:]/).filter((p) => p.trim().length > 8)) {
      expect(msg).not.toContain(part.trim());
    }
  });
});

describe('failure converter', () => {
  it('moves failure messages and stacks into an encrypted payload', async () => {
    const converter = createDataConverter(parsePayloadKeys(generatePayloadKey('f1')));
    expect(converter.failureConverterPath).toBe(FAILURE_CONVERTER_PATH);
    expect(FAILURE_CONVERTER_PATH).toMatch(/security[\\/]failure-converter\.[jt]s$/);
    const failure = failureConverter.errorToFailure(new Error('Zendesk said: comment 4111 1111 1111 1111 invalid'), defaultPayloadConverter);
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    const attributes = failure.encodedAttributes as Payload;
    expect(text(attributes.data)).toContain('4111 1111');
    const [encrypted] = (await converter.payloadCodecs?.[0]?.encode([attributes])) ?? [];
    expect(text(encrypted?.data)).not.toContain('4111');
    const [decrypted] = (await converter.payloadCodecs?.[0]?.decode([encrypted as Payload])) ?? [];
    const roundTrip = failureConverter.failureToError({ ...failure, encodedAttributes: decrypted }, defaultPayloadConverter);
    expect(roundTrip.message).toContain('Zendesk said');
  });
});
