// ONE Temporal dev server for the whole jest run. Tests read its address from
// TEMPORAL_TEST_ADDRESS; set that variable yourself to reuse a server you started.
import { startDevServer, type DevServer } from '../../scripts/dev-server';

declare global {
  var __TEMPORAL_DEV_SERVER__: DevServer | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.TEMPORAL_TEST_ADDRESS) return;
  const started = Date.now();
  const server = await startDevServer({ startTimeoutMs: Number(process.env.TEMPORAL_START_TIMEOUT_MS ?? 90_000) });
  globalThis.__TEMPORAL_DEV_SERVER__ = server;
  process.env.TEMPORAL_TEST_ADDRESS = server.address;
  process.stderr.write(`\n[test] temporal dev server ${server.address} (pid ${server.pid}) up in ${Date.now() - started} ms\n`);
}
