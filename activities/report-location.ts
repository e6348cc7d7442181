// Parses BACKFILL_REPORT_STORE (no SDK import: config/ validates it at start-up).
export type ReportStoreLocation = { kind: 'file'; dir: string } | { kind: 's3'; bucket: string; prefix: string };

/** `file:<dir>` or `s3://bucket[/prefix]`; a message for anything else. */
export function parseReportStore(value: string): ReportStoreLocation | string {
  if (value.startsWith('file:')) {
    const dir = value.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
    return dir ? { kind: 'file', dir } : 'file: needs a directory, e.g. file:.data/reports';
  }
  const s3 = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(value);
  if (s3) return { kind: 's3', bucket: s3[1]!, prefix: (s3[2] ?? '').replace(/^\/+|\/+$/g, '') };
  if (value.startsWith('s3://')) return 's3:// needs a valid bucket name (3-63 lower-case letters, digits, dots, hyphens)';
  return 'expected file:<directory> or s3://bucket[/prefix]';
}
