// Slack requests the service accepts (fact sheet §4, §7). Only the fields we use are validated.
import { z } from 'zod';
import { REDACTION_WORKFLOW_PREFIX } from '../workflows/ids';

export { CLAIM_ACTION_ID, MERGE_ACTION_ID, SKIP_MERGE_ACTION_ID } from '../activities/slack-card';

const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, { message: 'expected a Slack user id' });
const slackChannelId = z.string().regex(/^[CGD][A-Z0-9]{2,}$/, { message: 'expected a Slack channel id' });

export const blockActionSchema = z.object({
  type: z.string(),
  action_id: z.string().min(1).max(255),
  block_id: z.string().optional(),
  value: z.string().max(2000).optional(),
});

export const blockActionsPayloadSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: slackUserId, username: z.string().optional(), name: z.string().optional() }),
  channel: z.object({ id: slackChannelId }).optional(),
  container: z.object({ channel_id: slackChannelId.optional(), message_ts: z.string().optional() }).optional(),
  response_url: z.string().optional(),
  actions: z.array(blockActionSchema).min(1),
});
export type BlockActionsPayload = z.infer<typeof blockActionsPayloadSchema>;

/** Only the type, to tell block_actions from payload types we ignore (view_submission, shortcuts…). */
export const interactionTypeSchema = z.object({ type: z.string().min(1) });

/** The Take it button's value: the workflow id, `redaction-ticket-<n>`. */
export const claimWorkflowIdSchema = z
  .string()
  .regex(new RegExp(`^${REDACTION_WORKFLOW_PREFIX}[1-9]\\d{0,15}$`), { message: 'expected redaction-ticket-<ticket id>' });

/** The merge buttons' value: `redaction-ticket-<id>` (Don't merge) or `redaction-ticket-<id>:<target>` (Merge into #target). */
export const mergeDecisionValueSchema = z
  .string()
  .regex(new RegExp(`^${REDACTION_WORKFLOW_PREFIX}[1-9]\\d{0,15}(?::[1-9]\\d{0,15})?$`), { message: 'expected redaction-ticket-<ticket id>[:<target>]' })
  .transform((v) => {
    const [workflowId, target] = v.split(':');
    return { workflowId: workflowId!, target: target === undefined ? undefined : Number(target) };
  });

export const slashCommandSchema = z.object({
  command: z.string().min(1),
  text: z.string().default(''),
  user_id: slackUserId,
  channel_id: z.string().min(1),
  response_url: z.string().optional(),
});
export type SlashCommand = z.infer<typeof slashCommandSchema>;

export type RedactionCommand = { kind: 'status'; ticketId: number } | { kind: 'help' } | { kind: 'usage'; problem: string };

/** `/redaction status 123` (also `#123`); `help` or nothing shows usage. */
export function parseRedactionCommand(text: string): RedactionCommand {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0 || (words.length === 1 && words[0]!.toLowerCase() === 'help')) return { kind: 'help' };
  if (words[0]!.toLowerCase() !== 'status') {
    // Echo the word only when it cannot carry digits (card data).
    const word = /^[a-z]{1,20}$/i.test(words[0]!) ? ` "${words[0]!}"` : '';
    return { kind: 'usage', problem: `unknown subcommand${word}` };
  }
  if (words.length !== 2) return { kind: 'usage', problem: 'status takes exactly one ticket id' };
  const match = /^#?([1-9]\d{0,15})$/.exec(words[1]!);
  const id = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(id)) return { kind: 'usage', problem: 'the ticket id must be a number' };
  return { kind: 'status', ticketId: id };
}

export const REDACTION_COMMAND_USAGE = 'Usage: `/redaction status <ticket id>` shows where the redaction request for that ticket stands.';

/** Decodes an urlencoded form into a plain object (last value wins). */
export function formFields(raw: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(raw));
}
