// Slack Web API sandbox: in-memory emulator for tests and the local demo.
export { startSlackSandbox, SANDBOX_DEFAULTS, type SlackSandbox, type SlackSandboxOptions } from './server';
export { SlackControl, SlackControlError } from './control';
export { signSlackRequest, slackSignatureHeaders, verifySlackSignature } from './signing';
export { DEFAULT_EMOJI } from './store';
export * from './types';
