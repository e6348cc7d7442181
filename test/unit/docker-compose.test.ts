// No Docker engine runs here, so docker-compose.yml is checked by reading it: the compose
// schema (docker-compose config -q, when Debian's docker-compose is installed) and our own rules.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseReportStore } from '../../activities/report-location';
import { configSchema } from '../../config';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

const ROOT = join(__dirname, '..', '..');
const file = join(ROOT, 'docker-compose.yml');
type Service = {
  image?: string;
  build?: string;
  command?: unknown;
  environment?: Record<string, string>;
  depends_on?: Record<string, unknown> | string[];
  profiles?: string[];
};
/** The worker slots of a blue/green rollout (README, "Deploying a new version"). */
const WORKERS = ['worker-blue', 'worker-green'];
const compose = parse(readFileSync(file, 'utf8'), { merge: true }) as { services: Record<string, Service> };
const required = ['ZENDESK_URL', 'ZENDESK_EMAIL', 'ZENDESK_API_TOKEN', 'ZENDESK_WEBHOOK_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_CHANNEL_ID', 'PAYLOAD_KEYS', 'FINGERPRINT_KEY', 'CODEC_AUTH_TOKEN', 'MINIO_ROOT_PASSWORD'];

test('runs PostgreSQL, Temporal, its UI, and our worker and service built from the Dockerfile', () => {
  const s = compose.services;
  expect(s.postgresql?.image).toMatch(/^postgres:/);
  expect(s.temporal?.image).toMatch(/^temporalio\/auto-setup:/);
  expect(s['temporal-ui']?.image).toMatch(/^temporalio\/ui:/);
  for (const name of WORKERS) {
    expect(s[name]?.build).toBe('.');
    expect(s[name]?.command).toEqual(['npm', 'run', 'worker']);
  }
  expect(s.service?.build).toBe('.');
  expect(s.service?.command).toEqual(['npm', 'run', 'service']);
  expect(s.minio?.image).toMatch(/^minio\/minio:/);
  for (const [name, service] of Object.entries(s)) {
    const deps = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
    for (const dep of deps) expect({ name, dep, exists: dep in s }).toEqual({ name, dep, exists: true });
  }
});

test('every variable given to our processes is one the configuration schema knows', () => {
  const known = new Set(Object.keys(configSchema.shape));
  for (const name of [...WORKERS, 'service']) {
    for (const key of Object.keys(compose.services[name]!.environment ?? {})) expect({ key, known: known.has(key) }).toEqual({ key, known: true });
  }
});

test('each worker slot runs its own build of one deployment, tagged with its build id', () => {
  const [blue, green] = WORKERS.map((name) => compose.services[name]!);
  for (const slot of [blue!, green!]) {
    expect(slot.environment?.TEMPORAL_DEPLOYMENT_NAME).toBe('${TEMPORAL_DEPLOYMENT_NAME:-pan-redactor}');
    const buildId = slot.environment?.TEMPORAL_BUILD_ID;
    expect(buildId).toMatch(/^\$\{[A-Z]+_BUILD_ID:-\w+\}$/);
    expect(slot.image).toBe(`pan-redactor:${buildId}`);
    expect(slot.profiles).toHaveLength(1);
  }
  expect(blue!.environment?.TEMPORAL_BUILD_ID).not.toBe(green!.environment?.TEMPORAL_BUILD_ID);
  // The rollout tool sets the current or ramping version of that same deployment.
  const version = JSON.stringify(compose.services['worker-version']?.command);
  expect(version).toContain('set-current-version');
  expect(version).toContain('set-ramping-version');
});

test('the custom search attributes registered match the ones the workflows use', () => {
  const command = JSON.stringify(compose.services['temporal-admin-tools']?.command);
  for (const key of ALL_SEARCH_ATTRIBUTES) expect(command).toContain(`--name ${key.name} `);
});

const dockerCompose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;
(dockerCompose ? test : test.skip)('docker-compose config -q accepts the file, and refuses it without the secrets', () => {
  const env = { ...process.env, ...Object.fromEntries(required.map((k) => [k, 'x'])) };
  const ok = spawnSync('docker-compose', ['-f', file, 'config', '-q'], { encoding: 'utf8', env });
  expect(ok.stderr).toBe('');
  expect(ok.status).toBe(0);
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !required.includes(k)));
  const missing = spawnSync('docker-compose', ['-f', file, 'config', '-q'], { encoding: 'utf8', env: clean });
  expect(missing.status).not.toBe(0);
  expect(missing.stderr).toContain('set ');
});

test('every worker slot shares one S3 report store (MinIO), whose bucket is created before use', () => {
  for (const slot of ['worker-blue', 'worker-green']) {
    const env = compose.services[slot]!.environment!;
    const store = parseReportStore(env.BACKFILL_REPORT_STORE!);
    expect(store).toMatchObject({ kind: 's3' });
    expect(env.BACKFILL_S3_ENDPOINT).toBe('http://minio:9000');
    expect(JSON.stringify(compose.services['minio-setup']?.command)).toContain(`mc mb --ignore-existing store/${(store as { bucket: string }).bucket}`);
    expect(Object.keys(compose.services[slot]!.depends_on ?? {})).toContain('minio');
  }
});
