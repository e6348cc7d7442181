// `redactor setup zendesk`: the objects README's "Zendesk setup" lists, created or updated idempotently.
// Each object carries a marker in its description, so it is found again even after an admin renames it.
import type { Rule, RuleKind, TicketField, Webhook, ZendeskAdmin } from './zendesk-admin';

export const MARKER = (role: string): string => `[pan-redactor:${role}]`;
export const REQUEST_TAG = 'pan_redaction_requested';

/**
 * What the detection trigger sends: the README's body (scan at the edge, SECURITY.md). The comment's text is
 * scanned in memory and never stored; with files attached the workflow reads them. One constant, so a change
 * to the design changes one place (a test holds the emulator's trigger and the README to it).
 */
export const DETECTION_WEBHOOK_BODY: Record<string, string> = {
  ticket_id: '{{ticket.id}}',
  comment_id: '{{ticket.latest_comment.id}}',
  type: 'comment_added',
  comment_text: '{{ticket.latest_comment.value | truncate: 8000}}',
  comment_chars: '{{ticket.latest_comment.value | size}}',
  comment_attachments: '{{ticket.latest_comment.attachments | size}}',
  subject: '{{ticket.title}}',
};

/** What the macro's trigger sends; `attachment_names` reads the "files to redact" field. */
export const requestWebhookBody = (fieldId: number | string): Record<string, string> => ({
  ticket_id: '{{ticket.id}}',
  type: 'redaction_request',
  requested_by: '{{current_user.id}}',
  attachment_names: `{{ticket.ticket_field_${fieldId}}}`,
});

export type Action = 'create' | 'update' | 'unchanged';
export interface PlanStep {
  role: string;
  kind: 'webhook' | 'ticket_field' | RuleKind;
  title: string;
  action: Action;
  id?: string | number;
  /** The properties that differ, for an update. */
  changes?: string[];
}

export interface SetupResult {
  steps: PlanStep[];
  webhookId?: string;
  /** Read back through the API; never printed. */
  signingSecret?: string;
}

const PENDING = '<id once created>';

function withMarker(text: string, role: string): string {
  return `${text} ${MARKER(role)}`;
}
const marked = (role: string) => (o: { description?: string | null }) => (o.description ?? '').includes(MARKER(role));

/** Keys of `desired` whose values differ from `current` (JSON comparison). */
function diff(current: Record<string, unknown>, desired: Record<string, unknown>): string[] {
  return Object.keys(desired).filter((k) => JSON.stringify(current[k] ?? null) !== JSON.stringify(desired[k] ?? null));
}

export function desiredWebhook(serviceUrl: string): Record<string, unknown> {
  return {
    name: 'PAN redactor',
    description: withMarker('Ticket ids to the PAN redactor service (created by redactor setup zendesk).', 'webhook'),
    endpoint: `${serviceUrl.replace(/\/+$/, '')}/webhooks/zendesk`,
    http_method: 'POST',
    request_format: 'json',
    status: 'active',
    subscriptions: ['conditional_ticket_events'],
  };
}

export function desiredField(): Record<string, unknown> {
  return {
    type: 'text',
    title: 'Files to redact',
    description: withMarker('Agents: names of attachments holding card data, comma-separated, for the "Redaction request" macro.', 'files-field'),
    active: true,
    visible_in_portal: false,
    editable_in_portal: false,
    required: false,
  };
}

export function desiredDetectionTrigger(webhookId: string): Record<string, unknown> {
  return {
    title: 'PAN redactor: detect card numbers',
    description: withMarker('Every new comment goes to the PAN redactor for detection (ids only).', 'detection-trigger'),
    active: true,
    // "Ticket is Updated" and a comment is present (public or internal).
    conditions: {
      all: [{ field: 'update_type', operator: 'is', value: 'Change' }],
      any: [
        { field: 'comment_is_public', operator: 'is', value: 'true' },
        { field: 'comment_is_public', operator: 'is', value: 'false' },
      ],
    },
    actions: [{ field: 'notification_webhook', value: [webhookId, JSON.stringify(DETECTION_WEBHOOK_BODY)] }],
  };
}

export function desiredMacro(): Record<string, unknown> {
  return {
    title: 'Redaction request',
    description: withMarker('Asks the leads to redact card data on this ticket (fill "Files to redact" for attachments).', 'request-macro'),
    active: true,
    actions: [{ field: 'current_tags', value: REQUEST_TAG }],
  };
}

