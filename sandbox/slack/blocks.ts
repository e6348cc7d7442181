// Block Kit limits the real API enforces (fact sheet §3), so product bugs fail here and not in
// production. Unknown block types pass through: we only check what our cards use.
import { z } from 'zod';

const plainText = (max: number) =>
  z.object({ type: z.literal('plain_text'), text: z.string().min(1).max(max), emoji: z.boolean().optional() }).loose();
const anyText = (max: number) =>
  z.object({ type: z.enum(['plain_text', 'mrkdwn']), text: z.string().min(1).max(max) }).loose();

const button = z
  .object({
    type: z.literal('button'),
    text: plainText(75),
    action_id: z.string().min(1).max(255).optional(),
    value: z.string().max(2000).optional(),
    url: z.string().max(3000).optional(),
    style: z.enum(['primary', 'danger']).optional(),
    accessibility_label: z.string().max(75).optional(),
  })
  .loose();

const element = z.union([button, z.object({ type: z.string().refine((t) => t !== 'button') }).loose()]);

const blockId = z.string().min(1).max(255).optional();

const section = z
  .object({
    type: z.literal('section'),
    block_id: blockId,
    text: anyText(3000).optional(),
    fields: z.array(anyText(2000)).max(10).optional(),
    accessory: element.optional(),
  })
  .loose()
  .refine((b) => b.text !== undefined || b.fields !== undefined, 'section needs text or fields');

const actions = z
  .object({ type: z.literal('actions'), block_id: blockId, elements: z.array(element).min(1).max(25) })
  .loose()
  .refine((b) => {
    const ids = b.elements.map((e) => (e as { action_id?: unknown }).action_id).filter((id) => id !== undefined);
    return new Set(ids).size === ids.length;
  }, 'action_id must be unique within a block');

const context = z
  .object({ type: z.literal('context'), block_id: blockId, elements: z.array(z.object({ type: z.string() }).loose()).min(1).max(10) })
  .loose();

const KNOWN = new Set(['section', 'actions', 'context']);
const other = z.object({ type: z.string().min(1).refine((t) => !KNOWN.has(t)), block_id: blockId }).loose();

const block = z.union([section, actions, context, other]);

export const blocksSchema = z
  .array(block)
  .max(50)
  .refine((bs) => {
    const ids = bs.map((b) => b.block_id).filter((id) => id !== undefined);
    return new Set(ids).size === ids.length;
  }, 'block_id must be unique within a message');

export type BlocksCheck = { ok: true; blocks: Array<Record<string, unknown> & { type: string }> } | { ok: false; error: string; messages: string[] };

/** Decode a `blocks` argument (JSON string from a form, or an array from a JSON body). */
export function checkBlocks(raw: unknown): BlocksCheck {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, error: 'invalid_blocks_format', messages: ['[ERROR] blocks is not valid JSON'] };
    }
  }
  if (!Array.isArray(value)) return { ok: false, error: 'invalid_blocks_format', messages: ['[ERROR] blocks must be an array'] };
  const parsed = blocksSchema.safeParse(value);
  if (!parsed.success) {
    const messages = parsed.error.issues.map((i) => `[ERROR] ${i.message} [json-pointer:/blocks/${i.path.join('/')}]`);
    return { ok: false, error: 'invalid_blocks', messages };
  }
  return { ok: true, blocks: value as Array<Record<string, unknown> & { type: string }> };
}
