/**
 * Prepares an image for OCR with sharp (libvips): first frame/page, EXIF rotation, grayscale, dark mode turned
 * light, small images upscaled (tesseract reads best with letters ≥ 20 px high), contrast stretched. BMP, which
 * libvips does not read, is decoded with bmp-js (the decoder tesseract.js itself depends on).
 */
import sharp, { type Sharp } from 'sharp';
import { type FileKind } from './types';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const bmp = require('bmp-js') as { decode(b: Buffer): { width: number; height: number; data: Buffer } };

/** Images narrower than this are upscaled; screenshots of chat text are usually 14–16 px fonts. */
const UPSCALE_BELOW_WIDTH = 1400;
const MAX_SCALE = 3;
/** Pixels above this are downscaled first: a 48-megapixel phone photo gains nothing over 12 MP for text. */
const MAX_PIXELS = 12_000_000;
/** Mean grey level below which the image is taken for light text on a dark background. */
const DARK_MEAN = 110;

export async function imageFrames(bytes: Buffer, kind: FileKind, maxFrames: number): Promise<number> {
  if (kind !== 'tiff') return 1;
  const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  return Math.min(meta.pages ?? 1, maxFrames);
}

/** A grayscale PNG ready for tesseract, of frame `page` (0-based; TIFF pages, GIF's first frame). */
export async function prepareForOcr(bytes: Buffer, kind: FileKind, page = 0): Promise<Buffer> {
  let img: Sharp;
  if (kind === 'bmp') {
    const d = bmp.decode(bytes);
    // bmp-js yields ABGR; reorder to RGBA for sharp.
    const rgba = Buffer.alloc(d.width * d.height * 4);
    for (let i = 0; i < rgba.length; i += 4) {
      rgba[i] = d.data[i + 3]!;
      rgba[i + 1] = d.data[i + 2]!;
      rgba[i + 2] = d.data[i + 1]!;
      rgba[i + 3] = 255;
    }
    img = sharp(rgba, { raw: { width: d.width, height: d.height, channels: 4 } });
  } else {
    img = sharp(bytes, { page, limitInputPixels: MAX_PIXELS * 4 }).rotate();
  }
  const { data: flat, info } = await img.flatten({ background: '#ffffff' }).grayscale().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  let mean = 0;
  for (let i = 0; i < flat.length; i += 16) mean += flat[i]!;
  mean /= Math.max(1, Math.ceil(flat.length / 16));

  let out = sharp(flat, { raw: { width, height, channels: info.channels } });
  if (mean < DARK_MEAN) out = out.negate({ alpha: false });
  const pixels = width * height;
  let scale = 1;
  if (width < UPSCALE_BELOW_WIDTH) scale = Math.min(MAX_SCALE, UPSCALE_BELOW_WIDTH / Math.max(1, width));
  if (pixels * scale * scale > MAX_PIXELS) scale = Math.sqrt(MAX_PIXELS / pixels);
  if (Math.abs(scale - 1) > 0.05) out = out.resize(Math.round(width * scale), Math.round(height * scale), { kernel: 'lanczos3' });
  // Min–max stretch: the default 1st–99th percentile turns a light chat bubble black on a page with little text.
  // No binary threshold: on the corpus it broke blurred photo digits ("0691" → "06691") and gained nothing.
  out = out.normalise({ lower: 0, upper: 100 });
  return out.png({ compressionLevel: 1 }).toBuffer();
}
