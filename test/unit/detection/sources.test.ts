/** Card numbers may appear only in tests: the detector's own sources and docs must not contain any. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findCardNumbers } from '../../../detection';

const ROOT = resolve(__dirname, '../../..');
const DIRS = ['detection', 'cli', 'bench', 'bin'];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name.startsWith('.') ? [] : files(path);
    return /\.(ts|js|md|json)$/.test(e.name) ? [path] : [];
  });
}

it('detection/, cli/, bench/ and bin/ contain no card numbers', () => {
  const hits = DIRS.flatMap((d) => files(join(ROOT, d))).flatMap((f) => {
    const text = readFileSync(f, 'utf8');
    return findCardNumbers(text).map((x) => `${f}:${x.start} …${x.last4}`);
  });
  expect(hits).toEqual([]);
});
