// Attachments with real bytes in the Zendesk emulator, driven by the real node-zendesk client: the Uploads API,
// comments with `uploads`, content_url's redirect to a signed URL on a second origin, and attachment redaction.
import { Readable } from 'node:stream';
import { downloadAttachment } from '../../files';
import { type Any, basicAuth, raw, useEnv } from './zendesk/helpers';

const env = useEnv();
const PNG_BYTES = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'); // a PNG signature and header start

beforeEach(() => {
  env.sb.storage.requests.length = 0;
});

async function uploadAndComment(bytes: Buffer, filename: string): Promise<{ ticketId: number; comment: Any }> {
  const up = (await env.zd.attachments.upload(Readable.from([bytes]) as unknown as Buffer, { filename, binary: true })) as Any;
  const token = up.upload?.token ?? up.token;
  expect(typeof token).toBe('string');
  const t = (await env.zd.tickets.create({ ticket: { subject: 'receipt', comment: { body: 'see attached', uploads: [token] } } } as Any)) as Any;
  const ticketId = (t.result ?? t).id as number;
  const comments = (await env.zd.tickets.getComments(ticketId)) as Any[];
  return { ticketId, comment: comments[0] };
}

const download = (url: string, maxBytes = 1 << 20): ReturnType<typeof downloadAttachment> =>
  downloadAttachment(url, { zendeskUrl: env.sb.url, authorization: basicAuth(env.sb.email, env.sb.token), maxBytes, timeoutMs: 5000 });

describe('Uploads API', () => {
  test('POST /uploads answers 201 with a token; a comment with uploads carries the file', async () => {
    const { comment } = await uploadAndComment(PNG_BYTES, 'receipt.png');
    expect(comment.attachments).toHaveLength(1);
    expect(comment.attachments[0]).toMatchObject({ file_name: 'receipt.png', content_type: 'image/png', size: PNG_BYTES.length });
  });

  test('a second file joins an upload by its token; no filename is a 400, an unknown token a 404', async () => {
    const first = await raw(env.sb, 'POST', '/api/v2/uploads.json?filename=a.txt', undefined);
    expect(first.status).toBe(201);
    const second = await fetch(`${env.sb.url}/api/v2/uploads.json?filename=b.txt&token=${first.json.upload.token}`, {
      method: 'POST',
      headers: { Authorization: basicAuth(env.sb.email, env.sb.token), 'Content-Type': 'text/plain' },
      body: 'hello',
    });
    const body = (await second.json()) as Any;
    expect(second.status).toBe(201);
    expect(body.upload.attachments.map((a: Any) => a.file_name)).toEqual(['a.txt', 'b.txt']);
    const missing = await raw(env.sb, 'POST', '/api/v2/uploads.json');
    expect(missing.status).toBe(400);
    const unknown = await raw(env.sb, 'POST', '/api/v2/uploads.json?filename=c.txt&token=nope');
    expect(unknown.status).toBe(404);
  });
});

describe('content_url', () => {
  test('redirects to a signed URL on another origin; the download never sends credentials there', async () => {
    const { comment } = await uploadAndComment(PNG_BYTES, 'receipt.png');
    const url = comment.attachments[0].content_url as string;
    expect(new URL(url).origin).toBe(new URL(env.sb.url).origin);
    const first = await fetch(url, { headers: { Authorization: basicAuth(env.sb.email, env.sb.token) }, redirect: 'manual' });
    expect(first.status).toBe(302);
    const location = first.headers.get('location')!;
    expect(new URL(location).origin).not.toBe(new URL(env.sb.url).origin);

    const dl = await download(url);
    expect(dl).toEqual({ bytes: PNG_BYTES });
    expect(env.sb.storage.requests.map((r) => [r.status, r.authorization])).toEqual([[200, false]]);
  });

  test('the storage origin refuses a request carrying Authorization, as S3 does', async () => {
    const { comment } = await uploadAndComment(PNG_BYTES, 'receipt.png');
    const first = await fetch(comment.attachments[0].content_url, { headers: { Authorization: basicAuth(env.sb.email, env.sb.token) }, redirect: 'manual' });
    const r = await fetch(first.headers.get('location')!, { headers: { Authorization: basicAuth(env.sb.email, env.sb.token) } });
    expect(r.status).toBe(400);
    const tampered = await fetch(first.headers.get('location')!.replace(/Signature=[^&]+/, 'Signature=x'));
    expect(tampered.status).toBe(403);
  });

  test('needs credentials on the Zendesk host; an unknown token is a 404', async () => {
    const { comment } = await uploadAndComment(PNG_BYTES, 'receipt.png');
    expect((await fetch(comment.attachments[0].content_url, { redirect: 'manual' })).status).toBe(401);
    const dl = await download(`${env.sb.url}/attachments/token/nope/?name=x.png`);
    expect(dl).toEqual({ notScanned: 'download_failed', detail: 'HTTP 404' });
  });

  test('a file over the byte limit is not downloaded whole', async () => {
    const { comment } = await uploadAndComment(Buffer.alloc(4096, 1), 'big.bin');
    expect(await download(comment.attachments[0].content_url, 1000)).toMatchObject({ notScanned: 'too_large' });
  });

  test('seeding through the control API can carry bytes too', async () => {
    const s = await env.sb.control.seedTicket({ comments: [{ body: 'file', attachments: [{ file_name: 'r.png', content_type: 'image/png', content_base64: PNG_BYTES.toString('base64') }] }] });
    const a = s.comments[0]!.attachments[0]!;
    expect(a.size).toBe(PNG_BYTES.length);
    expect(await download(a.content_url)).toEqual({ bytes: PNG_BYTES });
  });
});

describe('attachment redaction', () => {
  test('replaces the file by an empty redacted.txt; the old content_url is gone', async () => {
    const { ticketId, comment } = await uploadAndComment(PNG_BYTES, 'card.png');
    const a = comment.attachments[0];
    const r = await env.api.redactAttachment(ticketId, comment.id, a.id);
    expect(r).toMatchObject({ file_name: 'redacted.txt', size: 0 });
    expect(await download(a.content_url)).toEqual({ notScanned: 'download_failed', detail: 'HTTP 404' });
    expect(await download(r.content_url)).toEqual({ bytes: Buffer.alloc(0) });
  });
});
