// AES-256-GCM payload codec: everything we put into Temporal (inputs, results, signals, failures' details)
// is encrypted before it leaves the process, so Temporal's database and Web UI only see ciphertext.
// Wire format matches temporalio/samples-typescript `encryption/`: data = IV(12) || ciphertext || tag(16),
// the plaintext being the whole original Payload proto (metadata included).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  METADATA_ENCODING_KEY,
  ValueError,
  type DataConverter,
  type Payload,
  type PayloadCodec,
} from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { maskCardNumbers } from './mask';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_ENCRYPTION_KEY_ID = 'encryption-key-id';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
// Key ids travel unencrypted in payload metadata and appear in error messages, so keep them boring.
const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface PayloadKey {
  /** Stored in clear in each payload's metadata; never secret. */
  readonly id: string;
  /** 32 raw bytes. */
  readonly key: Buffer;
}

/** Key material is non-enumerable so logging or JSON-serializing a PayloadKey (or the config) cannot print it. */
export function payloadKey(id: string, key: Buffer): PayloadKey {
  const result = { id } as PayloadKey;
  Object.defineProperty(result, 'key', { value: key, enumerable: false });
  return result;
}

/**
 * Parses `PAYLOAD_KEYS` = `keyId:base64key[,keyId:base64key...]`. The first key encrypts, all keys decrypt.
 * Errors name the entry and the problem but never include key material (an unparseable entry might be a key).
 */
export function parsePayloadKeys(value: string): PayloadKey[] {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error('PAYLOAD_KEYS is empty: expected keyId:base64key[,keyId:base64key...] (generate a key with `openssl rand -base64 32`)');
  }
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const keys: PayloadKey[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const where = `PAYLOAD_KEYS entry ${index + 1}`;
    const colon = entry.indexOf(':');
    if (colon < 0) {
      throw new Error(`${where} is not in keyId:base64key form (missing ':')`);
    }
    const id = entry.slice(0, colon).trim();
    const encoded = entry.slice(colon + 1).trim();
    if (!KEY_ID_PATTERN.test(id)) {
      throw new Error(`${where}: key id must be 1-64 characters of letters, digits, '.', '_' or '-'`);
    }
    if (seen.has(id)) {
      throw new Error(`${where}: duplicate key id "${id}"`);
    }
    if (encoded === '') {
      throw new Error(`${where} (key id "${id}"): key is empty`);
    }
    if (!BASE64_PATTERN.test(encoded)) {
      throw new Error(`${where} (key id "${id}"): key is not valid standard base64`);
    }
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== KEY_BYTES) {
      throw new Error(`${where} (key id "${id}"): key must be exactly ${KEY_BYTES} bytes after base64 decoding, got ${key.length}`);
    }
    seen.add(id);
    keys.push(payloadKey(id, key));
  });
  if (keys.length === 0) {
    throw new Error('PAYLOAD_KEYS contains no keys: expected keyId:base64key[,keyId:base64key...]');
  }
  return keys;
}

/** A fresh `keyId:base64key` entry for PAYLOAD_KEYS (dev convenience; production keys: `openssl rand -base64 32`). */
export function generatePayloadKey(keyId = `dev-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`): string {
  if (!KEY_ID_PATTERN.test(keyId)) {
    throw new Error("key id must be 1-64 characters of letters, digits, '.', '_' or '-'");
  }
  return `${keyId}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');
const text = (bytes: Uint8Array | null | undefined): string | undefined =>
  bytes == null ? undefined : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');

export class EncryptionCodec implements PayloadCodec {
  // Private fields stay out of util.inspect/JSON, so logging the codec cannot print keys.
  readonly #keys = new Map<string, Buffer>();
  readonly #encryptKeyId: string;

  constructor(keys: readonly PayloadKey[]) {
    const first = keys[0];
    if (!first) throw new Error('EncryptionCodec needs at least one key');
    for (const { id, key } of keys) {
      if (!KEY_ID_PATTERN.test(id)) throw new Error("key id must be 1-64 characters of letters, digits, '.', '_' or '-'");
      if (key.length !== KEY_BYTES) throw new Error(`key "${id}" must be exactly ${KEY_BYTES} bytes, got ${key.length}`);
      if (this.#keys.has(id)) throw new Error(`duplicate key id "${id}"`);
      this.#keys.set(id, Buffer.from(key));
    }
    this.#encryptKeyId = first.id;
  }

  /** Id of the key new payloads are encrypted with. */
  get encryptKeyId(): string {
    return this.#encryptKeyId;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const id = this.#encryptKeyId;
    const key = this.#keys.get(id) as Buffer;
    return payloads.map((payload) => {
      const plaintext = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      const data = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [METADATA_ENCRYPTION_KEY_ID]: utf8(id) },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
      const id = text(payload.metadata?.[METADATA_ENCRYPTION_KEY_ID]);
      if (!id) throw new ValueError('Cannot decrypt payload: metadata has no encryption-key-id');
      const key = this.#keys.get(id);
      if (!key) {
        // Key ids are validated on the way in, but this one came from the wire: print it escaped and bounded.
        throw new ValueError(
          `Cannot decrypt payload: unknown encryption key id ${maskCardNumbers(JSON.stringify(id.slice(0, 64)))} (not in PAYLOAD_KEYS)`,
        );
      }
      const data = payload.data;
      if (!data || data.length < IV_BYTES + TAG_BYTES) {
        throw new ValueError(`Cannot decrypt payload (key id "${id}"): data is missing or too short`);
      }
      const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      let plaintext: Buffer;
      try {
        const decipher = createDecipheriv(ALGORITHM, key, buf.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
        decipher.setAuthTag(buf.subarray(buf.length - TAG_BYTES));
        plaintext = Buffer.concat([decipher.update(buf.subarray(IV_BYTES, buf.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new ValueError(`Cannot decrypt payload (key id "${id}"): authentication failed (tampered data or wrong key)`);
      }
      return temporal.api.common.v1.Payload.decode(plaintext);
    });
  }
}

/**
 * Path for `bundleWorkflowCode({ failureConverterPath: FAILURE_CONVERTER_PATH })`: a prebuilt `workflowBundle`
 * ignores the data converter's path, and failures raised in workflow code would keep plaintext messages.
 */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/**
 * Same converter on client and worker: `new Client({ dataConverter })`, `Worker.create({ dataConverter })`.
 * Payloads are encrypted; failure messages and stack traces are moved into an (encrypted) payload too.
 */
export function createDataConverter(keys: readonly PayloadKey[]): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keys)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
