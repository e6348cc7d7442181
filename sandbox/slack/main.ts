// Runs the Slack sandbox as its own process (demo, manual testing):
//   npx tsx sandbox/slack/main.ts [--port 3999] [--host 127.0.0.1]
// Env: SLACK_SANDBOX_PORT, SLACK_SANDBOX_HOST, SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET.
// Prints one JSON line with url/apiUrl once listening; other processes use `new SlackControl(url)`.
import { startSlackSandbox } from './server';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const port = Number(flag('port') ?? process.env.SLACK_SANDBOX_PORT ?? 0);
  const sandbox = await startSlackSandbox({
    port,
    host: flag('host') ?? process.env.SLACK_SANDBOX_HOST,
    botToken: process.env.SLACK_BOT_TOKEN,
    signingSecret: process.env.SLACK_SIGNING_SECRET,
  });
  process.stdout.write(JSON.stringify({ slackSandbox: { url: sandbox.url, apiUrl: sandbox.apiUrl, pid: process.pid } }) + '\n');
  const stop = () => {
    void sandbox.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`slack sandbox failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
