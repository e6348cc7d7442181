// POST /slack/interactions: the "Take it" button. A lead's click becomes the `tryClaim` update, so
// two simultaneous clicks give one owner; the 200 goes out first (Slack wants it within 3 s).
import type { FastifyInstance } from 'fastify';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { maskCardNumbers } from '../../security/mask';
import { ticketIdFromWorkflowId } from '../../workflows/ids';
import { claimUpdate, mergeDecisionUpdate } from '../../workflows/messages';
import { grpcCode, sendError, shortReason } from '../http';
import {
  blockActionsPayloadSchema,
  CLAIM_ACTION_ID,
  claimWorkflowIdSchema,
  formFields,
  interactionTypeSchema,
  MERGE_ACTION_ID,
  mergeDecisionValueSchema,
  SKIP_MERGE_ACTION_ID,
  type BlockActionsPayload,
} from '../slack-schemas';
import type { RouteContext } from './context';
import { verifySlack } from './slack-verify';
import { observeClaimWait } from '../../metrics/claims';

export function registerSlackInteractions(scope: FastifyInstance, ctx: RouteContext): void {
  const { slack, temporal, log, timeouts, leads, afterReply } = ctx;

  async function ephemeral(channel: string | undefined, user: string, text: string): Promise<void> {
    if (!channel) {
      log.warn({ user }, 'no channel to answer in; ephemeral dropped');
      return;
    }
    await slack.chat.postEphemeral({ channel, user, text: maskCardNumbers(text) });
    log.info({ channel, user }, 'ephemeral sent');
  }

  /** Only leads act on requests; anyone else gets a plain refusal. */
  async function isLeadOrRefuse(what: 'claim' | 'merge decision', user: string, channel: string | undefined, workflowId: string, ticketId: number | undefined): Promise<boolean> {
    try {
      if (await leads.isLead(user)) return true;
    } catch (err) {
      log.error({ user, workflowId, err: { message: shortReason(err) } }, 'lead lookup failed');
      await ephemeral(channel, user, "I couldn't check whether you are a team lead (Slack user group lookup failed). Please try again in a minute.");
      return false;
    }
    log.info({ user, workflowId }, `${what} refused: not a lead`);
    const refusal =
      what === 'claim'
        ? `Only team leads can take redaction requests, so ticket #${ticketId} is still open for a lead.`
        : `Only team leads can decide merges, so the question on ticket #${ticketId} is still open for a lead.`;
    await ephemeral(channel, user, refusal);
    return false;
  }

  /** Runs a workflow update for a lead's click; a refusal comes back to the lead as the workflow's own sentence. */
  async function leadUpdate(what: 'claim' | 'merge decision', user: string, channel: string | undefined, workflowId: string, ticketId: number | undefined, update: () => Promise<unknown>): Promise<boolean> {
    try {
      await temporal.connection.withDeadline(Date.now() + timeouts.claimMs, update);
      log.info({ user, workflowId }, `${what} accepted`);
      return true;
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        // The validator's message, e.g. "already claimed by <@U…>".
        const reason = err.cause?.message || err.message;
        log.info({ user, workflowId, reason: maskCardNumbers(reason) }, `${what} rejected`);
        await ephemeral(channel, user, reason);
      } else if (err instanceof WorkflowNotFoundError) {
        log.info({ user, workflowId }, `${what} for a closed or unknown workflow`);
        await ephemeral(channel, user, `The redaction request for ticket #${ticketId} is no longer open.`);
      } else {
        log.error({ user, workflowId, grpcCode: grpcCode(err), err: { message: shortReason(err) } }, `${what} failed`);
        await ephemeral(channel, user, `I couldn't record your ${what} on ticket #${ticketId} just now. Please click again.`);
      }
      return false;
    }
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
    if (!(await isLeadOrRefuse('claim', user, channel, workflowId, ticketId))) return;
    const accepted = await leadUpdate('claim', user, channel, workflowId, ticketId, () =>
      temporal.workflow.getHandle(workflowId).executeUpdate(claimUpdate, {
        args: [{ slackUserId: user, name: payload.user.name ?? payload.user.username, source: 'slack' }],
      }),
    );
    if (accepted) observeClaimWait(temporal, workflowId);
  }

  /** "Merge into #N" (value `<workflow id>:<N>`) or "Don't merge" (value `<workflow id>`). */
  async function handleMergeDecision(payload: BlockActionsPayload, actionId: string, value: string | undefined): Promise<void> {
    const user = payload.user.id;
    const channel = payload.channel?.id ?? payload.container?.channel_id;
    const checked = mergeDecisionValueSchema.safeParse(value);
    if (!checked.success) {
      log.warn({ user }, 'merge decision ignored: button value is not a redaction workflow id');
      return;
    }
    const { workflowId, target } = checked.data;
    const merge = actionId === MERGE_ACTION_ID;
    if (merge && target === undefined) return;
    const ticketId = ticketIdFromWorkflowId(workflowId);
    if (!(await isLeadOrRefuse('merge decision', user, channel, workflowId, ticketId))) return;
    await leadUpdate('merge decision', user, channel, workflowId, ticketId, () =>
      temporal.workflow.getHandle(workflowId).executeUpdate(mergeDecisionUpdate, { args: [{ slackUserId: user, merge, ...(merge ? { target } : {}) }] }),
    );
  }

  scope.post('/slack/interactions', async (req, reply) => {
    const raw = verifySlack(ctx, req, reply);
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
    const decisions = payload.actions.filter((a) => a.action_id === MERGE_ACTION_ID || a.action_id === SKIP_MERGE_ACTION_ID);
    if (claims.length === 0 && decisions.length === 0) log.info({ user: payload.user.id }, 'slack action ignored: unknown action id');

    // Slack wants the ack within 3 s; the claim (Temporal update + ephemeral) runs after it.
    try {
      await reply.code(200).send();
    } catch {
      // The clicker went away before the ack was written; the claim is still theirs to make.
    }
    for (const action of claims) afterReply('claim', () => handleClaim(payload, action.value));
    for (const action of decisions) afterReply('merge decision', () => handleMergeDecision(payload, action.action_id, action.value));
    return reply;
  });
}
