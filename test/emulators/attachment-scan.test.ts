// activities/attachment-scan.ts against the Zendesk emulator: files attached through the Uploads API by the real
// node-zendesk client, read back through content_url's redirect, turned into references only.
import { Readable } from 'node:stream';
import { createAttachmentScanner, type AttachmentScanner } from '../../activities/attachment-scan';
import { fingerprintCard } from '../../security/fingerprint';
import { assertNoLeak, MASTERCARD, spaced, VISA } from '../helpers/cards';
import { chatScreenshot, encryptedPdf, longPdf } from '../corpus/attachments';
import { type Any, type Env, startEnv } from './zendesk/helpers';

const KEY = 'emulator-test-fingerprint-key-0123456789';
let env: Env;
let scanner: AttachmentScanner;

beforeAll(async () => {
  env = await startEnv();
  scanner = createAttachmentScanner({ zendeskUrl: env.sb.url, email: env.sb.email, token: env.sb.token, fingerprintKey: KEY, limits: { maxPages: 3, maxBytes: 5_000_000 } });
});
afterAll(async () => {
  await scanner.close();
  await env.sb.close();
});

async function upload(bytes: Buffer, filename: string, token?: string): Promise<string> {
  const up = (await env.zd.attachments.upload(Readable.from([bytes]) as unknown as Buffer, { filename, binary: true, ...(token ? { token } : {}) })) as Any;
  return (up.upload?.token ?? up.token) as string;
}

test('a card photo, a statement, an encrypted PDF and a zip: findings as references, the rest not scanned with reasons', async () => {
  let token = await upload(await chatScreenshot(['Here is my card', spaced(MASTERCARD)]), 'receipt.png');
  token = await upload(await longPdf(2, spaced(VISA)), `statement ${VISA}.pdf`, token);
  token = await upload(await encryptedPdf(), 'locked.pdf', token);
  token = await upload(Buffer.concat([Buffer.from('504b0304', 'hex'), Buffer.alloc(100, 1)]), 'photos.zip', token);
  token = await upload(await longPdf(5, spaced(VISA)), 'long.pdf', token);
  const created = (await env.zd.tickets.create({ ticket: { subject: 'refund', comment: { body: 'files attached', uploads: [token] } } } as Any)) as Any;
  const comments = await env.api.listComments((created.result ?? created).id);
  const c = comments[0]!;
  const id = (name: string): number => c.attachments.find((a) => a.file_name === name)!.id;

  const scan = await scanner.scanAttachments(comments);
  expect(scan.findings).toEqual([
    { commentId: c.id, attachmentId: id('receipt.png'), fileName: 'receipt.png', page: 1, last4: '4444', brand: 'mastercard', fingerprint: fingerprintCard(KEY, MASTERCARD), confidence: expect.any(Number), lowConfidence: false },
    // The card in the name is masked; the statement's card is on page 2.
    { commentId: c.id, attachmentId: id(`statement ${VISA}.pdf`), fileName: 'statement [card ••••1111].pdf', page: 2, last4: '1111', brand: 'visa', fingerprint: fingerprintCard(KEY, VISA), confidence: 100, lowConfidence: false },
  ]);
  expect(scan.findings[0]!.confidence).toBeGreaterThanOrEqual(80);
  expect(scan.notScanned).toEqual([
    { commentId: c.id, attachmentId: id('locked.pdf'), fileName: 'locked.pdf', reason: 'encrypted_pdf', detail: 'the PDF needs a password' },
    { commentId: c.id, attachmentId: id('photos.zip'), fileName: 'photos.zip', reason: 'unsupported_type', detail: 'application/zip' },
    { commentId: c.id, attachmentId: id('long.pdf'), fileName: 'long.pdf', reason: 'too_many_pages', detail: 'pages 4–5 not read (limit 3)' },
  ]);
  expect(scan.scanned).toBe(3);
  assertNoLeak(JSON.stringify(scan), [VISA, MASTERCARD], 'the scan result');
  // Credentials went to the Zendesk host only: the storage origin saw none.
  expect(env.sb.storage.requests.length).toBe(5);
  expect(env.sb.storage.requests.every((r) => !r.authorization && r.status === 200)).toBe(true);
});

test('an attachment Zendesk reports as too large is not downloaded; a redacted file is skipped', async () => {
  const s = await env.sb.control.seedTicket({ comments: [{ body: 'x', attachments: [{ file_name: 'huge.png', content_type: 'image/png', size: 9_000_000 }, { file_name: 'redacted.txt', size: 0 }] }] });
  const before = env.sb.storage.requests.length;
  const scan = await scanner.scanAttachments(s.comments);
  expect(scan.notScanned).toEqual([expect.objectContaining({ fileName: 'huge.png', reason: 'too_large' })]);
  expect(scan.findings).toEqual([]);
  expect(env.sb.storage.requests.length).toBe(before);
});
