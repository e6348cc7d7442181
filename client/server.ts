// The HTTP face of the service: Zendesk webhooks start/signal workflows, Slack clicks claim them,
// `/redaction status` reads them. No ticket text passes through here; requests carry ids only.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type pino from 'pino';
import type { WebClient } from '@slack/web-api';
import {
  isGrpcDeadlineError,
  isGrpcServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { type Config, redactionSettings } from '../config';
import { maskCardNumbers } from '../security/mask';
import { redactionWorkflowId, ticketIdFromWorkflowId } from '../workflows/ids';
import { claimUpdate, requestSignal, statusQuery } from '../workflows/messages';
import { TicketIdKey } from '../workflows/search-attributes';
import type { RedactionRequest, RedactionStatus, RedactionWorkflowInput } from '../workflows/types';
import { loggablePath, registerCodecRoutes } from './codec-server';
import { registerMetrics } from './metrics';
import { LeadDirectory } from './slack-leads';
import {
  blockActionsPayloadSchema,
  CLAIM_ACTION_ID,
  claimWorkflowIdSchema,
  formFields,
  interactionTypeSchema,
  parseRedactionCommand,
  REDACTION_COMMAND_USAGE,
  slashCommandSchema,
  type BlockActionsPayload,
} from './slack-schemas';
import { verifySlackRequest } from './slack-signature';
import { RecentIds } from './webhook-dedupe';
import { parseWebhookBody, toRedactionRequest } from './webhook-schemas';
import { verifyZendeskSignature } from './webhook-signature';

/** Workflow type name; started by name so this process never loads workflow code. */
export const REDACTION_WORKFLOW_TYPE = 'redactionWorkflow';
type RedactionWorkflowFn = (input: RedactionWorkflowInput) => Promise<unknown>;

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

export interface Timeouts {
  /** signalWithStart for a webhook; Zendesk gives up after about 10 s. */
  signalMs: number;
  /** `/redaction status` query; Slack gives up after 3 s. */
  statusQueryMs: number;
  /** Claim update; runs after the 200, so it may take longer. */
  claimMs: number;
  /** Health check RPC. */
  healthMs: number;
}

const DEFAULT_TIMEOUTS: Timeouts = { signalMs: 5_000, statusQueryMs: 2_500, claimMs: 30_000, healthMs: 2_000 };
/** Slack interaction payloads carry the whole message; they are bigger than webhook bodies. */
const SLACK_BODY_LIMIT = 1_048_576;
const INVOCATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export type RedactionHttpServer = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger> & {
  /** Resolves when the work started after early replies (claims, ephemerals) has finished. */
  pendingWork(): Promise<void>;
};

interface ErrorBody {
  error: string;
  message: string;
}

function header(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function rawBodyOf(req: FastifyRequest): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

function sendError(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
  return reply.code(status).send({ error, message: maskCardNumbers(message) } satisfies ErrorBody);
}

/** gRPC status code of a Temporal client error, if it has one. */
function grpcCode(err: unknown): number | undefined {
  if (isGrpcServiceError(err)) return err.code;
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  return cause !== undefined && cause !== err ? grpcCode(cause) : undefined;
}

function shortReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return maskCardNumbers(text.split('\n')[0]!.slice(0, 200));
}

function sleep(ms: number): Promise<'timeout'> {
  return new Promise((resolve) => setTimeout(() => resolve('timeout'), ms).unref());
}

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

  app.decorate('pendingWork', async function pendingWork(): Promise<void> {
    while (inflight.size > 0) await Promise.allSettled([...inflight]);
  });
  app.addHook('onClose', async () => app.pendingWork());

  // Signed routes live in their own scope: signatures cover the exact bytes received, so bodies stay raw
  // there, while the codec routes keep Fastify's JSON parser.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    signedRoutes(scope);
  });

  if (deps.codec) {
    if (!config.CODEC_AUTH_TOKEN) log.warn('CODEC_AUTH_TOKEN is not set: codec endpoint disabled');
    else registerCodecRoutes(app, { codec: deps.codec, authToken: config.CODEC_AUTH_TOKEN, allowedOrigins: config.CODEC_CORS_ORIGINS });
  }

  // ---------------------------------------------------------------- health
  registerMetrics(app, temporal); // GET /metrics (client/metrics.ts)

  app.get('/healthz', async (_req, reply) => {
    try {
      await temporal.connection.withDeadline(Date.now() + timeouts.healthMs, () => temporal.workflowService.getSystemInfo({}));
      return reply.code(200).send({ status: 'ok' });
    } catch (err) {
      return reply.code(503).send({
        status: 'unavailable',
        error: 'temporal_unavailable',
        message: `Temporal is not reachable: ${shortReason(err)}`,
      });
    }
  });

  return app;

  function signedRoutes(scope: FastifyInstance): void {
    // ---------------------------------------------------------------- Zendesk webhooks
    scope.post('/webhooks/zendesk', { bodyLimit: config.WEBHOOK_MAX_BODY_BYTES }, async (req, reply) => {
      const raw = rawBodyOf(req);
      const check = verifyZendeskSignature(
        config.ZENDESK_WEBHOOK_SECRET,
        raw,
        header(req, 'x-zendesk-webhook-signature-timestamp'),
        header(req, 'x-zendesk-webhook-signature'),
        now(),
      );
      if (!check.ok) {
        log.warn({ reason: check.reason }, 'zendesk webhook rejected: signature');
        return sendError(reply, 401, 'invalid_signature', `Webhook signature rejected: ${check.reason}.`);
      }

      let json: unknown;
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        log.warn({ bytes: raw.length }, 'zendesk webhook rejected: not JSON');
        return sendError(reply, 400, 'malformed_json', 'Body is not valid JSON.');
      }
      const parsed = parseWebhookBody(json);
      if (parsed.kind === 'invalid') {
        log.warn({ problems: parsed.problems }, 'zendesk webhook rejected: unsupported body');
        return sendError(reply, 400, 'invalid_body', `Body is not a supported webhook payload: ${parsed.problems.join('; ')}.`);
      }
      if (parsed.kind === 'ignored_event') {
        const eventType = maskCardNumbers(parsed.eventType.slice(0, 100));
        log.info({ eventType }, 'zendesk event ignored');
        return reply.code(200).send({ ignored: true, reason: `event type ${eventType} is not handled` });
      }

      const invocationHeader = header(req, 'x-zendesk-webhook-invocation-id');
      const invocationId = invocationHeader && INVOCATION_ID.test(invocationHeader) ? invocationHeader : undefined;
      const { ticketId, request } = toRedactionRequest(parsed, { invocationId, rawBody: raw, mask: maskCardNumbers });
      const workflowId = redactionWorkflowId(ticketId);
      const logFields = { ticketId, workflowId, deliveryId: request.deliveryId, source: request.source };

      if (recentDeliveries.has(request.deliveryId)) {
        log.info(logFields, 'zendesk webhook duplicate: already accepted');
        return reply.code(202).send({ workflowId, duplicate: true });
      }
      try {
        await temporal.connection.withDeadline(Date.now() + timeouts.signalMs, () =>
          temporal.workflow.signalWithStart<RedactionWorkflowFn, [RedactionRequest]>(REDACTION_WORKFLOW_TYPE, {
            workflowId,
            taskQueue: config.TEMPORAL_TASK_QUEUE,
            args: [{ ticketId, settings: redactionSettings(config) }],
            signal: requestSignal,
            signalArgs: [request],
            typedSearchAttributes: [{ key: TicketIdKey, value: ticketId }],
          }),
        );
      } catch (err) {
        log.error({ ...logFields, grpcCode: grpcCode(err), err: { message: shortReason(err) } }, 'zendesk webhook: temporal unavailable');
        void reply.header('retry-after', '30');
        return sendError(reply, 503, 'temporal_unavailable', 'The workflow service is unavailable; retry later.');
      }
      recentDeliveries.add(request.deliveryId);
      log.info(logFields, 'redaction request signalled');
      return reply.code(202).send({ workflowId });
    });

    // ---------------------------------------------------------------- Slack
    function verifySlack(req: FastifyRequest, reply: FastifyReply): Buffer | undefined {
      const raw = rawBodyOf(req);
      const check = verifySlackRequest(
        config.SLACK_SIGNING_SECRET,
        raw,
        header(req, 'x-slack-request-timestamp'),
        header(req, 'x-slack-signature'),
        now(),
      );
      if (check.ok) return raw;
      log.warn({ path: loggablePath(req.url), reason: check.reason }, 'slack request rejected: signature');
      sendError(reply, 401, 'invalid_signature', `Slack signature rejected: ${check.reason}.`);
      return undefined;
    }

    async function ephemeral(channel: string | undefined, user: string, text: string): Promise<void> {
      if (!channel) {
        log.warn({ user }, 'no channel to answer in; ephemeral dropped');
        return;
      }
      await slack.chat.postEphemeral({ channel, user, text: maskCardNumbers(text) });
      log.info({ channel, user }, 'ephemeral sent');
    }

    async function handleClaim(payload: BlockActionsPayload, value: string | undefined): Promise<void> {
      const user = payload.user.id;
      const channel = payload.channel?.id ?? payload.container?.channel_id;
      const checked = claimWorkflowIdSchema.safeParse(value);
      if (!checked.success) {
        log.warn({ user }, 'claim ignored: button value is not a redaction workflow id');
        return;
      }
      const workflowId = checked.data;
      const ticketId = ticketIdFromWorkflowId(workflowId);

      let isLead: boolean;
      try {
        isLead = await leads.isLead(user);
      } catch (err) {
        log.error({ user, workflowId, err: { message: shortReason(err) } }, 'claim: lead lookup failed');
        await ephemeral(channel, user, "I couldn't check whether you are a team lead (Slack user group lookup failed). Please try again in a minute.");
        return;
      }
      if (!isLead) {
        log.info({ user, workflowId }, 'claim refused: not a lead');
        await ephemeral(channel, user, `Only team leads can take redaction requests, so ticket #${ticketId} is still open for a lead.`);
        return;
      }

      try {
        const result = await temporal.connection.withDeadline(Date.now() + timeouts.claimMs, () =>
          temporal.workflow.getHandle(workflowId).executeUpdate(claimUpdate, {
            args: [{ slackUserId: user, name: payload.user.name ?? payload.user.username, source: 'slack' }],
          }),
        );
        log.info({ user, workflowId, claimedBy: result.claimedBy }, 'claim accepted');
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) {
          // The validator's message, e.g. "already claimed by <@U…>".
          const reason = err.cause?.message || err.message;
          log.info({ user, workflowId, reason: maskCardNumbers(reason) }, 'claim rejected');
          await ephemeral(channel, user, reason);
        } else if (err instanceof WorkflowNotFoundError) {
          log.info({ user, workflowId }, 'claim for a closed or unknown workflow');
          await ephemeral(channel, user, `The redaction request for ticket #${ticketId} is no longer open.`);
        } else {
          log.error({ user, workflowId, grpcCode: grpcCode(err), err: { message: shortReason(err) } }, 'claim failed');
          await ephemeral(channel, user, `I couldn't record your claim on ticket #${ticketId} just now. Please click Take it again.`);
        }
      }
    }

    scope.post('/slack/interactions', async (req, reply) => {
      const raw = verifySlack(req, reply);
      if (!raw) return reply;
      const payloadText = formFields(raw.toString('utf8')).payload;
      if (payloadText === undefined) return sendError(reply, 400, 'invalid_payload', 'Form field "payload" is missing.');
      let json: unknown;
      try {
        json = JSON.parse(payloadText);
      } catch {
        return sendError(reply, 400, 'invalid_payload', 'Form field "payload" is not valid JSON.');
      }
      const kind = interactionTypeSchema.safeParse(json);
      if (!kind.success) return sendError(reply, 400, 'invalid_payload', 'Interaction payload has no type.');
      if (kind.data.type !== 'block_actions') {
        log.info({ type: kind.data.type.slice(0, 40) }, 'slack interaction ignored');
        return reply.code(200).send();
      }
      const parsed = blockActionsPayloadSchema.safeParse(json);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
        return sendError(reply, 400, 'invalid_payload', `block_actions payload is invalid: ${problems.join('; ')}.`);
      }
      const payload = parsed.data;
      const claims = payload.actions.filter((a) => a.action_id === CLAIM_ACTION_ID);
      if (claims.length === 0) log.info({ user: payload.user.id }, 'slack action ignored: unknown action id');

      // Slack wants the ack within 3 s; the claim (Temporal update + ephemeral) runs after it.
      try {
        await reply.code(200).send();
      } catch {
        // The clicker went away before the ack was written; the claim is still theirs to make.
      }
      for (const action of claims) afterReply('claim', () => handleClaim(payload, action.value));
      return reply;
    });

    async function statusText(ticketId: number): Promise<string> {
      const handle = temporal.workflow.getHandle(redactionWorkflowId(ticketId));
      const outcome = await Promise.race([
        temporal.connection
          .withDeadline(Date.now() + timeouts.statusQueryMs, () => handle.query(statusQuery))
          .then((status) => ({ status }), (err: unknown) => ({ err })),
        sleep(timeouts.statusQueryMs),
      ]);
      if (outcome === 'timeout' || ('err' in outcome && (isGrpcDeadlineError(outcome.err) || grpcCode(outcome.err) === 4))) {
        log.info({ ticketId }, 'status query timed out');
        return `Still loading the status of ticket #${ticketId}; try again in a few seconds.`;
      }
      if ('err' in outcome) {
        if (outcome.err instanceof WorkflowNotFoundError || grpcCode(outcome.err) === 5) {
          return `No redaction request for ticket ${ticketId}.`;
        }
        log.error({ ticketId, grpcCode: grpcCode(outcome.err), err: { message: shortReason(outcome.err) } }, 'status query failed');
        return `Couldn't read the status of ticket #${ticketId} right now; try again shortly.`;
      }
      return formatStatus(outcome.status);
    }

    scope.post('/slack/commands', async (req, reply) => {
      const raw = verifySlack(req, reply);
      if (!raw) return reply;
      const fields = formFields(raw.toString('utf8'));
      if (fields.ssl_check === '1') return reply.code(200).send();
      const parsed = slashCommandSchema.safeParse(fields);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
        return sendError(reply, 400, 'invalid_command', `Slash command form is invalid: ${problems.join('; ')}.`);
      }
      const command = parseRedactionCommand(parsed.data.text);
      let text: string;
      if (command.kind === 'help') text = REDACTION_COMMAND_USAGE;
      else if (command.kind === 'usage') text = `Sorry, ${command.problem}. ${REDACTION_COMMAND_USAGE}`;
      else text = await statusText(command.ticketId);
      log.info({ user: parsed.data.user_id, command: command.kind }, 'slash command answered');
      return reply.code(200).send({ response_type: 'ephemeral', text: maskCardNumbers(text) });
    });

  }
}

