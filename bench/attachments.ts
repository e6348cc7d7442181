/**
 * `npm run bench:attachments`: the file reader on the seeded attachment corpus (test/corpus/attachments.ts).
 * Prints recall per kind, precision overall and per kind, ms per image and per PDF page (median, p95) and peak
 * RSS, with the OCR pool at ATTACHMENT_CONCURRENCY (default 2); then screenshots one at a time with the pool idle
 * (a single attachment's latency) and CPU per file (load-independent on a shared box). Options: --per-kind N
 * (default 20), --seed N.
 */
import os from 'node:os';
import { pageFindings } from '../activities/attachment-scan';
import { OCR_MIN_CONFIDENCE } from '../detection/ocr';
import { createFileReader } from '../files';
import { fingerprintCard } from '../security/fingerprint';
import { ATTACHMENT_KINDS, buildAttachmentCorpus, type AttachmentKind } from '../test/corpus/attachments';

const KEY = 'bench-fingerprint-key-0123456789abcdef';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const quantile = (xs: number[], q: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

async function main(): Promise<void> {
  const perKind = arg('--per-kind', 20);
  const seed = arg('--seed', 13);
  const concurrency = Number(process.env.ATTACHMENT_CONCURRENCY ?? 2);
  const t0 = Date.now();
  const corpus = await buildAttachmentCorpus({ seed, perKind });
  console.log(`corpus: ${corpus.length} files (seed ${seed}, ${perKind} per kind) built in ${Date.now() - t0} ms; OCR pool ${concurrency}`);
  const reader = createFileReader({ concurrency });
  const stats = new Map<AttachmentKind, { cards: number; found: number; findings: number; truePositives: number; notScanned: number }>();
  for (const k of ATTACHMENT_KINDS) stats.set(k, { cards: 0, found: 0, findings: 0, truePositives: 0, notScanned: 0 });
  const imageMs: number[] = [];
  const screenshotMs: number[] = [];
  const pageMs: number[] = [];
  const misses: string[] = [];
  let lowConfidence = 0;
  const started = Date.now();
  const cpu0 = process.cpuUsage();
  // Warm the pool so worker start-up is not counted against the first files.
  await reader.read(corpus.find((f) => f.kind === 'screenshot')?.bytes ?? corpus[0]!.bytes);
  await Promise.all(
    corpus.map((file) =>
      reader.withSlot(async () => {
        const t = Date.now();
        const res = await reader.read(file.bytes);
        const ms = Date.now() - t;
        const st = stats.get(file.kind)!;
        st.cards += file.cards.length;
        if (file.name.endsWith('.pdf')) pageMs.push(ms / file.pages);
        else imageMs.push(ms);
        if (file.kind === 'screenshot') screenshotMs.push(ms);
        if (res.notScanned) {
          st.notScanned++;
          misses.push(`${file.name}: not scanned (${res.notScanned})`);
          return;
        }
        const want = new Set(file.cards.map((c) => fingerprintCard(KEY, c)));
        const all = res.pages.flatMap((p) => pageFindings(KEY, p));
        const got = new Set(all.map((f) => f.fingerprint));
        lowConfidence += all.filter((f) => f.confidence < OCR_MIN_CONFIDENCE && want.has(f.fingerprint)).length;
        st.findings += got.size;
        for (const g of got) if (want.has(g)) st.truePositives++;
        for (const w of want) if (got.has(w)) st.found++;
        const missed = [...want].filter((w) => !got.has(w)).length;
        const extra = [...got].filter((g) => !want.has(g)).length;
        if (missed || extra) misses.push(`${file.name}: ${missed} missed, ${extra} false`);
      }),
    ),
  );
  const wall = Date.now() - started;
  const cpu = process.cpuUsage(cpu0);
  // Latency of one screenshot with the pool otherwise idle: what a single attachment waits.
  const alone: number[] = [];
  for (const f of corpus.filter((x) => x.kind === 'screenshot').slice(0, 10)) {
    const t = Date.now();
    await reader.read(f.bytes);
    alone.push(Date.now() - t);
  }
  await reader.close();

  console.log('\nkind            files  cards  recall   findings  precision  not scanned');
  let tp = 0;
  let all = 0;
  for (const [kind, st] of stats) {
    const files = corpus.filter((f) => f.kind === kind).length;
    tp += st.truePositives;
    all += st.findings;
    const recall = st.cards ? (st.found / st.cards).toFixed(3) : '  -  ';
    const precision = st.findings ? (st.truePositives / st.findings).toFixed(3) : '  -  ';
    console.log(`${kind.padEnd(15)} ${String(files).padStart(5)}  ${String(st.cards).padStart(5)}  ${recall.padStart(6)}   ${String(st.findings).padStart(8)}  ${precision.padStart(9)}  ${String(st.notScanned).padStart(11)}`);
  }
  console.log(`\nprecision overall: ${all ? (tp / all).toFixed(4) : '-'} (${tp}/${all}); true findings under confidence ${OCR_MIN_CONFIDENCE} ("needs a look" in auto mode): ${lowConfidence}`);
  console.log(`ms per image: median ${quantile(imageMs, 0.5)}, p95 ${quantile(imageMs, 0.95)} (screenshots: median ${quantile(screenshotMs, 0.5)}, p95 ${quantile(screenshotMs, 0.95)})`);
  console.log(`ms per PDF page: median ${Math.round(quantile(pageMs, 0.5))}, p95 ${Math.round(quantile(pageMs, 0.95))}`);
  console.log(`screenshot read alone (pool idle, ${alone.length} files): median ${quantile(alone, 0.5)} ms, p95 ${quantile(alone, 0.95)} ms`);
  console.log(`CPU (all threads) ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s = ${((cpu.user + cpu.system) / 1e3 / corpus.length).toFixed(0)} ms per file; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`wall time ${(wall / 1000).toFixed(1)} s for ${corpus.length} files; peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  if (misses.length) console.log(`\nmisses:\n  ${misses.join('\n  ')}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
