/** files/: the reader on a small slice of the seeded attachment corpus, and every "not scanned" reason. */
import { deflateSync } from 'node:zlib';
import { pageFindings } from '../../../activities/attachment-scan';
import { createFileReader, type FileReader } from '../../../files';
import { sniffType } from '../../../files/sniff';
import { fingerprintCard } from '../../../security/fingerprint';
import { spaced, VISA } from '../../helpers/cards';
import { buildAttachmentCorpus, chatScreenshot, encryptedPdf, longPdf, type CorpusFile } from '../../corpus/attachments';

const KEY = 'unit-test-fingerprint-key-0123456789';
let reader: FileReader;
let corpus: CorpusFile[];

beforeAll(async () => {
  reader = createFileReader({ concurrency: 2, maxPages: 5, timeoutMs: 60_000 });
  const all = await buildAttachmentCorpus({ seed: 7, perKind: 2, kinds: ['screenshot', 'text_pdf', 'scanned_pdf', 'format_variant', 'negative'] });
  // A few of each: CI time stays small; the benchmark reads the whole corpus.
  corpus = [all.find((f) => f.kind === 'screenshot')!, all.find((f) => f.kind === 'text_pdf' && f.pages > 1)!, all.find((f) => f.kind === 'scanned_pdf' && f.pages === 1) ?? all.find((f) => f.kind === 'scanned_pdf')!,
    all.find((f) => f.name.endsWith('.gif'))!, all.find((f) => f.kind === 'negative')!];
});
afterAll(async () => {
  await reader.close();
});

const fingerprints = async (bytes: Buffer): Promise<string[]> => {
  const r = await reader.read(bytes);
  if (r.notScanned) throw new Error(`not scanned: ${r.notScanned}`);
  return r.pages.flatMap((p) => pageFindings(KEY, p)).map((f) => f.fingerprint).sort();
};

test('finds exactly the corpus cards in a screenshot, a multi-page text PDF, a scanned PDF and a GIF; none in a negative', async () => {
  const results = await Promise.all(corpus.map(async (f) => [f.name, await reader.withSlot(() => fingerprints(f.bytes))] as const));
  for (const [name, got] of results) {
    const file = corpus.find((f) => f.name === name)!;
    expect({ name, got }).toEqual({ name, got: file.cards.map((c) => fingerprintCard(KEY, c)).sort() });
  }
});

test('a dark-mode screenshot is read; OCR pages carry word confidences', async () => {
  const r = await reader.read(await chatScreenshot(['my card', spaced(VISA)], true));
  expect(r.kind).toBe('png');
  const page = r.pages![0]!;
  expect(page).toMatchObject({ page: 1, source: 'ocr' });
  expect(page.words!.length).toBeGreaterThan(2);
  expect(pageFindings(KEY, page)).toEqual([expect.objectContaining({ last4: '1111', brand: 'visa', fingerprint: fingerprintCard(KEY, VISA) })]);
});

test('a PDF longer than the page bound reads its first pages and says how many it skipped', async () => {
  const r = await reader.read(await longPdf(7, spaced(VISA)));
  expect(r.pages!.map((p) => p.page)).toEqual([1, 2, 3, 4, 5]);
  expect(r.skippedPages).toBe(2);
});

test('text-like files are read as text, HTML with markup skipped', async () => {
  const csv = await reader.read(Buffer.from(`id,card\n1,${spaced(VISA, '-')}\n`));
  expect(csv.kind).toBe('text');
  expect(pageFindings(KEY, csv.pages![0]!)).toHaveLength(1);
  const html = await reader.read(Buffer.from(`<!DOCTYPE html><html><body><p>card <b>${VISA.slice(0, 8)}</b>${VISA.slice(8)}</p></body></html>`));
  expect(html.kind).toBe('html');
  expect(pageFindings(KEY, html.pages![0]!)).toHaveLength(1);
});

describe('not scanned, with the reason', () => {
  test('an encrypted PDF', async () => {
    expect(await reader.read(await encryptedPdf())).toEqual({ notScanned: 'encrypted_pdf', detail: 'the PDF needs a password' });
  });

  test('a file over the byte limit', async () => {
    const small = createFileReader({ maxBytes: 1000 });
    expect(await small.read(Buffer.alloc(1001, 0x41))).toMatchObject({ notScanned: 'too_large' });
    await small.close();
  });

  test('an unsupported type, sniffed from the bytes', async () => {
    const zip = Buffer.concat([Buffer.from('504b0304', 'hex'), Buffer.alloc(200, 1)]);
    expect(await reader.read(zip)).toMatchObject({ notScanned: 'unsupported_type', detail: 'application/zip' });
    expect(await reader.read(Buffer.concat([Buffer.alloc(100, 0), deflateSync(Buffer.alloc(1000, 7))]))).toMatchObject({ notScanned: 'unsupported_type' });
  });

  test('a file that claims a type it is not', async () => {
    const broken = (await chatScreenshot([spaced(VISA)])).subarray(0, 120); // a PNG cut short
    expect(await reader.read(broken)).toMatchObject({ notScanned: 'unreadable' });
    expect(await reader.read(Buffer.from('%PDF-1.7\n% garbage\u0000\u0001'))).toMatchObject({ notScanned: 'unreadable' });
  });

  test('OCR past the time bound', async () => {
    const hurried = createFileReader({ timeoutMs: 1 });
    expect(await hurried.read(await chatScreenshot([spaced(VISA)]))).toMatchObject({ notScanned: 'ocr_timeout' });
    await hurried.close();
  });
});

test('the type comes from the bytes, not the name', async () => {
  expect(await sniffType(await chatScreenshot(['x']))).toEqual({ kind: 'png' });
  expect(await sniffType(Buffer.from('%PDF-1.4\n'))).toEqual({ kind: 'pdf' });
  expect(await sniffType(Buffer.from('From: a@b.c\nSubject: hi\n\nbody'))).toEqual({ kind: 'text' });
});
