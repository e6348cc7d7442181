// Cuts the operations this product uses (and every component they reference) out of Zendesk's
// and Slack's published OpenAPI documents, into test/contract/specs/. Run it again after
// `fetch`ing newer copies; the README there names the source repositories and commits.
//   npx tsx scripts/extract-contract-specs.ts <zendesk openapi-src.yaml> <slack_web_openapi_v2.json>
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { SLACK_METHODS, ZENDESK_OPERATIONS } from '../test/contract/operations';

type Json = Record<string, unknown>;

function refsIn(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) for (const n of node) refsIn(n, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.add(v);
      else refsIn(v, out);
    }
  }
}

function resolvePointer(doc: Json, ref: string): unknown {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((n, key) => (n as Json | undefined)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
}

/** Copies `refs` and everything they reference (examples are dropped: they are large and unused). */
function closure(doc: Json, start: Set<string>, skip: (ref: string) => boolean): Map<string, unknown> {
  const seen = new Map<string, unknown>();
  const todo = [...start];
  while (todo.length > 0) {
    const ref = todo.pop()!;
    if (seen.has(ref) || skip(ref)) continue;
    const node = resolvePointer(doc, ref);
    if (node === undefined) throw new Error(`dangling $ref ${ref}`);
    seen.set(ref, node);
    const next = new Set<string>();
    refsIn(node, next);
    todo.push(...next);
  }
  return seen;
}

function place(target: Json, ref: string, node: unknown): void {
  const keys = ref.replace(/^#\//, '').split('/');
  let cur = target;
  for (const k of keys.slice(0, -1)) cur = (cur[k] ??= {}) as Json;
  cur[keys[keys.length - 1]!] = node;
}

function dropExamples(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(dropExamples);
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).filter(([k]) => k !== 'examples').map(([k, v]) => [k, dropExamples(v)]));
  }
  return node;
}

const [zdFile, slackFile] = process.argv.slice(2);
if (!zdFile || !slackFile) {
  console.error('usage: extract-contract-specs.ts <zendesk openapi-src.yaml> <slack_web_openapi_v2.json>');
  process.exit(2);
}
const outDir = path.join(__dirname, '..', 'test', 'contract', 'specs');

// Zendesk (OpenAPI 3.0.3)
const zd = parse(readFileSync(zdFile, 'utf8')) as Json;
const zdPaths = zd.paths as Record<string, Json>;
const keptPaths: Record<string, Json> = {};
for (const op of ZENDESK_OPERATIONS) {
  const item = zdPaths[op.path];
  if (!item?.[op.method]) {
    if (op.inDocument) throw new Error(`${op.method.toUpperCase()} ${op.path} is not in the Zendesk document`);
    continue;
  }
  const kept = (keptPaths[op.path] ??= item.parameters ? { parameters: item.parameters } : {});
  kept[op.method] = dropExamples(item[op.method]);
}
const zdRefs = new Set<string>();
refsIn(keptPaths, zdRefs);
const zdOut: Json = { openapi: zd.openapi, info: zd.info, servers: zd.servers, paths: keptPaths };
for (const [ref, node] of closure(zd, zdRefs, (r) => r.startsWith('#/components/examples/'))) place(zdOut, ref, dropExamples(node));
writeFileSync(path.join(outDir, 'zendesk-support-api.yaml'), stringify(zdOut, { lineWidth: 0 }));

// Slack (Swagger 2.0)
const slack = JSON.parse(readFileSync(slackFile, 'utf8')) as Json;
const slackPaths = slack.paths as Record<string, Json>;
const slackKept: Record<string, Json> = {};
for (const m of SLACK_METHODS) {
  const item = slackPaths[`/${m}`];
  if (!item) throw new Error(`${m} is not in the Slack document`);
  slackKept[`/${m}`] = item;
}
const slackRefs = new Set<string>();
refsIn(slackKept, slackRefs);
const slackOut: Json = { swagger: slack.swagger, info: slack.info, host: slack.host, basePath: slack.basePath, paths: slackKept };
for (const [ref, node] of closure(slack, slackRefs, () => false)) place(slackOut, ref, node);
writeFileSync(path.join(outDir, 'slack-web-api.json'), JSON.stringify(slackOut, null, 1) + '\n');
console.log(`zendesk: ${Object.keys(keptPaths).length} paths; slack: ${Object.keys(slackKept).length} methods`);
