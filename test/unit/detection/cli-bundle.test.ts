/** The prebuilt CLI (npm run build:cli) prints what the sources print, and loads other commands from source. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildCli, inputsFile } from '../../../scripts/build-cli';
import { AMEX, spaced, VISA } from '../../helpers/cards';

const ROOT = resolve(__dirname, '../../..');
// Inside the project (dist/ is ignored): the bundle finds node_modules and the sources it loads lazily.
mkdirSync(join(ROOT, 'dist'), { recursive: true });
const dir = mkdtempSync(join(ROOT, 'dist', 'test-cli-'));
const bundle = join(dir, 'redactor-cli.cjs');
jest.setTimeout(60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `main(argv)` of the bundle, or of the sources through tsx. */
function run(from: 'bundle' | 'source', argv: string[], input: string): { code: number | null; stdout: string; stderr: string } {
  const target = from === 'bundle' ? JSON.stringify(bundle) : `(require('tsx/cjs'), ${JSON.stringify(join(ROOT, 'cli', 'redactor.ts'))})`;
  const script = `require(${target}).main(${JSON.stringify(argv)}).then((c) => { process.exitCode = c; });`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, input, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  await buildCli(bundle);
});

it('lists the sources it was built from, so bin/redactor.js can tell a stale bundle', () => {
  // Relative to the bundle's folder, so the check still holds when the project is moved.
  const inputs = (JSON.parse(readFileSync(inputsFile(bundle), 'utf8')) as string[]).map((p) => resolve(dir, p));
  expect(inputs).toEqual(expect.arrayContaining(['cli/scan.ts', 'cli/prefilter.ts', 'detection/index.ts'].map((p) => join(ROOT, p))));
  // Commands other than scan are not in it: they load from source when asked for.
  expect(inputs.some((p) => p.includes('backfill') || p.includes('files/'))).toBe(false);
});

it('scans text and JSONL exactly like the sources', () => {
  const text = `hello\ncard ${spaced(VISA)} ok\nnothing\namex ${AMEX}\n`;
  const jsonl = [JSON.stringify({ id: 1, text: 'clean' }), JSON.stringify({ id: 'b', text: `x\n${VISA}` }), 'not json', ''].join('\n');
  for (const [argv, input] of [[['scan'], text], [['scan', '--jsonl'], jsonl]] as const) {
    const fromBundle = run('bundle', [...argv], input);
    expect(fromBundle).toEqual(run('source', [...argv], input));
    expect(fromBundle.stdout).toContain('1111');
  }
});

it('runs other commands from source', () => {
  const r = run('bundle', ['backfill', '--help'], '');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('usage: redactor backfill');
});
