// Every Zendesk operation and Slack method the product calls (activities/, client/, cli/), the
// list the contract specs are cut to and the contract test walks. `inDocument: false`: Zendesk
// documents the endpoint on its reference pages, but its OpenAPI document does not list it.
export interface ZendeskOperation {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  inDocument: boolean;
}

const op = (method: ZendeskOperation['method'], path: string, inDocument = true): ZendeskOperation => ({ method, path, inDocument });

export const ZENDESK_OPERATIONS: ZendeskOperation[] = [
  op('get', '/api/v2/tickets'),
  op('post', '/api/v2/tickets'),
  op('get', '/api/v2/tickets/{ticket_id}'),
  op('put', '/api/v2/tickets/{ticket_id}'),
  op('delete', '/api/v2/tickets/{ticket_id}'),
  op('get', '/api/v2/tickets/{ticket_id}/comments'),
  op('put', '/api/v2/comment_redactions/{ticket_comment_id}'),
  op('put', '/api/v2/tickets/{ticket_id}/comments/{ticket_comment_id}/redact'),
  op('put', '/api/v2/tickets/{ticket_id}/comments/{comment_id}/attachments/{attachment_id}/redact'),
  op('post', '/api/v2/tickets/{ticket_id}/merge'),
  op('get', '/api/v2/job_statuses/{job_status_id}'),
  op('get', '/api/v2/incremental/tickets/cursor'),
  op('get', '/api/v2/incremental/ticket_events'),
  op('put', '/api/v2/tickets/{ticket_id}/tags'),
  op('post', '/api/v2/tickets/{ticket_id}/tags'),
  op('delete', '/api/v2/tickets/{ticket_id}/tags'),
  op('put', '/api/v2/chat_redactions/{ticket_id}'),
  op('put', '/api/v2/chat_file_redactions/{ticket_id}'),
  op('get', '/api/v2/ticket_fields'),
  op('post', '/api/v2/ticket_fields'),
  op('get', '/api/v2/ticket_fields/{ticket_field_id}'),
  op('put', '/api/v2/ticket_fields/{ticket_field_id}'),
  op('get', '/api/v2/tickets/{ticket_id}/audits'),
  op('get', '/api/v2/users/{user_id}'),
  op('get', '/api/v2/users/show_many'),
  // Side conversations (Collaboration add-on) have their own reference pages only.
  op('get', '/api/v2/tickets/{ticket_id}/side_conversations', false),
  op('get', '/api/v2/tickets/{ticket_id}/side_conversations/{side_conversation_id}/events', false),
];

export const SLACK_METHODS = [
  'auth.test',
  'chat.postMessage',
  'chat.update',
  'chat.postEphemeral',
  'reactions.add',
  'users.info',
  'usergroups.users.list',
  'conversations.open',
  'conversations.history',
  'conversations.replies',
] as const;
