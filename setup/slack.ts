// `redactor setup slack`: slack/manifest.yaml with the service's URL, and the steps to create the app from it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const MANIFEST_FILE = resolve(__dirname, '..', 'slack', 'manifest.yaml');

/** The manifest's text with SERVICE_URL replaced (comments kept: they say why each scope is there). */
export function filledManifest(serviceUrl: string, file = MANIFEST_FILE): string {
  return readFileSync(file, 'utf8').replaceAll('SERVICE_URL', serviceUrl.replace(/\/+$/, ''));
}

export function slackSetupText(serviceUrl: string): string {
  return `${filledManifest(serviceUrl)}
# Steps:
# 1. api.slack.com/apps → Create New App → From a manifest → pick the workspace → paste the YAML above.
# 2. Install to Workspace; copy the Bot User OAuth Token (xoxb-…) into SLACK_BOT_TOKEN.
# 3. Basic Information → App Credentials: copy the Signing Secret into SLACK_SIGNING_SECRET.
# 4. Invite the bot to the leads' channel (/invite @pan-redactor) and set SLACK_CHANNEL_ID to its id.
# 5. Set SLACK_LEAD_USER_IDS (or SLACK_LEAD_USERGROUP_ID); usergroups:read is only needed for the latter,
#    groups:history only for a private channel: remove what you do not use before creating the app.
# Slack checks that ${serviceUrl.replace(/\/+$/, '')}/slack/interactions answers when you save the app.
`;
}
