/**
 * Seeded attachment corpus for the file reader: screenshots, photo-like JPEGs, card faces, text and scanned
 * PDFs, GIF/WebP/TIFF/BMP variants and negatives. Same seed, same files. Text is rendered by sharp (librsvg with
 * Pango) in fonts from Debian packages: fonts-dejavu-core and fonts-liberation2 (.ci/run installs them).
 * Card numbers are generated test numbers (random digits behind public brand prefixes, Luhn-valid).
 */
import sharp from 'sharp';
import { PDFDocument, PDFHexString, PDFName, PDFNumber, StandardFonts } from 'pdf-lib';
import { rng } from '../unit/detection/corpus';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const bmp = require('bmp-js') as { encode(img: { data: Buffer; width: number; height: number }): { data: Buffer } };

export type AttachmentKind = 'screenshot' | 'photo' | 'card_face' | 'text_pdf' | 'scanned_pdf' | 'format_variant' | 'negative';
export const ATTACHMENT_KINDS: readonly AttachmentKind[] = ['screenshot', 'photo', 'card_face', 'text_pdf', 'scanned_pdf', 'format_variant', 'negative'];

export interface CorpusFile {
  name: string;
  kind: AttachmentKind;
  bytes: Buffer;
  /** Full card numbers the file shows (digits only). */
  cards: string[];
  /** Pages (PDF) or 1. */
  pages: number;
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const digits = (r: Rand, n: number): string => Array.from({ length: n }, () => String(int(r, 0, 9))).join('');

function luhnCheck(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** A Luhn-valid number behind a public brand prefix. */
export function testCard(r: Rand): string {
  const [prefix, len] = pick(r, [['4', 16], ['4', 16], ['51', 16], ['55', 16], ['2221', 16], ['37', 15], ['34', 15], ['6011', 16]] as const);
  const body = prefix + digits(r, len - prefix.length - 1);
  return body + luhnCheck(body);
}

/** The number as a customer writes it: groups of 4 (Amex 4-6-5) with spaces or dashes, or plain. */
function written(r: Rand, pan: string): string {
  const sep = pick(r, [' ', ' ', ' ', '-', '']);
  if (pan.length === 15) return [pan.slice(0, 4), pan.slice(4, 10), pan.slice(10)].join(sep);
  return pan.replace(/(\d{4})(?=\d)/g, `$1${sep}`);
}

function luhnFailure(r: Rand): string {
  const pan = testCard(r);
  const last = Number(pan[pan.length - 1]);
  return pan.slice(0, -1) + String((last + int(r, 1, 9)) % 10);
}

const CARD_LINES = [
  (n: string) => `Hi, my card number is ${n}, can you refund it?`,
  (n: string) => `Card: ${n}`,
  (n: string) => `please charge ${n} exp 09/27`,
  (n: string) => `Here it is ${n} thanks`,
  (n: string) => `The payment card ${n} was declined twice`,
  (n: string) => `${n}`,
];
const FILLER = [
  'Thanks for getting back to me so quickly.',
  'Order placed on 12/03/2025 for a total of $149.99',
  'Can you check why I was charged twice this month?',
  'Our support team replied within 2 hours.',
  'Best regards, Jamie',
  'Sent from my iPhone',
  'Subscription renews on 2026-01-15 (annual plan)',
  'Ticket #48213 is still open',
];

/** Lines that look like numbers but are not card numbers: each must give no finding. */
function negativeLine(r: Rand): string {
  const pan = testCard(r);
  const k = int(r, 0, 9);
  switch (k) {
    case 0: return `card ending in ${pan.slice(-4)}`;
    case 1: return `Card: **** **** **** ${pan.slice(-4)}`;
    case 2: return `Card: ${written(r, luhnFailure(r))}`;
    case 3: return `Call us on +1 (415) 555-${digits(r, 4)} or +44 20 7946 ${digits(r, 4)}`;
    case 4: return `Order number 112-${digits(r, 7)}-${digits(r, 7)}`;
    case 5: return `Tracking: 1Z ${digits(r, 3)} ${digits(r, 3)} ${digits(r, 2)} ${digits(r, 4)} ${digits(r, 4)}`;
    case 6: return `IBAN: GB${digits(r, 2)} WEST ${digits(r, 4)} ${digits(r, 4)} ${digits(r, 4)} ${digits(r, 2)}`;
    case 7: return `IMEI: ${digits(r, 15)}`;
    case 8: return `Invoice 2025-${digits(r, 5)}  Total: $${int(r, 10, 9999)}.${digits(r, 2)}  Account no. ${digits(r, 8)}`;
    default: return `Reference ${digits(r, 6)}, amount 1,250.00 EUR, date 03.12.2025`;
  }
}

const FONTS = ['DejaVu Sans', 'DejaVu Serif', 'DejaVu Sans Mono', 'Liberation Sans', 'Liberation Serif', 'Liberation Mono', 'DejaVu Sans Condensed'];

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface TextImage {
  lines: string[];
  font: string;
  size: number;
  dark: boolean;
  width?: number;
}

/** A chat or email screenshot: lines of text in one font, light or dark mode, some in bubbles. */
async function renderText(t: TextImage): Promise<Buffer> {
  const lineH = Math.round(t.size * 1.7);
  const pad = Math.round(t.size * 1.5);
  const longest = Math.max(...t.lines.map((l) => l.length));
  const width = t.width ?? Math.min(1400, Math.round(longest * t.size * 0.62 + pad * 2));
  const height = t.lines.length * lineH + pad * 2;
  const bg = t.dark ? '#1e1f22' : '#ffffff';
  const fg = t.dark ? '#dcddde' : '#1d1c1d';
  const bubble = t.dark ? '#2b2d31' : '#f1f3f5';
  const rows = t.lines
    .map((l, i) => {
      const y = pad + i * lineH;
      const box = i % 2 === 1 ? `<rect x="${pad / 2}" y="${y - 2}" rx="8" width="${width - pad}" height="${lineH}" fill="${bubble}"/>` : '';
      return `${box}<text x="${pad}" y="${y + t.size * 1.15}" font-family="${t.font}" font-size="${t.size}" fill="${fg}">${esc(l)}</text>`;
    })
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${bg}"/>${rows}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

function linesWith(r: Rand, cards: string[], negatives: number): string[] {
  const lines = Array.from({ length: int(r, 1, 3) }, () => pick(r, FILLER));
  for (const c of cards) lines.splice(int(r, 0, lines.length), 0, pick(r, CARD_LINES)(written(r, c)));
  for (let i = 0; i < negatives; i++) lines.splice(int(r, 0, lines.length), 0, negativeLine(r));
  return lines;
}

async function screenshot(r: Rand, cards: string[]): Promise<Buffer> {
  return renderText({ lines: linesWith(r, cards, int(r, 0, 1)), font: pick(r, FONTS), size: int(r, 13, 20), dark: r() < 0.3 });
}

/** Rendered larger, then rotated, blurred, noised, shrunk and saved as a low-quality JPEG. */
async function photo(r: Rand, cards: string[]): Promise<Buffer> {
  const png = await renderText({ lines: linesWith(r, cards, 0), font: pick(r, FONTS.slice(0, 6)), size: int(r, 22, 30), dark: false });
  const angle = (r() * 2 - 1) * 3;
  let img = sharp(png).rotate(angle, { background: '#e8e4dc' }).flatten({ background: '#e8e4dc' });
  const meta = await sharp(await img.png().toBuffer()).metadata();
  const w = meta.width!;
  const h = meta.height!;
  img = sharp(await img.png().toBuffer()).resize(Math.round(w * (0.55 + r() * 0.3)));
  if (r() < 0.7) img = img.blur(0.4 + r() * 0.6);
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  const amp = int(r, 8, 24);
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, data[i]! + Math.round((r() - 0.5) * amp)));
  void h;
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).jpeg({ quality: int(r, 45, 75) }).toBuffer();
}

