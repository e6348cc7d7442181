/** `redactor scan` on images and PDFs, and `--json`, end to end through the bin shim (cli/scan-files.ts). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MASTERCARD, spaced, VISA } from '../helpers/cards';
import { chatScreenshot, encryptedPdf, longPdf } from '../corpus/attachments';

const BIN = resolve(__dirname, '../../bin/redactor.js');
jest.setTimeout(120_000);
const dir = mkdtempSync(join(tmpdir(), 'redactor-scan-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scan(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'scan', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let png: string;
let pdf: string;
let locked: string;
let clean: string;
beforeAll(async () => {
  png = join(dir, 'receipt.png');
  writeFileSync(png, await chatScreenshot(['my card', spaced(MASTERCARD)]));
  pdf = join(dir, 'statement.pdf');
  writeFileSync(pdf, await longPdf(2, spaced(VISA)));
  locked = join(dir, 'locked.pdf');
  writeFileSync(locked, await encryptedPdf());
  clean = join(dir, 'clean.png');
  writeFileSync(clean, await chatScreenshot(['order 112-4567890-1234567', 'card ending 1111']));
});

test('prints file:page, brand and the masked number; exit 0', () => {
  const r = scan([png, pdf]);
  expect(r.stdout.trim().split('\n')).toEqual([`${png}:1\tmastercard\t************4444`, `${pdf}:2\tvisa\t************1111`]);
  expect(r.code).toBe(0);
});

test('--json: one line per input file in the order given; an unreadable file gets an error and the run goes on (exit 2)', () => {
  const missing = join(dir, 'missing.png');
  const r = scan(['--json', pdf, missing, locked, png, clean]);
  expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([
    { file: pdf, findings: [{ last4: '1111', brand: 'visa', page: 2 }] },
    { file: missing, findings: [], error: 'no such file' },
    { file: locked, findings: [], error: 'not scanned: encrypted_pdf (the PDF needs a password)' },
    { file: png, findings: [{ last4: '4444', brand: 'mastercard', page: 1 }] },
    { file: clean, findings: [] },
  ]);
  expect(r.stdout).not.toContain('5555 5555');
  expect(r.code).toBe(2);
});

test('exit 1 when no file shows a card', () => {
  const r = scan(['--json', clean]);
  expect(r.code).toBe(1);
});
