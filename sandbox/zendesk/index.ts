// Zendesk Support API emulator (subset used by the redactor). See README.md in this folder.
export { startZendeskSandbox, type ZendeskSandbox, type ZendeskSandboxOptions } from './server';
export { ZendeskControl } from './control';
export { seedTickets } from './seed';
export { ZendeskStore, API_USER_ID, DEFAULT_CONFIG } from './store';
export { REDACTION_GLYPH, plainToHtml, htmlToPlain } from './html';
export * from './types';
export { AGENT_USER_ID } from './users';
