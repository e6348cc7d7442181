/** The alert rules (promtool, when installed: Debian's `prometheus` package), the Grafana dashboard's shape, the compose profile. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

const ROOT = join(__dirname, '..', '..');
const RULES = join(ROOT, 'monitoring/alerts.yml');
const DASHBOARD = join(ROOT, 'monitoring/grafana/dashboards/pan-redactor.json');

/** Every product metric name registered in metrics/ (histograms also as _bucket/_sum/_count). */
const defined = new Set(
  readdirSync(join(ROOT, 'metrics'))
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => [...readFileSync(join(ROOT, 'metrics', f), 'utf8').matchAll(/name: '(pan_[a-z_]+)'/g)].map((m) => m[1]!)),
);
const productMetrics = (text: string) => [...text.matchAll(/\b(pan_[a-z_]+?)(_bucket|_sum|_count)?\b/g)].map((m) => m[1]!);

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;
(promtool ? test : test.skip)('promtool check rules accepts the alert rules', () => {
  const r = spawnSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.stdout).toContain('SUCCESS: 5 rules found');
  expect(r.status).toBe(0);
});

test('the rules cover the issue\'s alerts and name only metrics the product registers', () => {
  const rules = parse(readFileSync(RULES, 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
  const all = rules.groups.flatMap((g) => g.rules);
  expect(all.map((r) => r.alert).sort()).toEqual(['BackfillStalled', 'RedactionRequestUnclaimed', 'RedactionVerificationFailedOrResidual', 'RedactionWorkerDown', 'ZendeskRateLimitedSustained']);
  for (const r of all) for (const m of productMetrics(r.expr)) expect({ alert: r.alert, metric: m, defined: defined.has(m) }).toEqual({ alert: r.alert, metric: m, defined: true });
});

const target = z.object({ refId: z.string().regex(/^[A-Z]$/), expr: z.string().min(1), legendFormat: z.string() });
const dashboardSchema = z.object({
  uid: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/),
  title: z.string().min(1),
  schemaVersion: z.number().int().min(30),
  time: z.object({ from: z.string(), to: z.string() }),
  templating: z.object({ list: z.array(z.object({ name: z.string(), type: z.string() })) }),
  panels: z
    .array(
      z.object({
        id: z.number().int().positive(),
        type: z.enum(['timeseries', 'stat', 'table', 'bargauge', 'gauge']),
        title: z.string().min(1),
        datasource: z.object({ type: z.literal('prometheus'), uid: z.string() }),
        gridPos: z.object({ x: z.number().int().min(0).max(23), y: z.number().int().min(0), w: z.number().int().min(1).max(24), h: z.number().int().min(1) }),
        targets: z.array(target).min(1),
      }),
    )
    .min(1),
});

test('the Grafana dashboard has the panels the issue asks for, and each query names a registered metric', () => {
  const dash = dashboardSchema.parse(JSON.parse(readFileSync(DASHBOARD, 'utf8')));
  expect(new Set(dash.panels.map((p) => p.id)).size).toBe(dash.panels.length);
  for (const p of dash.panels) expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
  const titles = dash.panels.map((p) => p.title).join(' | ');
  for (const topic of [/outcome/, /stage/, /Claim wait/, /verification/i, /residual/, /Backfill progress/, /Zendesk 429/, /Activity latency/, /Workflow task latency/, /Sticky cache/]) expect(titles).toMatch(topic);
  for (const p of dash.panels) for (const t of p.targets) for (const m of productMetrics(t.expr)) expect({ panel: p.title, metric: m, defined: defined.has(m) }).toEqual({ panel: p.title, metric: m, defined: true });
  expect(dash.templating.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource' }));
});

test('docker-compose brings up Prometheus and Grafana with these files behind the monitoring profile', () => {
  type Service = { profiles?: string[]; volumes?: string[] };
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
  for (const name of ['prometheus', 'grafana']) {
    const s = compose.services[name]!;
    expect(s.profiles).toEqual(['monitoring']);
    for (const v of s.volumes ?? []) expect({ v, exists: existsSync(join(ROOT, v.split(':')[0]!)) }).toEqual({ v, exists: true });
  }
  const prometheus = readFileSync(join(ROOT, 'monitoring/prometheus.yml'), 'utf8');
  expect(prometheus).toContain('job_name: pan-worker\n');
});
