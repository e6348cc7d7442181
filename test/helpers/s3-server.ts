// A real S3-compatible server for tests that share backfill reports between worker processes:
// moto's server mode (installed by scripts/install-s3-server.sh into .venv-s3/), on a free
// loopback port, with one bucket. The workers reach it with the AWS SDK, as they would MinIO.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';

const ROOT = resolve(__dirname, '..', '..');

export interface S3TestServer {
  endpoint: string;
  bucket: string;
  /** What a worker needs to use it as its report store, under `prefix`. */
  env(prefix: string): NodeJS.ProcessEnv;
  /** Reads an object by its s3:// URL (a report path). */
  read(url: string): Promise<string>;
  close(): Promise<void>;
}

function serverPath(): string {
  const path = process.env.S3_TEST_SERVER_PATH ?? resolve(ROOT, '.venv-s3', 'bin', 'moto_server');
  if (!existsSync(path)) throw new Error(`no S3 test server at ${path}: run \`npm run s3:install\` (or set S3_TEST_SERVER_PATH)`);
  return path;
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

export async function startS3Server(bucket = 'pan-backfill-reports'): Promise<S3TestServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let out = '';
  const child: ChildProcess = spawn(serverPath(), ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const append = (b: Buffer) => {
    out = (out + b.toString()).slice(-4_000);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`S3 test server exited (code ${child.exitCode}):\n${out}`);
    try {
      await fetch(`${endpoint}/`);
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`S3 test server not ready within 30 s:\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const credentials = { accessKeyId: 'test-access-key', secretAccessKey: 'test-secret-key' };
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    endpoint,
    bucket,
    env: (prefix) => ({
      BACKFILL_REPORT_STORE: `s3://${bucket}/${prefix}`,
      BACKFILL_S3_ENDPOINT: endpoint,
      BACKFILL_S3_ACCESS_KEY_ID: credentials.accessKeyId,
      BACKFILL_S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    }),
    async read(url) {
      const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
      if (!m) throw new Error(`not an s3:// URL: ${url}`);
      const res = await client.send(new GetObjectCommand({ Bucket: m[1], Key: m[2] }));
      return (await res.Body?.transformToString('utf8')) ?? '';
    },
    async close() {
      client.destroy();
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
