/**
 * `npm run bench:detect`: throughput of findCardNumbers and of `redactor scan` on ≥64 MB of seeded,
 * support-ticket-like text, next to ripgrep finding the candidate digit runs in the same file.
 *
 *   npm run bench:detect                 # 64 MB, a few minutes at most
 *   BENCH_1GB=1 npm run bench:detect     # also: CLI on a 1 GB file, peak RSS (streaming check)
 *   BENCH_MB=128 npm run bench:detect    # bigger default file
 *
 * It builds the CLI bundle first (npm run build:cli), as an installed CLI would have it, and checks that the
 * CLI prints exactly what the library finds in the whole file (table and --jsonl).
 *
 * Data goes to bench/.data/ (gitignored). Card numbers are generated (random + Luhn), never written in source.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cardDigits, findCardNumbers, type CardFinding } from '../detection';
import { buildCli } from '../scripts/build-cli';
import { rng } from '../test/unit/detection/corpus';

const ROOT = resolve(__dirname, '..');
const DATA = join(ROOT, 'bench', '.data');
const BIN = join(ROOT, 'bin', 'redactor.js');
const SEED = 0x5eed;
const MB = 1e6;
const TARGET_MB = Number(process.env.BENCH_MB ?? 64);
const WITH_1GB = process.env.BENCH_1GB === '1' || process.argv.includes('--1gb');
/**
 * What ripgrep searches for: runs of ≥12 digits/separators that start and end with a digit. The Unicode pattern
 * matches what the detector accepts (any decimal digit, NBSP); the ASCII one is the cheaper, stricter yardstick.
 */
const RG_PATTERNS = [
  { name: 'unicode', pattern: String.raw`\d[\d .\-\x{A0}]{10,}\d` },
  { name: 'ascii', pattern: String.raw`[0-9][0-9 .\-]{10,}[0-9]` },
];

// ---------------------------------------------------------------------------------------------------------------
// Ticket-like text

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const digits = (r: Rand, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(48 + Math.floor(r() * 10));
  return s;
};

