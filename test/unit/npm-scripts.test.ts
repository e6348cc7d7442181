/** The long-running npm scripts hand signals straight to node, so a stop is graceful (README, "Stopping"). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const scripts = (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

// npm runs a script under `sh -c` and forwards SIGINT/SIGTERM to that shell only: without `exec` the
// signal never reaches node (SIGINT), or the shell dies and leaves node running (SIGTERM). The tsx CLI
// would add a parent of its own that SIGKILLs its child when the child is slow to acknowledge a signal.
test.each(['start', 'worker', 'service'])('npm run %s execs node with the tsx loader', (name) => {
  expect(scripts[name]).toMatch(/^exec node --import tsx \S+\.ts$/);
});
