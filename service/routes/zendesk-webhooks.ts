// POST /webhooks/zendesk: a signed trigger or event webhook becomes a `request` signal on the
// ticket's workflow (signal-with-start, so repeated triggers join one request). A comment trigger that
// carries the comment's text is scanned here first (edge-scan.ts): a clean comment starts nothing.
import type { FastifyInstance } from 'fastify';
import { edgeVerdict } from '../edge-scan';
import { maskCardNumbers } from '../../security/mask';
import { redactionWorkflowId } from '../../workflows/ids';
import { requestSignal } from '../../workflows/messages';
import { TicketIdKey } from '../../workflows/search-attributes';
import type { RedactionRequest, RedactionWorkflowInput } from '../../workflows/types';
import { grpcCode, header, rawBodyOf, sendError, shortReason } from '../http';
import { parseWebhookBody, toRedactionRequest } from '../webhook-schemas';
import { verifyZendeskSignature } from '../webhook-signature';
import type { RouteContext } from './context';

/** Workflow type name; started by name so this process never loads workflow code. */
export const REDACTION_WORKFLOW_TYPE = 'redactionWorkflow';
type RedactionWorkflowFn = (input: RedactionWorkflowInput) => Promise<unknown>;
const INVOCATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function registerZendeskWebhooks(scope: FastifyInstance, ctx: RouteContext): void {
  const { config, temporal, log, now, timeouts, recentDeliveries } = ctx;
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
    json = undefined; // the body may hold comment text: keep it no longer than needed
    if (parsed.kind === 'invalid') {
      log.warn({ problems: parsed.problems }, 'zendesk webhook rejected: unsupported body');
      return sendError(reply, 400, 'invalid_body', `Body is not a supported webhook payload: ${parsed.problems.join('; ')}.`);
    }
    if (parsed.kind === 'ignored_event') {
      const eventType = maskCardNumbers(parsed.eventType.slice(0, 100));
      log.info({ eventType }, 'zendesk event ignored');
      return reply.code(200).send({ ignored: true, reason: `event type ${eventType} is not handled` });
    }

    if (parsed.kind === 'trigger' && edgeVerdict(parsed.body) === 'clean') {
      // No log line per clean comment: at volume it would be most of the service's output.
      return reply.code(200).send({ ticketId: parsed.body.ticket_id, started: false, reason: 'no card number in the comment' });
    }

    const invocationHeader = header(req, 'x-zendesk-webhook-invocation-id');
    const invocationId = invocationHeader && INVOCATION_ID.test(invocationHeader) ? invocationHeader : undefined;
    const { ticketId, request } = toRedactionRequest(parsed, { invocationId, rawBody: raw, mask: maskCardNumbers });
    const workflowId = redactionWorkflowId(ticketId);
    const logFields = { ticketId, workflowId, deliveryId: request.deliveryId, source: request.source };
    // Per ticket: Zendesk may reuse an invocation id for another ticket's delivery.
    const dedupeKey = `${ticketId}:${request.deliveryId}`;

    if (recentDeliveries.has(dedupeKey)) {
      log.info(logFields, 'zendesk webhook duplicate: already accepted');
      return reply.code(202).send({ workflowId, duplicate: true });
    }
    try {
      await temporal.connection.withDeadline(Date.now() + timeouts.signalMs, () =>
        temporal.workflow.signalWithStart<RedactionWorkflowFn, [RedactionRequest]>(REDACTION_WORKFLOW_TYPE, {
          workflowId,
          taskQueue: config.TEMPORAL_TASK_QUEUE,
          args: [{ ticketId }], // settings: the worker's own (local activity redactionSettings)
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
    recentDeliveries.add(dedupeKey);
    log.info(logFields, 'redaction request signalled');
    return reply.code(202).send({ workflowId });
  });
}
