/**
 * The real type of a file, from its bytes, never from its name or the content type Zendesk reports.
 * file-type 16.5.4 is the last CommonJS release (17+ is ESM-only and jest here runs CommonJS); its magic-number
 * table is the same for the formats we read.
 */
import FileType from 'file-type/core';
import { type FileKind } from './types';

const IMAGE_KINDS: Record<string, FileKind> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/tiff': 'tiff',
  'image/bmp': 'bmp',
  'application/pdf': 'pdf',
};

/** Bytes looked at to decide whether a file is text. */
const TEXT_PROBE = 64 * 1024;

export type Sniffed = { kind: FileKind } | { unsupported: string };

export async function sniffType(bytes: Buffer): Promise<Sniffed> {
  const ft = await FileType.fromBuffer(bytes);
  if (ft) {
    const kind = IMAGE_KINDS[ft.mime];
    // xml (svg, xhtml) is markup we can read as text.
    if (kind === undefined && ft.ext !== 'xml') return { unsupported: ft.mime };
    if (kind !== undefined) return { kind };
  }
  if (!looksLikeText(bytes)) return { unsupported: 'binary data' };
  const head = bytes.subarray(0, 1024).toString('utf8').trimStart().toLowerCase();
  return { kind: head.startsWith('<!doctype html') || head.startsWith('<html') || /<(body|div|p|table)[\s>]/.test(head) ? 'html' : 'text' };
}

/**
 * No NUL bytes and few control characters in the first 64 KiB (or a UTF-16 byte-order mark). Legacy 8-bit
 * encodings count as text too: card digits are ASCII in all of them.
 */
function looksLikeText(bytes: Buffer): boolean {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return true;
  const probe = bytes.subarray(0, TEXT_PROBE);
  let control = 0;
  for (const b of probe) {
    if (b === 0) return false;
    if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 27) control++;
  }
  return control <= probe.length / 100;
}

/** Text of a text-like file: UTF-8, or UTF-16 when it starts with a byte-order mark. */
export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return new TextDecoder('utf-8').decode(bytes);
}
