import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { defaultPayloadConverter } from '@temporalio/common';
import { loggablePath, registerCodecRoutes } from '../../../service/codec-server';
import { EncryptionCodec } from '../../../security/codec';

const TOKEN = 'test-codec-token-0123456789abcdef';
const UI = 'http://localhost:8233';

let app: FastifyInstance;
let base: string;
const codec = new EncryptionCodec([{ id: 'k1', key: randomBytes(32) }]);

beforeAll(async () => {
  app = Fastify({ logger: false });
  registerCodecRoutes(app, { codec, authToken: TOKEN, allowedOrigins: [UI, 'http://127.0.0.1:8233/'] });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  base = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await app.close();
});

const toJson = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-namespace': 'default', origin: UI, ...headers },
    body: JSON.stringify(body),
  });

describe('codec server', () => {
  const value = { ticketId: 1, last4: '4242' };
  const plain = { payloads: [toJson(defaultPayloadConverter.toPayload(value))] };

  it('encodes then decodes with a valid token, in the Web UI JSON shape', async () => {
    const encodeRes = await post('/codec/encode', plain, { authorization: `Bearer ${TOKEN}` });
    expect(encodeRes.status).toBe(200);
    expect(encodeRes.headers.get('access-control-allow-origin')).toBe(UI);
    const encoded = (await encodeRes.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> };
    expect(Buffer.from(encoded.payloads[0]?.metadata.encoding ?? '', 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(encoded.payloads[0]?.metadata['encryption-key-id'] ?? '', 'base64').toString()).toBe('k1');
    expect(Buffer.from(encoded.payloads[0]?.data ?? '', 'base64').toString()).not.toContain('4242');

    const decodeRes = await post('/codec/decode', encoded, { authorization: `Bearer ${TOKEN}` });
    expect(decodeRes.status).toBe(200);
    const decoded = (await decodeRes.json()) as typeof plain;
    expect(decoded).toEqual(plain);
    const payload = decoded.payloads[0];
    expect(
      defaultPayloadConverter.fromPayload({
        metadata: Object.fromEntries(Object.entries(payload?.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
        data: Buffer.from(payload?.data ?? '', 'base64'),
      }),
    ).toEqual(value);
  });

  it('decodes the empty result of an activity that returns nothing, and payloads with fields omitted (proto3 JSON)', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    // What the SDK writes for `undefined`: metadata only, no data; encrypted as the worker does.
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(undefined)]);
    const wire = { metadata: Object.fromEntries(Object.entries(encrypted!.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])), data: Buffer.from(encrypted!.data!).toString('base64') };
    const res = await post('/codec/decode', { payloads: [wire, {}, { metadata: {} }, { data: '' }] }, auth);
    expect(res.status).toBe(200);
    const decoded = (await res.json()) as { payloads: Array<{ metadata?: Record<string, string>; data?: string }> };
    expect(decoded.payloads[0]).toEqual({ metadata: { encoding: Buffer.from('binary/null').toString('base64') } });
    expect(decoded.payloads.slice(1)).toEqual([{}, { metadata: {} }, {}]);
    const back = decoded.payloads[0]!;
    expect(defaultPayloadConverter.fromPayload({ metadata: { encoding: Buffer.from(back.metadata!.encoding!, 'base64') } })).toBeUndefined();
    // And encoding an empty payload round-trips too.
    const enc = await post('/codec/encode', { payloads: [{ metadata: { encoding: Buffer.from('binary/null').toString('base64') } }] }, auth);
    expect(enc.status).toBe(200);
    const dec = await post('/codec/decode', await enc.json(), auth);
    expect(await dec.json()).toEqual({ payloads: [{ metadata: { encoding: Buffer.from('binary/null').toString('base64') } }] });
  });

  it('refuses a request without a token', async () => {
    const res = await post('/codec/decode', plain);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await res.json()).toMatchObject({ error: 'unauthorized', message: expect.stringContaining('bearer token') });
  });

  it('refuses a wrong token, including a prefix of the right one and a non-Bearer scheme', async () => {
    for (const authorization of [`Bearer wrong-${TOKEN}`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`, TOKEN]) {
      const res = await post('/codec/encode', plain, { authorization });
      expect(res.status).toBe(401);
    }
  });

  it('accepts the token in the endpoint path (per-browser UI setting) and refuses a wrong one there', async () => {
    const ok = await post(`/codec/t/${TOKEN}/encode`, plain);
    expect(ok.status).toBe(200);
    const encoded = await ok.json();
    expect((await post(`/codec/t/${TOKEN}/decode`, encoded)).status).toBe(200);
    expect((await post(`/codec/t/${TOKEN.slice(0, -1)}/decode`, encoded)).status).toBe(401);
    const preflight = await fetch(`${base}/codec/t/${TOKEN}/decode`, { method: 'OPTIONS', headers: { origin: UI, 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(loggablePath(`/codec/t/${TOKEN}/decode?x=1`)).toBe('/codec/t/<token>/decode');
  });

  it('returns a clear 4xx for a bad body or undecodable payload', async () => {
    const bad = await post('/codec/decode', { nope: true }, { authorization: `Bearer ${TOKEN}` });
    expect(bad.status).toBe(400);
    const unknownKey = {
      payloads: [{ metadata: { encoding: Buffer.from('binary/encrypted').toString('base64'), 'encryption-key-id': Buffer.from('gone').toString('base64') }, data: 'AAAA' }],
    };
    const res = await post('/codec/decode', unknownKey, { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: 'decode_failed', message: expect.stringContaining('"gone"') });
  });

  it.each([UI, 'http://127.0.0.1:8233'])('answers the CORS preflight from allowed origin %s without a token', async (origin) => {
    const res = await fetch(`${base}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace,authorization' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type, x-namespace, authorization, authorization-extras');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('vary')).toContain('Origin');
  });

  // What a browser sends before temporalio/ui's codec request (src/lib/services/data-encoder.ts): header names
  // lower-cased and sorted; Authorization and Authorization-Extras only with "pass access token".
  it.each([
    ['default settings', 'content-type,x-namespace'],
    ['"pass access token"', 'authorization,authorization-extras,content-type,x-namespace'],
  ])('allows every header the Web UI sends with %s, and the decoded answer is never cached', async (_, requested) => {
    const res = await fetch(`${base}/codec/decode?preserveStorageRefs=true`, {
      method: 'OPTIONS',
      headers: { origin: UI, 'access-control-request-method': 'POST', 'access-control-request-headers': requested },
    });
    expect(res.status).toBe(204);
    const allowed = (res.headers.get('access-control-allow-headers') ?? '').split(',').map((h) => h.trim());
    for (const header of requested.split(',')) expect(allowed).toContain(header);
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(res.headers.get('access-control-allow-private-network')).toBeNull();
    const decoded = await post('/codec/encode?preserveStorageRefs=true', plain, { authorization: `Bearer ${TOKEN}` });
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('cache-control')).toBe('no-store');
  });

  it('answers Chrome\'s private-network preflight from an allowed origin', async () => {
    const res = await fetch(`${base}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: UI, 'access-control-request-method': 'POST', 'access-control-request-private-network': 'true' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-private-network')).toBe('true');
  });

  it('gives no allow-origin header to a disallowed origin', async () => {
    for (const origin of ['http://evil.test', 'http://localhost:8234', 'https://localhost:8233']) {
      const res = await fetch(`${base}/codec/encode`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.status).toBe(403);
      const post401 = await post('/codec/decode', plain, { origin, authorization: `Bearer ${TOKEN}` });
      expect(post401.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('rejects unsafe configuration', () => {
    const fresh = Fastify();
    expect(() => registerCodecRoutes(fresh, { codec, authToken: '', allowedOrigins: [UI] })).toThrow(/CODEC_AUTH_TOKEN/);
    expect(() => registerCodecRoutes(fresh, { codec, authToken: TOKEN, allowedOrigins: ['*'] })).toThrow(/"\*" is not allowed/);
    expect(() => registerCodecRoutes(fresh, { codec, authToken: TOKEN, allowedOrigins: ['not a url'] })).toThrow(/invalid CORS origin/);
  });
});
