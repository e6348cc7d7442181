// The worker and the HTTP service of a leak-scanning suite, with every log kept line by line: the SDK runtime's
// (activity and workflow logs), the worker's Slack client and the service's. Real parts, as in production.
import type { AddressInfo } from 'node:net';
import type { Worker } from '@temporalio/worker';
import { createSlackClient } from '../../activities/slack-api';
import { createLogger } from '../../security/logger';
import { buildServer, type RedactionHttpServer } from '../../service/server';
import { installRuntime } from '../../workers/main';
import { activitySettings, createRedactionWorker } from '../../workers/worker';
import { startHarness, workflowBundle, type Harness } from './harness';
import { captureStream } from './leak-scan';

export interface LoggedStack {
  h: Harness;
  app: RedactionHttpServer;
  url: string;
  logs: { service: ReturnType<typeof captureStream>; worker: ReturnType<typeof captureStream>; runtime: ReturnType<typeof captureStream> };
  close(): Promise<void>;
}

/** `prepare` runs after the emulators are up and before the worker polls (e.g. to seed filler tickets). */
export async function startLoggedStack(prepare?: (h: Harness) => Promise<void>): Promise<LoggedStack> {
  const logs = { service: captureStream(), worker: captureStream(), runtime: captureStream() };
  // SDK and core logs go through the masking logger, as in workers/main.ts; must precede any connection.
  installRuntime(createLogger({ name: 'temporal', level: 'trace', destination: logs.runtime }));
  const h = await startHarness({ worker: false });
  await prepare?.(h);
  const slackWith = (logger: ReturnType<typeof createLogger>) =>
    createSlackClient({ apiUrl: h.config.SLACK_API_URL, botToken: h.config.SLACK_BOT_TOKEN, timeoutMs: h.config.SLACK_TIMEOUT_MS, log: (level, text) => logger[level](text) });
  const worker: Worker = await createRedactionWorker({
    connection: h.nativeConnection,
    taskQueue: h.taskQueue,
    zendesk: h.zendeskApi,
    slack: slackWith(createLogger({ name: 'worker', level: 'trace', destination: logs.worker })),
    dataConverter: h.dataConverter,
    workflowBundle: await workflowBundle(),
    shutdownGraceTime: '5 seconds',
    settings: activitySettings(h.config),
  });
  const running = worker.run();
  const serviceLogger = createLogger({ name: 'service', level: 'trace', destination: logs.service });
  const app = buildServer({ config: h.config, temporal: h.client, slack: slackWith(serviceLogger), logger: serviceLogger, codec: h.codec });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    h,
    app,
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    logs,
    async close() {
      await app.close();
      worker.shutdown();
      await running;
      await h.close();
    },
  };
}