/** A card face: the number in four groups on a coloured card, name and expiry. */
async function cardFace(r: Rand, pan: string): Promise<Buffer> {
  const colours = ['#1a3d7c', '#0b0b0b', '#7a1f2b', '#2e6b3a', '#c9c9c9', '#d4af37'];
  const bg = pick(r, colours);
  const light = bg === '#c9c9c9' || bg === '#d4af37';
  const fg = light ? '#111111' : '#f2f2f2';
  const groups = pan.length === 15 ? [pan.slice(0, 4), pan.slice(4, 10), pan.slice(10)].join('  ') : pan.replace(/(\d{4})(?=\d)/g, '$1  ');
  const font = pick(r, ['DejaVu Sans Mono', 'Liberation Mono', 'DejaVu Sans']);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="856" height="540">
    <rect width="856" height="540" rx="36" fill="${bg}"/>
    <rect x="80" y="170" width="110" height="80" rx="12" fill="#c8a951"/>
    <text x="70" y="330" font-family="${font}" font-weight="bold" font-size="${int(r, 44, 52)}" fill="${fg}">${groups}</text>
    <text x="70" y="410" font-family="DejaVu Sans" font-size="22" fill="${fg}">VALID THRU ${String(int(r, 1, 12)).padStart(2, '0')}/${int(r, 26, 31)}</text>
    <text x="70" y="470" font-family="DejaVu Sans" font-size="30" fill="${fg}">JAMIE A SAMPLE</text>
  </svg>`;
  const png = await sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).png().toBuffer();
  return r() < 0.5 ? png : sharp(png).resize(int(r, 500, 700)).jpeg({ quality: 80 }).toBuffer();
}

async function textPdf(r: Rand, cards: string[], negatives: number): Promise<{ bytes: Buffer; pages: number }> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(pick(r, [StandardFonts.Helvetica, StandardFonts.TimesRoman, StandardFonts.Courier]));
  const pages = int(r, 1, 4);
  const cardPage = pages === 1 ? 0 : int(r, 1, pages - 1); // multi-page: the number on a later page
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([595, 842]);
    const lines = [`Statement page ${p + 1} of ${pages}`, ...Array.from({ length: int(r, 4, 10) }, () => pick(r, FILLER))];
    if (p === cardPage) for (const c of cards) lines.splice(int(r, 1, lines.length), 0, pick(r, CARD_LINES)(written(r, c)));
    for (let i = 0; i < (p === cardPage ? negatives : 0); i++) lines.splice(int(r, 1, lines.length), 0, negativeLine(r));
    lines.forEach((l, i) => page.drawText(l, { x: 50, y: 780 - i * 20, size: 11, font }));
  }
  return { bytes: Buffer.from(await doc.save()), pages };
}

/** Pages that are images only, as a scanner makes them (JPEG, no text layer). */
async function scannedPdf(r: Rand, cards: string[]): Promise<{ bytes: Buffer; pages: number }> {
  const doc = await PDFDocument.create();
  const pages = int(r, 1, 2);
  const cardPage = pages - 1;
  for (let p = 0; p < pages; p++) {
    const lines = [`Scanned letter, page ${p + 1}`, ...linesWith(r, p === cardPage ? cards : [], 0)];
    const png = await renderText({ lines, font: pick(r, FONTS.slice(0, 6)), size: int(r, 22, 28), dark: false, width: 1240 });
    const jpg = await sharp(png).rotate((r() * 2 - 1) * 1.5, { background: '#ffffff' }).flatten({ background: '#ffffff' }).jpeg({ quality: int(r, 60, 85) }).toBuffer();
    const img = await doc.embedJpg(jpg);
    const page = doc.addPage([595, 842]);
    const w = 595 - 60;
    page.drawImage(img, { x: 30, y: 842 - 40 - (img.height * w) / img.width, width: w, height: (img.height * w) / img.width });
  }
  return { bytes: Buffer.from(await doc.save()), pages };
}

async function variant(r: Rand, cards: string[], format: 'gif' | 'webp' | 'tiff' | 'bmp'): Promise<Buffer> {
  const png = await screenshot(r, cards);
  if (format === 'gif') return sharp(png).gif().toBuffer();
  if (format === 'webp') return sharp(png).webp({ quality: 80 }).toBuffer();
  if (format === 'tiff') return sharp(png).tiff({ compression: 'lzw' }).toBuffer();
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const abgr = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i += 4) {
    abgr[i] = 255;
    abgr[i + 1] = data[i + 2]!;
    abgr[i + 2] = data[i + 1]!;
    abgr[i + 3] = data[i]!;
  }
  return bmp.encode({ data: abgr, width: info.width, height: info.height }).data;
}

export interface CorpusOptions {
  seed?: number;
  /** Files per kind (card faces and scanned PDFs get half). */
  perKind?: number;
  kinds?: readonly AttachmentKind[];
}

export async function buildAttachmentCorpus(opts: CorpusOptions = {}): Promise<CorpusFile[]> {
  const r = rng(opts.seed ?? 13);
  const n = opts.perKind ?? 20;
  const kinds = new Set(opts.kinds ?? ATTACHMENT_KINDS);
  const out: CorpusFile[] = [];
  const cardsFor = (): string[] => (r() < 0.15 ? [testCard(r), testCard(r)] : [testCard(r)]);
  for (let i = 0; i < n; i++) {
    if (kinds.has('screenshot')) {
      const cards = cardsFor();
      out.push({ name: `screenshot-${i}.png`, kind: 'screenshot', bytes: await screenshot(r, cards), cards, pages: 1 });
    }
    if (kinds.has('photo')) {
      const cards = [testCard(r)];
      out.push({ name: `photo-${i}.jpg`, kind: 'photo', bytes: await photo(r, cards), cards, pages: 1 });
    }
    if (kinds.has('card_face') && i % 2 === 0) {
      const pan = testCard(r);
      out.push({ name: `card-${i}.png`, kind: 'card_face', bytes: await cardFace(r, pan), cards: [pan], pages: 1 });
    }
    if (kinds.has('text_pdf')) {
      const cards = cardsFor();
      const pdf = await textPdf(r, cards, int(r, 0, 2));
      out.push({ name: `statement-${i}.pdf`, kind: 'text_pdf', bytes: pdf.bytes, cards, pages: pdf.pages });
    }
    if (kinds.has('scanned_pdf') && i % 2 === 0) {
      const cards = [testCard(r)];
      const pdf = await scannedPdf(r, cards);
      out.push({ name: `scan-${i}.pdf`, kind: 'scanned_pdf', bytes: pdf.bytes, cards, pages: pdf.pages });
    }
    if (kinds.has('format_variant')) {
      const format = (['gif', 'webp', 'tiff', 'bmp'] as const)[i % 4]!;
      const cards = [testCard(r)];
      out.push({ name: `variant-${i}.${format}`, kind: 'format_variant', bytes: await variant(r, cards, format), cards, pages: 1 });
    }
    if (kinds.has('negative')) {
      const lines = [...Array.from({ length: int(r, 1, 2) }, () => pick(r, FILLER)), ...Array.from({ length: int(r, 2, 4) }, () => negativeLine(r))];
      if (i % 3 === 2) {
        const doc = await PDFDocument.create();
        const font = await doc.embedFont(StandardFonts.Helvetica);
        const page = doc.addPage([595, 842]);
        lines.forEach((l, k) => page.drawText(l, { x: 50, y: 780 - k * 20, size: 11, font }));
        out.push({ name: `invoice-${i}.pdf`, kind: 'negative', bytes: Buffer.from(await doc.save()), cards: [], pages: 1 });
      } else {
        const png = await renderText({ lines, font: pick(r, FONTS), size: int(r, 13, 20), dark: r() < 0.3 });
        out.push({ name: `negative-${i}.png`, kind: 'negative', bytes: png, cards: [], pages: 1 });
      }
    }
  }
  return out;
}

/** A PDF that needs a password: a Standard security handler whose user password is not the empty one. */
export async function encryptedPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([300, 300]).drawText('statement', { x: 20, y: 200, size: 12, font });
  const enc = doc.context.obj({
    Filter: PDFName.of('Standard'), V: PDFNumber.of(1), R: PDFNumber.of(2), Length: PDFNumber.of(40), P: PDFNumber.of(-4),
    O: PDFHexString.of('11'.repeat(32)), U: PDFHexString.of('22'.repeat(32)),
  });
  doc.context.trailerInfo.Encrypt = doc.context.register(enc);
  doc.context.trailerInfo.ID = doc.context.obj([PDFHexString.of('ab'.repeat(16)), PDFHexString.of('ab'.repeat(16))]);
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** A PDF of `pages` text pages, the card on the last one. */
export async function longPdf(pages: number, pan: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let p = 1; p <= pages; p++) doc.addPage([300, 300]).drawText(p === pages ? `Card ${pan}` : `Page ${p} of the statement`, { x: 20, y: 200, size: 12, font });
  return Buffer.from(await doc.save());
}

/** A screenshot of chat text (PNG) showing `lines`. */
export function chatScreenshot(lines: string[], dark = false): Promise<Buffer> {
  return renderText({ lines, font: 'DejaVu Sans', size: 16, dark });
}
