// Codec endpoint for the Temporal Web UI and CLI: decrypts/encrypts payloads so operators can read
// workflow history. It only ever reveals what workflows carry (ids, offsets, last 4, fingerprints; never PANs).
//
// Point the UI at `<base>/codec` (it appends /decode and /encode) on the UI's side (`temporal server start-dev
// --ui-codec-endpoint`, UI env TEMPORAL_CODEC_ENDPOINT): a per-browser setting applies only after a reload. CLI:
// `temporal workflow show --codec-endpoint https://host/codec --codec-auth "Bearer <token>"`.
// Authentication: the UI sends `Authorization: Bearer <token>` only when "pass access token" is on AND the
// endpoint is https, so operators serve this over https behind an authenticating proxy that adds the header,
// or the endpoint is `<base>/codec/t/<CODEC_AUTH_TOKEN>`: npm start gives it to its loopback-only UI; elsewhere
// an authorised operator sets it in their own browser (a UI endpoint without the token shows ciphertext).
// The X-Namespace header is ignored: one key set serves every namespace of this service.
// Headers the UI sends (temporalio/ui src/lib/services/data-encoder.ts): Content-Type and X-Namespace always,
// Authorization and Authorization-Extras (the OIDC id token) with "pass access token"; cookies with "include
// cross-origin credentials". The preflight allows exactly these.
import { createHash, timingSafeEqual } from 'node:crypto';
import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { type Payload, type PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { maskCardNumbers } from '../security/mask';

export interface CodecRoutesOptions {
  codec: PayloadCodec;
  /** CODEC_AUTH_TOKEN; required on every POST as `Authorization: Bearer <token>`. */
  authToken: string;
  /** Exact UI origins, e.g. `http://localhost:8233` (which differs from `http://127.0.0.1:8233`). */
  allowedOrigins: string[];
}

// proto3 JSON form of Payload: every bytes field base64.
const jsonPayload = z.object({
  metadata: z.record(z.string(), z.string()).nullish(),
  data: z.string().nullish(),
});
const body = z.object({ payloads: z.array(jsonPayload).max(10_000) });
type JsonPayload = z.infer<typeof jsonPayload>;

const fromJson = ({ metadata, data }: JsonPayload): Payload => ({
  metadata: metadata ? Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])) : undefined,
  data: data ? Buffer.from(data, 'base64') : undefined,
});

// A payload decoded from protobuf keeps protobufjs' default for absent bytes, a plain empty Array, not a
// Uint8Array: the null payload of an activity that returns nothing has no data. Accept any array-like.
const b64 = (bytes: ArrayLike<number>): string =>
  (bytes instanceof Uint8Array ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : Buffer.from(Array.from(bytes))).toString('base64');
// proto3 JSON omits empty fields, as the UI and CLI do.
const toJson = ({ metadata, data }: Payload): JsonPayload => ({
  ...(metadata ? { metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, b64(v ?? [])])) } : {}),
  ...(data && data.length > 0 ? { data: b64(data) } : {}),
});

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

function normaliseOrigin(origin: string): string {
  if (origin.trim() === '*') throw new Error('codec server: "*" is not allowed as a CORS origin; list the UI origins');
  let url: URL;
  try {
    url = new URL(origin.trim());
  } catch {
    throw new Error(`codec server: invalid CORS origin ${JSON.stringify(origin)}`);
  }
  return url.origin;
}

const ALLOWED_HEADERS = 'content-type, x-namespace, authorization, authorization-extras';

// 4 MB gRPC messages become ~5.4 MB of base64; leave room for JSON framing.
const BODY_LIMIT = 8 * 1024 * 1024;

export function registerCodecRoutes(app: FastifyInstance, opts: CodecRoutesOptions): void {
  if (!opts.authToken || opts.authToken.length < 16) {
    throw new Error('codec server: CODEC_AUTH_TOKEN must be set (at least 16 characters, e.g. `openssl rand -hex 32`)');
  }
  const expected = digest(opts.authToken);
  const origins = new Set(opts.allowedOrigins.map(normaliseOrigin));

  const allowedOrigin = (request: FastifyRequest): string | undefined => {
    const origin = request.headers.origin;
    return typeof origin === 'string' && origins.has(origin) ? origin : undefined;
  };

  const cors = (request: FastifyRequest, reply: FastifyReply): void => {
    reply.header('Vary', 'Origin');
    // Decoded payloads stay out of browser and proxy caches.
    reply.header('Cache-Control', 'no-store');
    const origin = allowedOrigin(request);
    if (!origin) return;
    reply.header('Access-Control-Allow-Origin', origin);
    reply.header('Access-Control-Allow-Credentials', 'true');
  };

  // Comparing fixed-length digests keeps the comparison constant-time and hides the token length.
  const authorised = (request: FastifyRequest): boolean => {
    const inPath = (request.params as { token?: unknown } | undefined)?.token;
    if (typeof inPath === 'string') return timingSafeEqual(digest(inPath), expected);
    const header = request.headers.authorization;
    if (typeof header !== 'string') return false;
    const match = /^Bearer[ \t]+(\S+)\s*$/i.exec(header);
    return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected);
  };

  const preflight = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    cors(request, reply);
    if (request.headers.origin !== undefined && !allowedOrigin(request)) {
      await reply.code(403).send({ error: 'forbidden', message: 'Origin not allowed for the codec endpoint' });
      return;
    }
    reply.header('Access-Control-Allow-Methods', 'POST, OPTIONS');
    reply.header('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    // Chrome asks before a public page calls a private address (e.g. a hosted UI and this endpoint on a LAN).
    if (request.headers['access-control-request-private-network'] === 'true') reply.header('Access-Control-Allow-Private-Network', 'true');
    reply.header('Access-Control-Max-Age', '600');
    await reply.code(204).send();
  };

  // Runs before the body is read, so unauthenticated callers cannot make us parse megabytes.
  const authenticate = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    cors(request, reply);
    if (authorised(request)) return;
    reply.header('WWW-Authenticate', 'Bearer');
    await reply.code(401).send({
      error: 'unauthorized',
      message: 'Missing or invalid bearer token: send Authorization: Bearer <CODEC_AUTH_TOKEN>',
    });
  };

  const handler =
    (operation: 'encode' | 'decode') =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      const parsed = body.safeParse(request.body);
      if (!parsed.success) {
        await reply.code(400).send({ error: 'bad_request', message: 'Expected JSON body { payloads: [{ metadata?: {key: base64}, data?: base64 }] }' });
        return;
      }
      try {
        const payloads = parsed.data.payloads.map(fromJson);
        const result = operation === 'decode' ? await opts.codec.decode(payloads) : await opts.codec.encode(payloads);
        await reply.code(200).send({ payloads: result.map(toJson) });
      } catch (err) {
        // Codec errors name key ids and causes only; masked anyway since they are echoed to the caller.
        const message = maskCardNumbers(err instanceof Error ? err.message : String(err));
        request.log.warn({ operation, message }, 'codec request failed');
        await reply.code(422).send({ error: `${operation}_failed`, message });
      }
    };

  for (const operation of ['decode', 'encode'] as const) {
    for (const url of [`/codec/${operation}`, `/codec/t/:token/${operation}`]) {
      app.options(url, preflight);
      app.post(url, { bodyLimit: BODY_LIMIT, onRequest: authenticate }, handler(operation));
    }
  }
}

/** Request paths for logs: a codec token in the path never reaches a log line. */
export function loggablePath(url: string): string {
  return url.split('?')[0]!.replace(/^\/codec\/t\/[^/]+/, '/codec/t/<token>');
}
