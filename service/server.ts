// The HTTP service: Zendesk webhooks start/signal workflows, Slack clicks claim them, `/redaction
// status` reads them. Routes live in routes/, one module each; no ticket text passes through here.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type pino from 'pino';
import type { WebClient } from '@slack/web-api';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { Config } from '../config';
import { loggablePath, registerCodecRoutes } from './codec-server';
import { sendError, shortReason } from './http';
import { DEFAULT_TIMEOUTS, type RouteContext, type Timeouts } from './routes/context';
import { registerHealth } from './routes/health';
import { registerMetrics } from './routes/metrics';
import { registerSlackCommands } from './routes/slack-commands';
import { registerSlackInteractions } from './routes/slack-interactions';
import { registerZendeskWebhooks } from './routes/zendesk-webhooks';
import { LeadDirectory } from './slack-leads';
import { RecentIds } from './webhook-dedupe';

export { REDACTION_WORKFLOW_TYPE } from './routes/zendesk-webhooks';
export { formatStatus } from './status-text';
export type { Timeouts } from './routes/context';

export interface ServerDeps {
  config: Config;
  temporal: Client;
  slack: WebClient;
  logger: pino.Logger;
  /** Clock for signature windows (tests). Timeouts always use the real clock. */
  now?: () => number;
  /** Time limits, overridable by tests. */
  timeouts?: Partial<Timeouts>;
  /** Payload codec for the Web UI's codec endpoint (`/codec/*`), served when CODEC_AUTH_TOKEN is set. */
  codec?: PayloadCodec;
  /** Lead directory (tests may share one); built from the config when absent. */
  leads?: LeadDirectory;
}

/** Slack interaction payloads carry the whole message; they are bigger than webhook bodies. */
const SLACK_BODY_LIMIT = 1_048_576;

export type RedactionHttpServer = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger> & {
  /** Resolves when the work started after early replies (claims, ephemerals) has finished. */
  pendingWork(): Promise<void>;
};

/**
 * One line per request. Fastify's own lines log `responseTime` as a long float, which the card masker
 * (rightly) cannot tell from a card number, and the full URL, whose query string we never want.
 */
class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const fields = { method: request.method, path: loggablePath(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (error) reply.log.error({ ...fields, err: { message: shortReason(error) } }, 'request errored');
    else reply.log.info(fields, 'request completed');
  }
}

export function buildServer(deps: ServerDeps): RedactionHttpServer {
  const { config, temporal, slack } = deps;
  const now = deps.now ?? Date.now;
  const timeouts: Timeouts = { ...DEFAULT_TIMEOUTS, ...deps.timeouts };
  const leads =
    deps.leads ??
    new LeadDirectory({ slack, leadUserIds: config.SLACK_LEAD_USER_IDS, usergroupId: config.SLACK_LEAD_USERGROUP_ID });
  const recentDeliveries = new RecentIds();
  const inflight = new Set<Promise<void>>();

  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: SLACK_BODY_LIMIT,
    return503OnClosing: true,
    logController: new RequestLog(),
  }) as unknown as RedactionHttpServer;
  const log = app.log;

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      log.warn({ path: loggablePath(req.url), limit: req.routeOptions.bodyLimit }, 'request rejected: body too large');
      return sendError(reply, 413, 'payload_too_large', `Request body is larger than ${req.routeOptions.bodyLimit} bytes.`);
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return sendError(reply, status, 'bad_request', err.message || 'Bad request.');
    }
    log.error({ err: { code: err.code, message: shortReason(err) }, path: loggablePath(req.url) }, 'unhandled error');
    return sendError(reply, 500, 'internal_error', 'Internal error; the request was not processed.');
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, 404, 'not_found', `No route ${req.method} ${loggablePath(req.url)}.`));

  /** Runs work after the HTTP reply; failures are logged, never thrown into the void. */
  function afterReply(what: string, work: () => Promise<void>): void {
    const tracked: Promise<void> = work()
      .catch((err: unknown) => log.error({ err: { message: shortReason(err) } }, `${what} failed`))
      .finally(() => inflight.delete(tracked));
    inflight.add(tracked);
  }

  const ctx: RouteContext = { config, temporal, slack, log, now, timeouts, leads, recentDeliveries, afterReply };

  app.decorate('pendingWork', async function pendingWork(): Promise<void> {
    while (inflight.size > 0) await Promise.allSettled([...inflight]);
  });
  app.addHook('onClose', async () => app.pendingWork());

  // Signed routes live in their own scope: signatures cover the exact bytes received, so bodies stay raw
  // there, while the codec routes keep Fastify's JSON parser.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    registerZendeskWebhooks(scope, ctx);
    registerSlackInteractions(scope, ctx);
    registerSlackCommands(scope, ctx);
  });

  if (deps.codec) {
    if (!config.CODEC_AUTH_TOKEN) log.warn('CODEC_AUTH_TOKEN is not set: codec endpoint disabled');
    else registerCodecRoutes(app, { codec: deps.codec, authToken: config.CODEC_AUTH_TOKEN, allowedOrigins: config.CODEC_CORS_ORIGINS });
  }

  // ---------------------------------------------------------------- health and metrics
  registerMetrics(app, temporal);
  registerHealth(app, ctx);

  return app;
}
