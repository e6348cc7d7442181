// The files a directory argument stands for, shared by the text and the file scanners.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Files under a directory, sorted, skipping node_modules and dot-directories. */
export function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && !e.name.startsWith('.')) out.push(...walk(path));
    } else if (e.isFile()) out.push(path);
  }
  return out;
}
