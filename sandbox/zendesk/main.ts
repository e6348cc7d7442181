// Runs the Zendesk emulator on its own: `tsx sandbox/zendesk/main.ts [--port 4010] [--seed 1000]`.
// Seed more data from another process with `new ZendeskControl(url)`.
import { seedTickets } from './seed';
import { startZendeskSandbox } from './server';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const sb = await startZendeskSandbox({ port: Number(arg('port') ?? process.env.SANDBOX_ZENDESK_PORT ?? 4010) });
  const seed = Number(arg('seed') ?? 0);
  if (seed > 0) {
    const r = seedTickets(sb.store, seed, { seed: 1 });
    process.stdout.write(`seeded ${r.ticketCount} tickets, ${r.commentCount} comments, ${r.cards.length} with card numbers\n`);
  }
  process.stdout.write(`Zendesk sandbox ${sb.url}/api/v2  (user ${sb.email}, token ${sb.token}; control ${sb.url}/__control/)\n`);
  const stop = (): void => {
    sb.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
