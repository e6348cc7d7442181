// A redaction worker in its own process, for tests that kill it (SIGKILL) and start it again.
// Configured entirely by environment variables, as `npm run worker` is; run it with
// `node --import tsx test/helpers/worker-process.ts` (one process: `npx tsx` would fork a second,
// which a SIGKILL to the first would orphan). runWorker bundles workflows/ itself and logs
// "worker started" (pino JSON on stdout) just before it polls; worker-child.ts waits for that line.
import { loadConfig } from '../../config';
import { runWorker } from '../../workers/main';

const stop = new AbortController();
process.once('SIGTERM', () => stop.abort());
process.once('SIGINT', () => stop.abort());

runWorker(loadConfig(process.env), { signal: stop.signal }).catch((err: unknown) => {
  process.stderr.write(`worker failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
