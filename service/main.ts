// HTTP service entrypoint: `npm run service`. Stops on SIGTERM/SIGINT: stops accepting requests,
// finishes claims in flight (app.close waits for them), then closes the Temporal connection.
import { once } from 'node:events';
import { createSlackClient } from '../activities/slack-api';
import { ConfigError, loadConfig, type Config } from '../config';
import { createLogger } from '../security/logger';
import { buildServer } from './server';
import { connectTemporal } from './temporal';

/** `onReady` gets the address once the service listens (npm start prints its ✔ then). */
export async function runService(config: Config, opts: { signal?: AbortSignal; onReady?: (address: string) => void } = {}): Promise<void> {
  const logger = createLogger({ name: 'service', level: config.LOG_LEVEL });
  const { connection, client, codec } = await connectTemporal(config);
  try {
    const slack = createSlackClient({
      apiUrl: config.SLACK_API_URL,
      botToken: config.SLACK_BOT_TOKEN,
      timeoutMs: config.SLACK_TIMEOUT_MS,
      log: (level, text) => logger[level](text),
    });
    const app = buildServer({ config, temporal: client, slack, logger, codec });
    try {
      const address = await app.listen({ port: config.PORT, host: config.HOST });
      logger.info({ address, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE }, 'service listening');
      opts.onReady?.(address);
      // Without a signal it serves until the process ends.
      const signal = opts.signal ?? new AbortController().signal;
      if (!signal.aborted) await once(signal, 'abort');
    } finally {
      await app.close();
      logger.info('service stopped');
    }
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  const stop = new AbortController();
  process.once('SIGTERM', () => stop.abort());
  process.once('SIGINT', () => stop.abort());
  const logger = createLogger({ name: 'service' });
  (async () => {
    await runService(loadConfig(), { signal: stop.signal });
  })().catch((err: unknown) => {
    // ConfigError lists every problem and never includes secret values; other errors are masked by the logger.
    if (err instanceof ConfigError) logger.fatal({ problems: err.problems }, err.message);
    else logger.fatal({ err }, err instanceof Error ? err.message : 'service failed');
    process.exitCode = 1;
  });
}
