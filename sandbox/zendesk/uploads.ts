/**
 * Attachment files of the emulator: real bytes, the Uploads API, and Zendesk's download path. A `content_url`
 * on the account's host answers 302 with a signed URL on another origin (Zendesk's storage, like
 * *.zdusercontent.com). That origin, like S3, refuses a request that carries an Authorization header next to its
 * signature, and it records what it received, so tests can check credentials never leave the Zendesk host.
 */
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import { type AddressInfo } from 'node:net';
import { ApiError, badRequest } from './errors';
import type { IAttachment, ZendeskStore } from './store';

/** How long a signed download URL stays valid (Zendesk's are short-lived). */
const SIGNED_URL_TTL_MS = 5 * 60_000;

export interface UploadRecord {
  token: string;
  attachments: IAttachment[];
  expiresAt: number;
}

/** Bytes by attachment token; a redacted attachment gets a new token and so no bytes (an empty redacted.txt). */
export class AttachmentFiles {
  private readonly bytes = new Map<string, Buffer>();
  private readonly uploads = new Map<string, UploadRecord>();

  put(attachment: IAttachment, data: Buffer): void {
    this.bytes.set(attachment.token, data);
  }

  get(token: string): Buffer | undefined {
    return this.bytes.get(token);
  }

  /** POST /uploads: a new upload token, or one more file on an existing one (`token=`). */
  upload(store: ZendeskStore, fileName: string, contentType: string, data: Buffer, token?: string): UploadRecord {
    const existing = token !== undefined ? this.uploads.get(token) : undefined;
    if (token !== undefined && !existing) throw new ApiError(404, { error: 'RecordNotFound', description: 'Not found' });
    const a = store.newRawAttachment(fileName, contentType, data.length);
    this.put(a, data);
    const record = existing ?? { token: randomBytes(12).toString('base64url'), attachments: [], expiresAt: Date.now() + 3 * 86_400_000 };
    record.attachments.push(a);
    this.uploads.set(record.token, record);
    return record;
  }

  /** A comment's `uploads: [token…]`: their attachments, each upload used once. Unknown tokens are ignored, as Zendesk does. */
  take(tokens: unknown): IAttachment[] {
    if (!Array.isArray(tokens)) return [];
    const out: IAttachment[] = [];
    for (const t of tokens) {
      const r = typeof t === 'string' ? this.uploads.get(t) : undefined;
      if (!r || r.expiresAt < Date.now()) continue;
      this.uploads.delete(t as string);
      out.push(...r.attachments);
    }
    return out;
  }

  deleteUpload(token: string): void {
    if (!this.uploads.delete(token)) throw new ApiError(404, { error: 'RecordNotFound', description: 'Not found' });
  }

  reset(): void {
    this.bytes.clear();
    this.uploads.clear();
  }
}

/** What the storage origin saw, for tests: never the bytes. */
export interface StorageRequest {
  path: string;
  authorization: boolean;
  status: number;
}

export interface StorageOrigin {
  url: string;
  /** A signed, expiring URL for an attachment token. */
  sign(token: string, fileName: string): string;
  requests: StorageRequest[];
  close(): Promise<void>;
}

/** The second origin that serves attachment bytes at signed URLs. */
export async function startStorageOrigin(host: string, files: AttachmentFiles, contentTypeOf: (token: string) => string | undefined): Promise<StorageOrigin> {
  const secret = randomBytes(16);
  const sig = (token: string, expires: number): string => createHmac('sha256', secret).update(`${token}.${expires}`).digest('base64url');
  const requests: StorageRequest[] = [];
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://storage');
    const answer = (status: number, body: Buffer | string, type: string): void => {
      requests.push({ path: u.pathname, authorization: req.headers.authorization !== undefined, status });
      res.writeHead(status, { 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)) });
      res.end(body);
    };
    const m = /^\/blob\/([A-Za-z0-9_-]+)\/[^/]*$/.exec(u.pathname);
    if (req.headers.authorization !== undefined) {
      return answer(400, '<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>', 'application/xml');
    }
    const expires = Number(u.searchParams.get('Expires'));
    if (!m || !Number.isFinite(expires) || u.searchParams.get('Signature') !== sig(m[1]!, expires)) {
      return answer(403, '<Error><Code>SignatureDoesNotMatch</Code></Error>', 'application/xml');
    }
    if (expires < Date.now()) return answer(403, '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>', 'application/xml');
    const type = contentTypeOf(m[1]!);
    if (type === undefined) return answer(404, '<Error><Code>NoSuchKey</Code></Error>', 'application/xml');
    answer(200, files.get(m[1]!) ?? Buffer.alloc(0), type);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  // "localhost" rather than the IP the API listens on: another host, so another origin even on the same machine.
  const url = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    sign(token, fileName) {
      const expires = Date.now() + SIGNED_URL_TTL_MS;
      return `${url}/blob/${token}/${encodeURIComponent(fileName)}?Expires=${expires}&Signature=${sig(token, expires)}`;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** POST /api/v2/uploads?filename=…[&token=…]: the binary body becomes an attachment of an upload. */
export function handleUpload(store: ZendeskStore, files: AttachmentFiles, query: Record<string, string>, contentType: string | undefined, body: Buffer): { status: number; body: unknown } {
  const fileName = query.filename;
  if (!fileName) throw badRequest('InvalidParam', 'filename is required');
  const type = contentType && contentType !== 'application/binary' && contentType !== 'application/octet-stream' ? contentType.split(';')[0]!.trim() : guessType(fileName);
  const r = files.upload(store, fileName, type, body, query.token);
  const rendered = r.attachments.map((a) => store.renderAttachment(a));
  return { status: 201, body: { upload: { token: r.token, expires_at: new Date(r.expiresAt).toISOString(), attachments: rendered, attachment: rendered[rendered.length - 1] } } };
}

/** Zendesk guesses the type from the name when the upload says application/binary. */
function guessType(fileName: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  const types: Record<string, string> = {
    png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', tif: 'image/tiff', tiff: 'image/tiff',
    bmp: 'image/bmp', pdf: 'application/pdf', txt: 'text/plain', csv: 'text/csv', html: 'text/html', json: 'application/json', eml: 'message/rfc822',
  };
  return (ext && types[ext]) ?? 'application/octet-stream';
}

/**
 * GET {content_url} on the account's host: 302 to a signed URL on the storage origin. Needs the API user's
 * credentials (the account setting "require authentication to download" on); an unknown token is a 404.
 */
export function attachmentDownload(store: ZendeskStore, storage: StorageOrigin, pathname: string, authenticated: boolean): { status: number; body?: unknown; headers?: Record<string, string> } {
  const m = /^\/attachments\/token\/([A-Za-z0-9_-]+)\/?$/.exec(pathname);
  if (!authenticated) return { status: 401, body: { error: "Couldn't authenticate you" } };
  const a = m ? store.attachmentByToken(m[1]!) : undefined;
  if (!a) return { status: 404, body: { error: 'RecordNotFound', description: 'Not found' } };
  return { status: 302, headers: { Location: storage.sign(a.token, a.fileName) } };
}
