// POST /slack/commands: `/redaction status <ticket id>` answers from the workflow's status query,
// time-boxed so Slack's 3 s limit holds.
import type { FastifyInstance } from 'fastify';
import { isGrpcDeadlineError, WorkflowNotFoundError } from '@temporalio/client';
import { maskCardNumbers } from '../../security/mask';
import { redactionWorkflowId } from '../../workflows/ids';
import { statusQuery } from '../../workflows/messages';
import { grpcCode, sendError, shortReason, sleep } from '../http';
import { formFields, parseRedactionCommand, REDACTION_COMMAND_USAGE, slashCommandSchema } from '../slack-schemas';
import { formatStatus } from '../status-text';
import type { RouteContext } from './context';
import { verifySlack } from './slack-verify';

export function registerSlackCommands(scope: FastifyInstance, ctx: RouteContext): void {
  const { temporal, log, timeouts } = ctx;

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
    const raw = verifySlack(ctx, req, reply);
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
