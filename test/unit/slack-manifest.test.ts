/**
 * slack/manifest.yaml against the shape of Slack's app manifest schema (slackapi/manifest-schema, v1; the
 * limits as @slack/web-api's Manifest type documents them), and `redactor setup slack` filling it in.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { filledManifest, MANIFEST_FILE, slackSetupText } from '../../setup/slack';
import { runCli } from '../helpers/cli';

const httpsUrl = z.string().regex(/^https:\/\/[^\s]+$/);
const manifestSchema = z.strictObject({
  _metadata: z.strictObject({ major_version: z.literal(1), minor_version: z.number().int().min(0) }).optional(),
  display_information: z.strictObject({
    name: z.string().min(1).max(35),
    description: z.string().max(140).optional(),
    long_description: z.string().min(174).max(4000).optional(),
    background_color: z.string().regex(/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/).optional(),
  }),
  features: z.strictObject({
    bot_user: z.strictObject({ display_name: z.string().min(1).max(80).regex(/^[a-z0-9._-]+$/), always_online: z.boolean().optional() }),
    slash_commands: z
      .array(z.strictObject({ command: z.string().regex(/^\/[a-z0-9_-]{1,31}$/), url: httpsUrl, description: z.string().min(1).max(2000), usage_hint: z.string().max(1000).optional(), should_escape: z.boolean().optional() }))
      .max(50),
  }),
  oauth_config: z.strictObject({ scopes: z.strictObject({ bot: z.array(z.string().regex(/^[a-z_]+(:[a-z_.]+)*$/)).min(1).max(255) }) }),
  settings: z.strictObject({
    interactivity: z.strictObject({ is_enabled: z.boolean(), request_url: httpsUrl.optional(), message_menu_options_url: httpsUrl.optional() }),
    org_deploy_enabled: z.boolean().optional(),
    socket_mode_enabled: z.boolean().optional(),
    token_rotation_enabled: z.boolean().optional(),
  }),
});

test('the filled manifest has Slack\'s manifest shape: scopes, interactivity, slash command, bot user', () => {
  const manifest = manifestSchema.parse(parse(filledManifest('https://redactor.example/')));
  expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: 'https://redactor.example/slack/interactions' });
  expect(manifest.features.slash_commands).toEqual([expect.objectContaining({ command: '/redaction', url: 'https://redactor.example/slack/commands' })]);
  // README's Slack setup: every scope the service calls for.
  expect(manifest.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['chat:write', 'reactions:write', 'users:read', 'usergroups:read', 'commands', 'channels:history', 'groups:history']));
  expect(manifest.features.bot_user.display_name).toBe('pan-redactor');
});

test('the template itself is only SERVICE_URL away from valid', () => {
  const raw = parse(readFileSync(MANIFEST_FILE, 'utf8')) as unknown;
  expect(manifestSchema.safeParse(raw).success).toBe(false); // placeholders are not URLs
  expect(slackSetupText('https://r.example')).not.toContain('SERVICE_URL');
});

test('redactor setup slack prints the manifest and the steps; an http URL is refused', async () => {
  const ok = await runCli(['setup', 'slack', '--url', 'https://redactor.example'], {});
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain('request_url: https://redactor.example/slack/interactions');
  expect(ok.stdout).toContain('Create New App → From a manifest');
  const plain = await runCli(['setup', 'slack', '--url', 'http://redactor.example'], {});
  expect(plain.code).toBe(2);
  expect(plain.stderr).toContain('Slack only calls https request URLs');
});
