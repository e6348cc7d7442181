/** `redactor scan` end to end, through the bin shim. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(__dirname, '../../../bin/redactor.js');
// Each case starts node + tsx (~0.3 s idle, several seconds on a loaded CI box).
jest.setTimeout(60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const dir = mkdtempSync(join(tmpdir(), 'redactor-scan-'));

function scan(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'scan', ...args], { input, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('redactor scan', () => {
  it('prints file:line:col, brand and the masked number; exit 0 when found', () => {
    const file = join(dir, 'a.txt');
    writeFileSync(file, 'hello\nmy card 4111 1111 1111 1111 ok\n5105105\n105105100\nnone\n');
    const r = scan([file]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      `${file}:2:9\tvisa\t************1111`,
      `${file}:3:1\tmastercard\t************5100`,
    ]);
    expect(r.stdout).not.toContain('4111 1111');
  });

  it('reads stdin when no file is given; exit 1 when nothing is found', () => {
    expect(scan([], 'order 12345, nothing here\n').code).toBe(1);
    const r = scan([], 'x\ncard 378282246310005\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('(stdin):2:6\tamex\t***********0005\n');
  });

  it('walks directories recursively', () => {
    const sub = join(dir, 'tree', 'sub');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 'b.txt'), 'pay 5555 5555 5555 4444\n');
    const r = scan([join(dir, 'tree')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${join(sub, 'b.txt')}:1:5\tmastercard\t************4444\n`);
  });

  it('exit 2 on a missing file or a bad option', () => {
    expect(scan([join(dir, 'missing.txt')]).code).toBe(2);
    expect(scan(['--nope']).code).toBe(2);
  });

  it('--jsonl: one output line per input line, same order', () => {
    const input = [
      { id: 'a', text: 'card 4111111111111111 cvv 123' },
      { id: 2, text: 'nothing' },
      { id: 'c', text: '<p>4111&nbsp;1111 1111 1111</p>' },
    ]
      .map((x) => JSON.stringify(x))
      .join('\n');
    const r = scan(['--jsonl'], input + '\n');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([
      { id: 'a', findings: [{ start: 5, end: 21, last4: '1111', brand: 'visa', cvv: { start: 26, end: 29 } }] },
      { id: 2, findings: [] },
      { id: 'c', findings: [] }, // plain mode: &nbsp; is not a separator
    ]);
    const html = scan(['--jsonl', '--html'], input);
    expect((JSON.parse(html.stdout.trim().split('\n')[2]!) as { findings: unknown[] }).findings).toHaveLength(1);
  });

  it('--jsonl answers each line before stdin closes (usable over a pipe)', async () => {
    const child = spawn(process.execPath, [BIN, 'scan', '--jsonl'], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdout.setEncoding('utf8');
    const firstLine = new Promise<string>((resolve) => child.stdout.once('data', (d: string) => resolve(d)));
    child.stdin.write('{"id":"q1","text":"card 4111111111111111"}\n');
    expect(JSON.parse(await firstLine)).toEqual({ id: 'q1', findings: [{ start: 5, end: 21, last4: '1111', brand: 'visa' }] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.stdin.end();
    expect(await exited).toBe(0);
  });

  it('--jsonl: a bad line gets an error line in its place and exit 2', () => {
    const r = scan(['--jsonl'], '{"id":1,"text":"4111111111111111"}\nnot json\n{"id":3,"text":"x"}\n');
    expect(r.code).toBe(2);
    const ids = r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { id: unknown }).id);
    expect(ids).toEqual([1, null, 3]);
  });

  it('decodes multi-byte characters split across 1 MiB reads', () => {
    // Fullwidth digits are 3 bytes each in UTF-8; shift the number across the read boundary byte by byte.
    const pan = '３７８２８２２４６３１０００５'; // a public Amex test number, fullwidth
    const file = join(dir, 'utf8.txt');
    for (const shift of [0, 1, 2]) {
      const head = 'y'.repeat((1 << 20) - 20 - shift) + '\n';
      writeFileSync(file, `${head}pay ${pan} now\n`);
      const r = scan([file]);
      expect(r.stdout).toBe(`${file}:2:5\tamex\t***********0005\n`);
    }
  });

  it('finds a number wrapped across the boundary between internal blocks, with the right line number', () => {
    // The CLI reads 1 MiB chunks and cuts blocks at the chunk's last newline: put the wrap's newline there.
    const head = 'card 4111 1111\n';
    const line = 'lorem ipsum dolor sit amet 12345\n';
    const lines = Math.floor((1 << 20) - head.length) / line.length | 0;
    const pad = (1 << 20) - head.length - lines * line.length;
    const prefix = 'x'.repeat(pad - 1) + '\n' + line.repeat(lines);
    const file = join(dir, 'big.txt');
    writeFileSync(file, `${prefix}${head}1111 1111\n${line.repeat(40_000)}5555555555554444\n`);
    const r = scan([file]);
    expect(r.stdout.trim().split('\n')).toEqual([
      `${file}:${lines + 2}:6\tvisa\t************1111`,
      `${file}:${lines + 40_004}:1\tmastercard\t************4444`,
    ]);
  });
});