const STAGE_LABELS: Record<RedactionStatus['stage'], string> = {
  waiting_for_request: 'waiting for a request',
  detecting: 'looking for card numbers',
  opening_child_ticket: 'opening the child ticket',
  awaiting_claim: 'waiting for a lead to take it',
  redacting: 'redacting',
  verifying: 'verifying the redaction',
  merging: 'merging tickets',
  documenting: 'documenting',
  done: 'done',
};

function claimedByLabel(claimedBy: string | undefined): string {
  if (!claimedBy) return 'nobody yet';
  return /^[UW][A-Z0-9]{2,}$/.test(claimedBy) ? `<@${claimedBy}>` : claimedBy;
}

/** One ephemeral message; only ids, last 4 digits and enums, never ticket text. */
export function formatStatus(status: RedactionStatus): string {
  const lines = [
    `*Redaction request for ticket #${status.ticketId}*`,
    `• Stage: ${STAGE_LABELS[status.stage] ?? status.stage}`,
    `• Outcome: ${status.outcome ? status.outcome.replace(/_/g, ' ') : 'not decided yet'}`,
    `• Card ending: ${status.last4.length ? status.last4.join(', ') : 'none found yet'}`,
    `• Claimed by: ${claimedByLabel(status.claimedBy)}`,
    `• Child ticket: ${status.childTicketId ? `#${status.childTicketId}` : 'none'}`,
  ];
  if (status.attachments.length) lines.push(`• Attachments: ${status.attachments.length}`);
  if (status.detail) lines.push(`• Detail: ${status.detail}`);
  return maskCardNumbers(lines.join('\n'));
}