export function desiredRequestTrigger(webhookId: string, fieldId: number | string): Record<string, unknown> {
  return {
    title: 'PAN redactor: redaction request',
    description: withMarker(`Sends the "Redaction request" macro's request to the PAN redactor and removes the ${REQUEST_TAG} tag.`, 'request-trigger'),
    active: true,
    conditions: { all: [{ field: 'current_tags', operator: 'includes', value: REQUEST_TAG }], any: [] },
    actions: [
      { field: 'remove_tags', value: REQUEST_TAG },
      { field: 'notification_webhook', value: [webhookId, JSON.stringify(requestWebhookBody(fieldId))] },
    ],
  };
}

/**
 * Plans (dryRun) or applies the setup. Order matters: the webhook and the field first, whose ids the
 * triggers carry. A second run finds every object by its marker and changes nothing.
 */
export async function setupZendesk(admin: ZendeskAdmin, opts: { serviceUrl: string; dryRun: boolean }): Promise<SetupResult> {
  const steps: PlanStep[] = [];
  const [webhooks, fields, triggers, macros] = await Promise.all([admin.listWebhooks(), admin.listTicketFields(), admin.listRules('trigger'), admin.listRules('macro')]);

  // Webhook. Its method and subscriptions cannot change after creation, so they are only compared.
  const wantHook = desiredWebhook(opts.serviceUrl);
  const hook = webhooks.find(marked('webhook'));
  let webhookId: string | undefined = hook?.id;
  if (!hook) {
    steps.push({ role: 'webhook', kind: 'webhook', title: String(wantHook.name), action: 'create' });
    if (!opts.dryRun) webhookId = (await admin.createWebhook(wantHook)).id;
  } else {
    const changes = diff(hook as Webhook & Record<string, unknown>, wantHook);
    steps.push({ role: 'webhook', kind: 'webhook', title: hook.name, action: changes.length ? 'update' : 'unchanged', id: hook.id, ...(changes.length ? { changes } : {}) });
    if (changes.length && !opts.dryRun) {
      const { http_method: _m, subscriptions: _s, ...updatable } = wantHook;
      await admin.updateWebhook(hook.id, { ...updatable, http_method: hook.http_method });
    }
  }

  // The "files to redact" field.
  const wantField = desiredField();
  const field = fields.find(marked('files-field'));
  let fieldId: number | undefined = field?.id;
  if (!field) {
    steps.push({ role: 'files-field', kind: 'ticket_field', title: String(wantField.title), action: 'create' });
    if (!opts.dryRun) fieldId = (await admin.createTicketField(wantField)).id;
  } else {
    const { type: _t, ...updatable } = wantField; // a field's type cannot change
    const changes = diff(field as TicketField & Record<string, unknown>, updatable);
    steps.push({ role: 'files-field', kind: 'ticket_field', title: field.title, action: changes.length ? 'update' : 'unchanged', id: field.id, ...(changes.length ? { changes } : {}) });
    if (changes.length && !opts.dryRun) await admin.updateTicketField(field.id, updatable);
  }

  const hookRef = webhookId ?? PENDING;
  const fieldRef = fieldId ?? PENDING;
  const rules: [RuleKind, string, Record<string, unknown>, Rule[]][] = [
    ['trigger', 'detection-trigger', desiredDetectionTrigger(hookRef), triggers],
    ['macro', 'request-macro', desiredMacro(), macros],
    ['trigger', 'request-trigger', desiredRequestTrigger(hookRef, fieldRef), triggers],
  ];
  for (const [kind, role, want, existing] of rules) {
    const current = existing.find(marked(role));
    if (!current) {
      steps.push({ role, kind, title: String(want.title), action: 'create' });
      if (!opts.dryRun) await admin.createRule(kind, want);
      continue;
    }
    const comparable = { ...current, conditions: current.conditions ? { all: current.conditions.all ?? [], any: current.conditions.any ?? [] } : undefined };
    const changes = diff(comparable, want);
    steps.push({ role, kind, title: current.title, action: changes.length ? 'update' : 'unchanged', id: current.id, ...(changes.length ? { changes } : {}) });
    if (changes.length && !opts.dryRun) await admin.updateRule(kind, current.id, want);
  }

  const signingSecret = webhookId && !opts.dryRun ? await admin.signingSecret(webhookId) : undefined;
  return { steps, webhookId, signingSecret };
}

export function describePlan(steps: PlanStep[], dryRun: boolean): string {
  const verb = (a: Action) => (dryRun ? { create: 'would create', update: 'would update', unchanged: 'unchanged' } : { create: 'created', update: 'updated', unchanged: 'unchanged' })[a];
  return steps
    .map((s) => `  ${verb(s.action).padEnd(12)} ${s.kind.padEnd(12)} "${s.title}"${s.id !== undefined ? ` (id ${s.id})` : ''}${s.changes ? `: ${s.changes.join(', ')}` : ''}`)
    .join('\n');
}
