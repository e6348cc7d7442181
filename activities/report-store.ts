// Where backfill report pages and final reports live. Every worker that may run a page or the
// final merge must read and write the same store: `s3://bucket/prefix` (S3 or MinIO) for several
// workers, `file:<dir>` for one host (or a directory every worker mounts).
// The official AWS SDK client, because S3's signing, retries and pagination are a solved problem.
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ReportStoreLocation } from './report-location';

export interface ReportStore {
  /** Writes the whole object; a second write of the same key replaces it (retries are harmless). */
  put(key: string, body: string): Promise<void>;
  get(key: string): Promise<string>;
  /** Keys under `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
  /** Where a key is, for people: a path or an s3:// URL. */
  locate(key: string): string;
}

export interface S3Settings {
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
}

export function createReportStore(location: ReportStoreLocation, s3?: S3Settings): ReportStore {
  if (location.kind === 'file') return fileStore(resolve(location.dir));
  return s3Store(
    new S3Client({
      region: s3?.region ?? 'us-east-1',
      ...(s3?.endpoint ? { endpoint: s3.endpoint } : {}),
      forcePathStyle: s3?.forcePathStyle ?? false,
      // Unset: the SDK's default chain (environment, instance or task role).
      ...(s3?.accessKeyId && s3.secretAccessKey ? { credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } } : {}),
    }),
    location.bucket,
    location.prefix,
  );
}

function fileStore(dir: string): ReportStore {
  const path = (key: string) => join(dir, ...key.split('/'));
  return {
    async put(key, body) {
      const target = path(key);
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      const tmp = `${target}.${process.pid}.${Date.now()}.tmp`; // atomic: temp file + rename
      await writeFile(tmp, body, { mode: 0o600 });
      await rename(tmp, target);
    },
    get: (key) => readFile(path(key), 'utf8'),
    async list(prefix) {
      const base = prefix.replace(/\/+$/, '');
      try {
        return (await readdir(path(base)))
          .filter((f) => !f.endsWith('.tmp'))
          .map((f) => `${base}/${f}`)
          .sort();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
    },
    locate: (key) => path(key),
  };
}

function s3Store(client: S3Client, bucket: string, prefix: string): ReportStore {
  const full = (key: string) => (prefix ? `${prefix}/${key}` : key);
  const strip = (key: string) => (prefix ? key.slice(prefix.length + 1) : key);
  return {
    async put(key, body) {
      // A PUT replaces the whole object at once: readers never see half a page.
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: full(key), Body: body, ContentType: 'application/x-ndjson' }));
    },
    async get(key) {
      const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: full(key) }));
      return (await res.Body?.transformToString('utf8')) ?? '';
    },
    async list(keyPrefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const res = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: full(keyPrefix), ContinuationToken: token }));
        for (const o of res.Contents ?? []) if (o.Key) keys.push(strip(o.Key));
        token = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    locate: (key) => `s3://${bucket}/${full(key)}`,
  };
}