function luhnComplete(body: string): string {
  let sum = 0;
  for (let i = body.length - 1, dbl = true; i >= 0; i--, dbl = !dbl) {
    let d = body.charCodeAt(i) - 48;
    if (dbl) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

const PAN_SHAPES: [string, number, number[]][] = [
  ['4', 16, [4, 4, 4, 4]],
  ['51', 16, [4, 4, 4, 4]],
  ['2221', 16, [4, 4, 4, 4]],
  ['37', 15, [4, 6, 5]],
  ['6011', 16, [4, 4, 4, 4]],
  ['3528', 16, [4, 4, 4, 4]],
  ['62', 19, [4, 4, 4, 4, 3]],
];

function pan(r: Rand): string {
  const [prefix, len, groups] = pick(r, PAN_SHAPES);
  const d = luhnComplete(prefix + digits(r, len - prefix.length - 1));
  const sep = pick(r, ['', ' ', ' ', '-', '.', '\u00a0']);
  if (sep === '') return d;
  const out: string[] = [];
  let p = 0;
  for (const g of groups) {
    out.push(d.slice(p, p + g));
    p += g;
  }
  return out.join(sep);
}

const WORDS = (
  'hi hello thanks please help order refund charged twice account email shipping delivered today tomorrow ' +
  'invoice item price total customer support agent ticket payment failed subscription cancel renew update ' +
  'address package missing damaged return label warranty the a my your our was is not been has have and or but'
).split(' ');

function sentence(r: Rand): string {
  const n = int(r, 6, 18);
  const w: string[] = [];
  for (let i = 0; i < n; i++) w.push(pick(r, WORDS));
  return w.join(' ');
}

/** One ticket line; about 1 in 150 lines carries a card number. */
function ticketLine(r: Rand, cards: { n: number }): string {
  const x = r();
  if (x < 0.0067) {
    cards.n++;
    return pick(r, [
      `Hi, my card number is ${pan(r)}, please refund.`,
      `card: ${pan(r)} exp ${int(r, 1, 12)}/${int(r, 26, 32)}`,
      `I paid with ${pan(r)} but it failed`,
    ]);
  }
  if (x < 0.05) return `Ticket #${int(r, 100000, 9999999)} | 2025-${int(r, 1, 12)}-${int(r, 10, 28)} ${int(r, 10, 23)}:${int(r, 10, 59)}:${int(r, 10, 59)} | from: user${int(r, 1, 99999)}@example.com`;
  if (x < 0.09) return `My order ${digits(r, 3)}-${digits(r, 7)}-${digits(r, 7)} has not arrived, tracking 9400 ${digits(r, 4)} ${digits(r, 4)} ${digits(r, 4)} ${digits(r, 4)} ${digits(r, 2)}.`;
  if (x < 0.12) return `I was charged $${int(r, 5, 999)}.${digits(r, 2)} twice on ${int(r, 1, 12)}/${int(r, 1, 28)}. Card ending ${digits(r, 4)}.`;
  if (x < 0.14) return `Please call me at +1 (${digits(r, 3)}) ${digits(r, 3)}-${digits(r, 4)} or +44 20 ${digits(r, 4)} ${digits(r, 4)}.`;
  if (x < 0.15) return `Device IMEI ${luhnComplete('35' + digits(r, 12))} is blocked.`;
  if (x < 0.17) return `See https://help.example.com/hc/en-us/articles/${digits(r, 13)}-how-to and ticket ${digits(r, 8)}`;
  if (x < 0.18) return `ts=17${digits(r, 11)} request ${digits(r, 8)}-${digits(r, 4)}-${digits(r, 4)}-${digits(r, 4)}-${digits(r, 12)}`;
  return sentence(r) + (r() < 0.3 ? ` ${int(r, 1, 500)}` : '') + '.';
}

function generate(file: string, targetBytes: number): { bytes: number; cards: number } {
  const r = rng(SEED);
  const cards = { n: 0 };
  const fd = openSync(file, 'w');
  let bytes = 0;
  try {
    while (bytes < targetBytes) {
      let chunk = '';
      while (chunk.length < 1 << 20) chunk += ticketLine(r, cards) + '\n';
      const buf = Buffer.from(chunk, 'utf8');
      writeSync(fd, buf);
      bytes += buf.length;
    }
  } finally {
    closeSync(fd);
  }
  return { bytes, cards: cards.n };
}

/** The same text as JSONL comments (`{"id","text"}`, 1 to 6 lines each), for `scan --jsonl`. */
function toJsonl(textFile: string, jsonlFile: string): { bytes: number; records: number } {
  const r = rng(SEED + 1);
  const lines = readFileSync(textFile, 'utf8').split('\n');
  const fd = openSync(jsonlFile, 'w');
  let bytes = 0;
  let records = 0;
  try {
    let chunk = '';
    for (let i = 0; i < lines.length; ) {
      const n = int(r, 1, 6);
      chunk += JSON.stringify({ id: ++records, text: lines.slice(i, i + n).join('\n') }) + '\n';
      i += n;
      if (chunk.length >= 1 << 20 || i >= lines.length) {
        const buf = Buffer.from(chunk, 'utf8');
        writeSync(fd, buf);
        bytes += buf.length;
        chunk = '';
      }
    }
  } finally {
    closeSync(fd);
  }
  return { bytes, records };
}

// ---------------------------------------------------------------------------------------------------------------
// Measurements

function seconds(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** One findCardNumbers pass: seconds and number of findings. */
function timeLibrary(text: string): { secs: number; findings: number } {
  const t0 = process.hrtime.bigint();
  const findings = findCardNumbers(text).length;
  return { secs: seconds(t0), findings };
}

/** Runs the CLI under /usr/bin/time -v: wall seconds, peak RSS (kB), exit code. */
function runCli(file: string, flags: string[] = [], out = join(DATA, 'scan-output.txt')): { wall: number; rssKb: number; code: number | null; lines: number } {
  const fd = openSync(out, 'w');
  const hasTime = existsSync('/usr/bin/time');
  const cmd = hasTime ? '/usr/bin/time' : process.execPath;
  const args = hasTime ? ['-v', process.execPath, BIN, 'scan', ...flags, file] : [BIN, 'scan', ...flags, file];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', maxBuffer: 1 << 24 });
  const wall = seconds(t0);
  closeSync(fd);
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  const lines = readFileSync(out, 'utf8').split('\n').length - 1;
  return { wall, rssKb: m ? Number(m[1]) : NaN, code: r.status, lines };
}

/** One ripgrep pass (wall time of the process), or undefined when rg is missing. */
function timeRg(file: string, pattern: string): { secs: number; matches: number } | undefined {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('rg', ['--count-matches', '--no-filename', pattern, file], { encoding: 'utf8' });
  const secs = seconds(t0);
  if (r.error) return undefined;
  return { secs, matches: Number(r.stdout.trim() || 0) };
}

/** What `redactor scan` (table mode) must print for `file`: the library's findings in the whole text. */
function tableReference(name: string, text: string): string {
  let out = '';
  let line = 1;
  let lineStart = 0;
  for (const f of findCardNumbers(text)) {
    for (let nl = text.indexOf('\n', lineStart); nl >= 0 && nl < f.start; nl = text.indexOf('\n', lineStart)) {
      line++;
      lineStart = nl + 1;
    }
    const masked = '*'.repeat(cardDigits(text, f).length - 4) + f.last4;
    out += `${name}:${line}:${f.start - lineStart + 1}\t${f.brand}\t${masked}${f.cvv ? '  +cvv' : ''}\n`;
  }
  return out;
}

/** What `redactor scan --jsonl` must print: one line per record, the library's findings in its text. */
function jsonlReference(jsonl: string): string {
  const pick = (f: CardFinding) => (f.cvv ? { start: f.start, end: f.end, last4: f.last4, brand: f.brand, cvv: f.cvv } : { start: f.start, end: f.end, last4: f.last4, brand: f.brand });
  let out = '';
  for (const line of jsonl.split('\n')) {
    if (line.trim() === '') continue;
    const { id, text } = JSON.parse(line) as { id: unknown; text: string };
    out += `${JSON.stringify({ id, findings: findCardNumbers(text).map(pick) })}\n`;
  }
  return out;
}

/** `identical` or where the CLI's output first differs from the reference. */
function compareOutput(file: string, reference: string): string {
  const got = readFileSync(file, 'utf8');
  if (got === reference) return `identical to the library's (${reference.split('\n').length - 1} lines)`;
  const a = got.split('\n');
  const b = reference.split('\n');
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `DIFFERS from the library's at line ${i + 1} (cli ${a.length - 1} lines, library ${b.length - 1})`;
}

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  const file = join(DATA, `tickets-${TARGET_MB}mb.txt`);
  const t0 = process.hrtime.bigint();
  const gen = generate(file, TARGET_MB * MB);
  console.log(
    `data      ${file}: ${(gen.bytes / MB).toFixed(1)} MB, ${gen.cards} card numbers (seed ${SEED}), generated in ${seconds(t0).toFixed(1)} s`,
  );

  const text = readFileSync(file, 'utf8');
  // Rounds interleave the library and ripgrep so both see the same machine load (other work shares the 2 cores).
  const ROUNDS = 7;
  timeLibrary(text); // warm-up: JIT
  const libSecs: number[] = [];
  const rgSecs = RG_PATTERNS.map(() => [] as number[]);
  const rgMatches = RG_PATTERNS.map(() => 0);
  let findings = 0;
  let rgMissing = false;
  for (let round = 0; round < ROUNDS; round++) {
    const lib = timeLibrary(text);
    libSecs.push(lib.secs);
    findings = lib.findings;
    RG_PATTERNS.forEach(({ pattern }, k) => {
      const rg = rgMissing ? undefined : timeRg(file, pattern);
      if (rg === undefined) rgMissing = true;
      else {
        rgSecs[k]!.push(rg.secs);
        rgMatches[k] = rg.matches;
      }
    });
  }
  const libMbps = gen.bytes / MB / median(libSecs);
  console.log(
    `library   findCardNumbers: ${libMbps.toFixed(0)} MB/s median of ${ROUNDS} (best ` +
      `${(gen.bytes / MB / Math.min(...libSecs)).toFixed(0)} MB/s), ${findings} findings for ${gen.cards} inserted card numbers`,
  );

  const bundleBytes = await buildCli();
  console.log(`cli       bundle built (npm run build:cli, ${Math.round(bundleBytes / 1024)} KiB): bin/redactor.js runs it for scan`);
  const empty = join(DATA, 'empty.txt');
  closeSync(openSync(empty, 'w'));
  const startup = Math.min(runCli(empty).wall, runCli(empty).wall);
  const jsonlFile = join(DATA, `tickets-${TARGET_MB}mb.jsonl`);
  const jsonl = toJsonl(file, jsonlFile);
  // CLI and ripgrep alternate on each file, so both see the same machine load; best of 3 for each.
  const CLI_ROUNDS = 3;
  const modes = [
    { name: 'table', file, bytes: gen.bytes, flags: [] as string[], out: join(DATA, 'scan-output.txt') },
    { name: 'jsonl', file: jsonlFile, bytes: jsonl.bytes, flags: ['--jsonl'], out: join(DATA, 'scan-output.jsonl') },
  ].map((m) => {
    const cli: ReturnType<typeof runCli>[] = [];
    const rg = RG_PATTERNS.map(() => [] as number[]);
    for (let round = 0; round < CLI_ROUNDS; round++) {
      cli.push(runCli(m.file, m.flags, m.out));
      RG_PATTERNS.forEach(({ pattern }, k) => {
        const t = rgMissing ? undefined : timeRg(m.file, pattern);
        if (t) rg[k]!.push(t.secs);
      });
    }
    return { ...m, cli: cli.reduce((a, b) => (b.wall < a.wall ? b : a)), rg: rg.map((xs) => (xs.length ? Math.min(...xs) : NaN)) };
  });
  for (const m of modes) {
    const cliMbps = m.bytes / MB / m.cli.wall;
    console.log(
      `cli       redactor scan ${m.flags.join(' ') || '(table)'} on ${(m.bytes / MB).toFixed(1)} MB: ${cliMbps.toFixed(0)} MB/s (${m.cli.wall.toFixed(2)} s wall, ` +
        `best of ${CLI_ROUNDS}; startup ${startup.toFixed(2)} s; exit ${m.cli.code}, ${m.cli.lines} lines), peak RSS ${(m.cli.rssKb / 1024).toFixed(0)} MB`,
    );
  }
  console.log(`check     table output ${compareOutput(modes[0]!.out, tableReference(file, text))}`);
  console.log(`check     jsonl output ${compareOutput(modes[1]!.out, jsonlReference(readFileSync(jsonlFile, 'utf8')))}`);

  if (rgMissing) console.log('ripgrep   rg not found (Debian: apt-get install -y ripgrep); no ratio');
  else {
    RG_PATTERNS.forEach(({ name, pattern }, k) => {
      const secs = median(rgSecs[k]!);
      const rgMbps = gen.bytes / MB / secs;
      console.log(
        `ripgrep   ${name.padEnd(7)} rg --count-matches '${pattern}': ${secs.toFixed(3)} s median of ${ROUNDS} (wall), ` +
          `${rgMbps.toFixed(0)} MB/s, ${rgMatches[k]} candidate runs`,
      );
      const cliRatios = modes.map((m) => `cli ${m.name}/ripgrep ${(m.rg[k]! / m.cli.wall).toFixed(2)}x (rg best ${m.rg[k]!.toFixed(3)} s)`);
      console.log(
        `ratio     ${name.padEnd(7)} library/ripgrep ${(libMbps / rgMbps).toFixed(2)}x (target >= 0.6x), ${cliRatios.join(', ')} (target >= 0.3x)`,
      );
    });
  }

  if (WITH_1GB) {
    const big = join(DATA, 'tickets-1gb.txt');
    const chunk = readFileSync(file);
    const fd = openSync(big, 'w');
    let bytes = 0;
    while (bytes < 1e9) {
      writeSync(fd, chunk);
      bytes += chunk.length;
    }
    closeSync(fd);
    const size = statSync(big).size;
    const run = runCli(big);
    console.log(
      `cli 1GB   redactor scan on ${(size / MB).toFixed(0)} MB: ${(size / MB / run.wall).toFixed(0)} MB/s, ` +
        `${run.wall.toFixed(1)} s, exit ${run.code}, ${run.lines} lines, peak RSS ${(run.rssKb / 1024).toFixed(0)} MB`,
    );
  } else {
    console.log('cli 1GB   skipped (set BENCH_1GB=1 to measure peak RSS on a 1 GB input)');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
